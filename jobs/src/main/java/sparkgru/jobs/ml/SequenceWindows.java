package sparkgru.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.config.Settings;

/**
 * Cuts time series in long format (one row per series and time) into forecasting windows for
 * {@link GruEstimator}: each window is {@code lookback} consecutive rows of {@code inputCol} (a
 * vector, e.g. from {@code VectorAssembler}, or a number) as {@code outputCol}
 * ({@code array<vector>}), and the next {@code horizon} values of {@code targetCol} as
 * {@code labelCol} (a {@code double} for horizon 1, else {@code array<double>}); windows start
 * every {@code stride} rows. Output rows: the series, the time of the window's last input step,
 * {@code windowIdCol} ({@code "<series>@<time>"}, a key for {@code GruEstimator.sequenceIdCol}),
 * the window and its label. Rows are ordered by time within each series (times must be unique
 * and non-null); each series is held in memory while it is cut.
 */
public final class SequenceWindows extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String OWNER = "SequenceWindows";

  private final String uid;
  private final Param<String> seriesCol;
  private final Param<String> timeCol;
  private final Param<String> inputCol;
  private final Param<String> targetCol;
  private final Param<String> outputCol;
  private final Param<String> labelCol;
  private final Param<String> windowIdCol;
  private final IntParam lookback;
  private final IntParam horizon;
  private final IntParam stride;

  /** Windows with a random uid. */
  public SequenceWindows() {
    this(Identifiable$.MODULE$.randomUID("sequenceWindows"));
  }

  /** Windows with this uid (as MLlib's readers create stages). */
  public SequenceWindows(String uid) {
    this.uid = uid;
    seriesCol = new Param<>(this, "seriesCol", "the series id column", ParamChecks.column(OWNER, "seriesCol"));
    timeCol = new Param<>(this, "timeCol", "the time column (numbers or timestamps)",
        ParamChecks.column(OWNER, "timeCol"));
    inputCol = new Param<>(this, "inputCol", "a step's inputs: a vector or a number",
        ParamChecks.column(OWNER, "inputCol"));
    targetCol = new Param<>(this, "targetCol", "the value to forecast (a number)",
        ParamChecks.column(OWNER, "targetCol"));
    outputCol = new Param<>(this, "outputCol", "the window's inputs, array<vector>",
        ParamChecks.column(OWNER, "outputCol"));
    labelCol = new Param<>(this, "labelCol", "the next horizon targets: double (horizon 1) or array<double>",
        ParamChecks.column(OWNER, "labelCol"));
    windowIdCol = new Param<>(this, "windowIdCol", "a unique key of each window: <series>@<time>",
        ParamChecks.column(OWNER, "windowIdCol"));
    lookback = new IntParam(this, "lookback", "input steps per window", ParamChecks.range(OWNER, "lookback",
        Settings.WINDOW_LOOKBACK.min(), Settings.WINDOW_LOOKBACK.max()));
    horizon = new IntParam(this, "horizon", "steps forecast", ParamChecks.range(OWNER, "horizon",
        Settings.WINDOW_HORIZON.min(), Settings.WINDOW_HORIZON.max()));
    stride = new IntParam(this, "stride", "steps between window starts", ParamChecks.range(OWNER, "stride",
        Settings.WINDOW_STRIDE.min(), Settings.WINDOW_STRIDE.max()));
    setDefault(seriesCol, Settings.DATA_SERIES_COLUMN.defaultValue());
    setDefault(timeCol, Settings.DATA_TIME_COLUMN.defaultValue());
    setDefault(inputCol, "step_features");
    setDefault(targetCol, "value");
    setDefault(outputCol, "features");
    setDefault(labelCol, "label");
    setDefault(windowIdCol, "window_id");
    setDefault(lookback, Settings.WINDOW_LOOKBACK.defaultValue());
    setDefault(horizon, 1);
    setDefault(stride, Settings.WINDOW_STRIDE.defaultValue());
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> seriesCol() { return seriesCol; }
  public Param<String> timeCol() { return timeCol; }
  public Param<String> inputCol() { return inputCol; }
  public Param<String> targetCol() { return targetCol; }
  public Param<String> outputCol() { return outputCol; }
  public Param<String> labelCol() { return labelCol; }
  public Param<String> windowIdCol() { return windowIdCol; }
  public IntParam lookback() { return lookback; }
  public IntParam horizon() { return horizon; }
  public IntParam stride() { return stride; }

  public String getSeriesCol() { return text(seriesCol); }
  public String getTimeCol() { return text(timeCol); }
  public String getInputCol() { return text(inputCol); }
  public String getTargetCol() { return text(targetCol); }
  public String getOutputCol() { return text(outputCol); }
  public String getLabelCol() { return text(labelCol); }
  public String getWindowIdCol() { return text(windowIdCol); }
  public int getLookback() { return number(lookback); }
  public int getHorizon() { return number(horizon); }
  public int getStride() { return number(stride); }

  public SequenceWindows setSeriesCol(String v) { set(seriesCol, v); return this; }
  public SequenceWindows setTimeCol(String v) { set(timeCol, v); return this; }
  public SequenceWindows setInputCol(String v) { set(inputCol, v); return this; }
  public SequenceWindows setTargetCol(String v) { set(targetCol, v); return this; }
  public SequenceWindows setOutputCol(String v) { set(outputCol, v); return this; }
  public SequenceWindows setLabelCol(String v) { set(labelCol, v); return this; }
  public SequenceWindows setWindowIdCol(String v) { set(windowIdCol, v); return this; }
  public SequenceWindows setLookback(int v) { set(lookback, v); return this; }
  public SequenceWindows setHorizon(int v) { set(horizon, v); return this; }
  public SequenceWindows setStride(int v) { set(stride, v); return this; }

  private String text(Param<String> p) {
    return getOrDefault(p);
  }

  private int number(IntParam p) {
    return (Integer) getOrDefault(p);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    DataType series = SequenceColumns.type(schema, OWNER, "seriesCol", text(seriesCol));
    DataType time = SequenceColumns.type(schema, OWNER, "timeCol", text(timeCol));
    if (!(time instanceof NumericType) && !time.equals(DataTypes.TimestampType) && !time.equals(DataTypes.DateType)
        && !time.equals(DataTypes.TimestampNTZType)) {
      throw new InvalidInputException(OWNER + " param timeCol: column '" + text(timeCol) + "' has type "
          + time.simpleString() + "; expected a number, date or timestamp");
    }
    DataType input = SequenceColumns.type(schema, OWNER, "inputCol", text(inputCol));
    if (!(input instanceof NumericType) && !SQLDataTypes.VectorType().equals(input)) {
      throw new InvalidInputException(OWNER + " param inputCol: column '" + text(inputCol) + "' has type "
          + input.simpleString() + "; expected vector or a number");
    }
    DataType target = SequenceColumns.type(schema, OWNER, "targetCol", text(targetCol));
    if (!(target instanceof NumericType)) {
      throw new InvalidInputException(OWNER + " param targetCol: column '" + text(targetCol) + "' has type "
          + target.simpleString() + "; expected a number");
    }
    List<String> names = List.of(text(seriesCol), text(timeCol), text(windowIdCol), text(outputCol), text(labelCol));
    if (names.stream().distinct().count() != names.size()) {
      throw new InvalidInputException(OWNER + ": seriesCol, timeCol, windowIdCol, outputCol and labelCol must be "
          + "five different names, got " + names);
    }
    return new StructType().add(text(seriesCol), series, false).add(text(timeCol), time, false)
        .add(text(windowIdCol), DataTypes.StringType, false)
        .add(text(outputCol), DataTypes.createArrayType(SQLDataTypes.VectorType(), false), false,
            new MetadataBuilder().putLong(SequenceColumns.STEPS, number(lookback)).build())
        .add(text(labelCol), number(horizon) == 1 ? DataTypes.DoubleType
            : DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    int back = number(lookback);
    int ahead = number(horizon);
    int step = number(stride);
    String input = text(inputCol);
    String target = text(targetCol);
    Dataset<Row> grouped = dataset.groupBy(col(text(seriesCol))).agg(collect_list(struct(col(text(timeCol)),
        col(input), col(target))).as("steps"));
    // The encoder drops the fields' metadata: the windows' length is put back on their column.
    return grouped.flatMap((FlatMapFunction<Row, Row>) r -> windows(r, back, ahead, step, input, target).iterator(),
        Encoders.row(out)).withMetadata(text(outputCol), out.apply(text(outputCol)).metadata());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Row> windows(Row r, int back, int ahead, int stride, String input, String target) {
    Object series = r.get(0);
    if (series == null) {
      throw new InvalidInputException("a row has a null series id; every row needs one");
    }
    List<Row> steps = new ArrayList<>(r.<Row>getList(1));
    for (Row s : steps) {
      if (s.get(0) == null) {
        throw new InvalidInputException("series " + series + " has a row with a null time");
      }
    }
    steps.sort(Comparator.comparing(s -> (Comparable) s.get(0)));
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).get(0).equals(steps.get(i - 1).get(0))) {
        throw new InvalidInputException("series " + series + " has two rows at time " + steps.get(i).get(0)
            + "; times must be unique within a series");
      }
    }
    List<Row> out = new ArrayList<>();
    for (int start = 0; start + back + ahead <= steps.size(); start += stride) {
      Vector[] window = new Vector[back];
      for (int s = 0; s < back; s++) {
        Row row = steps.get(start + s);
        String where = "series " + series + ", time " + row.get(0);
        window[s] = Vectors.dense(SequenceColumns.numbers(row.get(1), input, where));
        if (window[s].size() != window[0].size()) {
          throw new InvalidInputException("column '" + input + "' has " + window[s].size() + " values at " + where
              + " but " + window[0].size() + " at the step before; every step needs the same width");
        }
      }
      double[] label = new double[ahead];
      for (int h = 0; h < ahead; h++) {
        Row row = steps.get(start + back + h);
        label[h] = SequenceColumns.numbers(row.get(2), target, "series " + series + ", time " + row.get(0))[0];
      }
      Object time = steps.get(start + back - 1).get(0);
      // Timestamps by their instant, not the JVM's time zone: the id is a partitioning key.
      Object key = time instanceof Timestamp ts ? ts.toInstant() : time;
      out.add(RowFactory.create(series, time, series + "@" + key, window, ahead == 1 ? (Object) label[0] : label));
    }
    return out;
  }

  @Override
  public SequenceWindows copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** MLlib's reader of saved transformers. */
  public static MLReader<SequenceWindows> read() {
    return new DefaultParamsReadable<SequenceWindows>() {}.read();
  }

  /** Loads a transformer saved with {@code write().save(path)}. */
  public static SequenceWindows load(String path) {
    return ParamChecks.stage(read(), path, SequenceWindows.class);
  }
}
