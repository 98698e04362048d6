package sparkgru.jobs.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.optim.OptimizerSpec;
import sparkgru.jobs.data.CalendarFeatures;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.FrequencyRule;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.WindowSpec;
import sparkgru.jobs.io.DataInput;

/**
 * Every fixed key of the job configuration, declared once with its type, default, range or
 * allowed values and description, in the order of the documentation ({@code conf/demo.conf},
 * the README's table, {@code spark-gru config --list}). Layer and optimiser arguments are
 * open-ended ({@code model.layer.<i>.<keras argument>}, {@code optimizer.<keras argument>}) and
 * checked by the engine's {@link LayerSpec} and {@link OptimizerSpec}; so are the reader options
 * {@code data.options.<option>} ({@link #DATA_OPTIONS}), which Spark's data source checks. Allowed
 * names of losses, metrics, optimisers and layer types are the engine's own lists.
 */
public final class Settings {
  private Settings() {}

  /**
   * The prefix of the reader options of data.source=table and format: {@code data.options.<option> = value}
   * passes {@code <option>} with its value to Spark's {@code DataFrameReader.option} as it is written
   * (e.g. {@code data.options.versionAsOf = 3} for Delta's time travel, {@code data.options.sep = ;}).
   */
  public static final String DATA_OPTIONS = "data.options.";

