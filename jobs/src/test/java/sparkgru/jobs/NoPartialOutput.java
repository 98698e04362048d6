package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.stream.Stream;

/**
 * The check every bad-input test makes after a failed run: the run's working directory holds no
 * file it did not hold before: no model, metrics, checkpoint, report or forecast, and no hidden
 * temporary or {@code .crc} file of a write that stopped half way. Directories are not files: an
 * output's parent created by the up-front writability probe may remain, empty.
 */
public final class NoPartialOutput {
  private NoPartialOutput() {}

  /** Every regular file under {@code dir}, hidden ones included, as paths relative to it. */
  public static Set<String> files(Path dir) {
    if (!Files.exists(dir)) {
      return new TreeSet<>();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      Set<String> out = new TreeSet<>();
      walk.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every regular file under {@code dir}, hidden ones included, as its path relative to it mapped
   * to its size and the CRC-32 of its content.
   */
  public static Map<String, String> snapshot(Path dir) {
    Map<String, String> out = new TreeMap<>();
    for (String f : files(dir)) {
      try {
        byte[] bytes = Files.readAllBytes(dir.resolve(f));
        CRC32 crc = new CRC32();
        crc.update(bytes);
        out.put(f, bytes.length + " bytes, crc32 " + Long.toHexString(crc.getValue()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /**
   * Asserts that {@code dir} holds exactly the files in {@code before} (taken with
   * {@link #snapshot} before the run), each with the size and content it had: the failed run
   * added none, removed none and replaced or changed none.
   */
  public static void assertUnchanged(Path dir, Map<String, String> before, String run) {
    assertEquals(before, snapshot(dir), run + ": the failed run must leave no output behind and change no file");
  }

  /** Asserts that the only files under {@code dir} are {@code inputs} (relative paths). */
  public static void assertOnly(Path dir, List<String> inputs, String run) {
    assertEquals(new TreeSet<>(inputs), files(dir), run + ": the failed run must leave no output behind");
  }
}
