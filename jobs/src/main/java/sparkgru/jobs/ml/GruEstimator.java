package sparkgru.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Provenance;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.optim.OptimizerSpec;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Setting;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.io.AtomicFiles;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.io.JsonLinesWriter;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.config.TrainSettings;
import sparkgru.jobs.train.TrainingRun;

/**
 * A GRU network as an MLlib {@code Estimator}: {@link #fit} trains it by the train job's
 * parameter averaging ({@link TrainingRun}: the same trainer, callbacks and checkpoints, built
 * from the same validated configuration) and returns a {@link GruModel}.
 *
 * <p>Input columns: {@code featuresCol} holds one sequence per row,
 * {@code array<array<numeric>>} or {@code array<vector>} (one element per time step; lengths may
 * differ and are masked as Keras masks right-padded sequences); {@code labelCol} a number, an
 * {@code array<numeric>} or {@code vector} (several outputs), or a sequence (one output vector per
 * step, for a model whose last GRU returns sequences). Optional: {@code validationIndicatorCol}
 * (boolean, true = validation row) and {@code sequenceIdCol}, a key by which rows are
 * partitioned and ordered as the train job partitions sequences by id, so both give the same
 * weights; without it rows are numbered in the dataset's order. The model records the shortest
 * and longest training sequence, and predicts only sequences of those lengths
 * ({@link GruModel#sequenceSteps}).
 *
 * <p>Every param mirrors a key of the train job, and the params that set one of its fixed keys
 * take their doc, check and default from its {@link Settings} entry; the model is
 * {@code layers} (e.g. {@code gru,gru,dense}) with {@code units} per GRU unless {@code layerArgs}
 * says otherwise ({@code "0.units=64"}, {@code "1.recurrent_dropout=0.1"}: Keras arguments by
 * layer index); a last dense layer without units gets one per label value. A bad value fails
 * when it is set, naming the param and what it accepts; combinations are checked by
 * {@link #transformSchema}.
 *
 * <p>With {@code quantiles} (e.g. {@code 0.1, 0.5, 0.9}, as the train job's
 * {@code train.quantiles}) the network learns those quantiles of every label value by the
 * pinball loss, which replaces {@code loss}: a last dense layer without units gets one per label
 * value and level, and each row's target is its label values, each repeated once per level
 * (quantile innermost, the layout of the model's outputs). The model then predicts, for a number
 * label, an {@code array<double>} of the levels' quantiles, and for a label of k values one of
 * k * levels values, label-major ({@link GruModel#getQuantiles}). Per-step (sequence) labels take
 * no quantiles.
 */
