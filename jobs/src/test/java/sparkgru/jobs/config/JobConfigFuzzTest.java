package sparkgru.jobs.config;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import sparkgru.engine.io.Json;
import sparkgru.engine.FuzzContract;

/**
 * Fuzzes the job configuration: {@code --config} files, {@code --set key=value} overrides, and
 * the configuration a forecasting model file stores (read back by forecast and evaluate). Every
 * build replays the inputs in {@code src/test/resources/sparkgru/jobs/config/JobConfigFuzzTestInputs/<method>};
 * {@code JAZZER_FUZZ=1} fuzzes one method (see RELIABILITY.md, Fuzzing).
 */
class JobConfigFuzzTest {
  /** Any file content loads or fails with a message naming the file. */
  @DictionaryEntries({"=", "model.layer.", ".units=", "model.layers=", "optimizer.",
      "data.format=", "data.source=csv", "data.path=", "split.mode=times", "window.lookback=", "evaluate.steps=",
      "early_stopping.monitor=val_loss", "9999999999", "-1", "1e999", "NaN"})
  @FuzzTest(maxDuration = "5m")
  void load(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    FuzzContract.check("fuzz.conf", () -> {
      try {
        JobConfig.load(new StringReader(text), "fuzz.conf", List.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Any {@code --set} arguments (one per line of the input) apply or fail with a message. */
  @DictionaryEntries({"=", "model.layer.", ".units=", "model.layers=", "optimizer.", "data.format=",
      "data.source=csv", "data.path=", "split.mode=times", "window.lookback=", "evaluate.steps=",
      "early_stopping.monitor=val_loss", "9999999999", "-1", "1e999", "NaN"})
  @FuzzTest(maxDuration = "5m")
  void overrides(byte[] input) {
    String[] overrides = new String(input, StandardCharsets.UTF_8).split("\n", -1);
    FuzzContract.check(() -> JobConfig.of(overrides));
  }

  /**
   * Any JSON as the configuration stored in a model file, with forecast's overrides, applies or
   * fails with a message naming the model file.
   */
  @FuzzTest(maxDuration = "5m")
  void applying(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    FuzzContract.check("fuzz.sgru", () -> {
      Object stored;
      try {
        stored = Json.parse(text);
      } catch (IllegalArgumentException e) {
        return;
      }
      if (stored instanceof Map<?, ?> map) {
        Map<String, Object> config = new java.util.TreeMap<>();
        map.forEach((k, v) -> config.put(String.valueOf(k), v));
        JobConfig.applying(config, "fuzz.sgru", Arrays.asList("data.path=new.csv", "evaluate.stride=2"));
      }
    });
  }
}
