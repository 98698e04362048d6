package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.Scaler;

/**
 * The log configuration of bin/spark-gru (conf/log4j2.properties) on the embedded default master:
 * a data error found in a Spark task reaches the terminal as the one {@code spark-gru: error:}
 * line and a line naming the log file, and Spark's warnings and errors, with the task's stack
 * trace, go to that file, spark-gru-&lt;user&gt;.log in the JVM's temporary directory. {@link Main} runs in a JVM of its own,
 * started as the launcher starts it.
 */
class LauncherLogTest {
  /** What the JVM writes to standard error before Spark starts, on every run: its note on the
   * Vector API and the engine's Java-logging record of the kernels it loaded. */
  private static final Pattern START_UP = Pattern.compile("WARNING: Using incubator modules: jdk\\.incubator\\.vector"
      + "|\\w{3} \\d{1,2}, \\d{4} .* sparkgru\\.engine\\.linalg\\.VectorKernels\\$Loader load|INFO: kernels: .*");

  @TempDir
  Path dir;

  /** Exit status and standard error (without the start-up lines) of Main run as bin/spark-gru runs it. */
  private record Run(int status, List<String> lines, String stderr) {}

  /** Runs {@link Main} with {@code args} in a JVM of its own, its temporary directory {@code tmp}. */
  private Run main(Path tmp, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(StandaloneCluster.java());
    cmd.addAll(List.of("-Dlog4j2.configurationFile=" + Path.of("..", "conf", "log4j2.properties").toAbsolutePath(),
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process main = pb.start();
    boolean done = main.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      main.destroyForcibly();
    }
    String stderr = Files.readString(dir.resolve("stderr"));
    assertTrue(done, "the run did not finish in 5 minutes:\n" + stderr);
    return new Run(main.exitValue(), stderr.lines().filter(l -> !START_UP.matcher(l).matches()).toList(), stderr);
  }

  @Test
  void aDataErrorOnAnExecutorPrintsItsLineAndTheLogFileWhereTheStackTraceGoes() throws Exception {
    ExecutorErrorsTest.writeDuplicateStepCsv(dir.resolve("data.csv"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> args = new ArrayList<>(List.of("train"));
    for (String set : List.of("data.source=csv", "data.path=" + dir.resolve("data.csv"), "data.id_column=seq",
        "data.step_column=t", "data.feature_columns=x0,x1", "data.target_columns=y", "model.layers=gru,dense",
        "model.layer.0.units=4", "model.layer.1.units=1", "train.epochs=1", "output.model="
            + dir.resolve("out/model.sgru"), "output.metrics=" + dir.resolve("out/metrics.jsonl"))) {
      args.add("--set");
      args.add(set);
    }
    Run run = main(tmp, args);
    String stderr = run.stderr();
    assertEquals(2, run.status(), stderr);
    List<String> lines = run.lines();
    String message = "sequence id0: duplicate step 0; steps must run 0, 1, ..., T-1";
    Path logFile = tmp.resolve("spark-gru-" + System.getProperty("user.name") + ".log");
    assertEquals(List.of("spark-gru: error: " + message, "spark-gru: Spark's report of the failed task is in the log: "
        + logFile), lines, stderr);
    assertTrue(Files.notExists(dir.resolve("out/model.sgru")), "no model is written");
    assertTrue(Files.notExists(dir.resolve("out/metrics.jsonl")), "no metrics are written");

    assertTrue(Files.exists(logFile), "no log file " + logFile);
    String log = Files.readString(logFile);
    int executor = log.indexOf(" ERROR Executor: Exception in task ");
    assertTrue(executor >= 0, StandaloneCluster.tail(log));
    int thrown = log.indexOf("sparkgru.engine.errors.InvalidInputException: " + message, executor);
    assertTrue(thrown > executor, StandaloneCluster.tail(log));
    assertTrue(Pattern.compile("\\n\\s+at sparkgru\\.").matcher(log.substring(thrown)).find(),
        "the task's stack trace is in the log:\n" + StandaloneCluster.tail(log));
    assertTrue(log.contains(" WARN TaskSetManager: Lost task "), StandaloneCluster.tail(log));
  }

  /**
   * A data error in one task of a forecasting job while others still run: Spark stops only once
   * they end, so no thread pool of a stopped Spark rejects their last steps with a stack trace on
   * standard error.
   */
  @Test
  void aFailedForecastingJobStopsSparkQuietly() throws Exception {
    StringBuilder csv = new StringBuilder("id,t,v,h\n");
    java.time.LocalDateTime start = java.time.LocalDateTime.of(2024, 1, 1, 0, 0);
    for (int s = 0; s < 200; s++) {
      for (int t = 0; t < 120; t++) {
        String row = "s" + s + "," + start.plusHours(t).toString().replace('T', ' ') + ":00," + (10 + s % 7
            + Math.sin(t / 4.0)) + "," + Math.sin(2 * Math.PI * t / 24) + "\n";
        csv.append(row);
        if (s == 137 && t == 60) {
          csv.append(row);
        }
      }
    }
    Files.writeString(dir.resolve("data.csv"), csv);
    ModelSpec spec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "64"), LayerSpec.of("dense", "units",
        "24")));
    JobConfig config = JobConfig.of("data.source=csv", "data.format=long", "data.series_column=id",
        "data.time_column=t", "data.feature_columns=v,h", "data.target_columns=v", "data.path=" + dir.resolve("data.csv"),
        "window.lookback=48", "window.horizon=24", "split.train=0.7", "split.validation=0.1", "split.test=0.2");
    Provenance provenance = Provenance.fromJson(Map.of("config", config.effectiveValues(), "scaling",
        Scaler.unfitted("none", "global", List.of("v", "h")).toJson()));
    Files.write(dir.resolve("model.sgru"), ModelFile.write(spec, spec.build(1), provenance));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    for (int attempt = 0; attempt < 3; attempt++) {
      Run run = main(tmp, List.of("evaluate", "--model", dir.resolve("model.sgru").toString()));
      assertEquals(2, run.status(), run.stderr());
      assertEquals(List.of("spark-gru: error: series s137 has two rows at time 2024-01-03 12:00:00; each series needs one row per "
          + "time",
          "spark-gru: Spark's report of the failed task is in the log: " + tmp.resolve("spark-gru-"
              + System.getProperty("user.name") + ".log")), run.lines(), run.stderr());
    }
  }
}
