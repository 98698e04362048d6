package sparkgru.engine.model;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a model came from: the object {@code provenance} of a model file's header (and of each
 * checkpoint's model). Every field is optional, null when not recorded: a train job's model
 * records the versions, data, seed, partitions, configuration, time and history (and, for
 * forecasting, the scaling, window count and time steps); the MLlib estimator's also the shape of its
 * labels; a Keras import only its source.
 *
 * <p>{@link #toJson()} writes the recorded fields in the order of the components below, under
 * the keys named in brackets, then the {@code other} keys; {@link #fromJson} reads what any
 * version wrote: keys it does not know, and known keys whose value has an unexpected type, land
 * in {@code other} as they were.
 *
 * @param scaling         [scaling] the fitted scaling of a forecasting model, as JSON values
 *                        (maps, lists, strings, numbers) in the jobs' scaler's layout
 * @param trainingWindows [training_windows] the forecasting windows it trained on
 * @param timeSteps       [time_steps] the time steps of a forecasting model's training series, as
 *                        JSON values in the jobs' layout
 * @param predictionShape [prediction_shape] what the MLlib estimator's labels held: scalar,
 *                        vector or sequence
 * @param sequenceSteps   [sequence_steps] the lengths of the sequences the MLlib estimator
 *                        trained on, which its model accepts
 * @param engineVersion   [engine] the engine's version, {@link Version#NAME}
 * @param sparkVersion    [spark] the Spark version it trained on
 * @param javaVersion     [java] the Java version it trained on
 * @param dataOrigin      [data] where its training data came from
 * @param seed            [seed] the training seed
 * @param partitions      [partitions] the Spark partitions it trained on
 * @param config          [config] the effective configuration, key to value (null values kept)
 * @param created         [created] when training ended
 * @param history         [history] each epoch's logs; a log that was not a number (JSON writes
 *                        NaN as null) reads as NaN
 * @param source          [source] the Keras file it was imported from
 * @param kerasMetadata   [keras_metadata] the {@code metadata.json} of an imported {@code .keras}
 *                        archive, as JSON values
 * @param covariates      [covariates] the fitted encoding of a forecasting model's static
 *                        covariates, as JSON values in the jobs' layout
 * @param other           the keys this version does not know, in the order read
 */
public record Provenance(Object scaling, Long trainingWindows, Object timeSteps, String predictionShape,
    SequenceSteps sequenceSteps, String engineVersion, String sparkVersion, String javaVersion, String dataOrigin,
    Long seed, Integer partitions, Map<String, String> config, Instant created, List<Map<String, Double>> history, String source,
    Object kerasMetadata, Object covariates, Map<String, Object> other) {

  /** Nothing recorded. */
  public static final Provenance NONE = new Provenance(null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, Map.of());

  /** Copies the maps and lists, keeping their order. */
  public Provenance {
    config = config == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(config));
    if (history != null) {
      List<Map<String, Double>> epochs = new ArrayList<>();
      history.forEach(e -> epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(e))));
      history = Collections.unmodifiableList(epochs);
    }
    other = other == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(other));
  }

  /** The provenance of a model imported from a Keras file; {@code kerasMetadata} may be null. */
  public static Provenance imported(String source, Object kerasMetadata) {
    return new Provenance(null, null, null, null, null, null, null, null, null, null, null, null, null, null, source,
        kerasMetadata, null, Map.of());
  }

  /** This with the fitted scaling (as JSON values) and the windows a forecasting model trains on. */
  public Provenance withScaling(Object scaling, long trainingWindows) {
    return new Provenance(scaling, trainingWindows, timeSteps, predictionShape, sequenceSteps, engineVersion,
        sparkVersion, javaVersion, dataOrigin, seed, partitions, config, created, history, source, kerasMetadata,
        covariates, other);
  }

  /** This with the time steps (as JSON values) of a forecasting model's training series. */
  public Provenance withTimeSteps(Object steps) {
    return new Provenance(scaling, trainingWindows, steps, predictionShape, sequenceSteps, engineVersion,
        sparkVersion, javaVersion, dataOrigin, seed, partitions, config, created, history, source, kerasMetadata,
        covariates, other);
  }

  /**
   * The shortest and longest sequence a model trained on, in time steps.
   *
   * @param shortest at least 1
   * @param longest  at least {@code shortest}
   */
  public record SequenceSteps(int shortest, int longest) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks the range. */
    public SequenceSteps {
      if (shortest < 1 || longest < shortest) {
        throw new IllegalArgumentException("sequence steps need 1 <= shortest <= longest, got " + shortest + " and "
            + longest);
      }
    }

    /** Whether a sequence of {@code steps} is as long as some the model trained on. */
    public boolean contains(int steps) {
      return steps >= shortest && steps <= longest;
    }

    /** {@code 24} or {@code 3 to 6}. */
    public String describe() {
      return shortest == longest ? Integer.toString(shortest) : shortest + " to " + longest;
    }

    Map<String, Object> toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("shortest", shortest);
      out.put("longest", longest);
      return out;
    }

    /** The steps {@link #toJson()} wrote, or null when {@code json} is not such an object. */
    static SequenceSteps fromJson(Object json) {
      if (!(json instanceof Map<?, ?> m)) {
        return null;
      }
      Integer s = count(m.get("shortest"));
      Integer l = count(m.get("longest"));
      return s != null && l != null && s >= 1 && l >= s ? new SequenceSteps(s, l) : null;
    }
  }

  /** This with the lengths of the sequences the MLlib estimator fitted on. */
  public Provenance withSequenceSteps(SequenceSteps steps) {
    return new Provenance(scaling, trainingWindows, timeSteps, predictionShape, steps, engineVersion, sparkVersion,
        javaVersion, dataOrigin, seed, partitions, config, created, history, source, kerasMetadata, covariates, other);
  }

  /** This with the fitted encoding (as JSON values) of a forecasting model's static covariates. */
  public Provenance withCovariates(Object encoding) {
    return new Provenance(scaling, trainingWindows, timeSteps, predictionShape, sequenceSteps, engineVersion,
        sparkVersion, javaVersion, dataOrigin, seed, partitions, config, created, history, source, kerasMetadata,
        encoding, other);
  }

  /** This with the shape of the labels the MLlib estimator fitted on. */
  public Provenance withPredictionShape(String shape) {
    return new Provenance(scaling, trainingWindows, timeSteps, shape, sequenceSteps, engineVersion, sparkVersion,
        javaVersion, dataOrigin, seed, partitions, config, created, history, source, kerasMetadata, covariates, other);
  }

  /**
   * This with what a training run starts from: this engine's and this JVM's versions, the Spark
   * version, the data's origin, the seed, the partitions and the effective configuration.
   */
  public Provenance withRun(String spark, String data, long trainingSeed, int sparkPartitions,
      Map<String, String> effectiveConfig) {
    return new Provenance(scaling, trainingWindows, timeSteps, predictionShape, sequenceSteps, Version.NAME, spark,
        System.getProperty("java.version"), data, trainingSeed, sparkPartitions, effectiveConfig, created, history,
        source, kerasMetadata, covariates, other);
  }

  /** This with when training ended and each epoch's logs. */
  public Provenance withOutcome(Instant ended, List<Map<String, Double>> epochs) {
    return new Provenance(scaling, trainingWindows, timeSteps, predictionShape, sequenceSteps, engineVersion,
        sparkVersion, javaVersion, dataOrigin, seed, partitions, config, ended, epochs, source, kerasMetadata, covariates, other);
  }

  /** The JSON object of a model file's header: the recorded fields, then the other keys. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    put(out, "scaling", scaling);
    put(out, "training_windows", trainingWindows);
    put(out, "time_steps", timeSteps);
    put(out, "prediction_shape", predictionShape);
    put(out, "sequence_steps", sequenceSteps == null ? null : sequenceSteps.toJson());
    put(out, "engine", engineVersion);
    put(out, "spark", sparkVersion);
    put(out, "java", javaVersion);
    put(out, "data", dataOrigin);
    put(out, "seed", seed);
    put(out, "partitions", partitions);
    put(out, "config", config);
    put(out, "created", created == null ? null : created.toString());
    put(out, "history", history);
    put(out, "source", source);
    put(out, "keras_metadata", kerasMetadata);
    put(out, "covariates", covariates);
    other.forEach(out::putIfAbsent);
    return out;
  }

  private static void put(Map<String, Object> out, String key, Object value) {
    if (value != null) {
      out.put(key, value);
    }
  }

  /**
   * The provenance a model file's header holds, as its JSON parser returns it (maps, lists,
   * strings, doubles, booleans, nulls); anything but an object is {@link #NONE}. Never fails:
   * values of unexpected types are kept in {@code other}.
   */
  public static Provenance fromJson(Object json) {
    if (!(json instanceof Map<?, ?> map)) {
      return NONE;
    }
    Map<String, Object> other = new LinkedHashMap<>();
    map.forEach((k, v) -> other.put(String.valueOf(k), v));
    return new Provenance(take(other, "scaling", v -> v), take(other, "training_windows", Provenance::whole),
        take(other, "time_steps", v -> v),
        take(other, "prediction_shape", Provenance::text), take(other, "sequence_steps", SequenceSteps::fromJson),
        take(other, "engine", Provenance::text),
        take(other, "spark", Provenance::text), take(other, "java", Provenance::text),
        take(other, "data", Provenance::text), take(other, "seed", Provenance::whole),
        take(other, "partitions", Provenance::count), take(other, "config", Provenance::config),
        take(other, "created", Provenance::instant), take(other, "history", Provenance::history),
        take(other, "source", Provenance::text), take(other, "keras_metadata", v -> v),
        take(other, "covariates", v -> v), other);
  }

  /**
   * The value of {@code key} read by {@code reader} (null when it has another type), removed
   * from {@code other} unless it has another type; a JSON null reads as absent.
   */
  private static <T> T take(Map<String, Object> other, String key, Function<Object, T> reader) {
    if (!other.containsKey(key)) {
      return null;
    }
    Object value = other.get(key);
    T read = value == null ? null : reader.apply(value);
    if (value == null || read != null) {
      other.remove(key);
    }
    return read;
  }

  private static String text(Object v) {
    return v instanceof String s ? s : null;
  }

  private static Long whole(Object v) {
    return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.longValue() : null;
  }

  private static Integer count(Object v) {
    Long n = whole(v);
    return n != null && n == n.intValue() ? n.intValue() : null;
  }

  private static Instant instant(Object v) {
    try {
      return v instanceof String s ? Instant.parse(s) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Map<String, String> config(Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, value) -> out.put(String.valueOf(k), value == null ? null : String.valueOf(value)));
    return out;
  }

  private static List<Map<String, Double>> history(Object v) {
    if (!(v instanceof List<?> epochs) || !epochs.stream().allMatch(Map.class::isInstance)) {
      return null;
    }
    List<Map<String, Double>> out = new ArrayList<>();
    for (Object e : epochs) {
      Map<String, Double> logs = new LinkedHashMap<>();
      ((Map<?, ?>) e).forEach((k, value) -> logs.put(String.valueOf(k),
          value instanceof Number n ? n.doubleValue() : Double.NaN));
      out.add(logs);
    }
    return out;
  }
}
