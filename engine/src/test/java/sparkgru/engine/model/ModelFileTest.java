package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.engine.linalg.Tensor;

/** The own model format: round trip, provenance, and untrusted-input checks. */
class ModelFileTest {
  static final ModelSpec SPEC = new ModelSpec(-1, 2, List.of(
      LayerSpec.of("masking", "mask_value", "0"),
      LayerSpec.of("gru", "units", "5", "return_sequences", "true", "kernel_regularizer", "l2:0.01"),
      LayerSpec.of("gru", "units", "3", "reset_after", "false"),
      LayerSpec.of("dense", "units", "2", "activation", "tanh")));

  private static byte[] file(Sequential model) {
    return ModelFile.write(SPEC, model, Provenance.fromJson(Map.of("seed", 4, "data", "test", "metrics",
        List.of(Map.of("loss", 0.5)))));
  }

  @Test
  void writeThenReadGivesTheSameWeightsAndPredictions() {
    Sequential model = SPEC.build(4);
    ModelFile.Loaded loaded = ModelFile.read(file(model), "m.sgru");
    assertEquals(SPEC, loaded.spec());
    assertArrayEquals(model.parameters().toArray(), loaded.model().parameters().toArray(), 0f);
    Tensor x = Tensor.of(new float[] {1, 2, 0, 0, 3, -1, 0.5f, 0.5f, 1, 1, 2, 2}, 2, 3, 2);
    assertArrayEquals(model.predict(x, 2).toArray(), loaded.model().predict(x, 2).toArray(), 0f);
    assertEquals(4L, loaded.provenance().seed());
    assertEquals("test", loaded.provenance().dataOrigin());
    assertEquals(Map.of("metrics", List.of(Map.of("loss", 0.5))), loaded.provenance().other());
  }

  /**
   * A file whose header holds the provenance as the train job wrote it from a map (here the
   * header's JSON with its {@code provenance} replaced) reads, keeping every key, and writes the
   * same header again.
   */
  @Test
  void aProvenanceWrittenAsAnUntypedMapReadsAndWritesTheSameHeader() {
    Sequential model = SPEC.build(4);
    byte[] typed = ModelFile.write(SPEC, model, Provenance.NONE);
    int length = ByteBuffer.wrap(typed).getInt(12);
    @SuppressWarnings("unchecked")
    Map<String, Object> header = (Map<String, Object>) Json.parse(new String(typed, 16, length,
        StandardCharsets.UTF_8));
    Map<String, Object> old = new LinkedHashMap<>();
    old.put("scaling", Map.of("method", "none", "scope", "global", "columns", List.of("v"), "params", Map.of()));
    old.put("training_windows", 120L);
    old.put("engine", "0.1.0-SNAPSHOT");
    old.put("spark", "4.0.1");
    old.put("java", "17.0.12");
    old.put("data", "file:/tmp/series.csv");
    old.put("seed", 42L);
    old.put("partitions", 2);
    old.put("config", new TreeMap<>(Map.of("window.lookback", "24", "window.horizon", "6")));
    old.put("created", "2025-11-02T08:15:30.123Z");
    old.put("history", List.of(Map.of("loss", 0.25)));
    old.put("notes", "written by hand");
    header.put("provenance", old);
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    byte[] before = ByteBuffer.allocate(typed.length - length + json.length).put(typed, 0, 12).putInt(json.length)
        .put(json).put(typed, 16 + length, typed.length - 16 - length).array();

    ModelFile.Loaded loaded = ModelFile.read(before, "before.sgru");
    Provenance p = loaded.provenance();
    assertEquals(120L, p.trainingWindows());
    assertEquals("0.1.0-SNAPSHOT", p.engineVersion());
    assertEquals("file:/tmp/series.csv", p.dataOrigin());
    assertEquals(42L, p.seed());
    assertEquals(2, p.partitions());
    assertEquals(Map.of("window.horizon", "6", "window.lookback", "24"), p.config());
    assertEquals(Instant.parse("2025-11-02T08:15:30.123Z"), p.created());
    assertEquals(List.of(Map.of("loss", 0.25)), p.history());
    assertEquals(Map.of("notes", "written by hand"), p.other());
    assertArrayEquals(before, ModelFile.write(loaded.spec(), loaded.model(), p), "the same bytes written again");
  }

  @Test
  void corruptFilesFailWithTheFileName() {
    byte[] good = file(SPEC.build(1));
    int count = SPEC.build(1).parameters().size();
    assertMessage("m.sgru is truncated: its model needs " + count + " float32 weights (" + 4 * count + " bytes) but "
        + (4 * count - 3) + " bytes follow its header", Arrays.copyOf(good, good.length - 3));
    assertMessage("m.sgru is truncated: the file ends before its declared contents", Arrays.copyOf(good, 10));
    assertMessage("m.sgru is truncated: the file ends before its declared contents",
        Arrays.copyOf(good, 16 + ByteBuffer.wrap(good).getInt(12) + 2));
    byte[] bad = good.clone();
    bad[0] = 'X';
    assertMessage("m.sgru is not a spark-gru model file (no SPARKGRU signature)", bad);
    byte[] huge = good.clone();
    ByteBuffer.wrap(huge).putInt(12, Integer.MAX_VALUE);
    assertMessage("m.sgru declares a header of 2147483647 bytes; at most 1073741824 and no more than the file are "
        + "allowed (corrupt file?)", huge);
    byte[] extra = Arrays.copyOf(good, good.length + 4);
    assertMessage("m.sgru has 4 unexpected bytes after the weights", extra);
    byte[] nan = good.clone();
    ByteBuffer.wrap(nan).putFloat(nan.length - 4, Float.NaN);
    assertMessage("m.sgru has a non-finite weight at index " + (count - 1), nan);
  }

