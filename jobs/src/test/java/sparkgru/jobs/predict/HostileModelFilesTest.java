package sparkgru.jobs.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.keras.ZipFiles;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;

/**
 * Broken and hostile model files given to {@code predict} (which reads all three formats): each
 * fails before any data are read with the message that names the file, within the test JVM's
 * normal heap (no OutOfMemoryError), and leaves no output; a broken {@code .sgru} given to
 * {@code export} exits 2 with the same message and writes no {@code .keras} file.
 */
class HostileModelFilesTest {
  private static final Path KERAS = Path.of("..", "engine", "src", "test", "resources", "keras");
  private static final ModelSpec SPEC = new ModelSpec(-1, 3, List.of(LayerSpec.of("gru", "units", "4"),
      LayerSpec.of("dense", "units", "2")));
  /** Weights of {@link #SPEC}: 3 * 4 * (3 + 4 + 2) + 4 * 2 + 2. */
  private static final int WEIGHTS = 118;

  private static byte[] own() {
    return ModelFile.write(SPEC, SPEC.build(1), Provenance.NONE);
  }

  private static byte[] resource(String name) {
    try {
      return Files.readAllBytes(KERAS.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HDF5 bytes with the first GRU kernel's dimensions [3, 15] (and maximum dimensions) replaced. */
  private static byte[] claimingShape(byte[] h5, long rows, long columns) {
    byte[] out = h5.clone();
    ByteBuffer pattern = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(15);
    int found = 0;
    for (int i = 0; i + 16 <= out.length; i++) {
      if (ByteBuffer.wrap(out, i, 16).equals(pattern.rewind())) {
        ByteBuffer.wrap(out, i, 16).order(ByteOrder.LITTLE_ENDIAN).putLong(rows).putLong(columns);
        found++;
      }
    }
    assertEquals(2, found, "dimensions and maximum dimensions of one dataspace");
    return out;
  }

  private static byte[] stackedWith(String entry, java.util.function.UnaryOperator<byte[]> change) {
    Map<String, byte[]> entries = ZipFiles.unzip(resource("stacked.keras"));
    entries.put(entry, change.apply(entries.get(entry)));
    return ZipFiles.zip(entries);
  }

  /** A .sgru file whose header describes GRU(16384) on one feature, then Dense(1): 3.2 GB of weights. */
  private static byte[] hugeModel() {
    ModelSpec huge = new ModelSpec(-1, 1, List.of(LayerSpec.of("gru", "units", "16384"), LayerSpec.of("dense",
        "units", "1")));
    byte[] small = ModelFile.write(huge, SPEC.build(1), Provenance.NONE);
    int json = ByteBuffer.wrap(small).getInt(12);
    return ByteBuffer.allocate(16 + json + 4 + 64).put(small, 0, 16 + json).putInt(805_470_209).array();
  }

  private static Arguments bad(String file, byte[] bytes, String message) {
    return Arguments.of(file, bytes, message, message);
  }

  static Stream<Arguments> hostileFiles() {
    byte[] own = own();
    byte[] keras = resource("stacked.keras");
    byte[] legacy = resource("stacked_legacy.h5");
    byte[] badMagic = own.clone();
    badMagic[0] = 'X';
    byte[] hugeHeader = own.clone();
    ByteBuffer.wrap(hugeHeader).putInt(12, Integer.MAX_VALUE);
    byte[] nan = own.clone();
    ByteBuffer.wrap(nan).putFloat(nan.length - 4, Float.NaN);
    return Stream.of(
        bad("m.sgru", Arrays.copyOf(own, own.length - 3), "<model> is truncated: its model needs " + WEIGHTS
            + " float32 weights (" + 4 * WEIGHTS + " bytes) but " + (4 * WEIGHTS - 3) + " bytes follow its header"),
        bad("m.sgru", Arrays.copyOf(own, 10), "<model> is truncated: the file ends before its declared contents"),
        // predict reads any format and names them all; export reads only its own.
        Arguments.of("m.sgru", badMagic, "<model> is neither a spark-gru model, a .keras archive nor an HDF5 (.h5) "
            + "file", "<model> is not a spark-gru model file (no SPARKGRU signature)"),
        bad("m.sgru", hugeHeader, "<model> declares a header of 2147483647 bytes; at most 1073741824 and no more "
            + "than the file are allowed (corrupt file?)"),
        bad("m.sgru", Arrays.copyOf(own, own.length + 4), "<model> has 4 unexpected bytes after the weights"),
        bad("m.sgru", nan, "<model> has a non-finite weight at index " + (WEIGHTS - 1)),
        bad("m.sgru", hugeModel(), "<model> is truncated: its model needs 805470209 float32 weights (3221880836 "
            + "bytes) but 64 bytes follow its header"),
        bad("notes.txt", "not a model".getBytes(StandardCharsets.UTF_8), "<model> is neither a spark-gru model, a .keras "
            + "archive nor an HDF5 (.h5) file"),
        bad("t.keras", Arrays.copyOf(keras, keras.length / 2), "<model> is truncated or not a zip archive: a .keras file "
            + "ends with a zip end-of-central-directory record, and <model> has none"),
        bad("t.keras", ZipFiles.zip(Map.of("../../etc/passwd", new byte[] {1})), "<model> holds an entry '../../etc/passwd'; a .keras "
            + "file of the supported layers holds only [config.json, metadata.json, model.weights.h5] (entries with "
            + "paths are refused)"),
        bad("t.keras", ZipFiles.bomb(), "<model>: entry 'config.json' decompresses to more than 16777216 bytes (a zip bomb, or not a "
            + "model)"),
        bad("t.keras", stackedWith("model.weights.h5", w -> Arrays.copyOf(w, w.length - 100)), "<model> is truncated: its "
            + "HDF5 superblock gives an end of file at byte 22376 but it holds 22276 bytes"),
        bad("t.keras", stackedWith("model.weights.h5", w -> claimingShape(w, 3, 2_000_000_000L)), "<model>: weight "
            + "/layers/gru/cell/vars/0 of layer 'gru' has shape [3, 2000000000] but the config needs [3, 15]"),
        bad("t.keras", stackedWith("config.json", c -> new String(c, StandardCharsets.UTF_8).replaceFirst("\"units\": 5",
            "\"units\": 16384").getBytes(StandardCharsets.UTF_8)), "<model>: its config needs 805748818 float32 weights "
            + "(3222995272 bytes) but the weights file holds 22376 bytes"),
        bad("u.keras", resource("unsupported_lstm.keras"), "layer 'lstm' (LSTM) in <model>: layer class LSTM is not "
            + "supported; spark-gru reads InputLayer, Masking, GRU, Dense and Dropout"),
        bad("cut.h5", Arrays.copyOf(legacy, legacy.length / 3), "<model> is truncated: its HDF5 superblock gives an end of "
            + "file at byte 28592 but it holds 9530 bytes"),
        bad("l.h5", claimingShape(legacy, 3, 2_000_000_000L), "<model>: weight /model_weights/gru/stacked/gru/gru_cell/kernel "
            + "of layer 'gru' has shape [3, 2000000000] but the config needs [3, 15]"),
        bad("w.h5", resource("stacked.weights.h5"), "<model> is an HDF5 file without a model_config attribute: a bare weights "
            + "file; read it together with its config JSON"));
  }

  @ParameterizedTest(name = "{0}: {3}")
  @MethodSource("hostileFiles")
  void predictAndExportRefuseTheModelByNameAndWriteNothing(String file, byte[] bytes, String message,
      String exportMessage, @TempDir Path dir) throws IOException {
    Path model = dir.resolve(file);
    Files.write(model, bytes);
    Path input = dir.resolve("in.csv");
    Files.writeString(input, "sequence_id,step,x0,x1,x2\na,0,1,2,3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(
        SparkTestSession.get(), model.toString(), input.toString(), dir.resolve("out/p.csv").toString(), false,
        new PrintWriter(new StringWriter())));
    assertEquals(message.replace("<model>", model.toString()), e.getMessage());
    NoPartialOutput.assertOnly(dir, List.of(file, "in.csv"), "predict --model " + file);
    if (file.endsWith(".sgru")) {
      Path keras = dir.resolve("out/m.keras");
      StringWriter err = new StringWriter();
      picocli.CommandLine cli = sparkgru.jobs.Cli.commandLine();
      cli.setOut(new PrintWriter(new StringWriter()));
      cli.setErr(new PrintWriter(err));
      assertEquals(2, cli.execute("export", "--model", model.toString(), "--output", keras.toString()));
      assertEquals("spark-gru: error: " + exportMessage.replace("<model>", model.toString()) + System.lineSeparator(),
          err.toString());
      NoPartialOutput.assertOnly(dir, List.of(file, "in.csv"), "export --model " + file);
    }
  }
}
