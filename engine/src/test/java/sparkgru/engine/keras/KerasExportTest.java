package sparkgru.engine.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Sequential;

/**
 * Export → import gives the same model; and the files Keras 3.15 itself loaded and predicted
 * with (resources keras/exported/, checked by verify_export.py, its verdict recorded beside
 * them) are what today's exporter writes.
 */
class KerasExportTest {
  private static final Path DIR = Path.of("src", "test", "resources", "keras");
  /** Where the export of each golden case goes, for verify_export.py to check with real Keras. */
  private static final Path OUT = Path.of("target", "keras-export");

  @ParameterizedTest
  @ValueSource(strings = {"stacked", "reset_before", "backwards", "relu_hard_sigmoid_nobias", "masking"})
  void exportThenImportGivesTheSameWeightsAndPredictions(String caseName) throws IOException {
    ModelFile.Loaded original = KerasImporter.read(Files.readAllBytes(DIR.resolve(caseName + ".keras")), caseName);
    byte[] exported = KerasExporter.write(original.spec(), original.model());
    Files.createDirectories(OUT);
    Files.write(OUT.resolve(caseName + ".keras"), exported);
    ModelFile.Loaded again = KerasImporter.read(exported, "exported " + caseName);
    assertEquals(original.spec(), again.spec());
    assertArrayEquals(original.model().parameters().toArray(), again.model().parameters().toArray(), 0f);
    Tensor x = Tensor.of(new float[2 * 5 * 3], 2, 5, 3);
    for (int i = 0; i < x.toArray().length; i++) {
      x.data()[i] = (float) Math.sin(i);
    }
    assertArrayEquals(original.model().predict(x, 2).toArray(), again.model().predict(x, 2).toArray(), 0f);
  }

  @Test
  void regularizersConstraintsAndInitializersSurviveTheRoundTrip() {
    ModelSpec spec = new ModelSpec(-1, 2, List.of(
        LayerSpec.of("gru", "units", "3", "kernel_regularizer", "l2:0.01", "recurrent_constraint", "max_norm:2.0",
            "recurrent_initializer", "orthogonal:0.5", "dropout", "0.1", "reset_after", "false"),
        LayerSpec.of("dense", "units", "1", "activation", "sigmoid", "bias_regularizer", "l1_l2:0.001:0.002")));
    Sequential model = spec.build(7);
    ModelFile.Loaded back = KerasImporter.read(KerasExporter.write(spec, model), "round trip");
    assertEquals("l2:0.01", back.spec().layers().get(0).args().get("kernel_regularizer"));
    assertEquals("max_norm:2.0", back.spec().layers().get(0).args().get("recurrent_constraint"));
    assertEquals("orthogonal:0.5", back.spec().layers().get(0).args().get("recurrent_initializer"));
    assertEquals("l1_l2:0.001:0.002", back.spec().layers().get(1).args().get("bias_regularizer"));
    assertArrayEquals(model.parameters().toArray(), back.model().parameters().toArray(), 0f);
  }

  @Test
  void statefulModelsAreNotExported() {
    ModelSpec spec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "3", "stateful", "true")));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
        () -> KerasExporter.write(spec, spec.build(1)));
    assertEquals("a stateful GRU cannot be exported: Keras needs a fixed batch size for it, which a spark-gru model "
        + "does not have", e.getMessage());
  }

  @Test
  void theFilesKerasLoadedAreWhatTheExporterWritesToday() throws IOException {
    Path verdict = DIR.resolve("exported").resolve("verdict.txt");
    List<String> lines = Files.readAllLines(verdict);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("keras ")), "verdict names the Keras version");
    for (String caseName : List.of("stacked", "reset_before", "backwards", "relu_hard_sigmoid_nobias", "masking")) {
      assertTrue(lines.contains(caseName + " loaded and predicted within 1e-5"), caseName + ": " + lines);
      byte[] checked = Files.readAllBytes(DIR.resolve("exported").resolve(caseName + ".keras"));
      ModelFile.Loaded original = KerasImporter.read(Files.readAllBytes(DIR.resolve(caseName + ".keras")), caseName);
      byte[] today = KerasExporter.write(original.spec(), original.model());
      assertEquals(entry(checked, "config.json"), entry(today, "config.json"), caseName + " config.json");
      assertArrayEquals(KerasImporter.read(checked, caseName).model().parameters().toArray(),
          KerasImporter.read(today, caseName).model().parameters().toArray(), 0f);
    }
  }

  private static Object entry(byte[] keras, String name) {
    Map<String, byte[]> entries = KerasArchive.entries(keras, "export");
    return Json.parse(new String(entries.get(name), java.nio.charset.StandardCharsets.UTF_8));
  }
}