public final class GruEstimator extends Estimator<GruModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String OWNER = "GruEstimator";
  private static final System.Logger LOG = System.getLogger(GruEstimator.class.getName());
  private static final String KEY = "__spark_gru_key";

  /** A param that sets a key of the train job. */
  private record Keyed(Setting<?> setting, String param) {}

  /** Every param that sets a key of the train job, with the key; {@link #jobConfig} sets them all. */
  private static final List<Keyed> KEYED = List.of(new Keyed(Settings.MODEL_LAYERS, "layers"),
      new Keyed(Settings.OPTIMIZER_NAME, "optimizer"), new Keyed(Settings.TRAIN_LOSS, "loss"),
      new Keyed(Settings.TRAIN_METRICS, "metrics"), new Keyed(Settings.TRAIN_EPOCHS, "epochs"),
      new Keyed(Settings.TRAIN_BATCH_SIZE, "batchSize"),
      new Keyed(Settings.TRAIN_AVERAGING_FREQUENCY, "averagingFrequency"),
      new Keyed(Settings.TRAIN_AVERAGE_OPTIMIZER_STATE, "averageOptimizerState"),
      new Keyed(Settings.TRAIN_PARTITIONS, "numPartitions"), new Keyed(Settings.TRAIN_SEED, "seed"),
      new Keyed(Settings.TRAIN_AGGREGATION_DEPTH, "aggregationDepth"),
      new Keyed(Settings.EARLY_STOPPING_MONITOR, "earlyStoppingMonitor"),
      new Keyed(Settings.EARLY_STOPPING_PATIENCE, "earlyStoppingPatience"),
      new Keyed(Settings.EARLY_STOPPING_MIN_DELTA, "earlyStoppingMinDelta"),
      new Keyed(Settings.EARLY_STOPPING_RESTORE_BEST_WEIGHTS, "restoreBestWeights"),
      new Keyed(Settings.REDUCE_LR_MONITOR, "reduceLrMonitor"), new Keyed(Settings.REDUCE_LR_FACTOR, "reduceLrFactor"),
      new Keyed(Settings.REDUCE_LR_PATIENCE, "reduceLrPatience"),
      new Keyed(Settings.REDUCE_LR_MIN_DELTA, "reduceLrMinDelta"),
      new Keyed(Settings.REDUCE_LR_COOLDOWN, "reduceLrCooldown"), new Keyed(Settings.REDUCE_LR_MIN_LR, "reduceLrMinLr"),
      new Keyed(Settings.CHECKPOINT_PATH, "checkpointPath"),
      new Keyed(Settings.CHECKPOINT_INTERVAL, "checkpointInterval"));

  private final String uid;
  private transient List<EpochListener> listeners = new ArrayList<>();

  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> validationIndicatorCol;
  private final Param<String> sequenceIdCol;
  private final Param<String> layers;
  private final IntParam units;
  private final StringArrayParam layerArgs;
  private final Param<String> optimizer;
  private final DoubleParam learningRate;
  private final StringArrayParam optimizerArgs;
  private final Param<String> loss;
  private final DoubleArrayParam quantiles;
  private final Param<String> metrics;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final BooleanParam averageOptimizerState;
  private final IntParam numPartitions;
  private final LongParam seed;
  private final IntParam aggregationDepth;
  private final Param<String> earlyStoppingMonitor;
  private final IntParam earlyStoppingPatience;
  private final DoubleParam earlyStoppingMinDelta;
  private final BooleanParam restoreBestWeights;
  private final Param<String> reduceLrMonitor;
  private final DoubleParam reduceLrFactor;
  private final IntParam reduceLrPatience;
  private final DoubleParam reduceLrMinDelta;
  private final IntParam reduceLrCooldown;
  private final DoubleParam reduceLrMinLr;
  private final Param<String> checkpointPath;
  private final IntParam checkpointInterval;
  private final BooleanParam resume;
  private final Param<String> metricsPath;

  /** An estimator with a random uid and the train job's defaults. */
  public GruEstimator() {
    this(Identifiable$.MODULE$.randomUID("gruEstimator"));
  }

  /** An estimator with this uid (as MLlib's readers create stages). */
  public GruEstimator(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "sequences: array<array<numeric>> or array<vector>, one element "
        + "per time step", ParamChecks.column(OWNER, "featuresCol"));
    labelCol = new Param<>(this, "labelCol", "labels: a number, array<numeric> or vector, or a sequence (per-step "
        + "outputs)", ParamChecks.column(OWNER, "labelCol"));
    predictionCol = new Param<>(this, "predictionCol", "prediction column the fitted model adds",
        ParamChecks.column(OWNER, "predictionCol"));
    validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "boolean column: true marks validation "
        + "rows (val_* logs, early stopping on val_loss); unset = no validation",
        ParamChecks.column(OWNER, "validationIndicatorCol"));
    sequenceIdCol = new Param<>(this, "sequenceIdCol", "a key column by which rows are partitioned and ordered "
        + "(as the train job orders sequences by id); unset = the dataset's row order",
        ParamChecks.column(OWNER, "sequenceIdCol"));
    layers = param(Settings.MODEL_LAYERS, "model.layers: comma-separated layer types (gru layers get units unless "
        + "layerArgs set them; a last dense layer without units gets one per label value)", false);
    units = new IntParam(this, "units", "units of every GRU layer whose layerArgs do not set them",
        ParamChecks.range(OWNER, "units", 1, 65_536));
    layerArgs = new StringArrayParam(this, "layerArgs", "Keras layer arguments by layer index "
        + "(model.layer.<i>.<argument>), e.g. 0.recurrent_dropout=0.1", ParamChecks.entries(OWNER, "layerArgs",
        "\\d+\\.[a-z_0-9]+=.*", "<layer index>.<keras argument>=<value>, e.g. 0.dropout=0.1"));
    optimizer = param(Settings.OPTIMIZER_NAME, "optimizer.name: the optimiser, set up by learningRate and "
        + "optimizerArgs");
    learningRate = new DoubleParam(this, "learningRate", "optimizer.learning_rate; unset = Keras' default (0.001, "
        + "sgd 0.01)", ParamChecks.range(OWNER, "learningRate", Double.MIN_VALUE, 1e6));
    optimizerArgs = new StringArrayParam(this, "optimizerArgs", "other Keras optimizer arguments "
        + "(optimizer.<argument>), e.g. beta_1=0.9, clipnorm=1", ParamChecks.entries(OWNER, "optimizerArgs",
        "(?!name=|learning_rate=)[a-z_0-9]+=.*", "<keras argument>=<value> other than name and learning_rate "
        + "(see optimizer and learningRate), e.g. clipnorm=1"));
    loss = param(Settings.TRAIN_LOSS, "train.loss: the loss (not used when quantiles are set: they train on the "
        + "pinball loss)");
    quantiles = new DoubleArrayParam(this, "quantiles", Settings.TRAIN_QUANTILES.name() + ": increasing quantile "
        + "levels strictly between 0 and 1 to predict for every label value (quantile innermost), trained with the "
        + "pinball loss, which replaces loss; a last dense layer without units gets one per label value and level; "
        + "empty = point predictions", ParamChecks.quantiles(OWNER, "quantiles"));
    metrics = param(Settings.TRAIN_METRICS, true);
    epochs = param(Settings.TRAIN_EPOCHS);
    batchSize = param(Settings.TRAIN_BATCH_SIZE);
    averagingFrequency = param(Settings.TRAIN_AVERAGING_FREQUENCY);
    averageOptimizerState = param(Settings.TRAIN_AVERAGE_OPTIMIZER_STATE);
    numPartitions = param(Settings.TRAIN_PARTITIONS);
    seed = param(Settings.TRAIN_SEED);
    aggregationDepth = param(Settings.TRAIN_AGGREGATION_DEPTH);
    earlyStoppingMonitor = param(Settings.EARLY_STOPPING_MONITOR);
    earlyStoppingPatience = param(Settings.EARLY_STOPPING_PATIENCE);
    earlyStoppingMinDelta = param(Settings.EARLY_STOPPING_MIN_DELTA);
    restoreBestWeights = param(Settings.EARLY_STOPPING_RESTORE_BEST_WEIGHTS);
    reduceLrMonitor = param(Settings.REDUCE_LR_MONITOR);
    reduceLrFactor = param(Settings.REDUCE_LR_FACTOR);
    reduceLrPatience = param(Settings.REDUCE_LR_PATIENCE);
    reduceLrMinDelta = param(Settings.REDUCE_LR_MIN_DELTA);
    reduceLrCooldown = param(Settings.REDUCE_LR_COOLDOWN);
    reduceLrMinLr = param(Settings.REDUCE_LR_MIN_LR);
    checkpointPath = param(Settings.CHECKPOINT_PATH, "; one fit per directory (a second fit, e.g. another "
        + "candidate of a tuning run, refuses it)");
    checkpointInterval = param(Settings.CHECKPOINT_INTERVAL);
    resume = new BooleanParam(this, "resume", "continue from the newest checkpoint under checkpointPath (train "
        + "--resume)");
    metricsPath = new Param<>(this, "metricsPath", "output.metrics: per-epoch logs as JSON lines on any Hadoop "
        + "file system, rewritten by every fit; empty = none", ParamChecks.notNull(OWNER, "metricsPath"));
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(units, Settings.DEFAULT_UNITS);
    setDefault(layerArgs, new String[0]);
    setDefault(quantiles, new double[0]);
    setDefault(optimizerArgs, new String[0]);
    setDefault(resume, false);
    setDefault(metricsPath, "");
  }

  // ---- Params that set a key of the train job: name, doc, check and default from its setting ---

  /** The param's doc: the key it sets and the key's description. */
  private static String doc(Setting<?> setting) {
    return setting.name() + ": " + setting.description();
  }

  /** The param's name. */
  private static String name(Setting<?> setting) {
    for (Keyed k : KEYED) {
      if (k.setting() == setting) {
        return k.param();
      }
    }
    throw new IllegalStateException(setting.name() + " is not among GruEstimator's keyed params");
  }

  private IntParam param(Setting.IntRange setting) {
    IntParam p = new IntParam(this, name(setting), doc(setting), ParamChecks.range(OWNER, name(setting),
        setting.min(), setting.max()));
    setDefault(p, setting.defaultValue());
    return p;
  }

  private LongParam param(Setting.Whole setting) {
    LongParam p = new LongParam(this, name(setting), doc(setting), ParamChecks.range(OWNER, name(setting),
        Long.MIN_VALUE, Long.MAX_VALUE));
    setDefault(p, setting.defaultValue());
    return p;
  }

  private DoubleParam param(Setting.NumberRange setting) {
    DoubleParam p = new DoubleParam(this, name(setting), doc(setting), ParamChecks.range(OWNER, name(setting),
        setting.least(), setting.most()));
    setDefault(p, setting.defaultValue());
    return p;
  }

  private BooleanParam param(Setting.Flag setting) {
    BooleanParam p = new BooleanParam(this, name(setting), doc(setting));
    setDefault(p, setting.defaultValue());
    return p;
  }

  private Param<String> param(Setting.OneOf setting) {
    return param(setting, doc(setting));
  }

  /** A param of a key whose description speaks of train job keys the estimator sets by other params. */
  private Param<String> param(Setting.OneOf setting, String doc) {
    Param<String> p = new Param<>(this, name(setting), doc + "; one of " + setting.allowed(),
        ParamChecks.oneOf(OWNER, name(setting), setting.names()));
    setDefault(p, setting.defaultText());
    return p;
  }

  private Param<String> param(Setting.Items setting, boolean emptyOk) {
    return param(setting, doc(setting), emptyOk);
  }

  private Param<String> param(Setting.Items setting, String doc, boolean emptyOk) {
    Param<String> p = new Param<>(this, name(setting), doc + "; from " + setting.allowed(),
        ParamChecks.listOf(OWNER, name(setting), setting.names(), emptyOk));
    setDefault(p, setting.defaultText());
    return p;
  }

  private Param<String> param(Setting.Text setting) {
    return param(setting, "");
  }

  private Param<String> param(Setting.Text setting, String more) {
    Param<String> p = new Param<>(this, name(setting), doc(setting) + more, ParamChecks.notNull(OWNER,
        name(setting)));
    setDefault(p, setting.defaultText());
    return p;
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- Params: accessors (MLlib finds params through them), getters, setters ---------------

  public Param<String> featuresCol() { return featuresCol; }
  public Param<String> labelCol() { return labelCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> validationIndicatorCol() { return validationIndicatorCol; }
  public Param<String> sequenceIdCol() { return sequenceIdCol; }
  public Param<String> layers() { return layers; }
  public IntParam units() { return units; }
  public StringArrayParam layerArgs() { return layerArgs; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public StringArrayParam optimizerArgs() { return optimizerArgs; }
  public Param<String> loss() { return loss; }
  public DoubleArrayParam quantiles() { return quantiles; }
  public Param<String> metrics() { return metrics; }
  public IntParam epochs() { return epochs; }
  public IntParam batchSize() { return batchSize; }
  public IntParam averagingFrequency() { return averagingFrequency; }
  public BooleanParam averageOptimizerState() { return averageOptimizerState; }
  public IntParam numPartitions() { return numPartitions; }
  public LongParam seed() { return seed; }
  public IntParam aggregationDepth() { return aggregationDepth; }
  public Param<String> earlyStoppingMonitor() { return earlyStoppingMonitor; }
  public IntParam earlyStoppingPatience() { return earlyStoppingPatience; }
  public DoubleParam earlyStoppingMinDelta() { return earlyStoppingMinDelta; }
  public BooleanParam restoreBestWeights() { return restoreBestWeights; }
  public Param<String> reduceLrMonitor() { return reduceLrMonitor; }
  public DoubleParam reduceLrFactor() { return reduceLrFactor; }
  public IntParam reduceLrPatience() { return reduceLrPatience; }
  public DoubleParam reduceLrMinDelta() { return reduceLrMinDelta; }
  public IntParam reduceLrCooldown() { return reduceLrCooldown; }
  public DoubleParam reduceLrMinLr() { return reduceLrMinLr; }
  public Param<String> checkpointPath() { return checkpointPath; }
  public IntParam checkpointInterval() { return checkpointInterval; }
  public BooleanParam resume() { return resume; }
  public Param<String> metricsPath() { return metricsPath; }

  public String getFeaturesCol() { return getOrDefault(featuresCol); }
  public String getLabelCol() { return getOrDefault(labelCol); }
  public String getPredictionCol() { return getOrDefault(predictionCol); }
  public String getValidationIndicatorCol() { return isDefined(validationIndicatorCol) ? getOrDefault(
      validationIndicatorCol) : null; }
  public String getSequenceIdCol() { return isDefined(sequenceIdCol) ? getOrDefault(sequenceIdCol) : null; }
  public String getLayers() { return getOrDefault(layers); }
  public int getUnits() { return (Integer) getOrDefault(units); }
  public String[] getLayerArgs() { return getOrDefault(layerArgs); }
  public String getOptimizer() { return getOrDefault(optimizer); }
  public String[] getOptimizerArgs() { return getOrDefault(optimizerArgs); }
  public String getLoss() { return getOrDefault(loss); }
  public double[] getQuantiles() { return getOrDefault(quantiles).clone(); }
  public String getMetrics() { return getOrDefault(metrics); }
  public int getEpochs() { return (Integer) getOrDefault(epochs); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency); }
  public int getNumPartitions() { return (Integer) getOrDefault(numPartitions); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public boolean getAverageOptimizerState() { return (Boolean) getOrDefault(averageOptimizerState); }
  public int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth); }
  public String getEarlyStoppingMonitor() { return getOrDefault(earlyStoppingMonitor); }
  public int getEarlyStoppingPatience() { return (Integer) getOrDefault(earlyStoppingPatience); }
  public double getEarlyStoppingMinDelta() { return (Double) getOrDefault(earlyStoppingMinDelta); }
  public boolean getRestoreBestWeights() { return (Boolean) getOrDefault(restoreBestWeights); }
  public String getReduceLrMonitor() { return getOrDefault(reduceLrMonitor); }
  public double getReduceLrFactor() { return (Double) getOrDefault(reduceLrFactor); }
  public int getReduceLrPatience() { return (Integer) getOrDefault(reduceLrPatience); }
  public double getReduceLrMinDelta() { return (Double) getOrDefault(reduceLrMinDelta); }
  public int getReduceLrCooldown() { return (Integer) getOrDefault(reduceLrCooldown); }
  public double getReduceLrMinLr() { return (Double) getOrDefault(reduceLrMinLr); }
  public String getCheckpointPath() { return getOrDefault(checkpointPath); }
  public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }
  public boolean getResume() { return (Boolean) getOrDefault(resume); }
  public String getMetricsPath() { return getOrDefault(metricsPath); }

  /** The learning rate in force: the one set, else the optimiser's Keras default (NaN under a schedule). */
  public double getLearningRate() {
    if (isDefined(learningRate)) {
      return (Double) getOrDefault(learningRate);
    }
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : getOptimizerArgs()) {
      args.put(a.substring(0, a.indexOf('=')).trim(), a.substring(a.indexOf('=') + 1).trim());
    }
    return new OptimizerSpec(getOptimizer().trim().toLowerCase(Locale.ROOT), args).learningRate();
  }

  public GruEstimator setFeaturesCol(String v) { set(featuresCol, v); return this; }
  public GruEstimator setLabelCol(String v) { set(labelCol, v); return this; }
  public GruEstimator setPredictionCol(String v) { set(predictionCol, v); return this; }
  public GruEstimator setValidationIndicatorCol(String v) { set(validationIndicatorCol, v); return this; }
  public GruEstimator setSequenceIdCol(String v) { set(sequenceIdCol, v); return this; }
  public GruEstimator setLayers(String v) { set(layers, v); return this; }
  public GruEstimator setUnits(int v) { set(units, v); return this; }
  public GruEstimator setLayerArgs(String... v) { set(layerArgs, v); return this; }
  public GruEstimator setOptimizer(String v) { set(optimizer, v); return this; }
  public GruEstimator setLearningRate(double v) { set(learningRate, v); return this; }
  public GruEstimator setOptimizerArgs(String... v) { set(optimizerArgs, v); return this; }
  public GruEstimator setLoss(String v) { set(loss, v); return this; }
  public GruEstimator setQuantiles(double... v) { set(quantiles, v); return this; }
  public GruEstimator setMetrics(String v) { set(metrics, v); return this; }
  public GruEstimator setEpochs(int v) { set(epochs, v); return this; }
  public GruEstimator setBatchSize(int v) { set(batchSize, v); return this; }
  public GruEstimator setAveragingFrequency(int v) { set(averagingFrequency, v); return this; }
  public GruEstimator setAverageOptimizerState(boolean v) { set(averageOptimizerState, v); return this; }
  public GruEstimator setNumPartitions(int v) { set(numPartitions, v); return this; }
  public GruEstimator setSeed(long v) { set(seed, v); return this; }
  public GruEstimator setAggregationDepth(int v) { set(aggregationDepth, v); return this; }
  public GruEstimator setEarlyStoppingMonitor(String v) { set(earlyStoppingMonitor, v); return this; }
  public GruEstimator setEarlyStoppingPatience(int v) { set(earlyStoppingPatience, v); return this; }
  public GruEstimator setEarlyStoppingMinDelta(double v) { set(earlyStoppingMinDelta, v); return this; }
  public GruEstimator setRestoreBestWeights(boolean v) { set(restoreBestWeights, v); return this; }
  public GruEstimator setReduceLrMonitor(String v) { set(reduceLrMonitor, v); return this; }
  public GruEstimator setReduceLrFactor(double v) { set(reduceLrFactor, v); return this; }
  public GruEstimator setReduceLrPatience(int v) { set(reduceLrPatience, v); return this; }
  public GruEstimator setReduceLrMinDelta(double v) { set(reduceLrMinDelta, v); return this; }
  public GruEstimator setReduceLrCooldown(int v) { set(reduceLrCooldown, v); return this; }
  public GruEstimator setReduceLrMinLr(double v) { set(reduceLrMinLr, v); return this; }
  public GruEstimator setCheckpointPath(String v) { set(checkpointPath, v); return this; }
  public GruEstimator setCheckpointInterval(int v) { set(checkpointInterval, v); return this; }
  public GruEstimator setResume(boolean v) { set(resume, v); return this; }
  public GruEstimator setMetricsPath(String v) { set(metricsPath, v); return this; }

  /**
   * Also tells {@code listener} every epoch's logs during {@link #fit}, as the train job tells its
   * console and metrics file (not saved with the estimator; copies made afterwards tell it too).
   */
  public GruEstimator addEpochListener(EpochListener listener) {
    listeners.add(listener);
    return this;
  }

  // ---- Estimator -------------------------------------------------------------------------

  /**
   * Checks the columns (types, presence, the prediction column not yet present) and the params
   * together (as the train job checks its configuration); returns the schema with the prediction.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    SequenceColumns.requireSequences(schema, OWNER, "featuresCol", getFeaturesCol());
    SequenceColumns.Shape shape = SequenceColumns.labelShape(schema, OWNER, "labelCol", getLabelCol());
    SequenceColumns.requireAbsent(schema, OWNER, "predictionCol", getPredictionCol());
    int levels = getQuantiles().length;
    if (levels > 0 && shape == SequenceColumns.Shape.SEQUENCE) {
      throw new InvalidInputException(OWNER + " param quantiles: labelCol '" + getLabelCol() + "' holds per-step "
          + "labels (a sequence), which take no quantiles; quantiles need a number, array<numeric> or vector label");
    }
    boolean validation = isDefined(validationIndicatorCol);
    if (validation) {
      DataType t = SequenceColumns.type(schema, OWNER, "validationIndicatorCol", getOrDefault(validationIndicatorCol));
      if (!(t instanceof BooleanType)) {
        throw new InvalidInputException(OWNER + " param validationIndicatorCol: column '"
            + getOrDefault(validationIndicatorCol) + "' has type " + t.simpleString() + "; expected boolean");
      }
    }
    if (isDefined(sequenceIdCol)) {
      SequenceColumns.type(schema, OWNER, "sequenceIdCol", getOrDefault(sequenceIdCol));
    }
    if (getResume() && getCheckpointPath().isEmpty()) {
      throw new InvalidInputException(OWNER + " param resume is true but checkpointPath is empty: set checkpointPath "
          + "to the directory the interrupted fit wrote its checkpoints to");
    }
    jobConfig(validation);
    return schema.add(getPredictionCol(), shape.withQuantiles(levels).predictionType(), false);
  }

  /** Trains on {@code dataset} (see the class comment for its columns). */
  @Override
  public GruModel fit(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema);
    SequenceColumns.Shape shape = SequenceColumns.labelShape(schema, OWNER, "labelCol", getLabelCol());
    boolean hasValidation = isDefined(validationIndicatorCol);
    JobConfig config = jobConfig(hasValidation);
    SparkSession spark = dataset.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = getNumPartitions() == 0 ? jsc.defaultParallelism() : getNumPartitions();
    String features = getFeaturesCol();
    String label = getLabelCol();
    Column key = isDefined(sequenceIdCol) ? col(getOrDefault(sequenceIdCol)).cast(DataTypes.StringType)
        : monotonically_increasing_id();
    List<Column> columns = new ArrayList<>(List.of(col(features), col(label), key.as(KEY)));
    if (hasValidation) {
      columns.add(col(getOrDefault(validationIndicatorCol)));
    }
    Dataset<Row> rows = dataset.select(columns.toArray(new Column[0]));
    List<Row> first = rows.limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new InvalidInputException(OWNER + ".fit: the dataset has no rows");
    }
    String where = "the first row";
    int width = SequenceColumns.sequence(first.get(0).get(0), -1, features, where)[0].length;
    int outputs = shape == SequenceColumns.Shape.SEQUENCE
        ? SequenceColumns.sequence(first.get(0).get(1), -1, label, where)[0].length
        : SequenceColumns.numbers(first.get(0).get(1), label, where).length;
    double[] levels = getQuantiles();
    TrainSettings settings = settings(config, width, outputs, levels);
    Sequential model = settings.buildModel();
    requireOutputs(model.outputShape(), shape, outputs, levels.length);
    if (hasValidation && !rows.filter(col(getOrDefault(validationIndicatorCol)).isNull()).limit(1).isEmpty()) {
      throw new InvalidInputException(OWNER + " param validationIndicatorCol: column '"
          + getOrDefault(validationIndicatorCol) + "' has nulls; every row must be true (validation) or false");
    }
    boolean keyed = isDefined(sequenceIdCol);
    if (keyed) {
      List<Row> clash = rows.groupBy(col(KEY)).count().filter(col(KEY).isNull().or(col("count").gt(1))).limit(1)
          .collectAsList();
      if (!clash.isEmpty()) {
        throw new InvalidInputException(OWNER + " param sequenceIdCol: column '" + getOrDefault(sequenceIdCol)
            + "' must hold a unique, non-null key per row (it fixes the rows' partitions and order), but "
            + (clash.get(0).isNullAt(0) ? "it has nulls" : "'" + clash.get(0).get(0) + "' appears "
            + clash.get(0).getLong(1) + " times"));
      }
    }
    StringWriter messages = new StringWriter();
    JsonLinesWriter metricsFile = null;
    if (!getMetricsPath().isEmpty()) {
      AtomicFiles.prepare(getMetricsPath(), "metricsPath", jsc.hadoopConfiguration());
      metricsFile = new JsonLinesWriter(getMetricsPath(), jsc.hadoopConfiguration());
    }
    TrainingRun run = TrainingRun.open(jsc, config, getResume(), new PrintWriter(messages, true),
        metricsFile);
    if (!messages.toString().isEmpty()) {
      LOG.log(System.Logger.Level.INFO, messages.toString().trim());
    }
    EpochListener listener = (epoch, logs) -> LOG.log(System.Logger.Level.INFO, OWNER + " " + uid + " epoch " + epoch
        + ": " + logs);
    if (metricsFile != null) {
      listener = listener.andThen(metricsFile);
    }
    for (EpochListener l : listeners) {
      listener = listener.andThen(l);
    }
    Dataset<Row> trainRows = hasValidation ? rows.filter(not(col(getOrDefault(validationIndicatorCol)))) : rows;
    int repeats = Math.max(1, levels.length);
    JavaRDD<PackedPartition> train = pack(trainRows, partitions, width, shape, outputs, repeats, keyed);
    JavaRDD<PackedPartition> validation = hasValidation
        ? pack(rows.filter(col(getOrDefault(validationIndicatorCol))), partitions, width, shape, outputs, repeats,
        keyed)
        : null;
    Provenance provenance = Provenance.NONE.withPredictionShape(shape.name().toLowerCase(Locale.ROOT));
    Column steps = size(col(features));
    Row lengths = trainRows.agg(min(when(steps.gt(0), steps)), max(when(steps.gt(0), steps))).first();
    if (!lengths.isNullAt(0)) {
      // The lengths the model learned from, which its transform accepts (see GruModel).
      provenance = provenance.withSequenceSteps(new Provenance.SequenceSteps(lengths.getInt(0), lengths.getInt(1)));
    }
    try {
      TrainingRun.Trained trained = run.fit(settings, model, train, validation, listener, OWNER + " " + uid,
          provenance);
      GruModel fitted = new GruModel(uid, ModelFile.write(settings.model(), model, trained.provenance()));
      copyValues(fitted, ParamMap.empty());
      fitted.setParent(this);
      return fitted;
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
  }

  /** The rows packed for training, each label value repeated {@code repeats} times (once per quantile level). */
  private static JavaRDD<PackedPartition> pack(Dataset<Row> rows, int partitions, int width,
      SequenceColumns.Shape shape, int outputs, int repeats, boolean keyed) {
    String[] names = rows.columns();
    String features = names[0];
    String label = names[1];
    JavaRDD<PackedPartition> packed = rows.repartition(partitions, col(KEY)).sortWithinPartitions(col(KEY)).javaRDD()
        .mapPartitions(it -> List.of(SequenceColumns.pack(it, width, shape, outputs, repeats, features, label,
            keyed))
            .iterator(), true);
    return packed.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Checks that the model outputs {@code outputs} values (per step for sequences), times {@code levels} if any. */
  private void requireOutputs(int[] outShape, SequenceColumns.Shape shape, int outputs, int levels) {
    boolean perStep = shape == SequenceColumns.Shape.SEQUENCE;
    int units = outputs * Math.max(1, levels);
    if ((outShape.length == 2) != perStep || outShape[outShape.length - 1] != units) {
      throw new InvalidInputException(OWNER + ": the model (layers " + getLayers() + ") outputs "
          + Arrays.toString(outShape) + " per sample but labelCol '" + getLabelCol() + "' holds "
          + (perStep ? outputs + " values per step" : outputs + " value(s) per sequence")
          + (levels > 0 ? " and quantiles lists " + levels + " levels" : "") + "; "
          + (perStep ? "per-step labels need return_sequences=true on the last GRU"
          : "the last GRU must not return sequences") + " and the last dense layer " + units + " units (or none "
          + "set)");
    }
  }

  /**
   * The training settings for {@code outputs} label values per sample: with quantile
   * {@code levels}, one output per value and level and the pinball loss of those levels.
   */
  private TrainSettings settings(JobConfig config, int width, int outputs, double[] levels) {
    try {
      if (levels.length == 0) {
        return config.trainSettings(width, outputs);
      }
      return config.trainSettings(width, outputs * levels.length).withLoss(TrainSettings.pinball(
          Arrays.stream(levels).boxed().toList()));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(OWNER + ": " + e.getMessage(), e);
    }
  }

  /**
   * The train job's configuration these params describe; checks them together.
   *
   * @param validation whether validation rows are marked
   */
  JobConfig jobConfig(boolean validation) {
    for (Param<String> monitor : List.of(earlyStoppingMonitor, reduceLrMonitor)) {
      if (getOrDefault(monitor).startsWith("val_") && !validation) {
        throw new InvalidInputException(OWNER + " param " + monitor.name() + " is '" + getOrDefault(monitor)
            + "', which needs validation rows: set validationIndicatorCol");
      }
    }
    List<String> s = new ArrayList<>();
    // Any fraction > 0 says that validation data exist; the rows marked by validationIndicatorCol are those data.
    s.add(Settings.DATA_VALIDATION_FRACTION.name() + "=" + (validation ? "0.1" : "0"));
    for (Keyed k : KEYED) {
      String value = String.valueOf(getOrDefault(getParam(k.param())));
      boolean named = k.setting() instanceof Setting.OneOf || k.setting() instanceof Setting.Items;
      s.add(k.setting().name() + "=" + (named ? value.trim().toLowerCase(Locale.ROOT) : value));
    }
    List<String> types = List.of(getLayers().trim().toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
    for (int i = 0; i < types.size(); i++) {
      String prefix = i + ".units=";
      if (types.get(i).equals("gru") && Arrays.stream(getLayerArgs()).noneMatch(a -> a.startsWith(prefix))) {
        s.add("model.layer." + prefix + getUnits());
      }
    }
    for (String a : getLayerArgs()) {
      s.add("model.layer." + a.trim());
    }
    if (isDefined(learningRate)) {
      s.add("optimizer.learning_rate=" + getOrDefault(learningRate));
    }
    for (String a : getOptimizerArgs()) {
      s.add("optimizer." + a.trim());
    }
    if (getQuantiles().length > 0) {
      // Recorded in the model's configuration, where GruModel finds the levels its outputs hold.
      s.add(Settings.TRAIN_QUANTILES.name() + "=" + String.join(",", Arrays.stream(getQuantiles())
          .mapToObj(String::valueOf).toList()));
    }
    s.add(Settings.OUTPUT_PROGRESS.name() + "=false");
    try {
      return JobConfig.of(s.toArray(new String[0]));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(OWNER + ": " + e.getMessage() + " (layers, units and layerArgs are the train "
          + "job's model.layers and model.layer.<i>.*; optimizer, learningRate and optimizerArgs its optimizer.*)", e);
    }
  }

  @Override
  public GruEstimator copy(ParamMap extra) {
    GruEstimator copy = defaultCopy(extra);
    copy.listeners = new ArrayList<>(listeners);
    return copy;
  }

  /** MLlib's reader of saved estimators (params only). */
  public static MLReader<GruEstimator> read() {
    return new DefaultParamsReadable<GruEstimator>() {}.read();
  }

  /** Loads an estimator saved with {@code write().save(path)}. */
  public static GruEstimator load(String path) {
    return ParamChecks.stage(read(), path, GruEstimator.class);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    listeners = new ArrayList<>();
  }
}
