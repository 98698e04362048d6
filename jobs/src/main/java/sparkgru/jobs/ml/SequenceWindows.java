package sparkgru.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.unix_micros;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.AttributeGroup;
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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.FrequencyRule;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.WindowCutter;
import sparkgru.jobs.data.WindowSpec;

/**
 * Cuts time series in long format (one row per series and time) into forecasting windows for
 * {@link GruEstimator}, by the train job's rules: each window is {@code lookback} consecutive rows
 * of {@code inputCol} (a vector, e.g. from {@code VectorAssembler}, or a number) as
 * {@code outputCol} ({@code array<vector>}), and the next {@code horizon} values of
 * {@code targetCol} as {@code labelCol} (a {@code double} for horizon 1, else
 * {@code array<double>}); windows start every {@code stride} rows.
 *
 * <p>The series are read as the train job reads them, by the same code ({@link Series#group},
 * {@link Series#stretches}, {@link WindowCutter#clean}, {@link WindowCutter#starts}) and with its
 * messages: times are whole numbers, dates or timestamps, one row per series and time; a window
 * never crosses a time gap (a missing period of the series' frequency, {@code frequency}, which is
 * {@code data.frequency}: inferred per series by default, monthly, business-day and fixed steps alike), so rows
 * left out of a series (by a filter, or by a tuning split) end a stretch instead of joining its
 * two sides. {@code missing} is the train job's
 * {@code data.missing}: a missing value (null or NaN) is an error, or is forward-filled within its
 * stretch, or drops the windows that touch it.
 *
 * <p>{@code emit} chooses the windows: {@code training} (default) those with a full label;
 * {@code forecast} each series' last window, its last {@code lookback} rows, with a null label,
 * to forecast what follows the data; {@code both}. A series whose last {@code lookback} rows
 * are not one stretch (or hold a missing value, under {@code drop}) has no forecast window.
 *
 * <p>Output rows: the series, the time of the window's last input step, {@code forecastTimeCol}
 * (the time of the first step forecast: the first label's row, or for a forecast window the
 * period after the last time, by the series' frequency), {@code windowIdCol} ({@code "<series>@<time>"}, a key for
 * {@code GruEstimator.sequenceIdCol}), the window, marked with its length for
 * {@link GruModel#transformSchema}, and its label. Each series is held in memory while it is cut.
 */
