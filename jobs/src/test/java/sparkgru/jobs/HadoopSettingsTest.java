package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.io.SchemeFileSystem;

/**
 * {@code spark.hadoop.*} settings (spark-submit's {@code --conf}, here system properties) reach the
 * driver's own reads, those made before Spark starts included: a configuration file and a model
 * read through a file system scheme that only {@code spark.hadoop.fs.sgrutest.impl} registers fail
 * without the setting and are read with it.
 */
class HadoopSettingsTest {
  /** The scheme's file system, and no caching of it, so that each run finds it anew through the settings. */
  private static final Map<String, String> SCHEME = Map.of(
      "spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl", SchemeFileSystem.class.getName(),
      "spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl.disable.cache", "true");

  @TempDir
  Path dir;

  /** Commands join a running session and read its Hadoop configuration: none may run from an earlier test. */
  @BeforeEach
  void noSession() {
    scala.Option<SparkSession> running = SparkSession.getDefaultSession();
    if (running.isDefined()) {
      running.get().stop();
    }
  }

  private static String[] runWith(Map<String, String> settings, String... args) {
    settings.forEach(System::setProperty);
    try {
      return BadCommandLinesTest.run(args);
    } finally {
      settings.keySet().forEach(System::clearProperty);
    }
  }

  private String viaScheme(Path file) {
    return SchemeFileSystem.SCHEME + "://" + file.toAbsolutePath().toUri().getPath();
  }

  private Path model() throws Exception {
    ModelSpec spec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "3"), LayerSpec.of("dense", "units",
        "1")));
    return Files.write(dir.resolve("m.sgru"), ModelFile.write(spec, spec.build(3), Provenance.NONE));
  }

  @Test
  void aConfigurationFileIsReadThroughTheSchemeOnlyWithTheSetting() throws Exception {
    String conf = viaScheme(Files.writeString(dir.resolve("x.conf"), "train.epoks = 3\n"));
    String[] without = runWith(Map.of(), "train", "--config", conf);
    assertEquals("2", without[0], without[2]);
    assertEquals("spark-gru: error: cannot read configuration file " + conf + ": No FileSystem for scheme \""
        + SchemeFileSystem.SCHEME + "\"" + System.lineSeparator(), without[2]);
    String[] with = runWith(SCHEME, "train", "--config", conf);
    assertEquals("2", with[0], with[2]);
    assertEquals("spark-gru: error: " + conf + ": unknown key 'train.epoks'; did you mean 'train.epochs'?; see "
        + "conf/demo.conf for every key" + System.lineSeparator(), with[2], "the file was read: its key is named");
  }

  @Test
  void aModelIsExportedThroughTheSchemeOnlyWithTheSetting() throws Exception {
    String model = viaScheme(model());
    Path keras = dir.resolve("out/m.keras");
    String[] without = runWith(Map.of(), "export", "--model", model, "--output", keras.toString());
    assertEquals("2", without[0], without[2]);
    assertEquals("spark-gru: error: cannot read model " + model + ": No FileSystem for scheme \""
        + SchemeFileSystem.SCHEME + "\"" + System.lineSeparator(), without[2]);
    String[] with = runWith(SCHEME, "export", "--model", model, "--output", keras.toString());
    assertEquals("0", with[0], with[2]);
    assertTrue(Files.size(keras) > 0);
  }

  @Test
  void predictReadsItsModelThroughTheSessionsHadoopConfiguration() throws Exception {
    String model = viaScheme(model());
    Path input = Files.writeString(dir.resolve("in.csv"), "sequence_id,step,x0,x1\na,0,1.0,2.0\na,1,0.5,0.1\n");
    Path output = dir.resolve("out/p.csv");
    String[] with = runWith(SCHEME, "predict", "--model", model, "--input", input.toString(), "--output",
        output.toString());
    assertEquals("0", with[0], with[2]);
    assertEquals(2, Files.readAllLines(output).size(), "a header and sequence a");
  }
}
