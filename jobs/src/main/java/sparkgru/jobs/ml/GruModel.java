package sparkgru.jobs.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.reflect.ClassTag$;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.io.AtomicFiles;
import sparkgru.jobs.data.Batched;
import sparkgru.jobs.io.HadoopFiles;
import sparkgru.jobs.predict.EqualLengthBatches;

/**
 * A trained GRU network as an MLlib {@code Model}: {@link #transform} adds {@code predictionCol}
 * (a {@code double} for one output, {@code array<double>} for several, {@code array<array<double>>}
 * for a model returning sequences) to rows holding a sequence in {@code featuresCol}
 * ({@code array<array<numeric>>} or {@code array<vector>}). Distributed: the model file is
 * broadcast once per model; each partition predicts {@code predictionBatchSize} rows at a time, sequences
 * of one length together and unpadded (as Keras computes them, no padding or mask involved).
 * A row's prediction depends on the batch it lands in by float32 rounding only: the matrix
 * products (float32 BLAS) sum in an order that depends on the number of rows, so the same row
 * predicted in batches of 256, 7 or 1 can differ by a few ulps (measured: about 3e-7 relative to
 * the largest prediction, for 64 units and 24 steps), as Keras' outputs differ between batch sizes.
 *
 * <p>Sequences must be as long as those the model trained on ({@link #sequenceSteps()}): a model
 * fitted on windows of 24 steps refuses windows of 12, naming the column, both lengths and the
 * lookback to cut, in {@link #transformSchema} when the column says its length (as
 * {@link SequenceWindows} marks it) and otherwise at the first such row.
 *
 * <p>A model that learned quantiles ({@link #getQuantiles()}, from {@link GruEstimator}'s
 * {@code quantiles} or the train job's {@code train.quantiles}, recorded in its configuration)
 * outputs every quantile of every value, quantile innermost; its prediction is an
 * {@code array<double>} also for one label value: the Q quantiles of a number, or for a label of
 * k values k * Q numbers, label-major ({@code [y0 q1, y0 q2, ..., y1 q1, ...]}). Each value's
 * quantiles are sorted, so they never cross (a model trained on the pinball loss can output
 * crossed ones; sorted they are a valid set of quantiles, the levels' order kept).
 *
 * <p>Saved as MLlib's params metadata plus the project's own model file,
 * {@code <path>/model.sgru}, which {@code spark-gru predict}, {@code export} and the engine read.
 */
