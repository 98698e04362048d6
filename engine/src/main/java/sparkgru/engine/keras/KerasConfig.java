package sparkgru.engine.keras;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;

/**
 * A Keras {@code Sequential} config (Keras 3 {@code config.json} or a legacy {@code model_config})
 * as the engine's {@link ModelSpec}: InputLayer, Masking, GRU, Dense and Dropout with their Keras
 * arguments. Every key of a layer's config is either carried over, checked to hold the only value
 * the engine implements (e.g. {@code zero_output_for_mask=false}, float32), or refused with a
 * message naming the layer, the key and the file; nothing is dropped silently except the names,
 * dtype policies and bookkeeping keys that do not change what the model computes.
 *
 * @param spec  the model
 * @param names the Keras layer names, one per spec layer, in order
 * @param paths where Keras 3 saves each layer's weights under {@code layers/}: the class name in
 *              snake case, with {@code _1}, {@code _2}, ... for later layers of the same class
 *              (Keras' saving_lib does not use layer names, which are not reproducible)
 */
record KerasConfig(ModelSpec spec, List<String> names, List<String> paths) {
  private static final Set<String> BOOKKEEPING = Set.of("name", "trainable", "dtype", "registered_name", "module",
      "shared_object_id");
  /** Keys whose value must be the engine's (the value given): anything else is refused. */
  private static final Map<String, Object> FIXED = Map.of("zero_output_for_mask", false, "time_major", false,
      "sparse", false, "ragged", false, "optional", false);
  /** Keys that must be absent or null (features the engine does not have). */
  private static final Set<String> NULL_ONLY = Set.of("noise_shape", "lora_rank", "lora_alpha", "quantization_config",
      "kernel_constraint", "bias_constraint", "activity_regularizer");
  /** What Keras makes of None for keys whose None is not their default. */
  private static final Map<String, String> NULL_MEANS = Map.of("activation", "linear", "recurrent_activation",
      "linear", "use_bias", "false", "reset_after", "false", "return_sequences", "false", "go_backwards", "false",
      "stateful", "false", "unroll", "false", "return_state", "false");
  /** Keys of legacy configs that choose an implementation, not a result. */
  private static final Set<String> IMPLEMENTATION = Set.of("implementation");

