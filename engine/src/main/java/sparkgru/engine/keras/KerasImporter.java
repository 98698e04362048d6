package sparkgru.engine.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sparkgru.engine.config.Json;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Parameters;
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
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("source", name);
      if (entries.containsKey("metadata.json")) {
        provenance.put("keras_metadata", json(entries.get("metadata.json"), name + " metadata.json"));
      }
      return read(json(entries.get("config.json"), name + " config.json"), entries.get("model.weights.h5"), name,
          provenance);
    }
    if (startsWith(data, HDF5)) {
      return withHdf(data, name, h5 -> {
        Attribute config = h5.getAttribute("model_config");
        if (config == null) {
          throw new IllegalArgumentException(name + " is an HDF5 file without a model_config attribute: a bare "
              + "weights file; read it together with its config JSON");
        }
        KerasConfig cfg = KerasConfig.parse(json(text(config.getData(), name).getBytes(StandardCharsets.UTF_8),
            name + " model_config"), name);
        Sequential model = cfg.spec().build(0);
        Node weights = h5.getByPath("model_weights");
        List<Parameters.Variable> vars = model.parameters().variables();
        int v = 0;
        for (int i = 0; i < cfg.names().size(); i++) {
          String layer = cfg.names().get(i);
          List<Parameters.Variable> mine = variablesOf(vars, v, model.layers().get(i).name());
          Node group = ((io.jhdf.api.Group) weights).getChild(layer);
          if (group == null) {
            throw new IllegalArgumentException(name + " has no weights for layer '" + layer + "'");
          }
          Attribute namesAttr = group.getAttribute("weight_names");
          String[] weightNames = namesAttr == null || namesAttr.isEmpty() || namesAttr.getSize() == 0 ? new String[0]
              : strings(namesAttr.getData(), name);
          if (weightNames.length != mine.size()) {
            throw new IllegalArgumentException(name + ": layer '" + layer + "' has " + weightNames.length + " weights "
                + "in the file but its config needs " + mine.size());
          }
          for (int k = 0; k < mine.size(); k++) {
            Node node = h5.getByPath("model_weights/" + layer + "/" + weightNames[k]);
            copy(node, mine.get(k), model.parameters(), name, layer);
          }
          v += mine.size();
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("source", name);
        return new ModelFile.Loaded(cfg.spec(), model, provenance);
      });
    }
    throw new IllegalArgumentException(name + " is neither a spark-gru model, a .keras archive nor an HDF5 (.h5) "
        + "file");
  }

  /** Reads a bare {@code .weights.h5} file with the model's config JSON ({@code model.to_json()}). */
  public static ModelFile.Loaded read(byte[] configJson, byte[] weights, String name) {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("source", name);
    return read(json(configJson, name + " config"), weights, name, provenance);
  }

  private static ModelFile.Loaded read(Object config, byte[] weights, String name, Map<String, Object> provenance) {
    KerasConfig cfg = KerasConfig.parse(config, name);
    Sequential model = cfg.spec().build(0);
    if (!startsWith(weights, HDF5)) {
      throw new IllegalArgumentException(name + ": the weights are not an HDF5 file");
    }
    return withHdf(weights, name, h5 -> {
      List<Parameters.Variable> vars = model.parameters().variables();
      int v = 0;
      for (int i = 0; i < cfg.names().size(); i++) {
        String layer = cfg.names().get(i);
        List<Parameters.Variable> mine = variablesOf(vars, v, model.layers().get(i).name());
        String prefix = "layers/" + cfg.paths().get(i) + (cfg.spec().layers().get(i).type().equals("gru") ? "/cell" : "")
            + "/vars/";
        for (int k = 0; k < mine.size(); k++) {
          Node node;
          try {
            node = h5.getByPath(prefix + k);
          } catch (HdfException e) {
            throw new IllegalArgumentException(name + " has no weight " + prefix + k + " for layer '" + layer + "'", e);
          }
          copy(node, mine.get(k), model.parameters(), name, layer);
        }
        v += mine.size();
      }
      return new ModelFile.Loaded(cfg.spec(), model, provenance);
    });
  }

  /** The variables of one engine layer, starting at index {@code from}. */
  private static List<Parameters.Variable> variablesOf(List<Parameters.Variable> vars, int from, String layer) {
    List<Parameters.Variable> out = new ArrayList<>();
    for (int i = from; i < vars.size() && vars.get(i).layer().equals(layer); i++) {
      out.add(vars.get(i));
    }
    return out;
  }

  /** Copies one dataset into a variable after checking its type and shape (before reading its data). */
  private static void copy(Node node, Parameters.Variable var, Parameters params, String name, String layer) {
    if (!(node instanceof Dataset d)) {
      throw new IllegalArgumentException(name + ": " + node.getPath() + " of layer '" + layer + "' is not a dataset");
    }
    int[] shape = d.getDimensions();
    if (!Arrays.equals(shape, var.spec().shape())) {
      throw new IllegalArgumentException(name + ": weight " + d.getPath() + " of layer '" + layer + "' has shape "
          + Arrays.toString(shape) + " but the config needs " + Arrays.toString(var.spec().shape()) + " ("
          + var.spec().name() + ")");
    }
    if (d.getJavaType() != float.class) {
      throw new IllegalArgumentException(name + ": weight " + d.getPath() + " of layer '" + layer + "' is "
          + d.getJavaType() + ", not float32");
    }
    float[] values = (float[]) d.getDataFlat();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(name + ": weight " + d.getPath() + " has a non-finite value at " + i);
      }
    }
    params.set(var.path(), values);
  }

  private interface HdfReader<T> {
    T read(HdfFile h5);
  }

  private static <T> T withHdf(byte[] data, String name, HdfReader<T> reader) {
    try (HdfFile h5 = HdfFile.fromBytes(data)) {
      return reader.read(h5);
    } catch (HdfException | IndexOutOfBoundsException | java.nio.BufferUnderflowException | ClassCastException
        | NegativeArraySizeException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(name + " is a corrupt or truncated HDF5 file: " + e.getMessage(), e);
    }
  }

  private static Object json(byte[] bytes, String what) {
    try {
      return Json.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String text(Object attribute, String name) {
    if (attribute instanceof String s) {
      return s;
    }
    if (attribute instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException(name + ": model_config is not text");
  }

  private static String[] strings(Object attribute, String name) {
    if (attribute instanceof String s) {
      return new String[] {s};
    }
    if (attribute != null && attribute.getClass().isArray()) {
      String[] out = new String[java.lang.reflect.Array.getLength(attribute)];
      for (int i = 0; i < out.length; i++) {
        Object o = java.lang.reflect.Array.get(attribute, i);
        out[i] = o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
      }
      return out;
    }
    throw new IllegalArgumentException(name + ": weight_names is not a list of names");
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
