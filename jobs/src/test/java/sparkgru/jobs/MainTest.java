package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: the tutorial runs and prints its epochs; bad usage exits non-zero with a message. */
class MainTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void tutorialPrintsEveryEpochAndTheShapes() {
    String[] r = run("tutorial", "--seed", "7");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("Epoch 10/10 - loss: "), r[1]);
    assertTrue(r[1].contains("final_state shape: [5, 50]"), r[1]);
  }

  @Test
  void unknownCommandsAndMissingCommandsFail() {
    String[] unknown = run("trian");
    assertNotEquals("0", unknown[0]);
    assertTrue(unknown[2].contains("Unmatched argument at index 0: 'trian'"), unknown[2]);
    String[] none = run();
    assertNotEquals("0", none[0]);
    assertTrue(none[2].contains("missing command: choose one of [tutorial, train, forecast, evaluate, predict, export, config]"), none[2]);
    String[] badSeed = run("tutorial", "--seed", "abc");
    assertNotEquals("0", badSeed[0]);
    assertTrue(badSeed[2].contains("Invalid value for option '--seed': 'abc' is not a long"), badSeed[2]);
  }

  @Test
  void trainRejectsBadConfigurationBeforeStartingSpark(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String[] typo = run("train", "--set", "train.epoks=3");
    assertEquals("2", typo[0]);
    assertTrue(typo[2].contains("spark-gru: error: unknown key 'train.epoks'; did you mean 'train.epochs'?"), typo[2]);
    String[] missing = run("train", "--config", "/nonexistent/demo.conf", "--set", "output.model="
        + dir.resolve("model.sgru").toUri(), "--set", "output.metrics=" + dir.resolve("m.jsonl").toUri());
    assertEquals("2", missing[0]);
    assertEquals("spark-gru: error: configuration file /nonexistent/demo.conf does not exist"
        + System.lineSeparator(), missing[2]);
    NoPartialOutput.assertOnly(dir, java.util.List.of(), "train --config /nonexistent/demo.conf");
  }

  @Test
  void forecastAndEvaluateNameAMissingOrForeignModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String[] none = run("forecast", "--output", "x.csv");
    assertEquals("2", none[0]);
    assertTrue(none[2].contains("Missing required option: '--model=PATH'"), none[2]);
    assertTrue(java.nio.file.Files.notExists(java.nio.file.Path.of("x.csv")), "nothing written");
    String[] missing = run("evaluate", "--model", "/nonexistent/model.sgru", "--report", dir.resolve("r.json")
        .toString(), "--plot", dir.resolve("r.png").toString());
    assertEquals("2", missing[0]);
    assertEquals("spark-gru: error: model /nonexistent/model.sgru does not exist (or is a directory); train one "
        + "with bin/spark-gru train" + System.lineSeparator(), missing[2]);
    NoPartialOutput.assertOnly(dir, java.util.List.of(), "evaluate --model /nonexistent/model.sgru");
    java.nio.file.Path text = dir.resolve("notes.txt");
    java.nio.file.Files.writeString(text, "not a model");
    String[] foreign = run("forecast", "--model", text.toString(), "--output", dir.resolve("f.csv").toString());
    assertEquals("2", foreign[0]);
    assertEquals("spark-gru: error: " + text + " is not a spark-gru model file (no SPARKGRU signature)"
        + System.lineSeparator(), foreign[2]);
    NoPartialOutput.assertOnly(dir, java.util.List.of("notes.txt"), "forecast --model notes.txt");
  }

  @Test
  void exportWritesAKerasFileWithTheSameWeights(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    sparkgru.engine.model.ModelSpec spec = new sparkgru.engine.model.ModelSpec(-1, 2, java.util.List.of(
        sparkgru.engine.model.LayerSpec.of("gru", "units", "3"), sparkgru.engine.model.LayerSpec.of("dense", "units",
            "1")));
    sparkgru.engine.model.Sequential model = spec.build(3);
    java.nio.file.Path own = dir.resolve("m.sgru");
    java.nio.file.Files.write(own, sparkgru.engine.model.ModelFile.write(spec, model,
        sparkgru.engine.model.Provenance.NONE));
    String[] ok = run("export", "--model", own.toString(), "--output", dir.resolve("m.keras").toString());
    assertEquals("0", ok[0], ok[2]);
    assertTrue(ok[1].contains("exported " + own + " to " + dir.resolve("m.keras")), ok[1]);
    org.junit.jupiter.api.Assertions.assertArrayEquals(model.parameters().toArray(),
        sparkgru.engine.keras.KerasImporter.read(java.nio.file.Files.readAllBytes(dir.resolve("m.keras")), "m.keras")
            .model().parameters().toArray(), 0f);
    String[] bad = run("export", "--model", own.toString(), "--output", dir.resolve("m.h5").toString());
    assertEquals("2", bad[0]);
    assertEquals("spark-gru: error: --output must end in .keras (Keras loads archives by that name), got "
        + dir.resolve("m.h5") + System.lineSeparator(), bad[2]);
    NoPartialOutput.assertOnly(dir, java.util.List.of("m.sgru", "m.keras"), "export --output m.h5");
  }

  @Test
  void theEntryClassLoadsOnJava8AndNamesTheJavaItFoundAndNeeds() throws Exception {
    try (var in = MainTest.class.getResourceAsStream("/sparkgru/jobs/Main.class")) {
      byte[] head = in.readNBytes(8);
      assertEquals(52, ((head[6] & 0xff) << 8) | (head[7] & 0xff), "class file version of Main (52 = Java 8)");
    }
    assertEquals(8, Main.feature("1.8"));
    assertEquals(11, Main.feature("11"));
    assertEquals(17, Main.feature("17"));
    assertEquals(21, Main.feature("21-ea"));
    assertEquals(0, Main.feature(""));
    assertEquals("spark-gru: error: this JVM is Java 11 (/usr/lib/jvm/java-11), and spark-gru needs Java 17 or "
        + "newer; run it with Java 17 (JAVA_HOME for spark-submit and bin/spark-gru; spark.executorEnv.JAVA_HOME "
        + "for the executors and, on YARN, spark.yarn.appMasterEnv.JAVA_HOME for the application master)",
        Main.tooOld("11", "/usr/lib/jvm/java-11"));
  }

  @Test
  void theExecutorsJavaIsReadWithoutLoadingSparkGruClasses() {
    // The local session's executor is this JVM: Java 17 or newer passes.
    JobSession.requireExecutorJava(SparkTestSession.get());
    assertEquals("the executors run Java 11, and spark-gru needs Java 17 or newer on them too; give them a Java 17 "
        + "with spark.executorEnv.JAVA_HOME=<its home> (on YARN in cluster mode also "
        + "spark.yarn.appMasterEnv.JAVA_HOME)", JobSession.olderExecutors("11"));
  }

  @Test
  void aCommandInASparkItDidNotStartLeavesItRunningAndMainThenNeitherExitsNorHidesAFailure(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    org.apache.spark.sql.SparkSession host = SparkTestSession.get();
    String[] train = {"train", "--set", "data.source=demo", "--set", "demo.sequences=20", "--set", "demo.steps=12",
        "--set", "train.epochs=1", "--set", "model.layers=gru,dense", "--set", "model.layer.0.units=2",
        "--set", "model.layer.1.units=1", "--set", "output.progress=false",
        "--set", "output.model=" + dir.resolve("m.sgru").toUri(),
        "--set", "output.metrics=" + dir.resolve("m.jsonl").toUri()};
    assertEquals(0, Cli.run(train));
    assertFalse(host.sparkContext().isStopped(), "the host's Spark goes on after the command");
    assertTrue(JobSession.ranInHostedSpark());
    // In a host's Spark, main returns on success (no System.exit, which would end this test JVM)...
    String[] again = java.util.Arrays.copyOf(train, train.length + 2);
    again[train.length] = "--set";
    again[train.length + 1] = "output.model=" + dir.resolve("again.sgru").toUri();
    Cli.main(again);
    // ...and throws on failure.
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Cli.main(new String[] {"train", "--set", "train.epochs=0"}));
    assertEquals("spark-gru exited with status 2; its message is above", e.getMessage());
  }
}
