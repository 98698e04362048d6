package sparkgru.engine.keras;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import sparkgru.engine.FuzzContract;

/**
 * Fuzzes the Keras importer: whole files ({@code .keras} zips and legacy {@code .h5}, told apart
 * by content), bare {@code .weights.h5} files read with a valid config, and configs read with
 * valid weights. Every build replays the inputs in
 * {@code src/test/resources/sparkgru/engine/keras/KerasImporterFuzzTestInputs/<method>} (the
 * test fixtures and the finding-* inputs); {@code JAZZER_FUZZ=1} fuzzes one method (see
 * RELIABILITY.md, Fuzzing).
 */
class KerasImporterFuzzTest {
  private static final Path DIR = Path.of("src", "test", "resources", "keras");
  private static final byte[] CONFIG = bytes("stacked.config.json");
  private static final byte[] WEIGHTS = bytes("stacked.weights.h5");

  private static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(DIR.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any bytes read as a {@code .keras}, {@code .h5} or own model file, or fail with a message. */
  @FuzzTest(maxDuration = "5m")
  void readAny(byte[] input) {
    FuzzContract.check("fuzz.keras", () -> KerasImporter.readAny(input, "fuzz.keras"));
  }

  /** Any bytes as the weights of a valid config read or fail with a message. */
  @FuzzTest(maxDuration = "5m")
  void readWeights(byte[] input) {
    FuzzContract.check("fuzz.weights.h5", () -> KerasImporter.read(CONFIG, input, "fuzz.weights.h5"));
  }

  /** Any bytes as the config of valid weights read or fail with a message. */
  @FuzzTest(maxDuration = "5m")
  void readConfig(byte[] input) {
    FuzzContract.check("fuzz.weights.h5", () -> KerasImporter.read(input, WEIGHTS, "fuzz.weights.h5"));
  }
}
