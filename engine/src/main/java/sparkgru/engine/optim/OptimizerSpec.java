package sparkgru.engine.optim;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.errors.Suggestions;

/**
 * An optimiser as text: Keras' name ({@code sgd}, {@code adam}, {@code adamw}, {@code rmsprop})
 * and Keras argument names, e.g. {@code learning_rate=0.001}, {@code clipnorm=1.0}, or a
 * schedule {@code schedule=exponential_decay:<initial>:<decay_steps>:<decay_rate>[:staircase]}
 * or {@code schedule=cosine_decay:<initial>:<decay_steps>[:alpha]} in place of the rate. Spark
 * tasks build their optimiser from it; missing arguments take Keras' defaults.
 *
 * @param name the optimiser
 * @param args its arguments
 */
public record OptimizerSpec(String name, Map<String, String> args) implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Set<String> COMMON = Set.of("learning_rate", "schedule", "clipnorm", "global_clipnorm",
      "clipvalue", "weight_decay");
  private static final Map<String, Set<String>> OWN = Map.of(
      "sgd", Set.of("momentum", "nesterov"),
      "adam", Set.of("beta_1", "beta_2", "epsilon"),
      "adamw", Set.of("beta_1", "beta_2", "epsilon"),
      "rmsprop", Set.of("rho", "momentum", "epsilon", "centered"));

  /** The optimiser names the spec takes, in alphabetical order. */
  public static final List<String> NAMES = List.copyOf(new TreeSet<>(OWN.keySet()));

  /** Validates the name and the argument names. */
  public OptimizerSpec {
    name = name == null ? null : name.trim().toLowerCase(Locale.ROOT);
    if (name == null || !OWN.containsKey(name)) {
      throw new InvalidInputException("optimizer must be one of " + NAMES + ", got '" + name + "'");
    }
    args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    for (String key : args.keySet()) {
      if (!COMMON.contains(key) && !OWN.get(name).contains(key)) {
        Set<String> all = new TreeSet<>(COMMON);
        all.addAll(OWN.get(name));
        throw new InvalidInputException(name + " has no argument '" + key + "'"
            + Suggestions.nearest(key, all) + "; it takes " + all);
      }
    }
  }

  /** A spec from alternating key, value strings. */
  public static OptimizerSpec of(String name, String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return new OptimizerSpec(name, map);
  }

  /** The constant learning rate, or NaN when a schedule sets it. */
  public double learningRate() {
    return args.containsKey("schedule") ? Double.NaN : number("learning_rate", name.equals("sgd") ? 0.01 : 0.001);
  }

  /** This optimiser with another constant learning rate (not for schedules). */
  public OptimizerSpec withLearningRate(double rate) {
    if (args.containsKey("schedule")) {
      throw new InvalidInputException(name + " uses a learning-rate schedule; reduce-on-plateau needs a constant "
          + "learning_rate");
    }
    Map<String, String> copy = new LinkedHashMap<>(args);
    copy.put("learning_rate", Double.toString(rate));
    return new OptimizerSpec(name, copy);
  }

  /** A fresh optimiser with zero state. */
  public Optimizer build() {
    LearningRateSchedule schedule = schedule();
    GradientClipping clipping = new GradientClipping(number("clipnorm", 0), number("global_clipnorm", 0),
        number("clipvalue", 0));
    return switch (name) {
      case "sgd" -> new Sgd(schedule, number("momentum", 0), bool("nesterov"), clipping, number("weight_decay", 0));
      case "adam" -> new Adam(schedule, number("beta_1", 0.9), number("beta_2", 0.999), number("epsilon", 1e-7),
          clipping, number("weight_decay", 0));
      case "adamw" -> new Adam(schedule, number("beta_1", 0.9), number("beta_2", 0.999), number("epsilon", 1e-7),
          clipping, number("weight_decay", Adam.ADAMW_DEFAULT_WEIGHT_DECAY));
      case "rmsprop" -> new RmsProp(schedule, number("rho", 0.9), number("momentum", 0), number("epsilon", 1e-7),
          bool("centered"), clipping, number("weight_decay", 0));
      default -> throw new IllegalStateException(name);
    };
  }

  private LearningRateSchedule schedule() {
    String spec = args.get("schedule");
    if (spec == null) {
      return new LearningRateSchedule.Constant(number("learning_rate", name.equals("sgd") ? 0.01 : 0.001));
    }
    String[] p = spec.trim().toLowerCase(Locale.ROOT).split(":");
    try {
      return switch (p[0]) {
        case "exponential_decay" -> new LearningRateSchedule.ExponentialDecay(Double.parseDouble(p[1]),
            Long.parseLong(p[2]), Double.parseDouble(p[3]), p.length > 4 && Boolean.parseBoolean(p[4]));
        case "cosine_decay" -> new LearningRateSchedule.CosineDecay(Double.parseDouble(p[1]), Long.parseLong(p[2]),
            p.length > 3 ? Double.parseDouble(p[3]) : 0.0);
        default -> throw new InvalidInputException(name + ".schedule must be exponential_decay:initial:steps:rate"
            + "[:staircase] or cosine_decay:initial:steps[:alpha], got '" + spec + "'");
      };
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new InvalidInputException(name + ".schedule must be exponential_decay:initial:steps:rate[:staircase] or "
          + "cosine_decay:initial:steps[:alpha], got '" + spec + "'", e);
    }
  }

  private double number(String key, double fallback) {
    String v = args.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + "." + key + " must be a number, got '" + v + "'", e);
    }
  }

  private boolean bool(String key) {
    String v = args.getOrDefault(key, "false").trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new InvalidInputException(name + "." + key + " must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }
}
