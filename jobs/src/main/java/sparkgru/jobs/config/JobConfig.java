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
import sparkgru.engine.errors.Suggestions;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.optim.OptimizerSpec;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.WindowSpec;
import sparkgru.jobs.config.TrainSettings;

/**
 * The training job's configuration: a {@code .properties} file (see {@code conf/demo.conf})
 * plus {@code key=value} overrides from the command line, validated at construction.
 *
 * <p>Fixed keys are declared in {@link #KEYS} with default and description. Layer and
 * optimiser arguments are open-ended: {@code model.layer.<i>.<keras argument>} and
 * {@code optimizer.<keras argument>}, checked by the engine's {@link LayerSpec} and
 * {@link OptimizerSpec}, which name the argument and suggest the nearest on a typo.
 */
public final class JobConfig implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** A fixed key: its default ({@code null} when required or optional without default) and meaning. */
  public record Key(String name, String defaultValue, String description) {}

  /** Every fixed key, in documentation order. */
  public static final List<Key> KEYS = List.of(
      new Key("data.source", "demo", "demo (generated), csv or parquet"),
      new Key("data.format", "sequences", "sequences (training sequences with per-sequence targets), or time series "
          + "to forecast: long (series, time, values), wide (one multivariate series) or m4 (id, then values)"),
      new Key("data.path", null, "input path for csv/parquet, any Hadoop file system (file://, hdfs://, s3a://)"),
      new Key("data.header", "true", "csv: whether the first line names the columns (else they are _c0, _c1, ...)"),
      new Key("data.id_column", "sequence_id", "sequences: column naming the sequence of each row"),
      new Key("data.step_column", "step", "sequences: column with the step index 0..T-1 within a sequence"),
      new Key("data.series_column", "series_id", "long: column naming the series of each row (wide, m4: the name "
          + "given to it)"),
      new Key("data.time_column", "timestamp", "long, wide: time column, numbers or date-times (wide: empty = row "
          + "order)"),
      new Key("data.series_name", "series", "wide: the id of its one series"),
      new Key("data.feature_columns", null, "comma-separated input columns (required for csv/parquet except m4, "
          + "whose one column is value)"),
      new Key("data.target_columns", null, "comma-separated target columns (as data.feature_columns)"),
      new Key("data.missing", "error", "series: a missing value is an error, or forward_fill, or drop (the windows "
          + "touching it)"),
      new Key("data.validation_fraction", "0.1", "sequences: fraction held out for validation, in [0, 0.9]"),
      new Key("demo.sequences", "4000", "demo: number of generated sequences (or series), in [1, 100000000]"),
      new Key("demo.steps", "24", "demo: steps per sequence (or series), in [2, 10000]"),
      new Key("window.lookback", "48", "series: input steps of a window, in [1, 100000]"),
      new Key("window.horizon", "24", "series: steps forecast, in [1, 100000]"),
      new Key("window.stride", "1", "series: steps between training windows, in [1, 100000]"),
      new Key("window.normalization", "none", "series: subtract each window's last input value (last) or mean "
          + "(mean) and add it back to the forecast, or none"),
      new Key("forecast.mode", "direct", "series: direct (the last Dense outputs horizon x targets) or recursive "
          + "(one step, fed back; inputs = targets)"),
      new Key("split.mode", "fractions", "series: fractions of each series, rows (counts from the start), "
          + "last_rows (counts from the end; split.train unused) or times (boundaries: each part ends before its time)"),
      new Key("split.train", "0.7", "series: training part (fraction, rows, or the time validation starts)"),
      new Key("split.validation", "0.1", "series: validation part (fraction, rows, or the time the test starts)"),
      new Key("split.test", "0.2", "series: test part (fraction, rows, or the time it ends before; empty = the end)"),
      new Key("scaling.method", "standard", "series: none, standard (z-score), min_max or max_abs (divide by the "
          + "largest |value|), fitted on the training part"),
      new Key("scaling.scope", "per_column", "series: one scaling for all values (global), per_column or "
          + "per_series (per series and column)"),
      new Key("model.layers", "gru,dense", "comma-separated layer types: gru, dense, masking, dropout (the default "
          + "gru,dense has 32 GRU units); a last dense layer without units gets one per output value"),
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
      new Key("early_stopping.monitor", "", "loss or metric key to watch (loss, a train.metrics name, or val_ and "
          + "either), e.g. val_loss; empty = no early stopping"),
      new Key("early_stopping.patience", "0", "epochs without improvement before stopping, >= 0"),
      new Key("early_stopping.min_delta", "0", "smallest change counted as improvement, >= 0"),
      new Key("early_stopping.restore_best_weights", "false", "end with the best epoch's weights"),
      new Key("reduce_lr.monitor", "", "loss or metric key to watch, as early_stopping.monitor; empty = no reduction"),
      new Key("reduce_lr.factor", "0.1", "learning-rate multiplier, in (0, 1)"),
      new Key("reduce_lr.patience", "10", "epochs without improvement before reducing, >= 0"),
      new Key("reduce_lr.min_delta", "0.0001", "smallest change counted as improvement, >= 0"),
      new Key("reduce_lr.cooldown", "0", "epochs to wait after a reduction, >= 0"),
      new Key("reduce_lr.min_lr", "0", "lower bound of the learning rate, >= 0"),
      new Key("forecast.batch_size", "1024", "forecast, evaluate: windows per model call, in [1, 1048576]"),
      new Key("evaluate.stride", "1", "evaluate, forecast --backtest: steps between test windows, in [1, 100000] "
          + "(1 = every window, as the published protocols)"),
      new Key("evaluate.season", "1", "evaluate: season m of seasonal naive and MASE (24 for hourly data), in [1, "
          + "100000]"),
      new Key("evaluate.steps", "", "evaluate: comma-separated horizon steps scored, 1-based (e.g. 24 for the value 24 "
          + "steps ahead); empty = all"),
      new Key("output.report", "", "series: a PNG report (loss curves, a few validation forecasts) written after "
          + "training; empty = none"),
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
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
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
      try {
        p.load(source);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((origin == null ? "the configuration" : origin) + " is not a valid "
            + ".properties file: " + e.getMessage() + " (\\u must be followed by four hex digits; write \\\\ for a "
            + "backslash)", e);
      }
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
      if (m.matches() && layerIndex(m) >= layerTypes().size()) {
        throw new IllegalArgumentException(key + " configures layer " + m.group(1) + " but model.layers lists "
            + layerTypes().size() + " layers " + layerTypes());
      }
    }
    String source = get("data.source");
    if (!List.of("demo", "csv", "parquet").contains(source)) {
      throw new IllegalArgumentException("data.source must be one of [demo, csv, parquet], got '" + source + "'");
    }
    if (!source.equals("demo")) {
      if (get("data.path") == null || get("data.path").isEmpty()) {
        throw new IllegalArgumentException("data.path must be set when data.source=" + source);
      }
      if (!get("data.format").equals("m4")) {
        for (String required : List.of("data.feature_columns", "data.target_columns")) {
          if (list(required).isEmpty()) {
            throw new IllegalArgumentException(required + " must be set when data.source=" + source);
          }
        }
      }
    }
    bool("data.header");
    integer("forecast.batch_size", 1, 1 << 20);
    integer("evaluate.season", 1, 100_000);
    integer("evaluate.stride", 1, 100_000);
    if (windowed()) {
      evaluationSteps();
      seriesSource();
      windowSpec();
      split();
      scaler();
    }
    fraction("data.validation_fraction", 0, 0.9);
    integer("demo.sequences", 1, 100_000_000);
    integer("demo.steps", 2, 10_000);
    integer("train.partitions", 0, 1_000_000);
    MasterUrl.check("spark.master", get("spark.master"));
    integer("checkpoint.interval", 1, 1_000_000);
    bool("early_stopping.restore_best_weights");
    if (!get("reduce_lr.monitor").isEmpty() && Double.isNaN(optimizer().learningRate())) {
      throw new IllegalArgumentException("reduce_lr needs a constant optimizer.learning_rate, not optimizer.schedule");
    }
    bool("train.average_optimizer_state");
    trainSettings(windowed() ? windowSpec().inputs().size() : 0, outputs());
    // Checked now, not when the first epoch ends: a failure then would leave that epoch's metrics behind.
    List<String> logged = new ArrayList<>(List.of("loss"));
    for (String m : list("train.metrics")) {
      logged.add(Metric.parse(m).kerasName());
    }
    if (hasValidation()) {
      logged.addAll(logged.stream().map(k -> "val_" + k).toList());
    }
    for (String key : List.of("early_stopping.monitor", "reduce_lr.monitor")) {
      String monitor = get(key);
      if (monitor.startsWith("val_") && !hasValidation()) {
        throw new IllegalArgumentException("monitoring " + monitor + " needs validation data: set "
            + (windowed() ? "split.validation" : "data.validation_fraction") + " > 0");
      }
      if (!monitor.isEmpty() && !logged.contains(monitor)) {
        throw new IllegalArgumentException(key + " must be a loss or metric key of the epoch logs " + logged + ", got '"
            + monitor + "'");
      }
    }
  }

  /** Whether the data are time series cut into forecasting windows (rather than training sequences). */
  public boolean windowed() {
    return !get("data.format").equals("sequences");
  }

  /** Whether training has validation data: a validation part of the split, or a validation fraction. */
  public boolean hasValidation() {
    return windowed() ? split().hasValidation() : fraction("data.validation_fraction", 0, 0.9) > 0;
  }

  /** Output values per sample: the window spec's for series, the target count for sequences. */
  public int outputs() {
    return windowed() ? windowSpec().outputWidth() : Math.max(1, list("data.target_columns").size());
  }

  /** Where the series come from and their layout (windowed formats). */
  public SeriesSource seriesSource() {
    return new SeriesSource(get("data.source"), get("data.format"), get("data.path"), bool("data.header"),
        get("data.series_column"), get("data.time_column"), get("data.series_name"),
        integer("demo.sequences", 1, 100_000_000), integer("demo.steps", 2, 10_000), longValue("train.seed"));
  }

  /** The windows: columns (m4 and demo defaults when unset), shape, policy, normalisation and mode. */
  public WindowSpec windowSpec() {
    List<String> inputs = list("data.feature_columns");
    List<String> targets = list("data.target_columns");
    if (get("data.format").equals("m4")) {
      inputs = inputs.isEmpty() ? List.of(SeriesSource.M4_VALUE) : inputs;
      targets = targets.isEmpty() ? List.of(SeriesSource.M4_VALUE) : targets;
    } else if (get("data.source").equals("demo")) {
      inputs = inputs.isEmpty() ? List.of("value", "hour_sin", "hour_cos") : inputs;
      targets = targets.isEmpty() ? List.of("value") : targets;
    }
    String mode = get("forecast.mode").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("direct") && !mode.equals("recursive")) {
      throw new IllegalArgumentException("forecast.mode must be one of [direct, recursive], got '" + mode + "'");
    }
    return new WindowSpec(inputs, targets, integer("window.lookback", 1, 100_000),
        integer("window.horizon", 1, 100_000), integer("window.stride", 1, 100_000),
        WindowSpec.missing(get("data.missing")), WindowSpec.normalization(get("window.normalization")),
        mode.equals("recursive"));
  }

  /** The windows of backtests and evaluations: the model's, every {@code evaluate.stride} rows. */
  public WindowSpec evaluationWindows() {
    return windowSpec().withStride(integer("evaluate.stride", 1, 100_000));
  }

  /** The chronological split of each series. */
  public ChronologicalSplit split() {
    ChronologicalSplit.Mode mode = ChronologicalSplit.mode(get("split.mode"));
    if (mode == ChronologicalSplit.Mode.TIMES) {
      String test = get("split.test");
      return new ChronologicalSplit(mode, ChronologicalSplit.time("split.train", get("split.train")),
          ChronologicalSplit.time("split.validation", get("split.validation")),
          test.isEmpty() ? Long.MAX_VALUE : ChronologicalSplit.time("split.test", test));
    }
    double max = mode == ChronologicalSplit.Mode.FRACTIONS ? 1 : Integer.MAX_VALUE;
    return new ChronologicalSplit(mode, fraction("split.train", 0, max), fraction("split.validation", 0, max),
        fraction("split.test", 0, max));
  }

  /** The scaling, not yet fitted, of every value column. */
  public Scaler scaler() {
    return Scaler.unfitted(get("scaling.method"), get("scaling.scope"), windowSpec().valueColumns());
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

  /** The layer index of a matched {@code model.layer.<i>.<argument>} key; any index beyond int is past the last layer. */
  private static int layerIndex(Matcher m) {
    String digits = m.group(1).replaceFirst("^0+(?=.)", "");
    return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  private List<String> layerTypes() {
    return list("model.layers");
  }

  /**
   * The model for inputs of {@code features} per step (any number of steps); a last dense layer
   * without units gets {@code outputs}.
   */
  public ModelSpec model(int features, int outputs) {
    List<LayerSpec> layers = new ArrayList<>();
    List<String> types = layerTypes();
    for (int i = 0; i < types.size(); i++) {
      Map<String, String> args = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : values.entrySet()) {
        Matcher m = LAYER_KEY.matcher(e.getKey());
        if (m.matches() && layerIndex(m) == i) {
          args.put(m.group(2), e.getValue());
        }
      }
      if (!args.containsKey("units") && i == types.size() - 1 && types.get(i).equals("dense")) {
        args.put("units", String.valueOf(outputs));
      } else if (!values.containsKey("model.layers") && !args.containsKey("units") && i == 0) {
        args.put("units", "32");
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

  /**
   * The training settings for inputs of {@code features} per step (0 while unknown: validation
   * only) and {@code outputs} values per sample.
   */
  public TrainSettings trainSettings(int features, int outputs) {
    ModelSpec model = model(features, outputs);
    return new TrainSettings(model, optimizer(), get("train.loss"), list("train.metrics"),
        integer("train.epochs", 1, 1_000_000), integer("train.batch_size", 1, 1 << 24),
        integer("train.averaging_frequency", 1, 1_000_000), bool("train.average_optimizer_state"),
        longValue("train.seed"), integer("train.aggregation_depth", 1, 8));
  }

  /** An integer key of any size. */
  public long longValue(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
    }
  }

  /** Keys a forecast or evaluation may set on top of the configuration a model was trained with. */
  private static final Set<String> APPLICATION_KEYS = Set.of("data.source", "data.path", "data.header",
      "data.format", "data.series_column", "data.time_column", "data.series_name", "data.missing", "window.stride",
      "split.mode", "split.train", "split.validation", "split.test", "forecast.batch_size", "evaluate.season",
      "evaluate.stride",
      "evaluate.steps", "demo.sequences", "demo.steps", "spark.master");

  /**
   * The configuration a model was trained with (its stored {@link #effectiveValues()}) with
   * {@code overrides} for applying it to other data: only the data's location and layout, the
   * split, the stride of backtest windows and the evaluation settings may change, not what the
   * model was built for (columns, window shape, scaling).
   */
  public static JobConfig applying(Map<String, ?> stored, String model, List<String> overrides) {
    Map<String, String> map = new TreeMap<>();
    stored.forEach((k, v) -> {
      if (v != null) {
        map.put(k, String.valueOf(v));
      }
    });
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("override '" + o + "' must be key=value, e.g. data.path=new.csv");
      }
      String key = o.substring(0, eq).trim();
      if (!APPLICATION_KEYS.contains(key)) {
        throw new IllegalArgumentException("--set " + key + " cannot change what " + model + " was trained for; "
            + "these may change: " + new TreeSet<>(APPLICATION_KEYS));
      }
      map.put(key, o.substring(eq + 1).trim());
    }
    map.keySet().removeIf(k -> KEYS.stream().noneMatch(x -> x.name().equals(k)) && !LAYER_KEY.matcher(k).matches()
        && !OPTIMIZER_KEY.matcher(k).matches());
    try {
      JobConfig c = new JobConfig(map);
      if (!c.windowed()) {
        throw new IllegalArgumentException("it was trained on sequences (data.format=sequences), not on time series; "
            + "forecasting needs a model trained with data.format=long, wide or m4");
      }
      c.integer("forecast.batch_size", 1, 1 << 20);
      c.evaluationSteps();
      c.integer("evaluate.season", 1, 100_000);
      return c;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
    }
  }

  /** The horizon steps scored by evaluate, 0-based; null for all. */
  public int[] evaluationSteps() {
    List<String> steps = list("evaluate.steps");
    if (steps.isEmpty()) {
      return null;
    }
    int horizon = integer("window.horizon", 1, 100_000);
    int[] out = new int[steps.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = Integer.parseInt(steps.get(i)) - 1;
      } catch (NumberFormatException e) {
        out[i] = -1;
      }
      if (out[i] < 0 || out[i] >= horizon) {
        throw new IllegalArgumentException("evaluate.steps must list steps in [1, " + horizon + "] (window.horizon), "
            + "got '" + steps.get(i) + "'");
      }
    }
    return out;
  }

  /** Keys that may differ between a run and its resumption. */
  private static final Set<String> RESUMABLE_CHANGES = Set.of("train.epochs", "output.model", "output.metrics",
      "output.progress", "output.report", "checkpoint.interval", "spark.master", "forecast.batch_size",
      "evaluate.season", "evaluate.steps", "evaluate.stride");

  /** Every key's value in force: fixed keys with defaults, plus the layer and optimiser keys set. */
  public Map<String, String> effectiveValues() {
    Map<String, String> all = new TreeMap<>(values);
    for (Key k : KEYS) {
      all.put(k.name(), get(k.name()));
    }
    if (!values.containsKey("model.layers") && !values.containsKey("model.layer.0.units")) {
      // The default model's GRU width is a default of the key set, not of the layer: keep it explicit.
      all.put("model.layer.0.units", "32");
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