  /** Where the data come from. */
  public static final Setting.OneOf DATA_SOURCE = Setting.OneOf.of("data.source", "demo", DataInput.SOURCES,
      "where the data come from: generated (demo), a CSV or Parquet input at data.path, a table of the session "
          + "catalog (table: data.table) or any Spark data source (format: data.format_name at data.path)");
  /** Training sequences or a layout of time series. */
  public static final Setting.OneOf DATA_FORMAT = Setting.OneOf.of("data.format", "sequences",
      Stream.concat(Stream.of("sequences"), SeriesSource.FORMATS.stream()).toList(), "sequences (training sequences "
          + "with per-sequence targets), or time series to forecast: long (series, time, values), wide (one "
          + "multivariate series) or m4 (id, then values)");
  /** The input of csv and parquet (and of format, for a data source that reads a path). */
  public static final Setting.Text DATA_PATH = path("data.path", null, "input path for csv/parquet, any Hadoop file "
      + "system (file://, hdfs://, s3a://); format: the path given to the data source (unset for one that reads "
      + "by options alone)");
  /** The table of data.source=table. */
  public static final Setting.Text DATA_TABLE = new Setting.Text("data.table", null, "table", "", String::trim,
      "table: the table or view read through the session catalog, as Spark names it (tbl, db.tbl or "
          + "catalog.db.tbl)");
  /** The data source of data.source=format. */
  public static final Setting.Text DATA_FORMAT_NAME = new Setting.Text("data.format_name", null, "text", "",
      String::trim, "format: the Spark data source read (delta, iceberg, orc, json, avro, ...: any name "
          + "DataFrameReader.format takes; its jar must be on the class path), with the reader options "
          + DATA_OPTIONS + "<option>");
  /** Whether a CSV file has a header line. */
  public static final Setting.Flag DATA_HEADER = new Setting.Flag("data.header", "true", "csv: whether the first line "
      + "names the columns (else they are _c0, _c1, ...)");
  /** Whether spaces around CSV cells and column names are removed. */
  public static final Setting.Flag DATA_TRIM_SPACES = new Setting.Flag("data.trim_spaces", "false", "csv: remove "
      + "spaces and tabs around every cell and column name (id, v read as id,v)");
  /** The series id column. */
  public static final Setting.Text DATA_SERIES_COLUMN = column("data.series_column", "series_id", "long: column "
      + "naming the series of each row (wide, m4: the name given to it)");
  /** The time column. */
  public static final Setting.Text DATA_TIME_COLUMN = column("data.time_column", "timestamp", "long, wide: time "
      + "column, numbers or date-times (wide: empty = row order)");
  /** The id of a wide table's one series. */
  public static final Setting.Text DATA_SERIES_NAME = text("data.series_name", "series", "wide: the id of its one "
      + "series");
  /** The input columns. */
  public static final Setting.Items DATA_FEATURE_COLUMNS = new Setting.Items("data.feature_columns", null, List.of(),
      "comma-separated input columns (required for csv/parquet except m4, whose one column is value)");
  /** The target columns. */
  public static final Setting.Items DATA_TARGET_COLUMNS = new Setting.Items("data.target_columns", null, List.of(),
      "comma-separated target columns (as data.feature_columns)");
  /** What a missing value of a series does. */
  public static final Setting.Choice<WindowSpec.Missing> DATA_MISSING = new Setting.Choice<>("data.missing", "error",
      WindowSpec.Missing.class, WindowSpec::missing, "series: a missing value is an error, or forward_fill, or drop "
      + "(the windows touching it)");
  /** Inputs known over the horizon. */
  public static final Setting.Items DATA_FUTURE_COLUMNS = new Setting.Items("data.future_columns", "", List.of(),
      "series: comma-separated numeric columns whose values over the horizon are known when forecasting (price, "
      + "promotion, holiday, planned capacity): the model reads their past and their future values, and forecast "
      + "takes the future ones from --future");
  /** Columns with one value per series. */
  public static final Setting.Items DATA_STATIC_COLUMNS = new Setting.Items("data.static_columns", "", List.of(),
      "series: comma-separated columns with one value per series (store size, product category): numbers are "
      + "standardised, text is one-hot encoded, categories fitted on the training series");
  /** How each series gets its frequency. */
  public static final Setting.Text DATA_FREQUENCY = new Setting.Text("data.frequency", "auto", "text",
      "auto, a pandas frequency (15min, h, D, B, W-SUN, MS, ME, QS, QE, YS, YE, with an optional multiple) or a step",
      v -> FrequencyRule.of(v).alias(), "series: the frequency of each series, by which steps and gaps are counted "
      + "(a monthly series has a gap only where a month is missing) and forecast times continue; auto infers it "
      + "per series from its times");
  /** Cell texts read as missing values. */
  public static final Setting.Items DATA_NA_VALUES = new Setting.Items("data.na_values", String.join(",",
      SeriesSource.NA_VALUES), List.of(), "series: comma-separated cell texts read as missing values (as pandas "
      + "reads them; they then follow data.missing); an empty cell and NaN are always missing");
  /** Calendar features of each step. */
  public static final Setting.Items FEATURES_CALENDAR = new Setting.Items("features.calendar", "",
      CalendarFeatures.NAMES, "series with date-times: comma-separated calendar features given to the model for "
      + "the lookback and the forecast steps, each as a sine and a cosine of its place in its cycle");
  /** Generated sequences or series. */
  public static final Setting.IntRange DEMO_SEQUENCES = new Setting.IntRange("demo.sequences", "4000", 1, 100_000_000,
      "demo: number of generated sequences (or series)");
  /** Steps of each generated sequence or series. */
  public static final Setting.IntRange DEMO_STEPS = new Setting.IntRange("demo.steps", "24", 2, 10_000, "demo: steps "
      + "per sequence (or series)");