public final class GruModel extends Model<GruModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String OWNER = "GruModel";
  /** The model file's name inside a saved model's directory. */
  public static final String MODEL_FILE = "model.sgru";

  private final String uid;
  private byte[] file;
  private transient ModelFile.Loaded loaded;
  private transient Broadcast<byte[]> broadcast;

  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final IntParam predictionBatchSize;

  /** A model without weights yet, as MLlib's reader creates it before {@link #read} loads them. */
  public GruModel(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "sequences: array<array<numeric>> or array<vector>, one element "
        + "per time step", ParamChecks.column(OWNER, "featuresCol"));
    predictionCol = new Param<>(this, "predictionCol", "prediction column to add",
        ParamChecks.column(OWNER, "predictionCol"));
    predictionBatchSize = new IntParam(this, "predictionBatchSize", "rows per model call when predicting",
        ParamChecks.range(OWNER, "predictionBatchSize", Settings.FORECAST_BATCH_SIZE.min(),
            Settings.FORECAST_BATCH_SIZE.max()));
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(predictionBatchSize, 256);
  }

  /** A model of a model file (the project's own format). */
  public GruModel(String uid, byte[] modelFile) {
    this(uid);
    attach(modelFile, "model");
  }

  /** A model of a file written by the train job (or any model file the engine reads). */
  public static GruModel of(byte[] modelFile, String name) {
    GruModel m = new GruModel(Identifiable$.MODULE$.randomUID("gruModel"));
    m.attach(modelFile, name);
    return m;
  }

  private void attach(byte[] modelFile, String name) {
    this.loaded = ModelFile.read(modelFile, name);
    this.file = modelFile.clone();
  }

  private ModelFile.Loaded loaded() {
    if (loaded == null) {
      if (file == null) {
        throw new IllegalStateException(OWNER + " " + uid + " has no weights; load it with GruModel.load(path)");
      }
      loaded = ModelFile.read(file, OWNER + " " + uid);
    }
    return loaded;
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() { return featuresCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public IntParam predictionBatchSize() { return predictionBatchSize; }

  public String getFeaturesCol() { return getOrDefault(featuresCol); }
  public String getPredictionCol() { return getOrDefault(predictionCol); }
  public int getPredictionBatchSize() { return (Integer) getOrDefault(predictionBatchSize); }

  public GruModel setFeaturesCol(String v) { set(featuresCol, v); return this; }
  public GruModel setPredictionCol(String v) { set(predictionCol, v); return this; }
  public GruModel setPredictionBatchSize(int v) { set(predictionBatchSize, v); return this; }

  /** The architecture. */
  public ModelSpec spec() {
    return loaded().spec();
  }

  /** A copy of the trained weights, flat, in the engine's order. */
  public float[] weights() {
    return loaded().model().parameters().toArray();
  }

  /** A copy of the model file (the project's own format). */
  public byte[] modelFile() {
    loaded();
    return file.clone();
  }

  /**
   * Each epoch's logs from training (loss, metrics, val_*, timings), in order, NaN where a log
   * was not a number; empty if unknown.
   */
  public List<Map<String, Double>> history() {
    List<Map<String, Double>> epochs = loaded().provenance().history();
    return epochs == null ? List.of() : epochs;
  }

  /**
   * What a prediction holds: as the labels the estimator trained on (recorded in the model file),
   * else as the model's output shape ({@code [1]}: one number).
   */
  private SequenceColumns.Shape shape() {
    String recorded = loaded().provenance().predictionShape();
    return recorded == null ? SequenceColumns.Shape.of(loaded().model().outputShape())
        : SequenceColumns.Shape.valueOf(recorded.toUpperCase(Locale.ROOT));
  }

  /**
   * The quantile levels this model predicts, increasing (see the class comment for the layout);
   * empty for point predictions. Recorded as {@code train.quantiles} in its configuration, a key
   * the train job reads for time series only, so a train job's model of sequences
   * ({@code data.format=sequences}) predicts points whatever the key says.
   */
  public double[] getQuantiles() {
    Provenance p = loaded().provenance();
    Map<String, String> config = p.config();
    String levels = config == null ? null : config.get(Settings.TRAIN_QUANTILES.name());
    boolean read = p.predictionShape() != null || !"sequences".equals(config == null ? null
        : config.get(Settings.DATA_FORMAT.name()));
    if (levels == null || !read) {
      return new double[0];
    }
    return Settings.quantileLevels(levels).stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** What a prediction holds: as {@link #shape()}, a number's quantiles several numbers. */
  private SequenceColumns.Shape predictionShape() {
    return shape().withQuantiles(getQuantiles().length);
  }

  /**
   * The sequence lengths this model accepts, null when unknown: the shortest and longest it
   * trained on, as {@link GruEstimator} records them, or for a train job's forecasting model its
   * {@code window.lookback}. A GRU given sequences of another length still computes outputs, but
   * from a state it never learned to read, so {@link #transform} refuses them.
   */
  public Provenance.SequenceSteps sequenceSteps() {
    Provenance p = loaded().provenance();
    if (p.sequenceSteps() != null) {
      return p.sequenceSteps();
    }
    String lookback = p.config() == null ? null : p.config().get(Settings.WINDOW_LOOKBACK.name());
    if (p.trainingWindows() != null && lookback != null && lookback.matches("\\d{1,9}")
        && Integer.parseInt(lookback) > 0) {
      return new Provenance.SequenceSteps(Integer.parseInt(lookback), Integer.parseInt(lookback));
    }
    return null;
  }

  /**
   * The refusal of sequences of {@code found} steps in {@code column} (at {@code where}) by a
   * model trained on {@code trained}.
   */
  static String lengthRefused(String column, int found, String where, Provenance.SequenceSteps trained) {
    return OWNER + ": column '" + column + "' holds sequences of " + found + " steps" + where + ", and the model "
        + "was trained on " + trained.describe() + "; " + (trained.shortest() == trained.longest()
        ? "cut windows of " + trained.shortest() + " steps (SequenceWindows.setLookback(" + trained.shortest() + "))"
        : "give it sequences of " + trained.describe() + " steps");
  }

  /**
   * Checks the columns; when {@code featuresCol} carries the length of its sequences (as
   * {@link SequenceWindows} marks its windows), also that the model was trained on that length.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    SequenceColumns.requireSequences(schema, OWNER, "featuresCol", getFeaturesCol());
    SequenceColumns.requireAbsent(schema, OWNER, "predictionCol", getPredictionCol());
    Metadata meta = schema.apply(getFeaturesCol()).metadata();
    Provenance.SequenceSteps trained = sequenceSteps();
    if (trained != null && meta.contains(SequenceColumns.STEPS) && !trained.contains((int) meta.getLong(
        SequenceColumns.STEPS))) {
      throw new InvalidInputException(lengthRefused(getFeaturesCol(), (int) meta.getLong(SequenceColumns.STEPS),
          " (the windows' lookback)", trained));
    }
    return schema.add(getPredictionCol(), predictionShape().predictionType(), false);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    if (broadcast == null) {
      broadcast = dataset.sparkSession().sparkContext().broadcast(file,
          ClassTag$.MODULE$.apply(byte[].class));
    }
    Broadcast<byte[]> model = broadcast;
    String column = getFeaturesCol();
    int index = dataset.schema().fieldIndex(column);
    int width = spec().features();
    int steps = spec().steps();
    int batch = getPredictionBatchSize();
    SequenceColumns.Shape shape = predictionShape();
    int levels = getQuantiles().length;
    String name = OWNER + " " + uid;
    Provenance.SequenceSteps trained = sequenceSteps();
    return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Predictions(rows,
        ModelFile.read(model.value(), name).model(), index, column, width, steps, trained, batch, shape, levels),
        Encoders.row(out));
  }

  /** A partition's rows with their predictions, a batch at a time. */
  private static final class Predictions extends Batched<Row> {
    private final Iterator<Row> rows;
    private final Sequential model;
    private final int index;
    private final String column;
    private final int width;
    private final int steps;
    private final Provenance.SequenceSteps trained;
    private final int batch;
    private final SequenceColumns.Shape shape;
    /** Quantile levels per value, 0 for point predictions. */
    private final int levels;
    private long seen;

    Predictions(Iterator<Row> rows, Sequential model, int index, String column, int width, int steps,
        Provenance.SequenceSteps trained, int batch, SequenceColumns.Shape shape, int levels) {
      this.rows = rows;
      this.model = model;
      this.index = index;
      this.column = column;
      this.width = width;
      this.steps = steps;
      this.trained = trained;
      this.batch = batch;
      this.shape = shape;
      this.levels = levels;
    }

    @Override
    protected void fill(ArrayDeque<Row> ready) {
      List<Row> inputs = new ArrayList<>();
      List<double[][]> sequences = new ArrayList<>();
      while (rows.hasNext() && inputs.size() < batch) {
        Row r = rows.next();
        String where = "row " + seen++ + " of partition " + TaskContext.getPartitionId();
        double[][] q = SequenceColumns.sequence(r.get(index), width, column, where);
        if (steps > 0 && q.length != steps) {
          throw new InvalidInputException("column '" + column + "' has " + q.length + " steps at " + where
              + " but the model reads exactly " + steps);
        }
        if (trained != null && !trained.contains(q.length)) {
          throw new InvalidInputException(lengthRefused(column, q.length, " (" + where + ")", trained));
        }
        inputs.add(r);
        sequences.add(q);
      }
      if (inputs.isEmpty()) {
        return;
      }
      float[][] y = EqualLengthBatches.predict(model, sequences, width);
      for (int i = 0; i < inputs.size(); i++) {
        Row r = inputs.get(i);
        Object[] values = new Object[r.size() + 1];
        for (int c = 0; c < r.size(); c++) {
          values[c] = r.get(c);
        }
        values[r.size()] = prediction(y[i], sequences.get(i).length);
        ready.add(RowFactory.create(values));
      }
    }

    private Object prediction(float[] y, int t) {
      double[] d = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        d[i] = y[i];
      }
      for (int v = 0; levels > 0 && v + levels <= d.length; v += levels) {
        Arrays.sort(d, v, v + levels);
      }
      return switch (shape) {
        case SCALAR -> d[0];
        case VECTOR -> d;
        case SEQUENCE -> {
          int k = d.length / t;
          double[][] perStep = new double[t][];
          for (int s = 0; s < t; s++) {
            perStep[s] = Arrays.copyOfRange(d, s * k, (s + 1) * k);
          }
          yield perStep;
        }
      };
    }
  }

  @Override
  public GruModel copy(ParamMap extra) {
    GruModel copy = new GruModel(uid);
    copy.file = file;
    copy.loaded = loaded;
    copy.broadcast = broadcast;
    return copyValues(copy, extra).setParent(parent());
  }

  /** Writes MLlib's params metadata and {@code <path>/model.sgru}. */
  @Override
  public MLWriter write() {
    loaded();
    MLWriter params = DefaultParamsWritable.super.write();
    byte[] bytes = file;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        try {
          params.session(sparkSession()).save(path);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(new Path(path, MODEL_FILE), sparkSession().sparkContext().hadoopConfiguration(), bytes);
      }
    };
  }

  /** MLlib's reader of saved models (also how a saved {@code PipelineModel} loads this stage). */
  public static MLReader<GruModel> read() {
    return new MLReader<>() {
      @Override
      public GruModel load(String path) {
        GruModel m = ParamChecks.stage(new DefaultParamsReadable<GruModel>() {}.read().session(sparkSession()), path,
            GruModel.class);
        String file = new Path(path, MODEL_FILE).toString();
        m.attach(HadoopFiles.readAll(file, "model", sparkSession().sparkContext().hadoopConfiguration()), file);
        return m;
      }
    };
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static GruModel load(String path) {
    return read().load(path);
  }
}
