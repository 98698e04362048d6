package sparkgru.engine.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.ModelFile;

/**
 * Models saved by real Keras 3.15 (src/test/resources/keras, written by generate_keras.py beside
 * them) load with their weights and predict what Keras predicted; broken and unsupported files
 * fail with messages naming them.
 */
class KerasImportTest {
  private static final Path DIR = Path.of("src", "test", "resources", "keras");

  /** The tensors of a golden .txt file by name: shape, then values. */
  private static Map<String, float[]> tensors(String caseName, Map<String, int[]> shapes) throws IOException {
    Map<String, float[]> out = new HashMap<>();
    List<String> lines = Files.readAllLines(DIR.resolve(caseName + ".txt"));
    for (int i = 0; i < lines.size(); i++) {
      String[] head = lines.get(i).split(" ");
      if (!head[0].equals("tensor")) {
        continue;
      }
      int rank = Integer.parseInt(head[2]);
      int[] shape = new int[rank];
      for (int d = 0; d < rank; d++) {
        shape[d] = Integer.parseInt(head[3 + d]);
      }
      String[] values = lines.get(i + 1).split(" ");
      float[] data = new float[values.length];
      for (int k = 0; k < data.length; k++) {
        data[k] = Float.parseFloat(values[k]);
      }
      out.put(head[1], data);
      shapes.put(head[1], shape);
    }
    return out;
  }

