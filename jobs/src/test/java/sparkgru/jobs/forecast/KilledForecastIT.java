package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.StandaloneCluster;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * The forecast command in its own JVM, killed with SIGKILL at moments spread over its write (from
 * the appearance of its hidden staging directory beside the output path to the line reporting the
 * output written, as long as that took an undisturbed run):
 * after every kill the output path does not exist or holds exactly the undisturbed run's output,
 * for a CSV file and a Parquet directory. At least one kill must land before the output is in
 * place; until one does, kills are retried at other moments, up to {@link #MAX_KILLS}. The hidden
 * staging directories that killed runs leave beside the path do not stop a later run from writing
 * the same output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledForecastIT {
  private static final int KILLS = 3;
  private static final int MAX_KILLS = 9;

  @TempDir
  static Path dir;
  private Path model;
  private final List<Process> started = new ArrayList<>();

  /** Kills whatever forecast JVM a failed assertion left running. */
  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    started.clear();
  }

  @BeforeAll
  void trainAModel() {
    model = dir.resolve("model.sgru");
    TrainJob.run(SparkTestSession.get(), JobConfig.of("data.source=demo", "data.format=long", "demo.sequences=20",
        "demo.steps=200", "window.lookback=24", "window.horizon=12", "model.layer.0.units=8", "train.epochs=1",
        "train.partitions=2", "output.model=" + model.toUri(), "output.metrics=" + dir.resolve("m.jsonl").toUri()),
        new PrintWriter(new StringWriter()));
  }

  @Test
  void aKilledCsvForecastLeavesNoPartialFile() throws Exception {
    killDuringTheWrite("forecast.csv");
  }

  @Test
  void aKilledParquetForecastLeavesNoPartialDirectory() throws Exception {
    killDuringTheWrite("forecast");
  }

  private void killDuringTheWrite(String name) throws Exception {
    Path reference = Files.createDirectories(dir.resolve("reference")).resolve(name);
    Run undisturbed = start(reference);
    long staged = awaitStaging(reference, undisturbed, 0);
    assertTrue(undisturbed.process.waitFor(5, TimeUnit.MINUTES), "the undisturbed forecast finished");
    assertEquals(0, undisturbed.process.exitValue(), undisturbed.output());
    long writing = undisturbed.written - staged;
    List<String> expected = contents(reference);

    Path target = Files.createDirectories(dir.resolve("killed")).resolve(name);
    int duringWrite = 0;
    int complete = 0;
    int k = 0;
    for (; k < KILLS || duringWrite == 0 && k < MAX_KILLS; k++) {
      int stagingBefore = staging(target).size();
      Run run = start(target);
      // Kills spread from the moment Spark creates the staging directory to the moment the run
      // reported its output in place, as long as that took the undisturbed run.
      long start = awaitStaging(target, run, stagingBefore);
      TimeUnit.NANOSECONDS.sleep(Math.max(0, start + (long) (writing * moment(k)) - System.nanoTime()));
      run.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      run.process.destroyForcibly();
      assertTrue(run.process.waitFor(30, TimeUnit.SECONDS), "the forecast died");
      if (Files.exists(target)) {
        assertEquals(expected, contents(target), "kill " + k + ": the output at the path is the whole output");
        complete++;
        deleteTree(target);
      } else {
        assertEquals(0, run.written, "kill " + k + ": the run reported its output written, but there is none");
        duringWrite++;
      }
    }
    System.out.println("KilledForecastIT " + name + ": " + expected.size() + " rows, undisturbed write " + writing
        / 1_000_000 + " ms; of " + k + " kills " + duringWrite + " found no output (killed mid-write), "
        + complete + " the whole output");
    assertTrue(duringWrite > 0, "none of " + k + " kills landed before the output was in place, so the write's "
        + "atomicity went untested");
    assertTrue(staging(target).size() >= duringWrite, "every kill mid-write left its staging directory beside");

    Run again = start(target);
    assertTrue(again.process.waitFor(5, TimeUnit.MINUTES), "the forecast beside the leftovers finished");
    assertEquals(0, again.process.exitValue(), again.output());
    assertEquals(expected, contents(target), "the run after the kills writes the same output");
  }

  /**
   * When kill {@code k} comes, as a fraction of the undisturbed write: the first {@link #KILLS} evenly spread, later
   * ones along the golden-ratio sequence, which never repeats a moment.
   */
  static double moment(int k) {
    if (k < KILLS) {
      return (2 * k + 1) / (2.0 * KILLS);
    }
    double m = (k - KILLS + 1) * 0.6180339887498949;
    return m - Math.floor(m);
  }

  /**
   * Waits until a staging directory beyond the {@code before} already there appears beside
   * {@code output}; returns when (System.nanoTime).
   */
  private static long awaitStaging(Path output, Run run, int before) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (staging(output).size() <= before) {
      assertTrue(run.process.isAlive(), "the forecast ended before writing: " + run.output());
      assertTrue(System.nanoTime() < deadline, "the forecast did not start writing in 3 minutes");
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return System.nanoTime();
  }

  /** A forecast JVM and when it reported its output written (System.nanoTime, 0 = not yet). */
  private static final class Run {
    final Process process;
    final StringBuilder lines = new StringBuilder();
    volatile long written;

    Run(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("forecast ") && line.contains(" written to ")) {
              written = System.nanoTime();
            }
            synchronized (lines) {
              lines.append(line).append('\n');
            }
          }
        } catch (IOException e) {
          // The process was killed: its output ends here.
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    String output() {
      synchronized (lines) {
        return StandaloneCluster.tail(lines.toString());
      }
    }
  }

  /** Starts {@code spark-gru forecast --backtest} of 600 demo series (about 200,000 rows) into {@code output}. */
  private Run start(Path output) throws IOException {
    Files.createDirectories(output.getParent());
    List<String> cmd = new ArrayList<>(StandaloneCluster.java());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "sparkgru.jobs.Main", "forecast", "--model", model.toUri().toString(), "--backtest",
        "--output", output.toUri().toString(), "--set", "demo.sequences=600", "--set", "spark.master=local[2]"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    started.add(p);
    return new Run(p);
  }

  /** The hidden staging directories beside {@code output}. */
  private static List<Path> staging(Path output) throws IOException {
    String prefix = "." + output.getFileName() + ".";
    try (var files = Files.list(output.getParent())) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)
          && p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  /** A CSV file's lines, or a Parquet directory's rows (sorted, as text). */
  private static List<String> contents(Path output) {
    if (Files.isRegularFile(output)) {
      try {
        return Files.readAllLines(output);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return SparkTestSession.get().read().parquet(output.toUri().toString()).collectAsList().stream()
        .map(Object::toString).sorted().toList();
  }

  private static void deleteTree(Path p) throws IOException {
    try (var files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
