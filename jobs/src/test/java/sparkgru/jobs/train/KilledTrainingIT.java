package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.StandaloneCluster;
import sparkgru.jobs.config.JobConfig;

/**
 * SIGKILL on a real multi-JVM standalone cluster on loopback ({@link StandaloneCluster}): an
 * executor killed in the middle of an epoch, and the driver killed between two checkpoints and
 * resumed. Either way the model ends with exactly the weights of an undisturbed run of the same
 * configuration (computed on local Spark, which {@code StandaloneClusterIT} shows equals the
 * cluster's). The kill moments follow the run's progress: the metrics file's epoch lines, the
 * checkpoint files, and the driver's log of the tasks it started and saw finish.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledTrainingIT {
  private static final int EPOCHS = 3;

  @TempDir
  static Path dir;
  private StandaloneCluster cluster;
  private float[] undisturbed;

  /** Two rounds per epoch of five mini-batches per partition: a round's task runs long enough to be killed. */
  private List<String> settings() {
    return List.of("data.source=demo", "demo.sequences=600", "demo.steps=24", "data.validation_fraction=0",
        "train.partitions=2", "train.epochs=" + EPOCHS, "train.batch_size=32", "train.averaging_frequency=5",
        "model.layers=gru,dense", "model.layer.0.units=32", "model.layer.1.units=1");
  }

  @BeforeAll
  void startClusterAndTrainUndisturbed() throws Exception {
    List<String> local = new ArrayList<>(settings());
    local.add("output.model=" + dir.resolve("undisturbed.sgru").toUri());
    local.add("output.metrics=" + dir.resolve("undisturbed.jsonl").toUri());
    TrainJob.run(SparkTestSession.get(), JobConfig.of(local.toArray(new String[0])), new PrintWriter(new StringWriter()));
    undisturbed = weights(dir.resolve("undisturbed.sgru"));
    cluster = StandaloneCluster.start(dir, 2);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anExecutorKilledMidEpochIsReplacedAndTheWeightsEqualAnUndisturbedRun() throws Exception {
    Path metrics = dir.resolve("executor-kill.jsonl");
    Process driver = cluster.submit("executor-kill", train("executor-kill", List.of()));
    awaitEpoch(metrics, 1, driver);
    List<ProcessHandle> executors = cluster.executors("executor-kill");
    assertEquals(2, executors.size(), "two executors run: " + executors);
    ProcessHandle victim = executors.get(0);
    String id = executorId(victim);
    // A task of epoch 2's first round running on the victim: it dies with it.
    Matcher task = awaitRunningTask("executor-kill", id, driver);
    assertTrue(victim.destroyForcibly(), "SIGKILL sent");
    victim.onExit().get(30, TimeUnit.SECONDS);
    assertFalse(victim.isAlive(), "executor " + id + " was killed");
    assertEquals(1, epochsDone(metrics), "epoch 2 was still running when executor " + id + " died");

    assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "the driver finished");
    String log = cluster.log("executor-kill");
    assertEquals(0, driver.exitValue(), "the job failed:\n" + StandaloneCluster.tail(log));
    assertTrue(log.contains("Epoch " + EPOCHS + "/" + EPOCHS + " - loss: "), StandaloneCluster.tail(log));
    assertTrue(cluster.log("worker").contains("/" + id + " finished with state"),
        "the worker saw executor " + id + " exit");
    // Spark saw the executor die under that task and ran the task again: its next attempt.
    assertTrue(log.contains("Lost executor " + id + " on 127.0.0.1"), "the driver lost executor " + id + ":\n"
        + StandaloneCluster.tail(log));
    String retry = "Starting task " + task.group(2) + "." + (Integer.parseInt(task.group(3)) + 1) + " in stage "
        + task.group(4) + " ";
    assertTrue(log.contains(retry), "'" + retry + "' after the kill under " + task.group(1) + ":\n"
        + StandaloneCluster.tail(log));
    System.out.println("KilledTrainingIT: executor " + id + " killed under " + task.group(1) + ", re-run as '" + retry
        + "...'");
    assertArrayEquals(undisturbed, weights(dir.resolve("executor-kill.sgru")), 0f);
  }

  @Test
  void aDriverKilledBetweenCheckpointsResumesToTheWeightsOfAnUndisturbedRun() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    Path metrics = dir.resolve("driver-kill.jsonl");
    List<String> extra = List.of("checkpoint.path=" + checkpoints.toUri(), "checkpoint.interval=1");
    Process driver = cluster.submit("driver-kill", train("driver-kill", extra));
    Path first = checkpoints.resolve("checkpoint-1.ckpt");
    awaitEpoch(metrics, 1, driver);
    while (!Files.exists(first)) {
      assertTrue(driver.isAlive(), "the driver ended before its first checkpoint");
      TimeUnit.MILLISECONDS.sleep(10);
    }
    // Checkpoint 1 is written and an executor trains the first round of epoch 2.
    awaitRunningTask("driver-kill", "\\d+", driver);
    driver.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    driver.destroyForcibly();
    assertTrue(driver.waitFor(30, TimeUnit.SECONDS), "the driver died");
    assertEquals(137, driver.exitValue(), "killed by SIGKILL");
    try (var files = Files.list(checkpoints)) {
      assertEquals(List.of("checkpoint-1.ckpt"), files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".ckpt")).toList(), "killed after checkpoint 1, before checkpoint 2");
    }
    assertFalse(Files.exists(dir.resolve("driver-kill.sgru")), "no model from the killed run");
    // The killed driver could not remove its locks; a run refuses them as stale until they are deleted.
    for (Path lock : List.of(dir.resolve("driver-kill.sgru.lock"), checkpoints.resolve(TrainJob.CHECKPOINT_LOCK))) {
      assertTrue(Files.exists(lock), lock + " is left by the killed run");
      Files.delete(lock);
    }

    List<String> resume = new ArrayList<>(train("driver-kill", extra));
    resume.add(1, "--resume");
    Process resumed = cluster.submit("driver-resume", resume);
    assertTrue(resumed.waitFor(5, TimeUnit.MINUTES), "the resumed driver finished");
    String log = cluster.log("driver-resume");
    assertEquals(0, resumed.exitValue(), "the resumed run failed:\n" + StandaloneCluster.tail(log));
    assertTrue(log.contains("resuming after epoch 1 from "), StandaloneCluster.tail(log));
    assertFalse(log.contains("Epoch 1/" + EPOCHS + " - loss"), "epoch 1 is not trained again");
    assertTrue(log.contains("Epoch " + EPOCHS + "/" + EPOCHS + " - loss: "), StandaloneCluster.tail(log));
    assertEquals(EPOCHS, epochsDone(metrics), "the metrics file holds every epoch");
    assertArrayEquals(undisturbed, weights(dir.resolve("driver-kill.sgru")), 0f);
  }

  /** The train command's arguments for a run named {@code name}. */
  private List<String> train(String name, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("train"));
    List<String> all = new ArrayList<>(settings());
    all.addAll(extra);
    all.add("output.model=" + dir.resolve(name + ".sgru").toUri());
    all.add("output.metrics=" + dir.resolve(name + ".jsonl").toUri());
    for (String s : all) {
      args.addAll(List.of("--set", s));
    }
    return args;
  }

  /** Waits until the metrics file reports {@code epoch} (so the next epoch's rounds follow). */
  private static void awaitEpoch(Path metrics, int epoch, Process driver) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (epochsDone(metrics) < epoch) {
      assertTrue(driver.isAlive(), "the driver ended before epoch " + epoch);
      assertTrue(System.nanoTime() < deadline, "epoch " + epoch + " did not end in 3 minutes");
      TimeUnit.MILLISECONDS.sleep(10);
    }
    System.out.println("KilledTrainingIT: epoch " + epoch + ": " + Files.readAllLines(metrics).get(epoch - 1));
  }

  /**
   * Waits until the driver logging to {@code <logName>.log} has started a task on an executor
   * matching {@code executor} (a regular expression) that has not finished, counting from the
   * moment of the call; returns the match of its "Starting task" line: group 1 the task's name,
   * 2 its index, 3 its attempt, 4 its stage.
   */
  private Matcher awaitRunningTask(String logName, String executor, Process driver) throws Exception {
    Pattern starting = Pattern.compile("Starting (task (\\d+)\\.(\\d+) in stage (\\S+) \\(TID \\d+\\)) \\(127\\.0\\.0\\.1, ?"
        + "executor " + executor + ",");
    int from = cluster.log(logName).length();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      String log = cluster.log(logName);
      log = log.substring(Math.min(from, log.length()));
      Matcher m = starting.matcher(log);
      while (m.find()) {
        if (!log.contains("Finished " + m.group(1) + " ")) {
          return m;
        }
      }
      assertTrue(driver.isAlive(), "the driver ended");
      TimeUnit.MILLISECONDS.sleep(5);
    }
    throw new AssertionError("no task started on executor " + executor + " in 2 minutes");
  }

  /** Epochs in the metrics file (rewritten whole, by a rename, after each epoch). */
  private static int epochsDone(Path metrics) throws Exception {
    return Files.exists(metrics) ? Files.readAllLines(metrics).size() : 0;
  }

  private static String executorId(ProcessHandle executor) {
    Matcher m = Pattern.compile("--executor-id (\\S+)").matcher(executor.info().commandLine().orElse(""));
    assertTrue(m.find(), "executor id in " + executor.info().commandLine());
    return m.group(1);
  }

  private static float[] weights(Path model) throws Exception {
    return ModelFile.read(Files.readAllBytes(model), model.toString()).model().parameters().toArray();
  }
}
