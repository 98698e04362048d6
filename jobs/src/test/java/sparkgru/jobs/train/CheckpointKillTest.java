package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.History;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.engine.model.Sequential;

/**
 * A JVM writing checkpoints is killed with SIGKILL at different moments of a write: every file
 * with a checkpoint's name loads whole, and the newest is at least the last one reported done.
 * At least one kill must land inside the file write itself (its temporary file left behind);
 * until one does, kills are retried at other moments, up to {@link #MAX_ATTEMPTS}.
 */
class CheckpointKillTest {
  private static final int ATTEMPTS = 8;
  private static final int MAX_ATTEMPTS = 32;

  @TempDir
  Path dir;

  /** A model of about 800,000 weights: each checkpoint is ~10 MB, so a kill often lands mid-write. */
  static ModelSpec spec() {
    return new ModelSpec(-1, 8, List.of(new LayerSpec("gru", Map.of("units", "512")),
        new LayerSpec("dense", Map.of("units", "1"))));
  }

  /** The weights of epoch {@code e}: distinct per epoch, so a mix-up shows. */
  static float[] weights(int n, int e) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = e + i * 1e-6f;
    }
    return w;
  }

  /** The victim: writes checkpoints 1, 2, ... to {@code args[0]}, printing each epoch when it is done. */
  public static void main(String[] args) {
    Checkpoints checkpoints = new Checkpoints(args[0], new Configuration());
    Sequential scratch = spec().build(1);
    int n = scratch.parameters().size();
    for (int e = 1; e < 10_000; e++) {
      checkpoints.write(new TrainingState(e, weights(n, e), weights(2 * n, -e), e * 10L, 0.001, new History(),
          List.of()), spec(), scratch, Provenance.fromJson(Map.of("run", "victim")));
      System.out.println("written " + e);
      System.out.flush();
    }
  }

  @Test
  void aKillDuringACheckpointWriteLeavesEveryCheckpointFileLoadable() throws Exception {
    int n = spec().build(1).parameters().size();
    int killedMidWrite = 0;
    int attempt = 0;
    for (; attempt < ATTEMPTS || killedMidWrite == 0 && attempt < MAX_ATTEMPTS; attempt++) {
      Path target = dir.resolve("run" + attempt);
      Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), CheckpointKillTest.class.getName(), target.toUri().toString())
          .redirectErrorStream(true).start();
      int lastDone = 0;
      long firstDone = 0;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("written ")) {
            lastDone = Integer.parseInt(line.substring(8));
            if (lastDone == 1) {
              firstDone = System.nanoTime();
            } else if (lastDone == 2) {
              // Kills spread over one checkpoint's period: serialising, then writing the file.
              long period = System.nanoTime() - firstDone;
              TimeUnit.NANOSECONDS.sleep((long) (period * moment(attempt)));
              victim.destroyForcibly();
              break;
            }
          }
        }
      }
      assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the victim ended");
      assertEquals(2, lastDone, "the victim reported two checkpoints before the kill");
      Checkpoints.Restored newest = new Checkpoints(target.toUri().toString(), new Configuration()).latest()
          .orElseThrow();
      assertTrue(newest.state().epoch() >= lastDone, "newest " + newest.state().epoch());
      try (var files = Files.list(target)) {
        killedMidWrite += files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")) ? 1 : 0;
      }
      try (var files = Files.list(target)) {
        for (Path f : files.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+\\.ckpt")).toList()) {
          Path alone = dir.resolve("alone-" + attempt + "-" + f.getFileName());
          Files.createDirectories(alone);
          Files.copy(f, alone.resolve(f.getFileName()));
          Checkpoints.Restored r = new Checkpoints(alone.toUri().toString(), new Configuration()).latest()
              .orElseThrow(() -> new AssertionError(f + " does not load"));
          int e = r.state().epoch();
          assertEquals(f.getFileName().toString(), "checkpoint-" + e + ".ckpt");
          assertArrayEquals(weights(n, e), r.state().weights(), 0f, f + " weights");
          assertArrayEquals(weights(2 * n, -e), r.state().optimizerState(), 0f, f + " optimizer state");
        }
      }
    }
    System.out.println("CheckpointKillTest: " + killedMidWrite + " of " + attempt + " kills landed inside a file "
        + "write");
    assertTrue(killedMidWrite > 0, "none of " + attempt + " kills landed inside a checkpoint's file write (no "
        + "temporary file left behind), so the write's atomicity went untested");
  }

  /**
   * When kill {@code attempt} comes, as a fraction of a checkpoint's period: the first {@link #ATTEMPTS} evenly
   * spread, later ones along the golden-ratio sequence, which never repeats a moment.
   */
  static double moment(int attempt) {
    if (attempt < ATTEMPTS) {
      return (2 * attempt + 1) / (2.0 * ATTEMPTS);
    }
    double m = (attempt - ATTEMPTS + 1) * 0.6180339887498949;
    return m - Math.floor(m);
  }
}