  /** Input steps of a window. */
  public static final Setting.IntRange WINDOW_LOOKBACK = new Setting.IntRange("window.lookback", "48", 1,
      WindowSpec.MAX_STEPS, "series: input steps of a window");
  /** Steps forecast. */
  public static final Setting.IntRange WINDOW_HORIZON = new Setting.IntRange("window.horizon", "24", 1,
      WindowSpec.MAX_STEPS, "series: steps forecast");
  /** Steps between training windows. */
  public static final Setting.IntRange WINDOW_STRIDE = new Setting.IntRange("window.stride", "1", 1,
      WindowSpec.MAX_STEPS, "series: steps between training windows");
  /** Per-window normalisation. */
  public static final Setting.Choice<WindowSpec.Normalization> WINDOW_NORMALIZATION = new Setting.Choice<>(
      "window.normalization", "none", WindowSpec.Normalization.class, WindowSpec::normalization, "series: subtract "
      + "each window's last input value (last) or mean (mean), or its mean and divide by its standard deviation "
      + "(standard), per column, and invert that on the forecast; or none (last, mean and standard need every "
      + "target among the inputs)");
  /** Direct or recursive forecasting. */
  public static final Setting.OneOf FORECAST_MODE = Setting.OneOf.of("forecast.mode", "direct",
      List.of("direct", "recursive"), "series: direct (the last Dense outputs horizon x targets) or recursive (one "
          + "step, fed back; inputs = targets)");
  /** How the split's sizes count. */
  public static final Setting.Choice<ChronologicalSplit.Mode> SPLIT_MODE = new Setting.Choice<>("split.mode",
      "fractions", ChronologicalSplit.Mode.class, ChronologicalSplit::mode, "series: fractions of each series, rows "
      + "(counts from the start), last_rows (counts from the end; split.train unused) or times (boundaries: each "
      + "part ends before its time)");
  /** The training part. */
  public static final Setting.Text SPLIT_TRAIN = part("split.train", "0.7", "series: training part (fraction, rows, "
      + "or the time validation starts)");
  /** The validation part. */
  public static final Setting.Text SPLIT_VALIDATION = part("split.validation", "0.1", "series: validation part "
      + "(fraction, rows, or the time the test starts)");
  /** The test part. */
  public static final Setting.Text SPLIT_TEST = part("split.test", "0.2", "series: test part (fraction, rows, or the "
      + "time it ends before; empty = the end)");
  /** The scaling method. */
  public static final Setting.Choice<Scaler.Method> SCALING_METHOD = new Setting.Choice<>("scaling.method",
      "standard", Scaler.Method.class, Scaler::method, "series: none, standard (z-score), min_max or max_abs (divide "
      + "by the largest |value|), fitted on the training part");
  /** Which values share one scaling. */
  public static final Setting.Choice<Scaler.Scope> SCALING_SCOPE = new Setting.Choice<>("scaling.scope",
      "per_column", Scaler.Scope.class, Scaler::scope, "series: one scaling for all values (global), per_column or "
      + "per_series (per series and column)");
  /** Windows per model call of forecast and evaluate. */
  public static final Setting.IntRange FORECAST_BATCH_SIZE = new Setting.IntRange("forecast.batch_size", "1024", 1,
      1 << 20, "forecast, evaluate: windows per model call");
  /** Steps between test windows. */
  public static final Setting.IntRange EVALUATE_STRIDE = new Setting.IntRange("evaluate.stride", "1", 1,
      WindowSpec.MAX_STEPS, "evaluate, forecast --backtest: steps between test windows (1 = every window, as the "
      + "published protocols)");
  /** The season of seasonal naive and MASE. */
  public static final Setting.IntRange EVALUATE_SEASON = new Setting.IntRange("evaluate.season", "1", 1, 100_000,
      "evaluate: season m of seasonal naive and MASE (24 for hourly data)");
  /** The horizon steps evaluate scores. */
  public static final Setting.Items EVALUATE_STEPS = new Setting.Items("evaluate.steps", "", List.of(), "evaluate: "
      + "comma-separated horizon steps scored, 1-based (e.g. 24 for the value 24 steps ahead); empty = all");

  /** The sequence id column. */
  public static final Setting.Text DATA_ID_COLUMN = column("data.id_column", "sequence_id", "sequences: column "
      + "naming the sequence of each row");
  /** The step column. */
  public static final Setting.Text DATA_STEP_COLUMN = column("data.step_column", "step", "sequences: column with the "
      + "step index 0..T-1 within a sequence");
  /** The fraction of sequences held out for validation. */
  public static final Setting.NumberRange DATA_VALIDATION_FRACTION = new Setting.NumberRange(
      "data.validation_fraction", "0.1", 0, 0.9, false, "sequences: fraction held out for validation (by a hash of "
      + "the sequence id)");

