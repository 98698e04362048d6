package sparkgru.engine.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Parameters;
import sparkgru.engine.model.Sequential;

/**
 * Writes an engine model as a Keras 3 {@code .keras} archive, with the structure Keras' own
 * saving_lib writes: {@code metadata.json}, {@code config.json} (a Sequential of an InputLayer
 * and the layers with their Keras arguments) and {@code model.weights.h5} ({@code layers/<path>/
 * [cell/]vars/<i>} float32 datasets, {@code vars} groups named after their owners), without an
 * optimizer or compile config. Unlike Keras it leaves out the empty groups of layers without
 * weights (Keras reads a missing group as "no variables"). {@link KerasImporter} reads it back
 * to the same weights.
 */
public final class KerasExporter {
  /** The Keras version whose layout is written (checked against Keras 3.15 by the test resources). */
  public static final String KERAS_VERSION = "3.15.1";

  private KerasExporter() {}

  /**
   * The {@code .keras} bytes of {@code model}, built from {@code spec}.
   *
   * @throws sparkgru.engine.errors.InvalidInputException for a stateful GRU (Keras needs a fixed batch size for it)
   */
  public static byte[] write(ModelSpec spec, Sequential model) {
    for (LayerSpec l : spec.layers()) {
      if (l.args().getOrDefault("stateful", "false").trim().equalsIgnoreCase("true")) {
        throw new InvalidInputException("a stateful GRU cannot be exported: Keras needs a fixed batch size for it, "
            + "which a spark-gru model does not have");
      }
    }
    KerasConfig names = names(spec);
    byte[] config = Json.write(config(spec, names)).getBytes(StandardCharsets.UTF_8);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("keras_version", KERAS_VERSION);
    meta.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    byte[] metadata = Json.write(meta).getBytes(StandardCharsets.UTF_8);
    byte[] weights = weights(spec, model, names);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : Map.of("metadata.json", metadata, "config.json", config, "model.weights.h5",
          weights).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Layer names as Keras would give them ({@code gru}, {@code gru_1}, ...), which are also their weight paths. */
  private static KerasConfig names(ModelSpec spec) {
    List<String> paths = KerasConfig.paths(spec.layers());
    return new KerasConfig(spec, paths, paths);
  }

  private static Map<String, Object> config(ModelSpec spec, KerasConfig names) {
    List<Object> batchShape = Arrays.asList(null, spec.steps() < 0 ? null : spec.steps(), spec.features());
    List<Object> layers = new ArrayList<>();
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("batch_shape", batchShape);
    input.put("dtype", "float32");
    input.put("sparse", false);
    input.put("ragged", false);
    input.put("name", "input_layer");
    input.put("optional", false);
    layers.add(layer("InputLayer", input));
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", names.names().get(i));
      c.put("trainable", true);
      c.put("dtype", dtypePolicy());
      for (Map.Entry<String, String> a : l.args().entrySet()) {
        c.put(a.getKey(), argument(a.getKey(), a.getValue()));
      }
      String cls = switch (l.type()) {
        case "gru" -> "GRU";
        case "dense" -> "Dense";
        case "masking" -> "Masking";
        default -> "Dropout";
      };
      layers.add(layer(cls, c));
    }
    Map<String, Object> seq = new LinkedHashMap<>();
    seq.put("name", "sequential");
    seq.put("trainable", true);
    seq.put("dtype", dtypePolicy());
    seq.put("layers", layers);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("module", "keras");
    root.put("class_name", "Sequential");
    root.put("config", seq);
    root.put("registered_name", null);
    root.put("build_config", Map.of("input_shape", batchShape));
    return root;
  }

  private static Map<String, Object> layer(String cls, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", "keras.layers");
    m.put("class_name", cls);
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }

