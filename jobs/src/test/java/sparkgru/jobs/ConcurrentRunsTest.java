package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.io.RunLock;

/**
 * Two trainings on the same outputs: the run that finds {@code <output.model>.lock} or
 * {@code spark-gru.lock} in {@code checkpoint.path} held exits 2 naming the lock file and the run
 * that holds it, before any work, and the first run's model, metrics and checkpoints stay byte for
 * byte as they were; a dead run's lock is reported stale with how to clear it; a run removes its
 * locks when it ends, trained or failed.
 */
class ConcurrentRunsTest {
  @TempDir
  Path dir;

  /** A series run of {@code data/h.csv}, writing {@code out/model.sgru}, its metrics and checkpoints. */
  private List<String> train(String... sets) {
    List<String> keys = new ArrayList<>(List.of("window.lookback=4", "window.horizon=1", "model.layer.0.units=3",
        "train.epochs=1"));
    keys.addAll(List.of(sets));
    return OverlappingOutputsTest.train(dir, keys.toArray(String[]::new));
  }

  private void data(String badRow) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    StringBuilder history = new StringBuilder("series_id,timestamp,v\n");
    for (int t = 0; t < 400; t++) {
      history.append("a,").append(LocalDateTime.of(2024, 1, 1, 0, 0).plusHours(t)).append(',').append(t == 150 && badRow != null ? badRow : Math.sin(t / 5.0))
          .append('\n');
    }
    Files.writeString(dir.resolve("data/h.csv"), history.toString());
  }

  /** The first run's outputs so far: a model, its metrics, a checkpoint, and its lock files. */
  private void firstRun(RunLock.Owner owner, boolean modelLock) throws Exception {
    data(null);
    Files.createDirectories(dir.resolve("out"));
    Files.createDirectories(dir.resolve("checkpoints"));
    Files.writeString(dir.resolve("out/model.sgru"), "the first run's model");
    Files.writeString(dir.resolve("out/metrics.jsonl"), "{\"epoch\":1,\"loss\":0.5}\n");
    Files.writeString(dir.resolve("checkpoints/checkpoint-1.ckpt"), "the first run's checkpoint");
    if (modelLock) {
      Files.writeString(dir.resolve("out/model.sgru.lock"), owner.format());
    }
    Files.writeString(dir.resolve("checkpoints/spark-gru.lock"), owner.format());
  }

  private void assertRefused(String message, String run) {
    Map<String, String> before = NoPartialOutput.snapshot(dir);
    String[] r = BadCommandLinesTest.run(train().toArray(new String[0]));
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + message + System.lineSeparator(), r[2]);
    NoPartialOutput.assertUnchanged(dir, before, run);
  }

  private String q(String path) {
    return "file:" + dir.resolve(path).toAbsolutePath();
  }

  @Test
  void aSecondTrainOnHeldOutputsExitsTwoNamingTheFirstAndChangesNothing() throws Exception {
    RunLock.Owner first = RunLock.Owner.current("local-first");
    firstRun(first, true);
    assertRefused(RunLock.refusal("output.model", q("out/model.sgru.lock"), Optional.of(first), false),
        "a second train while the first holds output.model");
    assertEquals("output.model is in use by another run: lock file " + q("out/model.sgru.lock") + " is held by host "
        + first.host() + ", pid " + ProcessHandle.current().pid() + ", started " + first.started()
        + ", application local-first; wait for that run to end or give this run outputs of its own",
        RunLock.refusal("output.model", q("out/model.sgru.lock"), Optional.of(first), false));
  }

  @Test
  void aHeldCheckpointDirectoryRefusesTheRunAndItReleasesTheModelLockItTook() throws Exception {
    RunLock.Owner first = RunLock.Owner.current("local-first");
    firstRun(first, false);
    assertRefused(RunLock.refusal("checkpoint.path", q("checkpoints/spark-gru.lock"), Optional.of(first), false),
        "a second train while the first holds checkpoint.path");
    assertFalse(Files.exists(dir.resolve("out/model.sgru.lock")), "the refused run's own lock is removed");
  }

  @Test
  void aDeadRunsLockIsReportedStaleWithHowToClearIt() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    RunLock.Owner dead = new RunLock.Owner(RunLock.Owner.current("").host(), ended.pid(),
        RunLock.Owner.current("").started(), "local-dead");
    firstRun(dead, true);
    String lock = q("out/model.sgru.lock");
    String checkpoints = q("checkpoints/spark-gru.lock");
    assertRefused("output.model has a stale lock: lock file " + lock + " names a run that is no longer running "
        + "(host " + dead.host() + ", pid " + ended.pid() + ", started " + dead.started() + ", application "
        + "local-dead); so does checkpoint.path's lock file " + checkpoints + "; if no run uses these outputs, "
        + "delete " + lock + " and " + checkpoints + " and run again", "stale locks of one dead run");
  }

  @Test
  void aRunRemovesItsLocksWhenItEndsTrainedOrFailed() throws Exception {
    data(null);
    String[] ok = BadCommandLinesTest.run(train().toArray(new String[0]));
    assertEquals("0", ok[0], ok[2]);
    assertTrue(Files.exists(dir.resolve("out/model.sgru")), ok[1]);
    assertFalse(Files.exists(dir.resolve("out/model.sgru.lock")), "no model lock after a trained run");
    assertFalse(Files.exists(dir.resolve("checkpoints/spark-gru.lock")), "no checkpoint lock after a trained run");

    data("abc");
    String[] failed = BadCommandLinesTest.run(train("output.model=" + dir.resolve("out/other.sgru").toUri(),
        "checkpoint.path=" + dir.resolve("other-checkpoints").toUri()).toArray(new String[0]));
    assertEquals("2", failed[0], failed[2]);
    assertTrue(failed[2].contains("'abc'"), failed[2]);
    assertFalse(Files.exists(dir.resolve("out/other.sgru.lock")), "no model lock after a failed run");
    assertFalse(Files.exists(dir.resolve("other-checkpoints/spark-gru.lock")), "no checkpoint lock after a failed "
        + "run");
    assertFalse(Files.exists(dir.resolve("out/other.sgru")), "no model from the failed run");
  }
}