  /**
   * A file whose header describes {@code spec} and declares {@code count} weights, followed by
   * only {@code bytes} bytes of them.
   */
  private static byte[] claiming(ModelSpec spec, int count, int bytes) {
    byte[] small = ModelFile.write(spec, SPEC.build(1), Provenance.NONE);
    int json = ByteBuffer.wrap(small).getInt(12);
    return ByteBuffer.allocate(16 + json + 4 + bytes).put(small, 0, 16 + json).putInt(count).array();
  }

  @Test
  void headersDescribingHugeModelsFailBeforeTheModelIsBuilt() {
    // GRU(16384) on 1 feature, then Dense(1): 3 * 16384 * (1 + 16384 + 2) + 16384 + 1 weights, 3.2 GB.
    ModelSpec huge = new ModelSpec(-1, 1, List.of(LayerSpec.of("gru", "units", "16384"), LayerSpec.of("dense",
        "units", "1")));
    assertMessage("m.sgru is truncated: its model needs 805470209 float32 weights (3221880836 bytes) but 64 bytes "
        + "follow its header", claiming(huge, 805_470_209, 64));
    assertMessage("m.sgru holds 100 weights but its model needs 805470209", claiming(huge, 100, 400));
    ModelSpec wide = new ModelSpec(-1, 2_000_000, List.of(LayerSpec.of("gru", "units", "16384")));
    assertMessage("m.sgru has an invalid header: gru kernel [2000000, 49152] has more than 2^31 values; reduce the "
        + "input features or gru.units", claiming(wide, 0, 0));
  }

  @Test
  void jsonRoundTripsAndRejectsDeepNesting() {
    Object v = Json.parse(Json.write(Map.of("a", List.of(1, 2.5, "x\"y\n", true), "b", Map.of())));
    assertEquals(Map.of("a", List.of(1.0, 2.5, "x\"y\n", true), "b", Map.of()), v);
    assertEquals("invalid JSON at offset 65: nesting deeper than 64",
        assertThrows(InvalidInputException.class, () -> Json.parse("[".repeat(100))).getMessage());
    assertEquals("invalid JSON at offset 7: unterminated string",
        assertThrows(InvalidInputException.class, () -> Json.parse("{\"a\": \"")).getMessage());
  }

  /** A file of the given header and weight count, without the weights. */
  private static byte[] headerOnly(String json, int count) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + 4 + header.length + 4);
    b.put("SPARKGRU".getBytes(StandardCharsets.US_ASCII)).putInt(ModelFile.VERSION)
        .putInt(header.length).put(header).putInt(count);
    return b.array();
  }

  @Test
  void malformedHeadersNameTheField() {
    assertMessage("m.sgru has an invalid header: model.layers[0].args must be a JSON object, got nothing",
        headerOnly("{\"model\": {\"steps\": -1, \"features\": 2, \"layers\": [{\"type\": \"dense\"}]}}", 3));
    assertMessage("m.sgru has an invalid header: model must be a JSON object, got an array",
        headerOnly("{\"model\": []}", 0));
    assertMessage("m.sgru has an invalid header: model.features must be a whole number, got 2.5",
        headerOnly("{\"model\": {\"steps\": -1, \"features\": 2.5, \"layers\": []}}", 0));
    assertMessage("m.sgru has an invalid header: model.layers[0].type must be a layer type name, got 7.0",
        headerOnly("{\"model\": {\"steps\": -1, \"features\": 2, \"layers\": [{\"type\": 7, \"args\": {}}]}}",
            0));
    assertMessage("m.sgru has an invalid header: input features must be >= 1, got 0",
        headerOnly("{\"model\": {\"steps\": -1, \"features\": 0, \"layers\": [{\"type\": \"dense\", "
            + "\"args\": {\"units\": \"1\"}}]}}", 0));
  }

  /**
   * A header describing a model of 1,073,758,208 weights (8 GiB once built, with gradients) in a
   * file that holds none fails as truncated before anything of that size is allocated.
   */
  @Test
  void aHugeModelClaimedByASmallFileIsRefusedBeforeAllocating() {
    String json = "{\"model\": {\"steps\": -1, \"features\": 65536, \"layers\": [{\"type\": \"dense\", "
        + "\"args\": {\"units\": \"16384\"}}]}}";
    assertMessage("m.sgru is truncated: its model needs 1073758208 float32 weights (4295032832 bytes) but 0 bytes follow "
        + "its header", headerOnly(json, 1_073_758_208));
    assertMessage("m.sgru holds 5 weights but its model needs 1073758208", headerOnly(json, 5));
  }

  private static void assertMessage(String expected, byte[] data) {
    assertEquals(expected, assertThrows(InvalidInputException.class, () -> ModelFile.read(data, "m.sgru"))
        .getMessage());
  }
}