  private static Map<String, Object> dtypePolicy() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", "keras");
    m.put("class_name", "DTypePolicy");
    m.put("config", Map.of("name", "float32"));
    m.put("registered_name", null);
    return m;
  }

  /** An engine argument as Keras' config value: numbers, booleans, names, or serialized objects. */
  private static Object argument(String key, String value) {
    String v = value.trim();
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false")) {
      return Boolean.parseBoolean(lower);
    }
    if (key.endsWith("_regularizer") || key.endsWith("_constraint") || key.endsWith("_initializer")) {
      return object(key, lower);
    }
    try {
      double d = Double.parseDouble(v);
      return key.equals("units") || key.equals("seed") ? (Object) (long) d : d;
    } catch (NumberFormatException e) {
      return lower;
    }
  }

  /** The i-th ':'-separated argument of a spec, or {@code fallback} when it is absent. */
  private static double arg(String[] p, int i, double fallback) {
    return p.length > i ? Double.parseDouble(p[i]) : fallback;
  }

  private static Object object(String key, String spec) {
    String[] p = spec.split(":");
    Map<String, Object> config = new LinkedHashMap<>();
    String cls;
    switch (p[0]) {
      case "l1" -> {
        cls = "L1";
        config.put("l1", arg(p, 1, 0.01));
      }
      case "l2" -> {
        cls = "L2";
        config.put("l2", arg(p, 1, 0.01));
      }
      case "l1_l2" -> {
        cls = "L1L2";
        config.put("l1", arg(p, 1, 0.0));
        config.put("l2", arg(p, 2, 0.0));
      }
      case "max_norm" -> {
        cls = "MaxNorm";
        config.put("max_value", arg(p, 1, 2.0));
        config.put("axis", 0);
      }
      case "non_neg" -> cls = "NonNeg";
      case "unit_norm" -> {
        cls = "UnitNorm";
        config.put("axis", 0);
      }
      case "min_max_norm" -> {
        cls = "MinMaxNorm";
        config.put("min_value", arg(p, 1, 0.0));
        config.put("max_value", arg(p, 2, 1.0));
        config.put("rate", arg(p, 3, 1.0));
        config.put("axis", 0);
      }
      case "orthogonal" -> {
        cls = "Orthogonal";
        config.put("gain", arg(p, 1, 1.0));
      }
      case "constant" -> {
        cls = "Constant";
        config.put("value", arg(p, 1, 0.0));
      }
      case "random_uniform" -> {
        cls = "RandomUniform";
        config.put("minval", p.length > 2 ? Double.parseDouble(p[1]) : -0.05);
        config.put("maxval", arg(p, 2, 0.05));
      }
      case "random_normal" -> {
        cls = "RandomNormal";
        config.put("mean", p.length > 2 ? Double.parseDouble(p[1]) : 0.0);
        config.put("stddev", arg(p, 2, 0.05));
      }
      default -> {
        return spec; // a plain Keras initializer name, e.g. glorot_uniform
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", key.endsWith("_initializer") ? "keras.initializers" : key.endsWith("_regularizer")
        ? "keras.regularizers" : "keras.constraints");
    m.put("class_name", cls);
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }

  private static byte[] weights(ModelSpec spec, Sequential model, KerasConfig names) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("spark-gru-export", ".weights.h5");
      Parameters params = model.parameters();
      try (WritableHdfFile h5 = HdfFile.write(tmp)) {
        WritableGroup layersGroup = h5.putGroup("layers");
        int v = 0;
        List<Parameters.Variable> vars = params.variables();
        for (int i = 0; i < spec.layers().size(); i++) {
          String layerName = model.layers().get(i).name();
          List<Parameters.Variable> mine = new ArrayList<>();
          while (v < vars.size() && vars.get(v).layer().equals(layerName)) {
            mine.add(vars.get(v++));
          }
          if (mine.isEmpty()) {
            // Keras reads a missing group as "no variables"; jhdf 0.13 writes empty groups beside others corrupt.
            continue;
          }
          boolean gru = spec.layers().get(i).type().equals("gru");
          WritableGroup g = layersGroup.putGroup(names.paths().get(i));
          WritableGroup varsGroup = (gru ? g.putGroup("cell") : g).putGroup("vars");
          varsGroup.putAttribute("name", gru ? "gru_cell" : names.names().get(i));
          for (int k = 0; k < mine.size(); k++) {
            Parameters.Variable var = mine.get(k);
            varsGroup.putDataset(Integer.toString(k), shaped(params.get(var.path()), var.spec().shape()));
          }
        }
      }
      return Files.readAllBytes(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Keras weights: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // A leftover temporary file does not make the export wrong.
        }
      }
    }
  }

  /** A flat array as a Java array of the variable's shape (rank 1 or 2), as jhdf writes datasets. */
  private static Object shaped(float[] flat, int[] shape) {
    if (shape.length == 1) {
      return flat;
    }
    float[][] out = new float[shape[0]][shape[1]];
    for (int r = 0; r < shape[0]; r++) {
      System.arraycopy(flat, r * shape[1], out[r], 0, shape[1]);
    }
    return out;
  }
}