  /** Units of the default model's GRU, {@code model.layer.0.units} when {@code model.layers} is not set. */
  public static final int DEFAULT_UNITS = 32;
  /** The layer types. */
  public static final Setting.Items MODEL_LAYERS = new Setting.Items("model.layers", "gru,dense", LayerSpec.TYPES,
      "comma-separated layer types, set up by model.layer.<i>.<keras argument> (the default gru,dense has "
      + DEFAULT_UNITS + " GRU units); a last dense layer without units gets one per output value");
  /** The optimiser. */
  public static final Setting.OneOf OPTIMIZER_NAME = new Setting.OneOf("optimizer.name", "adam", OptimizerSpec.NAMES,
      name -> new OptimizerSpec(name, Map.of()).name(), "the optimiser, set up by optimizer.<keras argument> "
      + "(learning_rate, ...)");

  /** The loss. */
  public static final Setting.OneOf TRAIN_LOSS = new Setting.OneOf("train.loss", "mse", Loss.NAMES,
      Settings::loss, "the loss (huber:<delta> sets Huber's delta, 1 by default)");
  /** The metrics. */
  public static final Setting.Items TRAIN_METRICS = new Setting.Items("train.metrics", "mae,rmse", Metric.NAMES,
      "comma-separated metrics logged each epoch (may be empty)");
  /** The quantile levels forecast. */
  public static final Setting.Text TRAIN_QUANTILES = new Setting.Text("train.quantiles", "", "list",
      "increasing numbers strictly between 0 and 1", Settings::quantiles, "series: comma-separated quantile levels "
      + "to forecast (0.1,0.5,0.9), trained with the pinball loss, which replaces train.loss; empty = point "
      + "forecasts");
  /** Passes over the data. */
  public static final Setting.IntRange TRAIN_EPOCHS = new Setting.IntRange("train.epochs", "10", 1, 1_000_000,
      "passes over the data");
  /** Samples per mini-batch on each worker. */
  public static final Setting.IntRange TRAIN_BATCH_SIZE = new Setting.IntRange("train.batch_size", "32", 1, 1 << 24,
      "samples per mini-batch on each worker");
  /** Mini-batches between weight averagings. */
  public static final Setting.IntRange TRAIN_AVERAGING_FREQUENCY = new Setting.IntRange("train.averaging_frequency",
      "5", 1, 1_000_000, "mini-batches per worker between weight averagings");
  /** Whether the optimiser state is averaged too. */
  public static final Setting.Flag TRAIN_AVERAGE_OPTIMIZER_STATE = new Setting.Flag("train.average_optimizer_state",
      "true", "average the optimiser state too (else reset each round)");
  /** Data partitions. */
  public static final Setting.IntRange TRAIN_PARTITIONS = new Setting.IntRange("train.partitions", "0", 0, 1_000_000,
      "data partitions (= parallel workers); 0 = Spark's default parallelism");
  /** The one seed of a run. */
  public static final Setting.Whole TRAIN_SEED = new Setting.Whole("train.seed", "42", "seed of weights, shuffling, "
      + "dropout, the validation split and the demo data");
  /** Levels of the averaging tree. */
  public static final Setting.IntRange TRAIN_AGGREGATION_DEPTH = new Setting.IntRange("train.aggregation_depth", "2",
      1, 8, "levels of the weight-averaging tree");

