package sparkgru.engine.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.errors.Suggestions;
import sparkgru.engine.layers.Constraint;
import sparkgru.engine.layers.Dense;
import sparkgru.engine.layers.Dropout;
import sparkgru.engine.layers.GruConfig;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.layers.Initializer;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.layers.Masking;
import sparkgru.engine.layers.Regularizer;
import sparkgru.engine.linalg.Activation;

/**
 * One layer as text: a Keras type name ({@code gru}, {@code dense}, {@code masking},
 * {@code dropout}) and Keras argument names and values, e.g. {@code units=64},
 * {@code recurrent_activation=hard_sigmoid}, {@code kernel_regularizer=l2:0.01}. Configuration
 * files and model files store layers this way, and Spark tasks rebuild their model from it.
 *
 * @param type the Keras layer type, lower case
 * @param args Keras argument names to values; missing arguments take Keras' defaults
 */
public record LayerSpec(String type, Map<String, String> args) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Each layer type's Keras arguments, the types in the order the documentation lists them. */
  private static final Map<String, Set<String>> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("gru", Set.of("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
        "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
        "bias_regularizer", "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
        "dropout", "recurrent_dropout", "reset_after", "return_sequences", "return_state", "go_backwards",
        "stateful", "unroll", "seed"));
    KEYS.put("dense", Set.of("units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
        "kernel_regularizer", "bias_regularizer"));
    KEYS.put("masking", Set.of("mask_value"));
    KEYS.put("dropout", Set.of("rate", "seed"));
  }

  /** The layer types a spec takes: {@code gru}, {@code dense}, {@code masking}, {@code dropout}. */
  public static final List<String> TYPES = List.copyOf(KEYS.keySet());

  /** Validates the type and that every argument is one the type takes (suggesting the nearest on a typo). */
  public LayerSpec {
    if (type == null || !KEYS.containsKey(type)) {
      throw new InvalidInputException("layer type must be one of " + new TreeSet<>(KEYS.keySet())
          + ", got '" + type + "'");
    }
    args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    for (String key : args.keySet()) {
      if (!KEYS.get(type).contains(key)) {
        throw new InvalidInputException(type + " has no argument '" + key + "'" + Suggestions.nearest(key, KEYS.get(type))
            + "; it takes " + new TreeSet<>(KEYS.get(type)));
      }
    }
  }

  /** The Keras arguments a layer type takes (empty for an unknown type). */
  public static Set<String> arguments(String type) {
    return KEYS.getOrDefault(type, Set.of());
  }

  /** A spec from alternating key, value strings: {@code LayerSpec.of("gru", "units", "64")}. */
  public static LayerSpec of(String type, String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("layer arguments come in key, value pairs, got " + keyValues.length + " strings");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return new LayerSpec(type, map);
  }

  /** Builds a fresh layer. */
  public Layer build() {
    return switch (type) {
      case "gru" -> new GruLayer(gruConfig());
      case "dense" -> new Dense(integer("units", null), activation("activation", "linear"), bool("use_bias", true),
          initializer("kernel_initializer", "glorot_uniform"), initializer("bias_initializer", "zeros"),
          regularizer("kernel_regularizer"), regularizer("bias_regularizer"));
      case "masking" -> new Masking((float) number("mask_value", 0.0));
      case "dropout" -> new Dropout(number("rate", null), args.containsKey("seed") ? (long) integer("seed", null) : null);
      default -> throw new IllegalStateException(type);
    };
  }

  private GruConfig gruConfig() {
    GruConfig.Builder b = GruConfig.builder(integer("units", null))
        .activation(activation("activation", "tanh"))
        .recurrentActivation(activation("recurrent_activation", "sigmoid"))
        .useBias(bool("use_bias", true))
        .kernelInitializer(initializer("kernel_initializer", "glorot_uniform"))
        .recurrentInitializer(initializer("recurrent_initializer", "orthogonal"))
        .biasInitializer(initializer("bias_initializer", "zeros"))
        .kernelRegularizer(regularizer("kernel_regularizer"))
        .recurrentRegularizer(regularizer("recurrent_regularizer"))
        .biasRegularizer(regularizer("bias_regularizer"))
        .activityRegularizer(regularizer("activity_regularizer"))
        .kernelConstraint(constraint("kernel_constraint"))
        .recurrentConstraint(constraint("recurrent_constraint"))
        .biasConstraint(constraint("bias_constraint"))
        .dropout(number("dropout", 0.0))
        .recurrentDropout(number("recurrent_dropout", 0.0))
        .resetAfter(bool("reset_after", true))
        .returnSequences(bool("return_sequences", false))
        .returnState(bool("return_state", false))
        .goBackwards(bool("go_backwards", false))
        .stateful(bool("stateful", false))
        .unroll(bool("unroll", false));
    if (args.containsKey("seed")) {
      b.seed(integer("seed", null));
    }
    return b.build();
  }

  private String field(String key) {
    return type + "." + key;
  }

  private String text(String key, String fallback) {
    String v = args.get(key);
    if (v == null) {
      if (fallback == null) {
        throw new InvalidInputException(field(key) + " must be set");
      }
      return fallback;
    }
    return v.trim();
  }

  private int integer(String key, Integer fallback) {
    String v = text(key, fallback == null ? null : fallback.toString());
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field(key) + " must be an integer, got '" + v + "'", e);
    }
  }

  private double number(String key, Double fallback) {
    String v = text(key, fallback == null ? null : fallback.toString());
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field(key) + " must be a number, got '" + v + "'", e);
    }
  }

  private boolean bool(String key, boolean fallback) {
    String v = text(key, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new InvalidInputException(field(key) + " must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  private Activation activation(String key, String fallback) {
    return Activation.fromKerasName(text(key, fallback), field(key));
  }

  private Initializer initializer(String key, String fallback) {
    return Initializer.parse(text(key, fallback), field(key));
  }

  private Regularizer regularizer(String key) {
    return Regularizer.parse(args.get(key), field(key));
  }

  private Constraint constraint(String key) {
    return Constraint.parse(args.get(key), field(key));
  }

  /** The layers of a list of specs, built fresh. */
  static List<Layer> buildAll(List<LayerSpec> specs) {
    List<Layer> layers = new ArrayList<>();
    for (LayerSpec s : specs) {
      layers.add(s.build());
    }
    return layers;
  }
}
