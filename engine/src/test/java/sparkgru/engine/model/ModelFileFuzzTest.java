package sparkgru.engine.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import sparkgru.engine.FuzzContract;

/**
 * Fuzzes the reader of the project's own model files ({@code .sgru}). Every build replays the
 * inputs in {@code src/test/resources/sparkgru/engine/model/ModelFileFuzzTestInputs/read}
 * (valid files and the finding-* inputs); {@code JAZZER_FUZZ=1} fuzzes (see RELIABILITY.md, Fuzzing).
 */
class ModelFileFuzzTest {
  /** Any bytes load as a model or fail with a message naming the file. */
  @FuzzTest(maxDuration = "5m")
  void read(byte[] input) {
    FuzzContract.check("fuzz.sgru", () -> ModelFile.read(input, "fuzz.sgru"));
  }
}
