package sparkgru.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.errors.InvalidInputException;

/** Outputs that are the same path, lie inside one another or inside an input; no Spark. */
class OutputPathsTest {
  private static final Configuration CONF = new Configuration();

  private static OutputPaths.Location at(String name, String path) {
    return new OutputPaths.Location(name, new Path(path));
  }

  @Test
  void withinIsEqualOrInsideNeverASiblingWithTheSamePrefix() {
    assertTrue(OutputPaths.within(new Path("file:/a/b"), new Path("file:/a/b")));
    assertTrue(OutputPaths.within(new Path("file:/a/b/c/d"), new Path("file:/a/b")));
    assertTrue(OutputPaths.within(new Path("file:/a"), new Path("file:/")));
    assertFalse(OutputPaths.within(new Path("file:/a/b"), new Path("file:/a/b/c")));
    assertFalse(OutputPaths.within(new Path("file:/a/bc"), new Path("file:/a/b")));
    assertFalse(OutputPaths.within(new Path("hdfs://nn/a/b"), new Path("file:/a")));
  }

  @Test
  void spellingsOfOnePathQualifyToOnePath() {
    String cwd = System.getProperty("user.dir");
    Path plain = OutputPaths.at("a", "out/m.sgru", CONF).get(0).path();
    assertEquals(plain, OutputPaths.at("b", "./out/m.sgru", CONF).get(0).path());
    assertEquals(plain, OutputPaths.at("c", "file:" + cwd + "/out/m.sgru", CONF).get(0).path());
    assertEquals(plain, OutputPaths.at("d", cwd + "/out/x/../m.sgru", CONF).get(0).path());
    assertEquals(List.of(), OutputPaths.at("e", "nosuchscheme://host/m.sgru", CONF));
    assertEquals(List.of(), OutputPaths.input("f", "nosuchscheme://host/*.csv", CONF));
  }

  @Test
  void twoOutputsOnOnePathOrOneInsideTheOtherAreRefused() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireSeparate(List.of(
        at("output.model", "file:/r/m.sgru"), at("output.metrics", "file:/r/metrics.jsonl"),
        at("output.report", "file:/r/m.sgru"))));
    assertEquals("output.model and output.report are the same path, file:/r/m.sgru; give each output a path of its "
        + "own", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireSeparate(List.of(
        at("output.model", "file:/r/ck/m.sgru"), at("checkpoint.path", "file:/r/ck"))));
    assertEquals("output.model file:/r/ck/m.sgru lies inside checkpoint.path file:/r/ck; give each output a path of "
        + "its own", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireSeparate(List.of(
        at("checkpoint.path", "file:/r/ck"), at("output.metrics", "file:/r/ck/sub/metrics.jsonl"))));
    assertEquals("output.metrics file:/r/ck/sub/metrics.jsonl lies inside checkpoint.path file:/r/ck; give each "
        + "output a path of its own", e.getMessage());
    OutputPaths.requireSeparate(List.of(at("output.model", "file:/r/m.sgru"), at("checkpoint.path", "file:/r/m"),
        at("output.metrics", "file:/r/m.sgru.jsonl")));
  }

  @Test
  void anOutputOnOrInsideAnInputIsRefused() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireOutside(
        List.of(at("--output", "file:/r/h.csv")), List.of(at("--model", "file:/r/m.sgru"),
            at("--input", "file:/r/h.csv"))));
    assertEquals("--output and --input are the same path, file:/r/h.csv; write outputs outside what the run reads",
        e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireOutside(
        List.of(at("output.model", "file:/r/m.sgru"), at("output.metrics", "file:/r/data/metrics.jsonl")),
        List.of(at("data.path", "file:/r/data"))));
    assertEquals("output.metrics file:/r/data/metrics.jsonl lies inside data.path file:/r/data; write outputs "
        + "outside what the run reads", e.getMessage());
    OutputPaths.requireOutside(List.of(at("--output", "file:/r/out")), List.of(at("--input", "file:/r/data")));
  }

  @Test
  void symbolicLinksAreResolvedBeforePathsAreCompared(@TempDir java.nio.file.Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/2024-06.csv"), "x\n");
    Files.createSymbolicLink(dir.resolve("latest.csv"), dir.resolve("data/2024-06.csv"));
    Files.createSymbolicLink(dir.resolve("current"), dir.resolve("data"));
    Path real = new Path(dir.toRealPath().toUri());
    OutputPaths.Location link = OutputPaths.input("--input", dir.resolve("latest.csv").toString(), CONF).get(0);
    assertEquals(new Path(new Path(dir.toUri()), "latest.csv"), link.path(), "messages name the path as given");
    assertEquals(new Path(real, "data/2024-06.csv"), link.real());
    assertEquals(new Path(real, "data/new/m.sgru"), OutputPaths.at("m", dir.resolve("current/new/m.sgru").toString(),
        CONF).get(0).real(), "a path not there yet, below a link");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireOutside(
        OutputPaths.at("--output", dir.resolve("data/2024-06.csv").toString(), CONF), List.of(link)));
    assertEquals("--output and --input are the same file, " + new Path(new Path(dir.toUri()), "data/2024-06.csv")
        + " and " + link.path() + " (through symbolic links: " + link.real() + ")"
        + "; write outputs outside what the run reads", e.getMessage());
  }

  @Test
  void anInputIsItselfOrForAGlobItsMatchesDirectories(@TempDir java.nio.file.Path temp) throws Exception {
    java.nio.file.Path dir = temp.toRealPath();
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("a/1.csv"), "x\n");
    Files.writeString(dir.resolve("b/2.csv"), "x\n");
    Path root = new Path(dir.toUri());
    assertEquals(List.of(new OutputPaths.Location("data.path", new Path(root, "a"))),
        OutputPaths.input("data.path", dir.resolve("a").toString(), CONF));
    assertEquals(List.of(new OutputPaths.Location("data.path", new Path(root, "a/1.csv"))),
        OutputPaths.input("data.path", dir.resolve("a/1.csv").toString(), CONF));
    assertEquals(List.of(new OutputPaths.Location("data.path's directory", new Path(root, "a")),
        new OutputPaths.Location("data.path's directory", new Path(root, "b"))),
        OutputPaths.input("data.path", dir + "/*/*.csv", CONF));
    assertEquals(List.of(), OutputPaths.input("data.path", dir + "/*/*.parquet", CONF));
  }
}