  private static void assertPredictsLikeKeras(ModelFile.Loaded loaded, String caseName) throws IOException {
    Map<String, int[]> shapes = new HashMap<>();
    Map<String, float[]> t = tensors(caseName, shapes);
    float[] y = loaded.model().predict(Tensor.of(t.get("x"), shapes.get("x")), 8).toArray();
    float[] expected = t.get("y");
    assertEquals(expected.length, y.length, caseName + ": output size");
    double max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < y.length; i++) {
      double rel = Math.abs(y[i] - expected[i]) / Math.max(Math.abs(expected[i]), 0.01 * max);
      assertTrue(rel <= 1e-5, caseName + " output " + i + ": " + y[i] + " vs Keras " + expected[i] + " (relative "
          + rel + ")");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"stacked", "reset_before", "backwards", "relu_hard_sigmoid_nobias", "masking"})
  void kerasFilesPredictWhatKerasPredicted(String caseName) throws IOException {
    ModelFile.Loaded loaded = KerasImporter.read(Files.readAllBytes(DIR.resolve(caseName + ".keras")),
        caseName + ".keras");
    assertPredictsLikeKeras(loaded, caseName);
  }

  @Test
  void legacyH5AndBareWeightsGiveTheSameModel() throws IOException {
    ModelFile.Loaded keras = KerasImporter.read(Files.readAllBytes(DIR.resolve("stacked.keras")), "stacked.keras");
    ModelFile.Loaded legacy = KerasImporter.read(Files.readAllBytes(DIR.resolve("stacked_legacy.h5")),
        "stacked_legacy.h5");
    ModelFile.Loaded bare = KerasImporter.read(Files.readAllBytes(DIR.resolve("stacked.config.json")),
        Files.readAllBytes(DIR.resolve("stacked.weights.h5")), "stacked.weights.h5");
    assertArrayEquals(keras.model().parameters().toArray(), legacy.model().parameters().toArray(), 0f);
    assertArrayEquals(keras.model().parameters().toArray(), bare.model().parameters().toArray(), 0f);
    assertPredictsLikeKeras(legacy, "stacked");
    assertEquals(List.of("gru", "dropout", "gru", "dense"), keras.spec().layers().stream().map(l -> l.type()).toList());
    assertEquals("true", keras.spec().layers().get(0).args().get("return_sequences"));
    assertEquals(-1, keras.spec().steps());
    assertEquals(3, keras.spec().features());
  }

  private static String error(byte[] data, String name) {
    return assertThrows(InvalidInputException.class, () -> KerasImporter.read(data, name)).getMessage();
  }

  /** stacked.keras with its config.json edited. */
  private static byte[] tampered(String from, String to) throws IOException {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>(KerasArchive.entries(
        Files.readAllBytes(DIR.resolve("stacked.keras")), "stacked.keras"));
    String config = new String(entries.get("config.json"), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(config.contains(from), from);
    entries.put("config.json", config.replaceFirst(java.util.regex.Pattern.quote(from), to)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return ZipFiles.zip(entries);
  }

  /** {@code bytes} with every 8-byte little-endian dimension pair [3, 15] (the first GRU kernel's) replaced. */
  private static byte[] claimingShape(byte[] bytes, long rows, long columns) {
    byte[] out = bytes.clone();
    java.nio.ByteBuffer pattern = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(3).putLong(15);
    int found = 0;
    for (int i = 0; i + 16 <= out.length; i++) {
      if (java.nio.ByteBuffer.wrap(out, i, 16).equals(pattern.rewind())) {
        java.nio.ByteBuffer.wrap(out, i, 16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(rows).putLong(columns);
        found++;
      }
    }
    assertEquals(2, found, "the dataspace message holds the dimensions and the maximum dimensions");
    return out;
  }

  /** stacked.keras with its weights file changed by {@code change}. */
  private static byte[] withWeights(java.util.function.UnaryOperator<byte[]> change) throws IOException {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>(KerasArchive.entries(
        Files.readAllBytes(DIR.resolve("stacked.keras")), "stacked.keras"));
    entries.put("model.weights.h5", change.apply(entries.get("model.weights.h5")));
    return ZipFiles.zip(entries);
  }

  @Test
  void datasetsClaimingHugeShapesFailBeforeAnyAllocation() throws IOException {
    assertEquals("t.keras: weight /layers/gru/cell/vars/0 of layer 'gru' has shape [3, 2000000000] but the config "
        + "needs [3, 15]", error(withWeights(w -> claimingShape(w, 3, 2_000_000_000L)), "t.keras"));
    assertEquals("t.keras: weight /layers/gru/cell/vars/0 of layer 'gru' claims a dimension beyond 2147483647 but the "
        + "config needs [3, 15] (corrupt file)", error(withWeights(w -> claimingShape(w, 1L << 40, 1L << 40)),
        "t.keras"));
    byte[] legacy = Files.readAllBytes(DIR.resolve("stacked_legacy.h5"));
    assertEquals("l.h5: weight /model_weights/gru/stacked/gru/gru_cell/kernel of layer 'gru' has shape [3, 2000000000] "
        + "but the config needs [3, 15]", error(claimingShape(legacy, 3, 2_000_000_000L), "l.h5"));
    // The first weight_names attribute (version 1 message: name padded to 16 bytes, datatype to 24,
    // then the dataspace: version 1, rank 1, max-dims flag, 5 reserved bytes, dims, max dims).
    int at = new String(legacy, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("weight_names\0") + 16 + 24;
    assertArrayEquals(new byte[] {1, 1, 1}, Arrays.copyOfRange(legacy, at, at + 3), "a rank-1 dataspace");
    byte[] names = legacy.clone();
    java.nio.ByteBuffer.wrap(names, at + 8, 16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(2_000_000_000L)
        .putLong(2_000_000_000L);
    assertEquals("n.h5 is a corrupt or truncated HDF5 file: io.jhdf.exceptions.HdfException: Failed to load "
        + "attributes for '/model_weights/dense/' at address '2000'", error(names, "n.h5"));
  }

  @Test
  void truncatedFilesOfEachFormatNameTheFile() throws IOException {
    byte[] good = Files.readAllBytes(DIR.resolve("stacked.keras"));
    assertEquals("t.keras is truncated or not a zip archive: a .keras file ends with a zip end-of-central-directory "
        + "record, and t.keras has none", error(Arrays.copyOf(good, good.length / 2), "t.keras"));
    assertEquals("short.keras is truncated or not a zip archive: a .keras file ends with a zip end-of-central-directory "
        + "record, and short.keras has none", error(Arrays.copyOf(good, 10), "short.keras"));
    assertEquals("end.keras is truncated or not a zip archive: a .keras file ends with a zip end-of-central-directory "
        + "record, and end.keras has none", error(Arrays.copyOf(good, good.length - 30), "end.keras"));
    assertEquals("w.keras is truncated: its HDF5 superblock gives an end of file at byte 22376 but it holds 22276 "
        + "bytes", error(withWeights(w -> Arrays.copyOf(w, w.length - 100)), "w.keras"));
    byte[] h5 = Files.readAllBytes(DIR.resolve("stacked_legacy.h5"));
    assertEquals("cut.h5 is truncated: its HDF5 superblock gives an end of file at byte 28592 but it holds 9530 bytes",
        error(Arrays.copyOf(h5, h5.length / 3), "cut.h5"));
    assertEquals("head.h5 is truncated: its HDF5 superblock gives an end of file at byte 28592 but it holds 100 bytes",
        error(Arrays.copyOf(h5, 100), "head.h5"));
    assertEquals("tail.h5 is truncated: its HDF5 superblock gives an end of file at byte 28592 but it holds 28492 bytes",
        error(Arrays.copyOf(h5, h5.length - 100), "tail.h5"));
  }

  @Test
  void unsupportedArgumentsDtypesAndShapesAreRefusedByName() throws IOException {
    assertEquals("t.keras: dtype float16 of the model is not supported; spark-gru computes in float32",
        error(tampered("\"name\": \"float32\"}, \"registered_name\": null, \"shared_object_id\"",
            "\"name\": \"float16\"}, \"registered_name\": null, \"shared_object_id\""), "t.keras"));
    assertEquals("layer 'gru' (GRU) in t.keras: zero_output_for_mask=true is not supported (only false)",
        error(tampered("\"zero_output_for_mask\": false", "\"zero_output_for_mask\": true"), "t.keras"));
    assertEquals("layer 'gru' (GRU) in t.keras: argument 'time_window' is not supported",
        error(tampered("\"unroll\": false", "\"unroll\": false, \"time_window\": 3"), "t.keras"));
    assertEquals("t.keras: its config needs 8932 float32 weights (35728 bytes) but the weights file holds 22376 bytes",
        error(tampered("\"units\": 5", "\"units\": 50"), "t.keras"), "checked before any weight is allocated");
    String huge = error(tampered("\"units\": 5", "\"units\": 16384"), "t.keras");
    assertTrue(huge.startsWith("t.keras: its config needs ") && huge.endsWith(" but the weights file holds 22376 bytes"),
        "a huge layer fails fast, not out of memory: " + huge);
    assertEquals("t.keras: weight /layers/gru/cell/vars/0 of layer 'gru' has shape [3, 15] but the config needs "
        + "[3, 12]", error(tampered("\"units\": 5", "\"units\": 4"), "t.keras"));
    assertEquals("t.keras holds more weights for layer 'dense' than its config needs (layers/dense/vars/1); Keras "
        + "refuses such a file too", error(tampered("\"units\": 2, \"activation\": \"linear\", \"use_bias\": true",
        "\"units\": 2, \"activation\": \"linear\", \"use_bias\": false"), "t.keras"));
    assertEquals("layer 'gru' (GRU) in t.keras: a custom class (module my_package.layers, registered_name null) is "
        + "not supported; spark-gru reads Keras' built-in layers only", error(tampered(
        "\"module\": \"keras.layers\", \"class_name\": \"GRU\", \"config\": {\"name\": \"gru\"",
        "\"module\": \"my_package.layers\", \"class_name\": \"GRU\", \"config\": {\"name\": \"gru\""), "t.keras"));
    assertEquals("layer 'gru' (GRU) in t.keras: a custom class (module keras.layers, registered_name MyPackage>GRU) "
        + "is not supported; spark-gru reads Keras' built-in layers only", error(tampered(
        "\"reset_after\": true, \"seed\": null}, \"registered_name\": null",
        "\"reset_after\": true, \"seed\": null}, \"registered_name\": \"MyPackage>GRU\""), "t.keras"));
    assertEquals("layer 'lambda' (Lambda) in t.keras: layer class Lambda is not supported; spark-gru reads InputLayer, "
        + "Masking, GRU, Dense and Dropout", error(tampered("\"class_name\": \"Dropout\", \"config\": {\"name\": "
        + "\"dropout\"", "\"class_name\": \"Lambda\", \"config\": {\"name\": \"lambda\", \"function\": "
        + "\"4wEAAAAAAAAA\""), "t.keras"));
    ModelFile.Loaded linear = KerasImporter.read(tampered("\"activation\": \"tanh\"", "\"activation\": null"),
        "t.keras");
    assertEquals("linear", linear.spec().layers().get(0).args().get("activation"), "Keras reads None as linear");
  }

  @Test
  void brokenHostileAndUnsupportedFilesAreNamed() throws IOException {
    byte[] good = Files.readAllBytes(DIR.resolve("stacked.keras"));
    assertTrue(error(Files.readAllBytes(DIR.resolve("unsupported_lstm.keras")), "u.keras")
        .contains("layer class LSTM is not supported; spark-gru reads InputLayer, Masking, GRU, Dense and Dropout"));
    assertEquals("evil.keras holds an entry '../../etc/passwd'; a .keras file of the supported layers holds only "
        + "[config.json, metadata.json, model.weights.h5] (entries with paths are refused)",
        error(ZipFiles.zip(Map.of("../../etc/passwd", new byte[] {1})), "evil.keras"));
    // A zip bomb: 110 MiB of zeros compress to about 100 KiB; reading stops at the 16 MiB bound.
    assertEquals("bomb.keras: entry 'config.json' decompresses to more than 16777216 bytes (a zip bomb, or not a "
        + "model)", error(ZipFiles.bomb(), "bomb.keras"));
    assertEquals("w.h5 is an HDF5 file without a model_config attribute: a bare weights file; read it together with "
        + "its config JSON", error(Files.readAllBytes(DIR.resolve("stacked.weights.h5")), "w.h5"));
    assertEquals("x.bin is neither a spark-gru model, a .keras archive nor an HDF5 (.h5) file",
        error(new byte[] {1, 2, 3}, "x.bin"));
  }

  /** The damage in KerasImporterFuzzTestInputs/readAny/finding-* is reported with the file's name. */
  @Test
  void damageFoundByFuzzingIsNamed() throws IOException {
    ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(latin1, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      z.putNextEntry(new ZipEntry("caf\u00e9.json"));
      z.write(new byte[] {1});
      z.closeEntry();
    }
    assertEquals("n.keras is not a readable zip archive (corrupt or truncated .keras file): an entry name is not valid "
        + "UTF-8 (malformed input off : 3, length : 3)", error(latin1.toByteArray(), "n.keras"));
    byte[] h5 = Files.readAllBytes(DIR.resolve("stacked_legacy.h5"));
    h5[13] = 0; // the superblock's size of offsets
    assertEquals("s.h5 is a corrupt or truncated HDF5 file: java.lang.IllegalArgumentException: Couldn't read 0 bytes "
        + "as int", error(h5, "s.h5"));
  }

  /** Configs the fuzzer reached (KerasImporterFuzzTestInputs/readConfig): every message names the file. */
  @Test
  void configsWithoutALayerOrWithZeroStepsAreNamed() throws IOException {
    byte[] weights = Files.readAllBytes(DIR.resolve("stacked.weights.h5"));
    String input = "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, %s, 3]}}";
    String dense = ", {\"class_name\": \"Dense\", \"config\": {\"units\": 1}}";
    String config = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [%s]}}";
    assertEquals("c.weights.h5: the Sequential config has no layer besides its InputLayer",
        assertThrows(InvalidInputException.class, () -> KerasImporter.read(String.format(config,
            String.format(input, "null")).getBytes(java.nio.charset.StandardCharsets.UTF_8), weights, "c.weights.h5"))
            .getMessage());
    assertEquals("c.weights.h5: input steps must be >= 1, or -1 for any length, got 0",
        assertThrows(InvalidInputException.class, () -> KerasImporter.read(String.format(config,
            String.format(input, "0") + dense).getBytes(java.nio.charset.StandardCharsets.UTF_8), weights,
            "c.weights.h5")).getMessage());
  }
}