  /** The key early stopping watches. */
  public static final Setting.Text EARLY_STOPPING_MONITOR = text("early_stopping.monitor", "", "loss or metric key "
      + "to watch (loss, a train.metrics name, or val_ and either), e.g. val_loss; empty = no early stopping");
  /** Epochs without improvement before stopping. */
  public static final Setting.IntRange EARLY_STOPPING_PATIENCE = new Setting.IntRange("early_stopping.patience", "0",
      0, 1_000_000, "epochs without improvement before stopping");
  /** The smallest improvement. */
  public static final Setting.NumberRange EARLY_STOPPING_MIN_DELTA = atLeastZero("early_stopping.min_delta", "0",
      "smallest change counted as improvement");
  /** Whether training ends with the best epoch's weights. */
  public static final Setting.Flag EARLY_STOPPING_RESTORE_BEST_WEIGHTS = new Setting.Flag(
      "early_stopping.restore_best_weights", "false", "end with the best epoch's weights");
  /** The key learning-rate reduction watches. */
  public static final Setting.Text REDUCE_LR_MONITOR = text("reduce_lr.monitor", "", "loss or metric key to watch, "
      + "as early_stopping.monitor; empty = no reduction");
  /** The learning-rate multiplier. */
  public static final Setting.NumberRange REDUCE_LR_FACTOR = new Setting.NumberRange("reduce_lr.factor", "0.1", 0, 1,
      true, "learning-rate multiplier");
  /** Epochs without improvement before reducing. */
  public static final Setting.IntRange REDUCE_LR_PATIENCE = new Setting.IntRange("reduce_lr.patience", "10", 0,
      1_000_000, "epochs without improvement before reducing");
  /** The smallest improvement. */
  public static final Setting.NumberRange REDUCE_LR_MIN_DELTA = atLeastZero("reduce_lr.min_delta", "0.0001",
      "smallest change counted as improvement");
  /** Epochs to wait after a reduction. */
  public static final Setting.IntRange REDUCE_LR_COOLDOWN = new Setting.IntRange("reduce_lr.cooldown", "0", 0,
      1_000_000, "epochs to wait after a reduction");
  /** The lowest learning rate. */
  public static final Setting.NumberRange REDUCE_LR_MIN_LR = atLeastZero("reduce_lr.min_lr", "0", "lower bound of "
      + "the learning rate");

  /** The checkpoint directory. */
  public static final Setting.Text CHECKPOINT_PATH = path("checkpoint.path", "", "directory for checkpoints (any "
      + "Hadoop path); empty = no checkpoints");
  /** Epochs between checkpoints. */
  public static final Setting.IntRange CHECKPOINT_INTERVAL = new Setting.IntRange("checkpoint.interval", "1", 1,
      1_000_000, "write a checkpoint every N epochs (and after the last)");

  /** The metrics file. */
  public static final Setting.Text OUTPUT_METRICS = path("output.metrics", "spark-gru-output/metrics.jsonl",
      "per-epoch metrics as JSON lines");
  /** The model file. */
  public static final Setting.Text OUTPUT_MODEL = path("output.model", "spark-gru-output/model.sgru", "where the "
      + "trained model is written");
  /** The report. */
  public static final Setting.Text OUTPUT_REPORT = path("output.report", "", "series: a PNG report (loss curves, a "
      + "few validation forecasts) written after training; empty = none");
  /** Whether a progress bar shows. */
  public static final Setting.Flag OUTPUT_PROGRESS = new Setting.Flag("output.progress", "true", "show a progress bar "
      + "of the rounds in each epoch (terminals only)");

  /** The Spark master. */
  public static final Setting.Text SPARK_MASTER = new Setting.Text("spark.master", "local[*]", "text",
      "local, local[N], local[*], local[N,F], local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn, "
          + "k8s://URL", url -> MasterUrl.check("spark.master", url), "Spark master when not set by spark-submit");