public final class SequenceWindows extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String OWNER = "SequenceWindows";
  /** What {@code emit} accepts. */
  private static final List<String> EMITS = List.of("training", "forecast", "both");

  private final String uid;
  private final Param<String> seriesCol;
  private final Param<String> timeCol;
  private final Param<String> inputCol;
  private final Param<String> targetCol;
  private final Param<String> outputCol;
  private final Param<String> labelCol;
  private final Param<String> windowIdCol;
  private final Param<String> forecastTimeCol;
  private final IntParam lookback;
  private final IntParam horizon;
  private final IntParam stride;
  private final Param<String> missing;
  private final Param<String> frequency;
  private final Param<String> emit;

  /** Windows with a random uid. */
  public SequenceWindows() {
    this(Identifiable$.MODULE$.randomUID("sequenceWindows"));
  }

  /** Windows with this uid (as MLlib's readers create stages). */
  public SequenceWindows(String uid) {
    this.uid = uid;
    seriesCol = new Param<>(this, "seriesCol", "the series id column", ParamChecks.column(OWNER, "seriesCol"));
    timeCol = new Param<>(this, "timeCol", "the time column (whole numbers, dates or timestamps)",
        ParamChecks.column(OWNER, "timeCol"));
    inputCol = new Param<>(this, "inputCol", "a step's inputs: a vector or a number",
        ParamChecks.column(OWNER, "inputCol"));
    targetCol = new Param<>(this, "targetCol", "the value to forecast (a number)",
        ParamChecks.column(OWNER, "targetCol"));
    outputCol = new Param<>(this, "outputCol", "the window's inputs, array<vector>",
        ParamChecks.column(OWNER, "outputCol"));
    labelCol = new Param<>(this, "labelCol", "the next horizon targets: double (horizon 1) or array<double>; null "
        + "for a forecast window", ParamChecks.column(OWNER, "labelCol"));
    windowIdCol = new Param<>(this, "windowIdCol", "a unique key of each window: <series>@<time>",
        ParamChecks.column(OWNER, "windowIdCol"));
    forecastTimeCol = new Param<>(this, "forecastTimeCol", "the time of the window's first step forecast",
        ParamChecks.column(OWNER, "forecastTimeCol"));
    lookback = new IntParam(this, "lookback", "input steps per window", ParamChecks.range(OWNER, "lookback",
        Settings.WINDOW_LOOKBACK.min(), Settings.WINDOW_LOOKBACK.max()));
    horizon = new IntParam(this, "horizon", "steps forecast", ParamChecks.range(OWNER, "horizon",
        Settings.WINDOW_HORIZON.min(), Settings.WINDOW_HORIZON.max()));
    stride = new IntParam(this, "stride", "steps between window starts", ParamChecks.range(OWNER, "stride",
        Settings.WINDOW_STRIDE.min(), Settings.WINDOW_STRIDE.max()));
    List<String> policies = Arrays.stream(WindowSpec.Missing.values()).map(Settings.DATA_MISSING::text).toList();
    missing = new Param<>(this, "missing", Settings.DATA_MISSING.name() + ": " + Settings.DATA_MISSING.description()
        + "; one of " + policies, ParamChecks.oneOf(OWNER, "missing", policies));
    frequency = new Param<>(this, "frequency", Settings.DATA_FREQUENCY.name() + ": "
        + Settings.DATA_FREQUENCY.description(), ParamChecks.frequency(OWNER, "frequency"));
    emit = new Param<>(this, "emit", "which windows: training (with a full label), forecast (each series' last "
        + "lookback rows, label null) or both", ParamChecks.oneOf(OWNER, "emit", EMITS));
    setDefault(seriesCol, Settings.DATA_SERIES_COLUMN.defaultValue());
    setDefault(timeCol, Settings.DATA_TIME_COLUMN.defaultValue());
    setDefault(inputCol, "step_features");
    setDefault(targetCol, "value");
    setDefault(outputCol, "features");
    setDefault(labelCol, "label");
    setDefault(windowIdCol, "window_id");
    setDefault(forecastTimeCol, "forecast_time");
    setDefault(lookback, Settings.WINDOW_LOOKBACK.defaultValue());
    setDefault(horizon, 1);
    setDefault(stride, Settings.WINDOW_STRIDE.defaultValue());
    setDefault(missing, Settings.DATA_MISSING.defaultText());
    setDefault(frequency, Settings.DATA_FREQUENCY.defaultText());
    setDefault(emit, EMITS.get(0));
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
  public Param<String> forecastTimeCol() { return forecastTimeCol; }
  public IntParam lookback() { return lookback; }
  public IntParam horizon() { return horizon; }
  public IntParam stride() { return stride; }
  public Param<String> missing() { return missing; }
  public Param<String> frequency() { return frequency; }
  public Param<String> emit() { return emit; }

  public String getSeriesCol() { return text(seriesCol); }
  public String getTimeCol() { return text(timeCol); }
  public String getInputCol() { return text(inputCol); }
  public String getTargetCol() { return text(targetCol); }
  public String getOutputCol() { return text(outputCol); }
  public String getLabelCol() { return text(labelCol); }
  public String getWindowIdCol() { return text(windowIdCol); }
  public String getForecastTimeCol() { return text(forecastTimeCol); }
  public int getLookback() { return number(lookback); }
  public int getHorizon() { return number(horizon); }
  public int getStride() { return number(stride); }
  public String getMissing() { return text(missing); }
  public String getFrequency() { return text(frequency); }
  public String getEmit() { return text(emit); }

  public SequenceWindows setSeriesCol(String v) { set(seriesCol, v); return this; }
  public SequenceWindows setTimeCol(String v) { set(timeCol, v); return this; }
  public SequenceWindows setInputCol(String v) { set(inputCol, v); return this; }
  public SequenceWindows setTargetCol(String v) { set(targetCol, v); return this; }
  public SequenceWindows setOutputCol(String v) { set(outputCol, v); return this; }
  public SequenceWindows setLabelCol(String v) { set(labelCol, v); return this; }
  public SequenceWindows setWindowIdCol(String v) { set(windowIdCol, v); return this; }
  public SequenceWindows setForecastTimeCol(String v) { set(forecastTimeCol, v); return this; }
  public SequenceWindows setLookback(int v) { set(lookback, v); return this; }
  public SequenceWindows setHorizon(int v) { set(horizon, v); return this; }
  public SequenceWindows setStride(int v) { set(stride, v); return this; }
  public SequenceWindows setMissing(String v) { set(missing, v); return this; }
  public SequenceWindows setFrequency(String v) { set(frequency, v); return this; }
  public SequenceWindows setEmit(String v) { set(emit, v); return this; }

  private String text(Param<String> p) {
    return getOrDefault(p);
  }

  private int number(IntParam p) {
    return (Integer) getOrDefault(p);
  }

  private String emitted() {
    return getEmit().trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    DataType series = SequenceColumns.type(schema, OWNER, "seriesCol", text(seriesCol));
    DataType time = SequenceColumns.type(schema, OWNER, "timeCol", text(timeCol));
    if (!(time instanceof IntegralType) && !time.equals(DataTypes.TimestampType) && !time.equals(DataTypes.DateType)
        && !time.equals(DataTypes.TimestampNTZType)) {
      throw new InvalidInputException(OWNER + " param timeCol: column '" + text(timeCol) + "' has type "
          + time.simpleString() + "; expected whole numbers, a date or a timestamp");
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
    List<String> names = List.of(text(seriesCol), text(timeCol), text(forecastTimeCol), text(windowIdCol),
        text(outputCol), text(labelCol));
    if (names.stream().distinct().count() != names.size()) {
      throw new InvalidInputException(OWNER + ": seriesCol, timeCol, forecastTimeCol, windowIdCol, outputCol and "
          + "labelCol must be six different names, got " + names);
    }
    return new StructType().add(text(seriesCol), series, false).add(text(timeCol), time, false)
        .add(text(forecastTimeCol), time, false).add(text(windowIdCol), DataTypes.StringType, false)
        .add(text(outputCol), DataTypes.createArrayType(SQLDataTypes.VectorType(), false), false,
            new MetadataBuilder().putLong(SequenceColumns.STEPS, number(lookback)).build())
        .add(text(labelCol), number(horizon) == 1 ? DataTypes.DoubleType
            : DataTypes.createArrayType(DataTypes.DoubleType, false), !emitted().equals("training"));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    String input = text(inputCol);
    String target = text(targetCol);
    DataType timeType = dataset.schema().apply(text(timeCol)).dataType();
    boolean dateTimes = !(timeType instanceof IntegralType);
    int width = width(dataset, input);
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      columns.add(width == 1 && !SQLDataTypes.VectorType().equals(dataset.schema().apply(input).dataType()) ? input
          : input + "[" + i + "]");
    }
    WindowSpec spec = new WindowSpec(columns, List.of(target), number(lookback), number(horizon), number(stride),
        WindowSpec.missing(getMissing()), WindowSpec.Normalization.NONE, false, FrequencyRule.of(getFrequency()),
        WindowSpec.Covariates.NONE, List.of());
    Cut cut = new Cut(spec, input, emitted(), dateTimes, width);
    Column time = col(text(timeCol));
    Column micros = timeType instanceof IntegralType ? time.cast(DataTypes.LongType)
        : timeType.equals(DataTypes.DateType) ? unix_date(time).cast(DataTypes.LongType).multiply(MICROS_PER_DAY)
        : unix_micros(time.cast(DataTypes.TimestampType));
    Dataset<Row> typed = dataset.select(col(text(seriesCol)).cast(DataTypes.StringType).as(SERIES),
        micros.as(TIME), col(input).as(INPUT), col(target).cast(DataTypes.DoubleType).as(TARGET));
    StructType cutSchema = new StructType().add(SERIES, DataTypes.StringType, false)
        .add(TIME, DataTypes.LongType, false).add(FORECAST_TIME, DataTypes.LongType, false)
        .add(text(windowIdCol), DataTypes.StringType, false).add(out.apply(text(outputCol)))
        .add(out.apply(text(labelCol)));
    Dataset<Row> windows = typed.repartition(col(SERIES)).sortWithinPartitions(col(SERIES), col(TIME))
        .mapPartitions((MapPartitionsFunction<Row, Row>) cut::windows, Encoders.row(cutSchema));
    // The encoder drops the fields' metadata: the windows' length is put back on their column.
    return windows.select(col(SERIES).cast(out.apply(text(seriesCol)).dataType()).as(text(seriesCol)),
        timeOf(col(TIME), timeType).as(text(timeCol)), timeOf(col(FORECAST_TIME), timeType).as(text(forecastTimeCol)),
        col(text(windowIdCol)), col(text(outputCol)).as(text(outputCol), out.apply(text(outputCol)).metadata()),
        col(text(labelCol)));
  }

  private static final String SERIES = "_series";
  private static final String TIME = "_time";
  private static final String FORECAST_TIME = "_forecast_time";
  private static final String INPUT = "_input";
  private static final String TARGET = "_target";
  private static final long MICROS_PER_DAY = 86_400L * Series.MICROS_PER_SECOND;

  /** A time as {@link Series} holds it (epoch microseconds for dates and timestamps) in the column's type. */
  private static Column timeOf(Column t, DataType type) {
    if (type instanceof IntegralType) {
      return t.cast(type);
    }
    if (type.equals(DataTypes.DateType)) {
      return date_from_unix_date(floor(t.divide(MICROS_PER_DAY)).cast(DataTypes.IntegerType));
    }
    return timestamp_micros(t).cast(type);
  }

  /** Values per step in {@code inputCol}: 1 for a number, else the vector's size (from its metadata or first row). */
  private static int width(Dataset<?> dataset, String input) {
    StructField field = dataset.schema().apply(input);
    if (!SQLDataTypes.VectorType().equals(field.dataType())) {
      return 1;
    }
    int size = AttributeGroup.fromStructField(field).size();
    if (size >= 0) {
      return size;
    }
    List<Row> first = dataset.select(col(input)).filter(col(input).isNotNull()).limit(1).collectAsList();
    return first.isEmpty() ? 1 : first.get(0).<Vector>getAs(0).size();
  }

  /**
   * The cutting of one partition's rows, sorted by series and time, into windows, on the
   * executors.
   *
   * @param spec      the windows and the value columns: the step's inputs, then the target unless it is
   *                  the input
   * @param input     the inputs' column, for messages
   * @param emit      training, forecast or both
   * @param dateTimes whether times are epoch microseconds
   * @param width     inputs per step
   */
  private record Cut(WindowSpec spec, String input, String emit, boolean dateTimes, int width)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    Iterator<Row> windows(Iterator<Row> rows) {
      int columns = spec.valueColumns().size();
      Iterator<Series> series = Series.group(new Typed(rows, input, width, columns > width, dateTimes), columns,
          dateTimes, spec.frequency(), List.of());
      WindowCutter cutter = new WindowCutter(spec, ChronologicalSplit.NONE, ChronologicalSplit.Part.ALL,
          Scaler.unfitted("none", "global", spec.valueColumns()));
      List<Row> none = List.of();
      return new Iterator<>() {
        private Iterator<Row> current = none.iterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext() && series.hasNext()) {
            current = cut(cutter, cutter.clean(series.next())).iterator();
          }
          return current.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return current.next();
        }
      };
    }

    private List<Row> cut(WindowCutter cutter, Series s) {
      List<Row> out = new ArrayList<>();
      int back = spec.lookback();
      int ahead = spec.horizon();
      int[] stretches = s.stretches();
      int target = spec.targetIndex()[0];
      if (!emit.equals("forecast")) {
        for (int st = 0; st + 1 < stretches.length; st++) {
          for (int start : cutter.starts(stretches[st], stretches[st + 1], new int[] {0, s.size()}, ahead,
              spec.stride())) {
            if (spec.missing() != WindowSpec.Missing.DROP || !s.hasMissing(start, start + back + ahead)) {
              double[] label = new double[ahead];
              for (int h = 0; h < ahead; h++) {
                label[h] = s.values()[start + back + h][target];
              }
              out.add(window(s, start, s.times()[start + back], ahead == 1 ? (Object) label[0] : label));
            }
          }
        }
      }
      int last = s.size() - back;
      if (!emit.equals("training") && last >= stretches[stretches.length - 2]
          && (spec.missing() != WindowSpec.Missing.DROP || !s.hasMissing(last, s.size()))) {
        out.add(window(s, last, s.time(s.size()), null));
      }
      return out;
    }

    private Row window(Series s, int start, long forecastTime, Object label) {
      Vector[] window = new Vector[spec.lookback()];
      for (int i = 0; i < window.length; i++) {
        window[i] = Vectors.dense(Arrays.copyOf(s.values()[start + i], width));
      }
      long time = s.times()[start + spec.lookback() - 1];
      return RowFactory.create(s.id(), time, forecastTime, s.id() + "@" + s.timeText(time), window, label);
    }
  }

  /**
   * Rows of (series, time, inputs, target) as {@link Series#group} reads them: series, time,
   * the step's {@code width} inputs and, when it is another column, the target (null when
   * missing), and no offset.
   */
  private static final class Typed implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final String input;
    private final int width;
    private final boolean target;
    private final boolean dateTimes;

    Typed(Iterator<Row> rows, String input, int width, boolean target, boolean dateTimes) {
      this.rows = rows;
      this.input = input;
      this.width = width;
      this.target = target;
      this.dateTimes = dateTimes;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Row next() {
      Row r = rows.next();
      if (r.isNullAt(0)) {
        throw new InvalidInputException("a row has a null series id; every row needs one");
      }
      if (r.isNullAt(1)) {
        throw new InvalidInputException("series " + r.getString(0) + " has a row with a null time");
      }
      int columns = target ? width + 1 : width;
      Object[] values = new Object[columns + 3];
      values[0] = r.getString(0);
      values[1] = r.getLong(1);
      Object step = r.get(2);
      double[] x = step instanceof Vector v ? v.toArray() : step instanceof Number n ? new double[] {n.doubleValue()}
          : null;
      if (x != null && x.length != width) {
        String time = new Series(r.getString(0), new long[0], new double[0][], dateTimes).timeText(r.getLong(1));
        throw new InvalidInputException("column '" + input + "' has " + x.length + " values in series "
            + r.getString(0) + " at time " + time + " but " + width + " elsewhere; every step needs the same width");
      }
      for (int c = 0; c < width; c++) {
        values[2 + c] = x == null ? null : x[c];
      }
      if (target) {
        values[2 + width] = r.isNullAt(3) ? null : r.getDouble(3);
      }
      return RowFactory.create(values);
    }
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
