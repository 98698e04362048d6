package sparkgru.jobs.config;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sparkgru.engine.config.Suggestions;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.optim.OptimizerSpec;
import sparkgru.jobs.train.TrainSettings;

/**
 * The training job's configuration: a {@code .properties} file (see {@code conf/demo.conf})
 * plus {@code key=value} overrides from the command line, validated at construction.
 *
 * <p>Fixed keys are declared in {@link #KEYS} with default and description. Layer and
 * optimiser arguments are open-ended: {@code model.layer.<i>.<keras argument>} and
 * {@code optimizer.<keras argument>}, checked by the engine's {@link LayerSpec} and
 * {@link OptimizerSpec}, which name the argument and suggest the nearest on a typo.
 */
public final class JobConfig {

  /** A fixed key: its default ({@code null} when required or optional without default) and meaning. */
  public record Key(String name, String defaultValue, String description) {}

  /** Every fixed key, in documentation order. */
  public static final List<Key> KEYS = List.of(
      new Key("data.source", "demo", "demo (generated), csv or parquet"),
      new Key("data.path", null, "input path for csv/parquet, any Hadoop file system (file://, hdfs://, s3a://)"),
      new Key("data.id_column", "sequence_id", "column naming the sequence of each row"),
      new Key("data.step_column", "step", "column with the step index 0..T-1 within a sequence"),
      new Key("data.feature_columns", null, "comma-separated input columns (csv/parquet)"),
      new Key("data.target_columns", null, "comma-separated target columns (csv/parquet)"),
      new Key("data.validation_fraction", "0.1", "fraction of sequences held out for validation, in [0, 0.9]"),
      new Key("demo.sequences", "4000", "demo: number of generated sequences, in [1, 100000000]"),
      new Key("demo.steps", "24", "demo: steps per sequence, in [2, 10000]"),
      new Key("model.layers", "gru,dense", "comma-separated layer types: gru, dense, masking, dropout (the default "
          + "gru,dense has units 32 and 1 unless model.layer.<i>.units says otherwise)"),
      new Key("optimizer.name", "adam", "adam, adamw, rmsprop or sgd"),
      new Key("train.loss", "mse", "mse, mae, huber or binary_crossentropy"),
      new Key("train.metrics", "mae,rmse", "comma-separated: mae, rmse, binary_accuracy (may be empty)"),
      new Key("train.epochs", "10", "passes over the data, in [1, 1000000]"),
      new Key("train.batch_size", "32", "samples per mini-batch on each worker, in [1, 16777216]"),
      new Key("train.averaging_frequency", "5", "mini-batches per worker between weight averagings, in [1, 1000000]"),
      new Key("train.average_optimizer_state", "true", "average the optimiser state too (else reset each round)"),
      new Key("train.partitions", "0", "data partitions (= parallel workers); 0 = Spark's default parallelism"),
      new Key("train.seed", "42", "seed of weights, shuffling, dropout and the validation split"),
      new Key("train.aggregation_depth", "2", "levels of the weight-averaging tree, in [1, 8]"),
      new Key("early_stopping.monitor", "", "log key to watch, e.g. val_loss; empty = no early stopping"),
      new Key("early_stopping.patience", "0", "epochs without improvement before stopping, >= 0"),
      new Key("early_stopping.min_delta", "0", "smallest change counted as improvement, >= 0"),
      new Key("early_stopping.restore_best_weights", "false", "end with the best epoch's weights"),
      new Key("reduce_lr.monitor", "", "log key to watch, e.g. val_loss; empty = no reduction"),
      new Key("reduce_lr.factor", "0.1", "learning-rate multiplier, in (0, 1)"),
      new Key("reduce_lr.patience", "10", "epochs without improvement before reducing, >= 0"),
      new Key("reduce_lr.min_delta", "0.0001", "smallest change counted as improvement, >= 0"),
      new Key("reduce_lr.cooldown", "0", "epochs to wait after a reduction, >= 0"),
      new Key("reduce_lr.min_lr", "0", "lower bound of the learning rate, >= 0"),
      new Key("checkpoint.path", "", "directory for checkpoints (any Hadoop path); empty = no checkpoints"),
      new Key("checkpoint.interval", "1", "write a checkpoint every N epochs, in [1, 1000000]"),
      new Key("output.model", "spark-gru-output/model.sgru", "where the trained model is written"),
      new Key("output.metrics", "spark-gru-output/metrics.jsonl", "per-epoch metrics as JSON lines"),
      new Key("output.progress", "true", "show a progress bar of the rounds in each epoch (terminals only)"),
      new Key("spark.master", "local[*]", "Spark master when not set by spark-submit"));

