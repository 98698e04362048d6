package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.try_to_timestamp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.io.DataErrors;

/**
 * Sliding forecasting windows over many time series in long format ({@code series, time,
 * values...}), built on the executors, shaped and encoded by a {@link WindowSpec}: values are
 * scaled by the (fitted) {@link Scaler}, then each window is normalised by the spec. Windows
 * never cross a series boundary or a time gap (two rows further apart than the series' step);
 * series shorter than lookback + horizon are counted and named in the {@link Report}, not
 * dropped silently.
 *
 * @param series series id column
 * @param time   timestamp column: numbers (e.g. epoch seconds or step indices) or date-time text
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
  private static final int EXAMPLES = 5;

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

  /** What windowing found: counts, and examples of short series. */
  public record Report(long series, long windows, long shortSeries, List<String> shortExamples, long gaps,
      long droppedWindows) implements Serializable {
    private static final long serialVersionUID = 1L;

    Report merge(Report o) {
      List<String> examples = new ArrayList<>(shortExamples);
      o.shortExamples.stream().limit(Math.max(0, EXAMPLES - examples.size())).forEach(examples::add);
      return new Report(series + o.series, windows + o.windows, shortSeries + o.shortSeries, examples, gaps + o.gaps,
          droppedWindows + o.droppedWindows);
    }

    /** One line for the console. */
    public String describe() {
      return windows + " windows from " + series + " series" + (gaps > 0 ? ", " + gaps + " time gaps" : "")
          + (droppedWindows > 0 ? ", " + droppedWindows + " windows dropped for missing values" : "")
          + (shortSeries > 0 ? "; " + shortSeries + " series too short for lookback + horizon, e.g. "
          + String.join(", ", shortExamples) : "");
    }
  }

  /**
   * A chunk of one partition's windows and what was found building them; the reports of a
   * partition's chunks add up to the partition's report.
   */
  public record Windowed(PackedPartition data, Report report) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** The columns this needs, typed: series as text, time as a long, values as doubles (null when missing). */
  public Dataset<Row> select(Dataset<Row> rows, String origin) {
    List<String> values = spec.valueColumns();
    List<String> wanted = new ArrayList<>(List.of(series, time));
    wanted.addAll(values);
    LongFormat.requireColumns(rows, wanted, origin);
    LongFormat.requireNumbers(rows, values, origin);
    org.apache.spark.sql.types.DataType timeType = rows.schema().apply(time).dataType();
    boolean numericTime = !dateTimes(rows);
    Column t;
    if (numericTime) {
      t = col(time).try_cast(DataTypes.LongType);
    } else if (timeType instanceof org.apache.spark.sql.types.TimestampType
        || timeType instanceof org.apache.spark.sql.types.DateType) {
      t = col(time).cast(DataTypes.TimestampType).cast(DataTypes.LongType);
    } else {
      t = try_to_timestamp(col(time).cast(DataTypes.StringType)).cast(DataTypes.LongType);
    }
    org.apache.spark.sql.types.Metadata kind = new org.apache.spark.sql.types.MetadataBuilder()
        .putBoolean(DATE_TIMES, !numericTime).build();
    List<Column> cols = new ArrayList<>(List.of(col(series).cast(DataTypes.StringType).as(series), t.as(time, kind)));
    for (String c : values) {
      cols.add(col(c).try_cast(DataTypes.DoubleType).as(c));
    }
    for (String c : values) {
      List<Row> bad = rows.filter(col(c).isNotNull().and(col(c).try_cast(DataTypes.DoubleType).isNull())).limit(1)
          .collectAsList();
      if (!bad.isEmpty()) {
        throw new sparkgru.engine.errors.InvalidInputException(origin + ": column '" + c + "' has a non-numeric value '"
            + bad.get(0).getAs(c) + "' (series " + bad.get(0).getAs(series) + ", time " + bad.get(0).getAs(time) + ")");
      }
    }
    Dataset<Row> typed = rows.select(cols.toArray(new Column[0]));
    List<Row> badTime = typed.filter(col(time).isNull().or(col(series).isNull())).limit(1).collectAsList();
    if (!badTime.isEmpty()) {
      throw new sparkgru.engine.errors.InvalidInputException(origin + ": a row has no series id or an unreadable time (series "
          + badTime.get(0).get(0) + "); times must be numbers or date-times like 2016-07-01 00:00:00");
    }
    return typed;
  }

  /** Windows of typed rows (from {@link #select}), series hashed into {@code partitions} partitions. */
  public JavaRDD<Windowed> build(Dataset<Row> typed, int partitions) {
    // Broadcast, not captured: a per-series scaler can be large and would travel with every task.
    org.apache.spark.broadcast.Broadcast<SlidingWindows> w = org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(typed.sparkSession().sparkContext()).broadcast(this);
    boolean dateTimes = typedDateTimes(typed);
    return sorted(typed, partitions).mapPartitions(rows -> w.value().windows(rows, dateTimes, CHUNK_WINDOWS), true);
  }

  /**
   * Windows per {@link Windowed} chunk: 6.4 MB at 24 inputs and one target. A partition's windows
   * are built, cached (and spilled) and balanced chunk by chunk, so no task needs its whole
   * partition's windows at once, or twice while they grow, however long its series.
   */
  static final int CHUNK_WINDOWS = 1 << 16;

  /** Typed rows (from {@link #select}) with each series in one partition, sorted by series and time. */
  public JavaRDD<Row> sorted(Dataset<Row> typed, int partitions) {
    return typed.repartition(partitions, col(series)).sortWithinPartitions(col(series), col(time)).javaRDD();
  }

  /** Whether typed rows (from {@link #select}) had date-times, now epoch seconds. */
  public boolean typedDateTimes(Dataset<Row> typed) {
    org.apache.spark.sql.types.Metadata m = typed.schema().apply(time).metadata();
    return m.contains(DATE_TIMES) && m.getBoolean(DATE_TIMES);
  }

  private static final String DATE_TIMES = "sparkgru.date_times";

  /**
   * Whether the time column of raw rows holds date-times: a timestamp or date column, or text
   * that is not all whole numbers (CSV columns are text: "17" is a step, "2016-07-01 00:00:00" a
   * date-time). Date-times without a zone are read in the session's zone, UTC in the jobs.
   */
  private boolean dateTimes(Dataset<Row> rows) {
    org.apache.spark.sql.types.DataType type = rows.schema().apply(time).dataType();
    if (type instanceof NumericType) {
      return false;
    }
    if (!(type instanceof org.apache.spark.sql.types.StringType)) {
      return true;
    }
    return !rows.filter(col(time).isNotNull().and(col(time).try_cast(DataTypes.LongType).isNull())).limit(1)
        .collectAsList().isEmpty();
  }

  /**
   * The combined report of built windows; a data error found on an executor surfaces as the
   * IllegalArgumentException that names it, not as Spark's job failure around it.
   */
  public static Report report(JavaRDD<Windowed> windows) {
    return merge(reportsByPartition(windows));
  }

  /** The report of each partition's windows, in partition order (errors as in {@link #report}). */
  public static List<Report> reportsByPartition(JavaRDD<Windowed> windows) {
    try {
      return windows.mapPartitions(chunks -> {
        Report r = EMPTY;
        while (chunks.hasNext()) {
          r = r.merge(chunks.next().report());
        }
        return List.of(r).iterator();
      }).collect();
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
  }

  /** Reports merged in order. */
  public static Report merge(List<Report> reports) {
    return reports.stream().reduce(EMPTY, Report::merge);
  }

  private static final Report EMPTY = new Report(0, 0, 0, List.of(), 0, 0);

  /**
   * The windows of one partition's rows, sorted by series and time, in chunks of {@code chunk}
   * windows (the last one shorter, and carrying the counts found after the previous chunk). Rows
   * are read one series at a time and its windows cut lazily: a task holds one series and one
   * chunk, whatever the length of its series.
   */
  Iterator<Windowed> windows(Iterator<Row> rows, boolean dateTimes, int chunk) {
    return new Chunks(Series.group(rows, spec.valueColumns().size(), dateTimes), chunk);
  }

  /** The windows of a partition's series, cut lazily and handed out in chunks. */
  private final class Chunks implements Iterator<Windowed> {
    private final Iterator<Series> all;
    private final int chunk;
    private final int f = spec.inputs().size();
    private final float[] x = new float[spec.lookback() * f];
    private final float[] y = new float[spec.outputWidth()];
    private Windowed ready; // the chunk to hand out next, or null
    private FloatBuffer xs = new FloatBuffer();
    private FloatBuffer ys = new FloatBuffer();
    private final long[] counts = new long[5]; // series, windows, short, gaps, dropped: since the last chunk
    private List<String> examples = new ArrayList<>();
    private int examplesGiven;
    private boolean finished;
    // The series being cut, and where: its stretch and the next of that stretch's window starts.
    private Series current;
    private double[][] scaled;
    private int[] stretches;
    private int[] bounds;
    private int stretch;
    private List<Integer> starts;
    private int next;

    Chunks(Iterator<Series> all, int chunk) {
      this.all = all;
      this.chunk = chunk;
    }

    @Override
    public boolean hasNext() {
      while (ready == null && !finished) {
        if (current != null) {
          cut();
        } else if (all.hasNext()) {
          begin(all.next());
        } else {
          emit();
          finished = true;
        }
      }
      return ready != null;
    }

    @Override
    public Windowed next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Windowed out = ready;
      ready = null;
      return out;
    }

    /** Counts a series and, unless it is too short, makes it the one to cut. */
    private void begin(Series raw) {
      Series s = clean(raw);
      counts[0]++;
      if (s.size() < spec.lookback() + spec.horizon()) {
        counts[2]++;
        if (examplesGiven + examples.size() < EXAMPLES) {
          examples.add(s.id() + " (" + s.size() + " steps)");
        }
        return;
      }
      scaled = scaler.transform(s, spec.valueColumns());
      stretches = s.stretches();
      counts[3] += stretches.length - 2;
      bounds = split.bounds(s.times(), part);
      stretch = 0;
      starts = null;
      current = s;
    }

    /** Cuts windows of the current series until a chunk is full or the series is done. */
    private void cut() {
      while (current != null && ready == null) {
        if (starts == null) {
          if (stretch + 1 >= stretches.length) {
            current = null;
            scaled = null;
            break;
          }
          starts = starts(stretches[stretch], stretches[stretch + 1], bounds, spec.trainingHorizon(), spec.stride());
          next = 0;
        }
        if (next == starts.size()) {
          starts = null;
          stretch++;
          continue;
        }
        int start = starts.get(next++);
        if (spec.missing() == WindowSpec.Missing.DROP
            && current.hasMissing(start, start + spec.lookback() + spec.trainingHorizon())) {
          counts[4]++;
          continue;
        }
        WindowSpec.Normalizer n = spec.normalizer(scaled, start);
        spec.inputs(scaled, start, n, x, 0);
        spec.targets(scaled, start + spec.lookback(), spec.trainingHorizon(), n, y, 0);
        xs.add(x);
        ys.add(y);
        if (++counts[1] == chunk) {
          emit();
        }
      }
    }

    private void emit() {
      PackedPartition data = new PackedPartition((int) counts[1], spec.lookback(), f, new int[] {spec.outputWidth()},
          xs.toArray(), ys.toArray(), null);
      ready = new Windowed(data, new Report(counts[0], counts[1], counts[2], examples, counts[3], counts[4]));
      xs = new FloatBuffer();
      ys = new FloatBuffer();
      Arrays.fill(counts, 0);
      examplesGiven += examples.size();
      examples = new ArrayList<>();
    }
  }

  /**
   * Starts of the windows in the stretch of rows [from, to) whose {@code steps} target rows lie
   * in the part's rows {@code bounds}, every {@code stride} rows.
   */
  public List<Integer> starts(int from, int to, int[] bounds, int steps, int stride) {
    List<Integer> out = new ArrayList<>();
    for (int start = Math.max(from, bounds[0] - spec.lookback()); start + spec.lookback() + steps <= Math.min(to,
        bounds[1]); start += stride) {
      out.add(start);
    }
    return out;
  }

  /**
   * Applies the missing-value policy to a series (in place) and rejects infinite values and values
   * beyond float32 range, naming the series, column and time.
   */
  public Series clean(Series s) {
    List<String> columns = spec.valueColumns();
    double[][] vals = s.values();
    int[] stretches = s.stretches();
    for (int st = 0; st + 1 < stretches.length; st++) {
      for (int i = stretches[st]; i < stretches[st + 1]; i++) {
        double[] v = vals[i];
        for (int c = 0; c < v.length; c++) {
          if (Double.isNaN(v[c]) || Double.isInfinite(v[c]) || Math.abs(v[c]) > Float.MAX_VALUE) {
            boolean missingValue = Double.isNaN(v[c]);
            if (!missingValue || spec.missing() == WindowSpec.Missing.ERROR) {
              throw new sparkgru.engine.errors.InvalidInputException("series " + s.id() + " has " + (missingValue ? "a missing"
                  : "an infinite or out-of-float-range") + " value in column '" + columns.get(c) + "' at time "
                  + s.timeText(s.times()[i]) + " (row " + (i + 1) + " of the series)" + (missingValue
                  ? "; set data.missing to forward_fill or drop, or clean the data" : ""));
            }
            if (spec.missing() == WindowSpec.Missing.FORWARD_FILL) {
              if (i == stretches[st]) {
                throw new sparkgru.engine.errors.InvalidInputException("series " + s.id() + " cannot forward-fill column '"
                    + columns.get(c) + "' at time " + s.timeText(s.times()[i]) + ": no earlier value in this stretch of the series");
              }
              v[c] = vals[i - 1][c];
            }
          }
        }
      }
    }
    return s;
  }

  /** A growable float array. */
  private static final class FloatBuffer {
    private float[] data = new float[1024];
    private int size;

    void add(float[] v) {
      while (size + v.length > data.length) {
        data = Arrays.copyOf(data, Math.multiplyExact(data.length, 2));
      }
      System.arraycopy(v, 0, data, size, v.length);
      size += v.length;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
