package sparkgru.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.errors.InvalidInputException;

/** The lock file's content, the staleness decision and the messages, without Spark. */
class RunLockTest {
  private static final RunLock.Owner FIRST = new RunLock.Owner("node-1", 4242, Instant.parse(
      "2026-12-07T15:00:00Z"), "app-20261207150000-0001");

  @Test
  void theContentNamesTheOwnerAndReadsBack() {
    assertEquals("host=node-1\npid=4242\nstarted=2026-12-07T15:00:00Z\napplication=app-20261207150000-0001\n",
        FIRST.format());
    assertEquals(Optional.of(FIRST), RunLock.Owner.parse(FIRST.format()));
  }

  @Test
  void contentThatNamesNoRunParsesToNothing() {
    assertEquals(Optional.empty(), RunLock.Owner.parse(""));
    assertEquals(Optional.empty(), RunLock.Owner.parse("host=node-1\npid=4242\n"), "cut short");
    assertEquals(Optional.empty(), RunLock.Owner.parse(FIRST.format().replace("4242", "four")), "a bad pid");
    assertEquals(Optional.empty(), RunLock.Owner.parse(FIRST.format().replace("15:00:00Z", "3pm")), "a bad time");
  }

  @Test
  void aLockIsStaleOnlyWhenItsPidIsDeadOnThisHost() {
    assertTrue(RunLock.stale(FIRST, "node-1", pid -> false), "same host, dead pid");
    assertFalse(RunLock.stale(FIRST, "node-1", pid -> pid == 4242), "same host, live pid");
    assertFalse(RunLock.stale(FIRST, "node-2", pid -> false), "another host's pid cannot be checked here");
    RunLock.Owner nameless = new RunLock.Owner("unknown", 4242, FIRST.started(), FIRST.application());
    assertFalse(RunLock.stale(nameless, "unknown", pid -> false), "a host without a name is not this host");
  }

  @Test
  void refusalsNameTheLockFileAndItsOwner() {
    assertEquals("output.model is in use by another run: lock file /o/m.sgru.lock is held by host node-1, pid "
        + "4242, started 2026-12-07T15:00:00Z, application app-20261207150000-0001; wait for that run to end or "
        + "give this run outputs of its own",
        RunLock.refusal("output.model", "/o/m.sgru.lock", Optional.of(FIRST), false));
    assertEquals("checkpoint.path has a stale lock: lock file /c/spark-gru.lock names a run that is no longer "
        + "running (host node-1, pid 4242, started 2026-12-07T15:00:00Z, application app-20261207150000-0001); "
        + "if no run uses these outputs, delete /c/spark-gru.lock and run again",
        RunLock.refusal("checkpoint.path", "/c/spark-gru.lock", Optional.of(FIRST), true));
    assertEquals("output.model is locked by another run: lock file /o/m.sgru.lock exists but does not name its "
        + "run; if no run uses these outputs, delete /o/m.sgru.lock and run again",
        RunLock.refusal("output.model", "/o/m.sgru.lock", Optional.empty(), false));
  }

  @Test
  void aSecondAcquireIsRefusedTakesNothingAndTheFirstReleases(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    RunLock.Target model = new RunLock.Target("output.model", dir.resolve("out/m.sgru.lock").toString());
    RunLock.Target checkpoints = new RunLock.Target("checkpoint.path", dir.resolve("c/spark-gru.lock").toString());
    RunLock.Owner me = RunLock.Owner.current("local-1");
    RunLock first = RunLock.acquire(List.of(checkpoints), me, conf);
    try {
      assertEquals(me.format(), Files.readString(dir.resolve("c/spark-gru.lock")));
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> RunLock.acquire(List.of(model, checkpoints), RunLock.Owner.current("local-2"), conf));
      assertEquals(RunLock.refusal("checkpoint.path", "file:" + dir.resolve("c/spark-gru.lock"), Optional.of(me),
          false), e.getMessage());
      assertFalse(Files.exists(dir.resolve("out/m.sgru.lock")), "the refused run released the lock it had taken");
    } finally {
      first.close();
    }
    assertFalse(Files.exists(dir.resolve("c/spark-gru.lock")), "released when the run ends");
    RunLock again = RunLock.acquire(List.of(model, checkpoints), me, conf);
    assertTrue(Files.exists(dir.resolve("out/m.sgru.lock")));
    assertTrue(Files.exists(dir.resolve("c/spark-gru.lock")));
    again.close();
    try (var files = Files.walk(dir)) {
      assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "no lock or .crc file left");
    }
  }

  @Test
  void aLockOfADeadPidOnThisHostIsReportedStale(@TempDir Path dir) throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    RunLock.Owner me = RunLock.Owner.current("local-2");
    RunLock.Owner dead = new RunLock.Owner(me.host(), ended.pid(), FIRST.started(), "local-1");
    Path lock = dir.resolve("m.sgru.lock");
    Files.writeString(lock, dead.format());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RunLock.acquire(
        List.of(new RunLock.Target("output.model", lock.toString())), me, new Configuration()));
    assertEquals(RunLock.refusal("output.model", "file:" + lock, Optional.of(dead), true), e.getMessage());
    assertEquals(dead.format(), Files.readString(lock), "a stale lock is reported, not taken over");
  }
}
