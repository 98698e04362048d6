package sparkgru.engine.keras;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.message.DataLayout;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.layers.VariableSpec;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Parameters;
import sparkgru.engine.model.Provenance;
import sparkgru.engine.model.Sequential;

/**
 * Reads Keras models into engine models with the same weights: Keras 3 {@code .keras} archives,
 * legacy tf.keras {@code .h5} files (a {@code model_config} attribute and a
 * {@code model_weights} group), and bare {@code .weights.h5} files together with their config
 * JSON. Files are untrusted: archive entries are bounded ({@link KerasArchive}), every dataset's
 * shape is checked against the model before its data are read, weights must be float32 and
 * finite, and a corrupt or truncated file fails with a message naming it.
 *
 * <p>Weight layout: Keras 3 keeps a GRU's {@code kernel}, {@code recurrent_kernel} and
 * {@code bias} at {@code layers/<path>/cell/vars/0..2} and a Dense's at
 * {@code layers/<path>/vars/0..1}, the path being the class name in snake case, numbered from
 * the second layer of a class on ({@code gru}, {@code gru_1}, ...), not the layer's name; legacy files list each layer's datasets in its
 * {@code weight_names} attribute. Both orders are the engine's variable order.
 */
public final class KerasImporter {
  private static final byte[] ZIP = {'P', 'K', 3, 4};
  private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private KerasImporter() {}

  /** Reads the project's own model file, a {@code .keras} archive or a legacy {@code .h5} file, by content. */
  public static ModelFile.Loaded readAny(byte[] data, String name) {
    byte[] own = "SPARKGRU".getBytes(StandardCharsets.US_ASCII);
    return startsWith(data, own) ? ModelFile.read(data, name) : read(data, name);
  }

