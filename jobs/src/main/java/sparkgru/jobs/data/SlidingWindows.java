package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static sparkgru.jobs.spark.SparkApi.tryCast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.io.DataErrors;

/**
 * Sliding forecasting windows over many time series in long format ({@code series, time,
 * values...}), built on the executors: Spark types the rows, brings each series into one
 * partition sorted by time, and the {@link WindowCutter} cuts them (values scaled by the
 * (fitted) {@link Scaler}, each window normalised by the {@link WindowSpec}). Windows never
 * cross a series boundary or a time gap (a missing period of the series' {@link Frequency}); series
 * shorter than lookback + horizon are counted and named in the {@link WindowReport}, not
 * dropped silently.
 *
 * @param series series id column
 * @param time   time column: numbers (e.g. epoch seconds or step indices), or date-times (text,
 *               timestamps or dates) that {@link #select} turns into epoch microseconds
 * @param spec   the windows' shape, columns, missing-value policy and normalisation
 * @param split  where each series' train, validation and test parts end
 * @param part   which part's windows to build: a window belongs to the part that holds its
 *               whole forecast span (its lookback may reach back into the previous part, as in
 *               the Informer protocol)
 * @param scaler the scaling, fitted on the training part
 */
public record SlidingWindows(String series, String time, WindowSpec spec, ChronologicalSplit split,
    ChronologicalSplit.Part part, Scaler scaler) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Validates that every piece is there. */
  public SlidingWindows {
    if (spec == null || split == null || part == null || scaler == null) {
      throw new IllegalArgumentException("windows need a spec, a split, a part and a scaler (ChronologicalSplit.NONE, "
          + "Part.ALL and an unfitted 'none' scaler for none)");
    }
  }

  /** All windows of every series, unscaled, no split. */
  public SlidingWindows(String series, String time, WindowSpec spec) {
    this(series, time, spec, ChronologicalSplit.NONE, ChronologicalSplit.Part.ALL,
        Scaler.unfitted("none", "global", spec.valueColumns()));
  }

  /** The same windows for another part of the split. */
  public SlidingWindows part(ChronologicalSplit.Part p) {
    return new SlidingWindows(series, time, spec, split, p, scaler);
  }

  /** The same windows scaled by {@code fitted}. */
  public SlidingWindows scaledBy(Scaler fitted) {
    return new SlidingWindows(series, time, spec, split, part, fitted);
  }

  /**
   * The columns this needs, typed: series as text, time as a long, values as doubles (null when
   * missing), then the column {@value #OFFSET}. Times are as {@link Series} holds them: numbers as
   * given, date-times as epoch microseconds (full precision: a 250 ms step stays 250,000). The
   * offset is the seconds east of UTC that a date-time text was written with ({@code +02:00},
   * {@code Z}), null for text without a zone, timestamp columns (instants) and numbers. The static
   * columns follow, as text.
   */
  public Dataset<Row> select(Dataset<Row> rows, String origin) {
    List<String> values = spec.valueColumns();
    List<String> wanted = new ArrayList<>(List.of(series, time));
    wanted.addAll(values);
    wanted.addAll(spec.covariates().statics());
    LongFormat.requireColumns(rows, wanted, origin);
    LongFormat.requireNumbers(rows, values, origin);
    DataType timeType = rows.schema().apply(time).dataType();
    boolean numericTime = !dateTimes(rows);
    Column t;
    Column offset = lit(null).cast(DataTypes.IntegerType);
    if (numericTime) {
      t = tryCast(col(time), DataTypes.LongType);
    } else if (timeType instanceof TimestampType || timeType instanceof DateType) {
      t = unix_micros(col(time).cast(DataTypes.TimestampType));
    } else {
      Column text = col(time).cast(DataTypes.StringType);
      Column instant = try_to_timestamp(text);
      t = unix_micros(instant);
      // A timestamp_ntz drops the zone and keeps the wall clock as written; read in the session's
      // zone (UTC), its distance to the instant is the offset the time was written with.
      Column wallClock = unix_micros(tryCast(text, DataTypes.TimestampNTZType).cast(DataTypes.TimestampType));
      offset = when(text.rlike(ZONE_WRITTEN), wallClock.minus(t).divide(Series.MICROS_PER_SECOND)
          .cast(DataTypes.IntegerType));
    }
    Metadata kind = new MetadataBuilder().putBoolean(DATE_TIMES, !numericTime).build();
    List<Column> cols = new ArrayList<>(List.of(col(series).cast(DataTypes.StringType).as(series), t.as(time, kind)));
    for (String c : values) {
      cols.add(tryCast(col(c), DataTypes.DoubleType).as(c));
    }
    cols.add(offset.as(OFFSET));
    for (String c : spec.covariates().statics()) {
      cols.add(col(c).cast(DataTypes.StringType).as(c));
    }
    for (String c : values) {
      List<Row> bad = rows.filter(col(c).isNotNull().and(tryCast(col(c), DataTypes.DoubleType).isNull())).limit(1)
          .collectAsList();
      if (!bad.isEmpty()) {
        throw new InvalidInputException(origin + ": column '" + c + "' has a non-numeric value '"
            + bad.get(0).getAs(c) + "' (series " + bad.get(0).getAs(series) + ", time " + bad.get(0).getAs(time) + ")");
      }
    }
    List<Row> unreadable = rows.filter(col(series).isNotNull().and(t.isNull())).limit(1).collectAsList();
    if (!unreadable.isEmpty()) {
      Row r = unreadable.get(0);
      Object value = r.getAs(time);
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cells.add(r.isNullAt(i) ? "" : String.valueOf(r.get(i)));
      }
      throw new InvalidInputException(origin + ": column '" + time + "' has " + (value == null ? "no time"
          : "an unreadable time '" + value + "'") + " in the row " + String.join(",", cells) + " (series "
          + r.getAs(series) + "); times must be numbers or date-times like 2016-07-01 00:00:00");
    }
    Dataset<Row> typed = rows.select(cols.toArray(new Column[0]));
    List<Row> badTime = typed.filter(col(series).isNull()).limit(1).collectAsList();
    if (!badTime.isEmpty()) {
      throw new InvalidInputException(origin + ": a row has no series id in column '" + series + "'");
    }
    return typed;
  }

  /** Windows of typed rows (from {@link #select}), series hashed into {@code partitions} partitions. */
  public JavaRDD<WindowChunk> build(Dataset<Row> typed, int partitions) {
    // Broadcast, not captured: a per-series scaler can be large and would travel with every task.
    Broadcast<SlidingWindows> w = JavaSparkContext.fromSparkContext(typed.sparkSession().sparkContext())
        .broadcast(this);
    boolean dateTimes = typedDateTimes(typed);
    return sorted(typed, partitions).mapPartitions(rows -> w.value().windows(rows, dateTimes, CHUNK_WINDOWS), true);
  }

  /**
   * Windows per {@link WindowChunk}: 6.4 MB at 24 inputs and one target. A partition's windows
   * are built, cached (and spilled) and balanced chunk by chunk, so no task needs its whole
   * partition's windows at once, or twice while they grow, however long its series.
   */
  static final int CHUNK_WINDOWS = 1 << 16;

  /** Typed rows (from {@link #select}) with each series in one partition, sorted by series and time. */
  public JavaRDD<Row> sorted(Dataset<Row> typed, int partitions) {
    return typed.repartition(partitions, col(series)).sortWithinPartitions(col(series), col(time)).javaRDD();
  }

  /** Whether typed rows (from {@link #select}) had date-times, now epoch microseconds. */
  public boolean typedDateTimes(Dataset<Row> typed) {
    return typedDateTimes(typed, time);
  }

  /** Whether the column {@code time} of typed rows (from {@link #select}) holds date-times, as epoch microseconds. */
  public static boolean typedDateTimes(Dataset<Row> typed, String time) {
    Metadata m = typed.schema().apply(time).metadata();
    return m.contains(DATE_TIMES) && m.getBoolean(DATE_TIMES);
  }

  private static final String DATE_TIMES = "sparkgru.date_times";

  /** The typed rows' last column: the offset a date-time was written with, in seconds (or null). */
  public static final String OFFSET = "_sparkgru_time_offset";

  /**
   * A date-time text that names its zone: a time of day followed by something other than
   * digits, its separators and spaces ({@code +02:00}, {@code -0500}, {@code Z}, {@code UTC},
   * {@code Europe/Paris}). Spark reads the zone; this only tells a written zone from none.
   */
  private static final String ZONE_WRITTEN = "\\d:\\d\\d(:\\d\\d(\\.\\d*)?)?\\s*[^\\s\\d.:]";

  /**
   * Whether the time column of raw rows holds date-times: a timestamp or date column, or text
   * that is not all whole numbers (CSV columns are text: "17" is a step, "2016-07-01 00:00:00" a
   * date-time). Date-times without a zone are read in the session's zone, UTC in the jobs.
   */
  private boolean dateTimes(Dataset<Row> rows) {
    DataType type = rows.schema().apply(time).dataType();
    if (type instanceof NumericType) {
      return false;
    }
    if (!(type instanceof StringType)) {
      return true;
    }
    return !rows.filter(col(time).isNotNull().and(tryCast(col(time), DataTypes.LongType).isNull())).limit(1)
        .collectAsList().isEmpty();
  }

  /**
   * The combined report of built windows; a data error found on an executor surfaces as the
   * InvalidInputException that names it, not as Spark's job failure around it.
   */
  public static WindowReport report(JavaRDD<WindowChunk> windows) {
    return WindowReport.sum(reportsByPartition(windows));
  }

  /** The report of each partition's windows, in partition order (errors as in {@link #report}). */
  public static List<WindowReport> reportsByPartition(JavaRDD<WindowChunk> windows) {
    try {
      return windows.mapPartitions(chunks -> {
        WindowReport r = WindowReport.EMPTY;
        while (chunks.hasNext()) {
          r = r.plus(chunks.next().report());
        }
        return List.of(r).iterator();
      }).collect();
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
  }

  /**
   * The windows of one partition's rows, sorted by series and time, in chunks of {@code chunk}
   * windows (see {@link WindowCutter#chunks}): rows are grouped one series at a time, so a task
   * holds one series and one chunk, whatever the length of its series.
   */
  Iterator<WindowChunk> windows(Iterator<Row> rows, boolean dateTimes, int chunk) {
    return cutter().chunks(Series.group(rows, spec.valueColumns().size(), dateTimes, spec.frequency(),
        spec.covariates().statics()), chunk);
  }

  /** The cutting of these windows, series by series. */
  public WindowCutter cutter() {
    return new WindowCutter(spec, split, part, scaler);
  }
}
