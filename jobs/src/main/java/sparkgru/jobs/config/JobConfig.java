package sparkgru.jobs.config;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.errors.Suggestions;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.optim.OptimizerSpec;
import sparkgru.jobs.data.CalendarFeatures;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.FrequencyRule;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.WindowSpec;
import sparkgru.jobs.io.DataInput;

/**
 * The training job's configuration: a {@code .properties} file (see {@code conf/demo.conf})
 * plus {@code key=value} overrides from the command line, validated at construction.
 *
 * <p>Fixed keys are the {@link Settings}, each read typed by {@link #get(Setting)}. Layer and
 * optimiser arguments are open-ended: {@code model.layer.<i>.<keras argument>} and
 * {@code optimizer.<keras argument>}, checked by the engine's {@link LayerSpec} and
 * {@link OptimizerSpec}, which name the argument and suggest the nearest on a typo; and so are the
 * reader options {@code data.options.<option>} ({@link Settings#DATA_OPTIONS}), passed to Spark as
 * they are written.
 */
public final class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Pattern LAYER_KEY = Pattern.compile("model\\.layer\\.(\\d+)\\.([a-z_0-9]+)");
  private static final Pattern OPTIMIZER_KEY = Pattern.compile("optimizer\\.([a-z_0-9]+)");

  private final Map<String, String> values;

  private JobConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    validate();
  }

  /**
   * Reads a properties file and applies {@code key=value} overrides on top. A leading byte-order mark
   * (U+FEFF, as some editors write at the start of UTF-8 files) is skipped.
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
        p.load(withoutByteOrderMark(source));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException((origin == null ? "the configuration" : origin) + " is not a valid "
            + ".properties file: " + e.getMessage() + " (\\u must be followed by four hex digits; write \\\\ for a "
            + "backslash)", e);
      }
      for (String k : p.stringPropertyNames()) {
        map.put(k.trim(), p.getProperty(k).trim());
      }
    }
    Map<String, String> file = new TreeMap<>(map);
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new InvalidInputException("override '" + o + "' must be key=value, e.g. train.epochs=5");
      }
      map.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    try {
      return new JobConfig(map);
    } catch (InvalidInputException e) {
      String blamed = origin == null ? null
          : culprit(file, map, overrides).map(o -> "--set " + o).orElse(origin);
      throw new InvalidInputException((blamed == null ? "" : blamed + ": ") + e.getMessage(), e);
    }
  }

  /**
   * The override a configuration's error comes from: the last override (in command-line order)
   * without which, its key taking its default, the configuration is valid; else, when the file
   * alone is valid, the first override whose addition in command-line order makes it invalid;
   * empty when the file alone is invalid too, so that the file is to blame.
   */
  private static Optional<String> culprit(Map<String, String> file, Map<String, String> all,
      List<String> overrides) {
    for (int i = overrides.size() - 1; i >= 0; i--) {
      Map<String, String> without = new TreeMap<>(all);
      without.remove(key(overrides.get(i)));
      if (valid(without)) {
        return Optional.of(overrides.get(i).trim());
      }
    }
    Map<String, String> map = new TreeMap<>(file);
    if (!valid(map)) {
      return Optional.empty();
    }
    for (String o : overrides) {
      map.put(key(o), o.substring(o.indexOf('=') + 1).trim());
      if (!valid(map)) {
        return Optional.of(o.trim());
      }
    }
    return Optional.empty();
  }

  private static String key(String override) {
    return override.substring(0, override.indexOf('=')).trim();
  }

  private static boolean valid(Map<String, String> map) {
    try {
      new JobConfig(map);
      return true;
    } catch (InvalidInputException e) {
      return false;
    }
  }

  private static Reader withoutByteOrderMark(Reader source) throws IOException {
    PushbackReader reader = new PushbackReader(source, 1);
    int first = reader.read();
    if (first != -1 && first != '\uFEFF') {
      reader.unread(first);
    }
    return reader;
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
    for (String key : values.keySet()) {
      if (Settings.named(key) != null || LAYER_KEY.matcher(key).matches()
          || (OPTIMIZER_KEY.matcher(key).matches() && !key.equals(Settings.OPTIMIZER_NAME.name()))) {
        continue;
      }
      if (key.startsWith(Settings.DATA_OPTIONS)) {
        if (key.length() == Settings.DATA_OPTIONS.length()) {
          throw new InvalidInputException("'" + key + "' names no reader option: write " + Settings.DATA_OPTIONS
              + "<option> = value, e.g. " + Settings.DATA_OPTIONS + "mergeSchema = true");
        }
        continue;
      }
      Set<String> fixed = new TreeSet<>();
      Settings.ALL.forEach(s -> fixed.add(s.name()));
      throw new InvalidInputException("unknown key '" + key + "'" + Suggestions.nearest(key, fixed)
          + "; see conf/demo.conf for every key");
    }
    for (String key : values.keySet()) {
      Matcher m = LAYER_KEY.matcher(key);
      if (m.matches() && layerIndex(m) >= layerTypes().size()) {
        throw new InvalidInputException(key + " configures layer " + m.group(1) + " but model.layers lists "
            + layerTypes().size() + " layers " + layerTypes());
      }
    }
    for (Setting<?> setting : Settings.ALL) {
      if (read(setting)) {
        get(setting);
      }
    }
    String source = get(Settings.DATA_SOURCE);
    Setting.Text where = switch (source) {
      case "table" -> Settings.DATA_TABLE;
      case "format" -> Settings.DATA_FORMAT_NAME;
      default -> Settings.DATA_PATH;
    };
    if (!source.equals("demo")) {
      if (get(where) == null || get(where).isEmpty()) {
        throw new InvalidInputException(where.name() + " must be set when data.source=" + source);
      }
      if (!get(Settings.DATA_FORMAT).equals("m4")) {
        for (Setting.Items required : List.of(Settings.DATA_FEATURE_COLUMNS, Settings.DATA_TARGET_COLUMNS)) {
          if (get(required).isEmpty()) {
            throw new InvalidInputException(required.name() + " must be set when data.source=" + source);
          }
        }
      }
    }
    if (windowed()) {
      evaluationSteps();
      seriesSource();
      windowSpec();
      split();
      scaler();
    }
    if (!get(Settings.REDUCE_LR_MONITOR).isEmpty() && Double.isNaN(optimizer().learningRate())) {
      throw new InvalidInputException("reduce_lr needs a constant optimizer.learning_rate, not optimizer.schedule");
    }
    trainSettings(windowed() ? windowSpec().stepWidth() : 0, outputs());
    // Checked now, not when the first epoch ends: a failure then would leave that epoch's metrics behind.
    List<String> logged = new ArrayList<>(List.of("loss"));
    for (String m : get(Settings.TRAIN_METRICS)) {
      logged.add(Metric.parse(m).kerasName());
    }
    if (hasValidation()) {
      logged.addAll(logged.stream().map(k -> "val_" + k).toList());
    }
    for (Setting.Text key : List.of(Settings.EARLY_STOPPING_MONITOR, Settings.REDUCE_LR_MONITOR)) {
      String monitor = get(key);
      if (monitor.startsWith("val_") && !hasValidation()) {
        throw new InvalidInputException("monitoring " + monitor + " needs validation data: set "
            + (windowed() ? Settings.SPLIT_VALIDATION.name() : Settings.DATA_VALIDATION_FRACTION.name()) + " > 0");
      }
      if (!monitor.isEmpty() && !logged.contains(monitor)) {
        throw new InvalidInputException(key.name() + " must be a loss or metric key of the epoch logs " + logged
            + ", got '" + monitor + "'");
      }
    }
  }

  /** Settings that only series read: with data.format=sequences nothing reads them, so no value of theirs is refused. */
  private static final Set<Setting<?>> SERIES_ONLY = Set.of(Settings.WINDOW_LOOKBACK, Settings.WINDOW_HORIZON,
      Settings.WINDOW_STRIDE, Settings.WINDOW_NORMALIZATION, Settings.DATA_FREQUENCY, Settings.DATA_MISSING,
      Settings.DATA_NA_VALUES, Settings.DATA_FUTURE_COLUMNS, Settings.DATA_STATIC_COLUMNS, Settings.FEATURES_CALENDAR,
      Settings.TRAIN_QUANTILES,
      Settings.FORECAST_MODE, Settings.SPLIT_MODE, Settings.SPLIT_TRAIN, Settings.SPLIT_VALIDATION,
      Settings.SPLIT_TEST, Settings.SCALING_METHOD, Settings.SCALING_SCOPE, Settings.EVALUATE_STEPS);

  /**
   * Whether a setting is read by this configuration: the series settings for series, the numbers
   * of early stopping and learning-rate reduction when their monitor is set, every other setting
   * always. What nothing reads is not checked, so a model trained with such a value still
   * forecasts.
   */
  private boolean read(Setting<?> setting) {
    if (SERIES_ONLY.contains(setting)) {
      return windowed();
    }
    if (setting == Settings.EARLY_STOPPING_PATIENCE || setting == Settings.EARLY_STOPPING_MIN_DELTA) {
      return !get(Settings.EARLY_STOPPING_MONITOR).isEmpty();
    }
    if (setting == Settings.REDUCE_LR_FACTOR || setting == Settings.REDUCE_LR_PATIENCE
        || setting == Settings.REDUCE_LR_MIN_DELTA || setting == Settings.REDUCE_LR_COOLDOWN
        || setting == Settings.REDUCE_LR_MIN_LR) {
      return !get(Settings.REDUCE_LR_MONITOR).isEmpty();
    }
    return true;
  }

  /** Whether the data are time series cut into forecasting windows (rather than training sequences). */
  public boolean windowed() {
    return !get(Settings.DATA_FORMAT).equals("sequences");
  }

  /** Whether training has validation data: a validation part of the split, or a validation fraction. */
  public boolean hasValidation() {
    return windowed() ? split().hasValidation() : get(Settings.DATA_VALIDATION_FRACTION) > 0;
  }

  /** Output values per sample: the window spec's for series, the target count for sequences. */
  public int outputs() {
    return windowed() ? windowSpec().outputWidth() : Math.max(1, get(Settings.DATA_TARGET_COLUMNS).size());
  }

  /** Where the data come from and how Spark reads them. */
  public DataInput dataInput() {
    return new DataInput(get(Settings.DATA_SOURCE), get(Settings.DATA_PATH), get(Settings.DATA_TABLE),
        get(Settings.DATA_FORMAT_NAME), dataOptions(), get(Settings.DATA_HEADER), get(Settings.DATA_TRIM_SPACES));
  }

  /** The reader options: each {@code data.options.<option>} key set, without its prefix, with its value. */
  public Map<String, String> dataOptions() {
    Map<String, String> options = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(Settings.DATA_OPTIONS)) {
        options.put(k.substring(Settings.DATA_OPTIONS.length()), v);
      }
    });
    return options;
  }

  /** Where the series come from and their layout (windowed formats). */
  public SeriesSource seriesSource() {
    return new SeriesSource(dataInput(), get(Settings.DATA_FORMAT), get(Settings.DATA_SERIES_COLUMN),
        get(Settings.DATA_TIME_COLUMN),
        get(Settings.DATA_SERIES_NAME), get(Settings.DATA_NA_VALUES), get(Settings.DEMO_SEQUENCES),
        get(Settings.DEMO_STEPS), get(Settings.TRAIN_SEED));
  }

  /** The windows: columns (m4 and demo defaults when unset), shape, policy, normalisation and mode. */
  public WindowSpec windowSpec() {
    List<String> inputs = get(Settings.DATA_FEATURE_COLUMNS);
    List<String> targets = get(Settings.DATA_TARGET_COLUMNS);
    if (get(Settings.DATA_FORMAT).equals("m4")) {
      inputs = inputs.isEmpty() ? List.of(SeriesSource.M4_VALUE) : inputs;
      targets = targets.isEmpty() ? List.of(SeriesSource.M4_VALUE) : targets;
    } else if (get(Settings.DATA_SOURCE).equals("demo")) {
      inputs = inputs.isEmpty() ? List.of("value", "hour_sin", "hour_cos") : inputs;
      targets = targets.isEmpty() ? List.of("value") : targets;
    }
    return new WindowSpec(inputs, targets, get(Settings.WINDOW_LOOKBACK), get(Settings.WINDOW_HORIZON),
        get(Settings.WINDOW_STRIDE), get(Settings.DATA_MISSING), get(Settings.WINDOW_NORMALIZATION),
        get(Settings.FORECAST_MODE).equals("recursive"), FrequencyRule.of(get(Settings.DATA_FREQUENCY)),
        new WindowSpec.Covariates(get(Settings.DATA_FUTURE_COLUMNS), new CalendarFeatures(get(
            Settings.FEATURES_CALENDAR)), get(Settings.DATA_STATIC_COLUMNS), null),
        Settings.quantileLevels(get(Settings.TRAIN_QUANTILES)));
  }

  /** The windows of backtests and evaluations: the model's, every {@code evaluate.stride} rows. */
  public WindowSpec evaluationWindows() {
    return windowSpec().withStride(get(Settings.EVALUATE_STRIDE));
  }

  /** The chronological split of each series. */
  public ChronologicalSplit split() {
    ChronologicalSplit.Mode mode = get(Settings.SPLIT_MODE);
    if (mode == ChronologicalSplit.Mode.TIMES) {
      String test = get(Settings.SPLIT_TEST);
      return new ChronologicalSplit(mode, time(Settings.SPLIT_TRAIN), time(Settings.SPLIT_VALIDATION),
          test.isEmpty() ? Long.MAX_VALUE : time(Settings.SPLIT_TEST));
    }
    double max = mode == ChronologicalSplit.Mode.FRACTIONS ? 1 : Integer.MAX_VALUE;
    return new ChronologicalSplit(mode, size(Settings.SPLIT_TRAIN, max), size(Settings.SPLIT_VALIDATION, max),
        size(Settings.SPLIT_TEST, max));
  }

  /** A part of the split as a time (split.mode=times). */
  private long time(Setting.Text part) {
    return ChronologicalSplit.time(part.name(), get(part));
  }

  /** A part of the split as a fraction or a row count in [0, max]. */
  private double size(Setting.Text part, double max) {
    String v = get(part);
    try {
      double d = Double.parseDouble(v);
      if (!(d >= 0 && d <= max)) {
        throw new InvalidInputException(part.name() + " must be in [0.0, " + max + "], got " + d);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(part.name() + " must be a number in [0.0, " + max + "], got '" + v + "'", e);
    }
  }

  /** The scaling, not yet fitted, of every value column. */
  public Scaler scaler() {
    return new Scaler(get(Settings.SCALING_METHOD), get(Settings.SCALING_SCOPE),
        List.copyOf(windowSpec().valueColumns()), Map.of());
  }

  /** The value of a fixed key: override, file, or default; null when unset without default. */
  public <T> T get(Setting<T> setting) {
    return setting.parse(text(setting.name()));
  }

  /** The text of a key: override, file, or a fixed key's default; null when unset without default. */
  private String text(String key) {
    String v = values.get(key);
    if (v != null) {
      return v;
    }
    Setting<?> setting = Settings.named(key);
    return setting == null ? null : setting.defaultText();
  }

  /** The layer index of a matched {@code model.layer.<i>.<argument>} key; any index beyond int is past the last layer. */
  private static int layerIndex(Matcher m) {
    String digits = m.group(1).replaceFirst("^0+(?=.)", "");
    return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  private List<String> layerTypes() {
    return get(Settings.MODEL_LAYERS);
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
      } else if (!values.containsKey(Settings.MODEL_LAYERS.name()) && !args.containsKey("units") && i == 0) {
        args.put("units", String.valueOf(Settings.DEFAULT_UNITS));
      }
      try {
        LayerSpec spec = new LayerSpec(types.get(i), args);
        spec.build();
        layers.add(spec);
      } catch (InvalidInputException ex) {
        throw new InvalidInputException("model.layer." + i + ": " + ex.getMessage(), ex);
      }
    }
    return new ModelSpec(-1, Math.max(1, features), layers);
  }

  /** The optimiser. */
  public OptimizerSpec optimizer() {
    Map<String, String> args = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      Matcher m = OPTIMIZER_KEY.matcher(e.getKey());
      if (m.matches() && !e.getKey().equals(Settings.OPTIMIZER_NAME.name())) {
        args.put(m.group(1), e.getValue());
      }
    }
    return new OptimizerSpec(get(Settings.OPTIMIZER_NAME), args);
  }

  /**
   * The training settings for inputs of {@code features} per step (0 while unknown: validation
   * only) and {@code outputs} values per sample.
   */
  public TrainSettings trainSettings(int features, int outputs) {
    ModelSpec model = model(features, outputs);
    List<Double> quantiles = windowed() ? windowSpec().quantiles() : List.of();
    String loss = quantiles.isEmpty() ? get(Settings.TRAIN_LOSS) : TrainSettings.pinball(quantiles);
    return new TrainSettings(model, optimizer(), loss, get(Settings.TRAIN_METRICS),
        get(Settings.TRAIN_EPOCHS), get(Settings.TRAIN_BATCH_SIZE), get(Settings.TRAIN_AVERAGING_FREQUENCY),
        get(Settings.TRAIN_AVERAGE_OPTIMIZER_STATE), get(Settings.TRAIN_SEED), get(Settings.TRAIN_AGGREGATION_DEPTH));
  }

  /** Keys a forecast or evaluation may set on top of the configuration a model was trained with. */
  private static final Set<String> APPLICATION_KEYS = names(Settings.DATA_SOURCE, Settings.DATA_PATH,
      Settings.DATA_TABLE, Settings.DATA_FORMAT_NAME, Settings.DATA_HEADER, Settings.DATA_TRIM_SPACES, Settings.DATA_FORMAT, Settings.DATA_SERIES_COLUMN,
      Settings.DATA_TIME_COLUMN, Settings.DATA_SERIES_NAME, Settings.DATA_FREQUENCY, Settings.DATA_MISSING, Settings.DATA_NA_VALUES, Settings.WINDOW_STRIDE,
      Settings.SPLIT_MODE, Settings.SPLIT_TRAIN, Settings.SPLIT_VALIDATION, Settings.SPLIT_TEST,
      Settings.FORECAST_BATCH_SIZE, Settings.EVALUATE_SEASON, Settings.EVALUATE_STRIDE, Settings.EVALUATE_STEPS,
      Settings.DEMO_SEQUENCES, Settings.DEMO_STEPS, Settings.SPARK_MASTER);

  private static Set<String> names(Setting<?>... settings) {
    Set<String> names = new TreeSet<>();
    for (Setting<?> s : settings) {
      names.add(s.name());
    }
    return Collections.unmodifiableSet(names);
  }

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
        throw new InvalidInputException("override '" + o + "' must be key=value, e.g. data.path=new.csv");
      }
      String key = o.substring(0, eq).trim();
      if (!APPLICATION_KEYS.contains(key) && !key.startsWith(Settings.DATA_OPTIONS)) {
        throw new InvalidInputException("--set " + key + " cannot change what " + model + " was trained for; "
            + "these may change: " + APPLICATION_KEYS + " and " + Settings.DATA_OPTIONS + "<option>");
      }
      map.put(key, o.substring(eq + 1).trim());
    }
    map.keySet().removeIf(k -> Settings.named(k) == null && !LAYER_KEY.matcher(k).matches()
        && !OPTIMIZER_KEY.matcher(k).matches() && !k.startsWith(Settings.DATA_OPTIONS));
    try {
      JobConfig c = new JobConfig(map);
      if (!c.windowed()) {
        throw new InvalidInputException("it was trained on sequences (data.format=sequences), not on time series; "
            + "forecasting needs a model trained with data.format=long, wide or m4");
      }
      return c;
    } catch (InvalidInputException e) {
      throw new InvalidInputException(model + ": " + e.getMessage(), e);
    }
  }

  /** The horizon steps scored by evaluate, 0-based; null for all. */
  public int[] evaluationSteps() {
    List<String> steps = get(Settings.EVALUATE_STEPS);
    if (steps.isEmpty()) {
      return null;
    }
    int horizon = get(Settings.WINDOW_HORIZON);
    int[] out = new int[steps.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = Integer.parseInt(steps.get(i)) - 1;
      } catch (NumberFormatException e) {
        out[i] = -1;
      }
      if (out[i] < 0 || out[i] >= horizon) {
        throw new InvalidInputException("evaluate.steps must list steps in [1, " + horizon + "] (window.horizon), "
            + "got '" + steps.get(i) + "'");
      }
    }
    return out;
  }

  /** Keys that may differ between a run and its resumption. */
  private static final Set<String> RESUMABLE_CHANGES = names(Settings.TRAIN_EPOCHS, Settings.OUTPUT_MODEL,
      Settings.OUTPUT_METRICS, Settings.OUTPUT_PROGRESS, Settings.OUTPUT_REPORT, Settings.CHECKPOINT_INTERVAL,
      Settings.SPARK_MASTER, Settings.FORECAST_BATCH_SIZE, Settings.EVALUATE_SEASON, Settings.EVALUATE_STEPS,
      Settings.EVALUATE_STRIDE);

  /** Every key's value in force: fixed keys with defaults, plus the layer and optimiser keys set. */
  public Map<String, String> effectiveValues() {
    Map<String, String> all = new TreeMap<>(values);
    for (Setting<?> s : Settings.ALL) {
      all.put(s.name(), text(s.name()));
    }
    if (!values.containsKey(Settings.MODEL_LAYERS.name()) && !values.containsKey("model.layer.0.units")) {
      // The default model's GRU width is a default of the key set, not of the layer: keep it explicit.
      all.put("model.layer.0.units", String.valueOf(Settings.DEFAULT_UNITS));
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
      if (!RESUMABLE_CHANGES.contains(k) && !Objects.equals(before == null ? null : before.toString(),
          now.get(k))) {
        differences.add(k + " (" + before + " then, " + now.get(k) + " now)");
      }
    }
    if (!differences.isEmpty()) {
      throw new InvalidInputException(checkpoint + " belongs to a run with a different configuration: "
          + String.join(", ", differences) + "; resume with the same settings (only train.epochs, output.*, "
          + "checkpoint.interval and spark.master may change)");
    }
  }
}