  /** Every fixed key, in documentation order. */
  public static final List<Setting<?>> ALL = List.of(DATA_SOURCE, DATA_FORMAT, DATA_PATH, DATA_TABLE,
      DATA_FORMAT_NAME, DATA_HEADER,
      DATA_TRIM_SPACES, DATA_SERIES_COLUMN, DATA_TIME_COLUMN, DATA_SERIES_NAME, DATA_FEATURE_COLUMNS, DATA_TARGET_COLUMNS, DATA_FUTURE_COLUMNS,
      DATA_STATIC_COLUMNS, DATA_FREQUENCY, DATA_MISSING,
      DATA_NA_VALUES, FEATURES_CALENDAR, DEMO_SEQUENCES, DEMO_STEPS, WINDOW_LOOKBACK, WINDOW_HORIZON, WINDOW_STRIDE, WINDOW_NORMALIZATION,
      FORECAST_MODE, SPLIT_MODE, SPLIT_TRAIN, SPLIT_VALIDATION, SPLIT_TEST, SCALING_METHOD, SCALING_SCOPE,
      FORECAST_BATCH_SIZE, EVALUATE_STRIDE, EVALUATE_SEASON, EVALUATE_STEPS, DATA_ID_COLUMN, DATA_STEP_COLUMN, DATA_VALIDATION_FRACTION,
      MODEL_LAYERS, OPTIMIZER_NAME, TRAIN_LOSS, TRAIN_QUANTILES, TRAIN_METRICS, TRAIN_EPOCHS, TRAIN_BATCH_SIZE,
      TRAIN_AVERAGING_FREQUENCY, TRAIN_AVERAGE_OPTIMIZER_STATE, TRAIN_PARTITIONS, TRAIN_SEED, TRAIN_AGGREGATION_DEPTH,
      EARLY_STOPPING_MONITOR, EARLY_STOPPING_PATIENCE, EARLY_STOPPING_MIN_DELTA, EARLY_STOPPING_RESTORE_BEST_WEIGHTS,
      REDUCE_LR_MONITOR, REDUCE_LR_FACTOR, REDUCE_LR_PATIENCE, REDUCE_LR_MIN_DELTA, REDUCE_LR_COOLDOWN,
      REDUCE_LR_MIN_LR, CHECKPOINT_PATH, CHECKPOINT_INTERVAL, OUTPUT_METRICS, OUTPUT_MODEL, OUTPUT_REPORT,
      OUTPUT_PROGRESS, SPARK_MASTER);

  private static final Map<String, Setting<?>> BY_NAME = ALL.stream().collect(Collectors.toUnmodifiableMap(
      Setting::name, Function.identity()));

  /** The setting of a fixed key, or null when {@code name} is none. */
  public static Setting<?> named(String name) {
    return BY_NAME.get(name);
  }

  private static Setting.Text text(String name, String defaultText, String description) {
    return new Setting.Text(name, defaultText, "text", "", UnaryOperator.identity(), description);
  }

  private static Setting.Text column(String name, String defaultText, String description) {
    return new Setting.Text(name, defaultText, "column", "", UnaryOperator.identity(), description);
  }

  private static Setting.Text path(String name, String defaultText, String description) {
    return new Setting.Text(name, defaultText, "path", "", UnaryOperator.identity(), description);
  }

  /** A part of the split, read with {@link #SPLIT_MODE} by {@link JobConfig#split()}. */
  private static Setting.Text part(String name, String defaultText, String description) {
    return new Setting.Text(name, defaultText, "text", "fraction, rows or time (split.mode)", UnaryOperator.identity(),
        description);
  }

  /** {@code name} when the engine reads it as a loss (huber with its delta included). */
  private static String loss(String name) {
    Loss.parse(name);
    return name;
  }

  /** The quantile levels written as {@code text}, checked: numbers, increasing, strictly inside (0, 1). */
  public static List<Double> quantileLevels(String text) {
    List<Double> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(Double.parseDouble(part.trim()));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("train.quantiles must be numbers such as 0.1,0.5,0.9, "
            + "got '" + part.trim() + "'", e);
      }
    }
    if (!out.isEmpty()) {
      new Loss.Pinball(out.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return List.copyOf(out);
  }

  private static String quantiles(String text) {
    quantileLevels(text);
    return text.trim();
  }

  private static Setting.NumberRange atLeastZero(String name, String defaultText, String description) {
    return new Setting.NumberRange(name, defaultText, 0, Double.MAX_VALUE, false, description);
  }
}