  /** Reads a {@code .keras} archive or a legacy {@code .h5} file; {@code name} appears in messages. */
  public static ModelFile.Loaded read(byte[] data, String name) {
    if (startsWith(data, ZIP)) {
      Map<String, byte[]> entries = KerasArchive.entries(data, name);
      Provenance provenance = Provenance.imported(name, entries.containsKey("metadata.json")
          ? json(entries.get("metadata.json"), name + " metadata.json") : null);
      return read(json(entries.get("config.json"), name + " config.json"), entries.get("model.weights.h5"), name,
          provenance);
    }
    if (startsWith(data, HDF5)) {
      return withHdf(data, name, h5 -> {
        Attribute config = h5.getAttribute("model_config");
        if (config == null) {
          throw new InvalidInputException(name + " is an HDF5 file without a model_config attribute: a bare "
              + "weights file; read it together with its config JSON");
        }
        KerasConfig cfg = KerasConfig.parse(json(text(config.getData(), name).getBytes(StandardCharsets.UTF_8),
            name + " model_config"), name);
        if (String.valueOf(h5.getAttribute("keras_version") == null ? "" : h5.getAttribute("keras_version").getData())
            .startsWith("2") && cfg.spec().layers().stream().anyMatch(l -> l.args().containsValue("hard_sigmoid"))) {
          throw new InvalidInputException(name + " was saved by Keras 2, whose hard_sigmoid is clip(0.2 x + 0.5); "
              + "spark-gru computes Keras 3's clip(x / 6 + 0.5): refusing rather than changing the numbers");
        }
        List<List<int[]>> shapes = shapes(cfg, data.length, name);
        Node weights = h5.getByPath("model_weights");
        if (!(weights instanceof Group group)) {
          throw new InvalidInputException(name + " has no model_weights group");
        }
        for (String child : group.getChildren().keySet()) {
          if (!cfg.names().contains(child) && !child.equals("top_level_model_weights")) {
            throw new InvalidInputException(name + " holds weights of a layer '" + child + "' its config does not have");
          }
        }
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < cfg.names().size(); i++) {
          String layer = cfg.names().get(i);
          Node layerGroup = group.getChild(layer);
          List<int[]> mine = shapes.get(i);
          if (layerGroup == null) {
            if (mine.isEmpty()) {
              continue;
            }
            throw new InvalidInputException(name + " has no weights for layer '" + layer + "'");
          }
          Attribute namesAttr = layerGroup.getAttribute("weight_names");
          String[] weightNames = namesAttr == null || namesAttr.isEmpty() || namesAttr.getSize() == 0 ? new String[0]
              : strings(namesAttr.getData(), name);
          if (weightNames.length != mine.size()) {
            throw new InvalidInputException(name + ": layer '" + layer + "' has " + weightNames.length + " weights "
                + "in the file but its config needs " + mine.size());
          }
          for (int k = 0; k < mine.size(); k++) {
            values.add(read(h5.getByPath("model_weights/" + layer + "/" + weightNames[k]), mine.get(k), name, layer));
          }
        }
        Sequential model = build(cfg, values);
        return new ModelFile.Loaded(cfg.spec(), model, Provenance.imported(name, null));
      });
    }
    throw new InvalidInputException(name + " is neither a spark-gru model, a .keras archive nor an HDF5 (.h5) "
        + "file");
  }

  /** Reads a bare {@code .weights.h5} file with the model's config JSON ({@code model.to_json()}). */
  public static ModelFile.Loaded read(byte[] configJson, byte[] weights, String name) {
    return read(json(configJson, name + " config"), weights, name, Provenance.imported(name, null));
  }

  private static ModelFile.Loaded read(Object config, byte[] weights, String name, Provenance provenance) {
    KerasConfig cfg = KerasConfig.parse(config, name);
    if (!startsWith(weights, HDF5)) {
      throw new InvalidInputException(name + ": the weights are not an HDF5 file");
    }
    List<List<int[]>> shapes = shapes(cfg, weights.length, name);
    return withHdf(weights, name, h5 -> {
      Node layers = h5.getChild("layers");
      if (layers instanceof Group g) {
        for (String child : g.getChildren().keySet()) {
          if (!cfg.paths().contains(child)) {
            throw new InvalidInputException(name + " holds weights at layers/" + child + " that its config has no "
                + "layer for");
          }
        }
      }
      List<float[]> values = new ArrayList<>();
      for (int i = 0; i < cfg.names().size(); i++) {
        String layer = cfg.names().get(i);
        List<int[]> mine = shapes.get(i);
        String prefix = "layers/" + cfg.paths().get(i) + (cfg.spec().layers().get(i).type().equals("gru") ? "/cell" : "")
            + "/vars/";
        for (int k = 0; k <= mine.size(); k++) {
          Node node;
          try {
            node = h5.getByPath(prefix + k);
          } catch (HdfException e) {
            if (k == mine.size()) {
              break;
            }
            throw new InvalidInputException(name + " has no weight " + prefix + k + " for layer '" + layer
                + "' (truncated, or saved from another model)", e);
          }
          if (k == mine.size()) {
            throw new InvalidInputException(name + " holds more weights for layer '" + layer + "' than its config "
                + "needs (" + prefix + k + "); Keras refuses such a file too");
          }
          values.add(read(node, mine.get(k), name, layer));
        }
      }
      return new ModelFile.Loaded(cfg.spec(), build(cfg, values), provenance);
    });
  }

  /**
   * Each layer's variable shapes, computed from the config without allocating any weight, after
   * checking that the weights file is large enough to hold them (float32): a config claiming a
   * huge layer fails here, not with an out-of-memory error.
   */
  private static List<List<int[]>> shapes(KerasConfig cfg, long fileBytes, String name) {
    // Counted with overflow checks (KerasConfig.parse has refused a count beyond a long).
    long total = cfg.spec().weightCount();
    if (total > fileBytes / 4) {
      throw new InvalidInputException(name + ": its config needs " + total + " float32 weights ("
          + BigInteger.valueOf(total).shiftLeft(2) + " bytes) but the weights file holds " + fileBytes
          + " bytes");
    }
    List<List<int[]>> out = new ArrayList<>();
    int[] shape = {cfg.spec().steps(), cfg.spec().features()};
    for (LayerSpec l : cfg.spec().layers()) {
      Layer layer = l.build();
      shape = layer.build(shape);
      List<int[]> vars = new ArrayList<>();
      for (VariableSpec v : layer.variables()) {
        vars.add(v.shape());
      }
      out.add(vars);
    }
    return out;
  }

  /** The model of {@code cfg} with {@code values}, one array per variable in order. */
  private static Sequential build(KerasConfig cfg, List<float[]> values) {
    Sequential model = cfg.spec().build(0);
    List<Parameters.Variable> vars = model.parameters().variables();
    for (int i = 0; i < vars.size(); i++) {
      model.parameters().set(vars.get(i).path(), values.get(i));
    }
    return model;
  }

  /**
   * One dataset's values, after checking (from its header, before reading data) that it holds
   * float32 values of {@code shape}, stored contiguously (a chunked dataset could unpack chunks
   * far larger than itself), and then that every value is finite.
   */
  private static float[] read(Node node, int[] shape, String name, String layer) {
    if (!(node instanceof Dataset d)) {
      throw new InvalidInputException(name + ": " + node.getPath() + " of layer '" + layer + "' is not a dataset");
    }
    int[] dims;
    try {
      dims = d.getDimensions();
    } catch (ArithmeticException e) {
      throw new InvalidInputException(name + ": weight " + d.getPath() + " of layer '" + layer + "' claims a "
          + "dimension beyond 2147483647 but the config needs " + Arrays.toString(shape) + " (corrupt file)", e);
    }
    if (!Arrays.equals(dims, shape)) {
      throw new InvalidInputException(name + ": weight " + d.getPath() + " of layer '" + layer + "' has shape "
          + Arrays.toString(dims) + " but the config needs " + Arrays.toString(shape));
    }
    if (d.getJavaType() != float.class || d.getDataType().getSize() != 4) {
      throw new InvalidInputException(name + ": weight " + d.getPath() + " of layer '" + layer + "' is not float32 ("
          + d.getJavaType() + ", " + d.getDataType().getSize() + " bytes)");
    }
    if (d.getDataLayout() == DataLayout.CHUNKED) {
      throw new InvalidInputException(name + ": weight " + d.getPath() + " of layer '" + layer + "' is chunked or "
          + "compressed; Keras writes weights contiguously");
    }
    float[] values = (float[]) d.getDataFlat();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new InvalidInputException(name + ": weight " + d.getPath() + " has a non-finite value at " + i);
      }
    }
    return values;
  }

  private interface HdfReader<T> {
    T read(HdfFile h5);
  }

  /**
   * Runs {@code reader} on the HDF5 file {@code data}, after checking that the file is whole:
   * its superblock's end-of-file address must lie within the bytes given (a file cut at its end
   * may otherwise read as a smaller, valid one).
   */
  private static <T> T withHdf(byte[] data, String name, HdfReader<T> reader) {
    try (HdfFile h5 = HdfFile.fromBytes(data)) {
      long end = Superblock.readSuperblock(
          ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)).getEndOfFileAddress();
      if (end > data.length) {
        throw new InvalidInputException(name + " is truncated: its HDF5 superblock gives an end of file at byte "
            + end + " but it holds " + data.length + " bytes");
      }
      return reader.read(h5);
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      if (raisedBySparkGru(e)) {
        throw e;
      }
      // jhdf reports damaged structures with many exception types (HdfException, arithmetic, state, bounds, and
      // IllegalArgumentException such as "Couldn't read 0 bytes as int").
      throw new InvalidInputException(name + " is a corrupt or truncated HDF5 file: " + e, e);
    }
  }

  /**
   * Whether spark-gru's own code raised {@code e}, rather than jhdf: a bug, since spark-gru's
   * checks of the file throw {@link InvalidInputException}. The first frame outside the JDK decides.
   */
  private static boolean raisedBySparkGru(RuntimeException e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      String cls = frame.getClassName();
      if (!cls.startsWith("java.") && !cls.startsWith("jdk.") && !cls.startsWith("sun.")) {
        return cls.startsWith("sparkgru.");
      }
    }
    return false;
  }

  private static Object json(byte[] bytes, String what) {
    try {
      return Json.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String text(Object attribute, String name) {
    if (attribute instanceof String s) {
      return s;
    }
    if (attribute instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    throw new InvalidInputException(name + ": model_config is not text");
  }

  private static String[] strings(Object attribute, String name) {
    if (attribute instanceof String s) {
      return new String[] {s};
    }
    if (attribute != null && attribute.getClass().isArray()) {
      String[] out = new String[Array.getLength(attribute)];
      for (int i = 0; i < out.length; i++) {
        Object o = Array.get(attribute, i);
        out[i] = o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
      }
      return out;
    }
    throw new InvalidInputException(name + ": weight_names is not a list of names");
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data == null || data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