  /** Reads a parsed config.json (or legacy model_config) of file {@code file}. */
  @SuppressWarnings("unchecked")
  static KerasConfig parse(Object json, String file) {
    Map<String, Object> root = map(json, file, "the model config");
    if (!"Sequential".equals(root.get("class_name"))) {
      throw new InvalidInputException(file + " holds a " + root.get("class_name") + " model; spark-gru reads "
          + "Sequential models only");
    }
    Map<String, Object> config = map(root.get("config"), file, "the Sequential config");
    checkDtype(config.get("dtype"), file, "the model");
    Object layersJson = config.get("layers");
    if (!(layersJson instanceof List<?> layers) || layers.isEmpty()) {
      throw new InvalidInputException(file + ": the Sequential config has no layers");
    }
    int[] input = null;
    Object build = root.get("build_config");
    if (build instanceof Map<?, ?> b && b.get("input_shape") != null) {
      input = inputShape(b.get("input_shape"), file);
    }
    List<LayerSpec> specs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Object o : layers) {
      Map<String, Object> layer = map(o, file, "a layer");
      String cls = String.valueOf(layer.get("class_name"));
      Map<String, Object> cfg = map(layer.get("config"), file, "the config of a " + cls + " layer");
      String name = String.valueOf(cfg.get("name"));
      String where = "layer '" + name + "' (" + cls + ") in " + file;
      if (cfg.containsKey("batch_input_shape") || cfg.containsKey("batch_shape")) {
        input = inputShape(cfg.containsKey("batch_shape") ? cfg.get("batch_shape") : cfg.get("batch_input_shape"),
            where);
      }
      Object module = layer.get("module");
      if (layer.get("registered_name") != null || (module != null && !String.valueOf(module).startsWith("keras"))) {
        // A registered or foreign class runs its own code in Keras; spark-gru would compute Keras' built-in layer.
        throw new InvalidInputException(where + ": a custom class (module " + module + ", registered_name "
            + layer.get("registered_name") + ") is not supported; spark-gru reads Keras' built-in layers only");
      }
      if (cls.equals("InputLayer")) {
        checkKeys(cfg, Set.of("batch_shape", "batch_input_shape", "input_tensor"), where);
        checkDtype(cfg.get("dtype"), where, "its input");
        continue;
      }
      String type = switch (cls) {
        case "GRU" -> "gru";
        case "Dense" -> "dense";
        case "Masking" -> "masking";
        case "Dropout" -> "dropout";
        default -> throw new InvalidInputException(where + ": layer class " + cls + " is not supported; spark-gru "
            + "reads InputLayer, Masking, GRU, Dense and Dropout");
      };
      if (Boolean.FALSE.equals(cfg.get("trainable"))) {
        throw new InvalidInputException(where + ": trainable=false (frozen layers) is not supported");
      }
      checkDtype(cfg.get("dtype"), where, "it");
      Map<String, String> args = new LinkedHashMap<>();
      Set<String> carried = LayerSpec.arguments(type);
      for (Map.Entry<String, Object> e : cfg.entrySet()) {
        String key = e.getKey();
        Object v = e.getValue();
        if (BOOKKEEPING.contains(key) || key.equals("batch_input_shape") || key.equals("batch_shape")
            || IMPLEMENTATION.contains(key)) {
          continue;
        }
        if (FIXED.containsKey(key)) {
          if (!FIXED.get(key).equals(v)) {
            throw new InvalidInputException(where + ": " + key + "=" + v + " is not supported (only "
                + FIXED.get(key) + ")");
          }
          continue;
        }
        if (v == null && carried.contains(key) && NULL_MEANS.containsKey(key)) {
          // Keras reads None as linear for activations and as False for flags, not as the default.
          args.put(key, NULL_MEANS.get(key));
          continue;
        }
        if (v == null && (NULL_ONLY.contains(key) || carried.contains(key))) {
          continue;
        }
        if (NULL_ONLY.contains(key) && !carried.contains(key)) {
          throw new InvalidInputException(where + ": " + key + " is not supported (got " + v + ")");
        }
        if (!carried.contains(key)) {
          throw new InvalidInputException(where + ": argument '" + key + "' is not supported");
        }
        args.put(key, value(key, v, where));
      }
      try {
        LayerSpec spec = new LayerSpec(type, args);
        spec.build();
        specs.add(spec);
      } catch (InvalidInputException ex) {
        throw new InvalidInputException(where + ": " + ex.getMessage(), ex);
      }
      names.add(name);
    }
    if (input == null) {
      throw new InvalidInputException(file + " does not say the model's input shape (no InputLayer, "
          + "batch_input_shape or build_config); save the model after building it");
    }
    if (specs.isEmpty()) {
      throw new InvalidInputException(file + ": the Sequential config has no layer besides its InputLayer");
    }
    ModelSpec spec = new ModelSpec(input[0], input[1], specs);
    try {
      spec.weightCount();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file + ": " + e.getMessage(), e);
    }
    return new KerasConfig(spec, names, paths(specs));
  }

  /** Keras 3's weight paths of these layers: the type, then {@code _1}, {@code _2}, ... for later layers of it. */
  static List<String> paths(List<LayerSpec> layers) {
    List<String> out = new ArrayList<>();
    Map<String, Integer> used = new HashMap<>();
    for (LayerSpec l : layers) {
      int n = used.merge(l.type(), 1, Integer::sum) - 1;
      out.add(n == 0 ? l.type() : l.type() + "_" + n);
    }
    return out;
  }

  private static void checkKeys(Map<String, Object> cfg, Set<String> allowed, String where) {
    for (Map.Entry<String, Object> e : cfg.entrySet()) {
      String key = e.getKey();
      if (BOOKKEEPING.contains(key) || allowed.contains(key)) {
        continue;
      }
      if (FIXED.containsKey(key) && FIXED.get(key).equals(e.getValue())) {
        continue;
      }
      throw new InvalidInputException(where + ": " + key + "=" + e.getValue() + " is not supported");
    }
  }

  /** The dtype policy must compute and store float32 (a name, a DTypePolicy object, or absent). */
  private static void checkDtype(Object dtype, String where, String what) {
    if (dtype == null) {
      return;
    }
    Object name = dtype;
    if (dtype instanceof Map<?, ?> m) {
      Object c = m.get("config");
      name = c instanceof Map<?, ?> cm ? cm.get("name") : m.get("name");
    }
    if (!"float32".equals(name)) {
      throw new InvalidInputException(where + ": dtype " + name + " of " + what + " is not supported; spark-gru "
          + "computes in float32");
    }
  }

  /** [steps (-1 = any), features] of a batch shape [batch, steps, features]. */
  private static int[] inputShape(Object shape, String where) {
    if (!(shape instanceof List<?> dims) || dims.size() != 3 || !(dims.get(2) instanceof Number f)
        || f.intValue() < 1 || (dims.get(1) != null && !(dims.get(1) instanceof Number))) {
      throw new InvalidInputException(where + ": input shape " + shape + " is not [batch, steps, features] with "
          + "a known number of features");
    }
    int steps = dims.get(1) == null ? -1 : ((Number) dims.get(1)).intValue();
    return new int[] {steps, f.intValue()};
  }

  /** A config value as the engine's argument text. */
  private static String value(String key, Object v, String where) {
    if (v instanceof Boolean || v instanceof String) {
      return v.toString().toLowerCase(Locale.ROOT);
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
    if (v instanceof Map<?, ?> m) {
      String cls = String.valueOf(m.get("class_name"));
      Map<?, ?> c = m.get("config") instanceof Map<?, ?> cm ? cm : Map.of();
      if (key.endsWith("_initializer")) {
        return initializer(cls, c, key, where);
      }
      if (key.endsWith("_regularizer")) {
        return switch (cls) {
          case "L1" -> "l1:" + number(c, "l1", where);
          case "L2" -> "l2:" + number(c, "l2", where);
          case "L1L2" -> "l1_l2:" + number(c, "l1", where) + ":" + number(c, "l2", where);
          default -> throw new InvalidInputException(where + ": " + key + " " + cls + " is not supported");
        };
      }
      if (key.endsWith("_constraint")) {
        Object axis = c.get("axis");
        if (axis != null && !(axis instanceof Number a && a.intValue() == 0)) {
          throw new InvalidInputException(where + ": " + key + " with axis " + axis + " is not supported (axis 0)");
        }
        return switch (cls) {
          case "MaxNorm" -> "max_norm:" + number(c, "max_value", where);
          case "NonNeg" -> "non_neg";
          case "UnitNorm" -> "unit_norm";
          case "MinMaxNorm" -> "min_max_norm:" + number(c, "min_value", where) + ":" + number(c, "max_value", where)
              + ":" + number(c, "rate", where);
          default -> throw new InvalidInputException(where + ": " + key + " " + cls + " is not supported");
        };
      }
    }
    throw new InvalidInputException(where + ": " + key + "=" + v + " is not supported");
  }

  private static String initializer(String cls, Map<?, ?> c, String key, String where) {
    return switch (cls) {
      case "GlorotUniform" -> "glorot_uniform";
      case "GlorotNormal" -> "glorot_normal";
      case "HeUniform" -> "he_uniform";
      case "HeNormal" -> "he_normal";
      case "LecunUniform" -> "lecun_uniform";
      case "LecunNormal" -> "lecun_normal";
      case "Zeros" -> "zeros";
      case "Ones" -> "ones";
      case "Orthogonal" -> "orthogonal:" + (c.get("gain") == null ? 1.0 : number(c, "gain", where));
      case "Constant" -> "constant:" + number(c, "value", where);
      case "RandomUniform" -> "random_uniform:" + number(c, "minval", where) + ":" + number(c, "maxval", where);
      case "RandomNormal" -> "random_normal:" + number(c, "mean", where) + ":" + number(c, "stddev", where);
      default -> throw new InvalidInputException(where + ": " + key + " " + cls + " is not supported");
    };
  }

  private static double number(Map<?, ?> c, String key, String where) {
    if (!(c.get(key) instanceof Number n)) {
      throw new InvalidInputException(where + ": '" + key + "' must be a number, got " + c.get(key));
    }
    return n.doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String file, String what) {
    if (!(o instanceof Map<?, ?>)) {
      throw new InvalidInputException(file + ": " + what + " is not a JSON object");
    }
    return (Map<String, Object>) o;
  }
}