  private static final Pattern LAYER_KEY = Pattern.compile("model\\.layer\\.(\\d+)\\.([a-z_0-9]+)");
  private static final Pattern OPTIMIZER_KEY = Pattern.compile("optimizer\\.([a-z_0-9]+)");

  private final Map<String, String> values;

  private JobConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
    validate();
  }

  /**
   * Reads a properties file and applies {@code key=value} overrides on top.
   *
   * @param source    the file's content, or null for defaults only
   * @param origin    the file's name, for messages
   * @param overrides command-line {@code key=value} pairs
   */
  public static JobConfig load(Reader source, String origin, List<String> overrides) throws IOException {
    Map<String, String> map = new TreeMap<>();
    if (source != null) {
      Properties p = new Properties();
      p.load(source);
      for (String k : p.stringPropertyNames()) {
        map.put(k.trim(), p.getProperty(k).trim());
      }
    }
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("override '" + o + "' must be key=value, e.g. train.epochs=5");
      }
      map.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    try {
      return new JobConfig(map);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((origin == null ? "" : origin + ": ") + e.getMessage(), e);
    }
  }

  /** Defaults only, plus overrides. */
  public static JobConfig of(String... overrides) {
    try {
      return load(null, null, Arrays.asList(overrides));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void validate() {
    Set<String> fixed = new TreeSet<>();
    KEYS.forEach(k -> fixed.add(k.name()));
    for (String key : values.keySet()) {
      if (fixed.contains(key) || LAYER_KEY.matcher(key).matches()
          || (OPTIMIZER_KEY.matcher(key).matches() && !key.equals("optimizer.name"))) {
        continue;
      }
      throw new IllegalArgumentException("unknown key '" + key + "'" + Suggestions.nearest(key, fixed)
          + "; see conf/demo.conf for every key");
    }
    for (String key : values.keySet()) {
      Matcher m = LAYER_KEY.matcher(key);
      if (m.matches() && Integer.parseInt(m.group(1)) >= layerTypes().size()) {
        throw new IllegalArgumentException(key + " configures layer " + m.group(1) + " but model.layers lists "
            + layerTypes().size() + " layers " + layerTypes());
      }
    }
    String source = get("data.source");
    if (!List.of("demo", "csv", "parquet").contains(source)) {
      throw new IllegalArgumentException("data.source must be one of [demo, csv, parquet], got '" + source + "'");
    }
    if (!source.equals("demo")) {
      for (String required : List.of("data.path", "data.feature_columns", "data.target_columns")) {
        if (get(required) == null || get(required).isEmpty()) {
          throw new IllegalArgumentException(required + " must be set when data.source=" + source);
        }
      }
    }
    fraction("data.validation_fraction", 0, 0.9);
    integer("demo.sequences", 1, 100_000_000);
    integer("demo.steps", 2, 10_000);
    integer("train.partitions", 0, 1_000_000);
    integer("checkpoint.interval", 1, 1_000_000);
    bool("early_stopping.restore_best_weights");
    for (String monitor : List.of(get("early_stopping.monitor"), get("reduce_lr.monitor"))) {
      if (monitor.startsWith("val_") && fraction("data.validation_fraction", 0, 0.9) == 0) {
        throw new IllegalArgumentException("monitoring " + monitor + " needs validation data: set "
            + "data.validation_fraction > 0");
      }
    }
    if (!get("reduce_lr.monitor").isEmpty() && Double.isNaN(optimizer().learningRate())) {
      throw new IllegalArgumentException("reduce_lr needs a constant optimizer.learning_rate, not optimizer.schedule");
    }
    bool("train.average_optimizer_state");
    trainSettings(0);
  }

  /** The value of a key: override, file, or default; null when unset without default. */
  public String get(String key) {
    String v = values.get(key);
    if (v != null) {
      return v;
    }
    return KEYS.stream().filter(k -> k.name().equals(key)).findFirst().map(Key::defaultValue).orElse(null);
  }

  /** An integer key within [min, max]. */
  public int integer(String key, int min, int max) {
    String v = get(key);
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + i);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer in [" + min + ", " + max + "], got '" + v + "'", e);
    }
  }

  /** A number key within [min, max]. */
  public double fraction(String key, double min, double max) {
    String v = get(key);
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) {
        throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + d);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number in [" + min + ", " + max + "], got '" + v + "'", e);
    }
  }

  /** A true/false key. */
  public boolean bool(String key) {
    String v = get(key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  /** A comma-separated list key, blanks dropped. */
  public List<String> list(String key) {
    String v = get(key);
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  private List<String> layerTypes() {
    return list("model.layers");
  }

  /** The model for inputs of {@code features} per step (any number of steps). */
  public ModelSpec model(int features) {
    List<LayerSpec> layers = new ArrayList<>();
    List<String> types = layerTypes();
    for (int i = 0; i < types.size(); i++) {
      Map<String, String> args = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : values.entrySet()) {
        Matcher m = LAYER_KEY.matcher(e.getKey());
        if (m.matches() && Integer.parseInt(m.group(1)) == i) {
          args.put(m.group(2), e.getValue());
        }
      }
      if (!values.containsKey("model.layers") && !args.containsKey("units")) {
        args.put("units", i == 0 ? "32" : "1");
      }
      try {
        LayerSpec spec = new LayerSpec(types.get(i), args);
        spec.build();
        layers.add(spec);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("model.layer." + i + ": " + ex.getMessage(), ex);
      }
    }
    return new ModelSpec(-1, Math.max(1, features), layers);
  }

  /** The optimiser. */
  public OptimizerSpec optimizer() {
    Map<String, String> args = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      Matcher m = OPTIMIZER_KEY.matcher(e.getKey());
      if (m.matches() && !e.getKey().equals("optimizer.name")) {
        args.put(m.group(1), e.getValue());
      }
    }
    return new OptimizerSpec(get("optimizer.name"), args);
  }

  /** The training settings for inputs of {@code features} per step (0 while unknown: validation only). */
  public TrainSettings trainSettings(int features) {
    ModelSpec model = model(features);
    return new TrainSettings(model, optimizer(), get("train.loss"), list("train.metrics"),
        integer("train.epochs", 1, 1_000_000), integer("train.batch_size", 1, 1 << 24),
        integer("train.averaging_frequency", 1, 1_000_000), bool("train.average_optimizer_state"),
        longValue("train.seed"), integer("train.aggregation_depth", 1, 8));
  }

  private long longValue(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
    }
  }

  /** Keys that may differ between a run and its resumption. */
  private static final Set<String> RESUMABLE_CHANGES = Set.of("train.epochs", "output.model", "output.metrics",
      "output.progress", "checkpoint.interval", "spark.master");

  /** Every key's value in force: fixed keys with defaults, plus the layer and optimiser keys set. */
  public Map<String, String> effectiveValues() {
    Map<String, String> all = new TreeMap<>(values);
    for (Key k : KEYS) {
      all.put(k.name(), get(k.name()));
    }
    return all;
  }

  /**
   * Checks that a run being resumed used the same configuration (as {@link #effectiveValues()}),
   * apart from the number of epochs, outputs and Spark master; names the keys that differ.
   */
  public void requireResumableFrom(Map<String, ?> earlier, String checkpoint) {
    Map<String, String> now = effectiveValues();
    Set<String> keys = new TreeSet<>(now.keySet());
    keys.addAll(earlier.keySet());
    List<String> differences = new ArrayList<>();
    for (String k : keys) {
      Object before = earlier.get(k);
      if (!RESUMABLE_CHANGES.contains(k) && !java.util.Objects.equals(before == null ? null : before.toString(),
          now.get(k))) {
        differences.add(k + " (" + before + " then, " + now.get(k) + " now)");
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(checkpoint + " belongs to a run with a different configuration: "
          + String.join(", ", differences) + "; resume with the same settings (only train.epochs, output.*, "
          + "checkpoint.interval and spark.master may change)");
    }
  }
}
