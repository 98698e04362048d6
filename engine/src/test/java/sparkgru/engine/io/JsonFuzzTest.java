package sparkgru.engine.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import sparkgru.engine.FuzzContract;

/**
 * Fuzzes the JSON reader of model-file headers and Keras configs. Every build replays the inputs
 * in {@code src/test/resources/sparkgru/engine/io/JsonFuzzTestInputs/parse}; {@code
 * JAZZER_FUZZ=1} fuzzes (see RELIABILITY.md, Fuzzing).
 */
class JsonFuzzTest {
  /** Any text parses or fails with a message naming the offset. */
  @FuzzTest(maxDuration = "5m")
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    FuzzContract.check(() -> Json.parse(text));
  }
}
