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
import sparkgru.jobs.train.PackedPartition;

/**
 * Sliding forecasting windows over many time series in long format ({@code series, time,
 * values...}), built on the executors: each window is {@code lookback} steps of the input
 * columns and the next {@code horizon} steps of the target columns (flattened
 * {@code [horizon * targets]}, for a direct multi-horizon head). Windows never cross a series
 * boundary or a time gap (two rows further apart than the series' step); series shorter than
 * lookback + horizon are counted and named in the {@link Report}, not dropped silently.
 *
 * @param series    series id column
 * @param time      timestamp column: numbers (e.g. epoch seconds or step indices) or date-time text
 * @param inputs    input columns (targets included when they are also inputs)
 * @param targets   target columns
 * @param lookback  steps per window input, &gt;= 1
 * @param horizon   steps forecast, &gt;= 1
 * @param stride    steps between window starts, &gt;= 1
 * @param missing   what a missing value does
 * @param split     where each series' train, validation and test parts end
 * @param part      which part's windows to build: a window belongs to the part that holds its
 *                  whole forecast span (its lookback may reach back into the previous part, as in
 *                  the Informer protocol)
 */
public record SlidingWindows(String series, String time, List<String> inputs, List<String> targets, int lookback,
    int horizon, int stride, Missing missing, ChronologicalSplit split, ChronologicalSplit.Part part)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int EXAMPLES = 5;

  /** Missing-value policy. */
  public enum Missing {
    /** A missing value is an error naming the series, time and column (default). */
    ERROR,
    /** Repeat the last value of the same column within the segment. */
    FORWARD_FILL,
    /** Leave out every window that touches a missing value. */
    DROP
  }

  /** Validates the shape of the windows. */
  public SlidingWindows {
    if (lookback < 1 || horizon < 1 || stride < 1) {
      throw new IllegalArgumentException("windows need lookback, horizon and stride >= 1, got " + lookback + ", "
          + horizon + ", " + stride);
    }
    if (inputs.isEmpty() || targets.isEmpty()) {
      throw new IllegalArgumentException("windows need at least one input and one target column");
    }
    inputs = List.copyOf(inputs);
    targets = List.copyOf(targets);
    if (split == null || part == null) {
      throw new IllegalArgumentException("windows need a split and a part (ChronologicalSplit.NONE and Part.ALL for all)");
    }
  }

  /** All windows of every series, no split. */
  public SlidingWindows(String series, String time, List<String> inputs, List<String> targets, int lookback,
      int horizon, int stride, Missing missing) {
    this(series, time, inputs, targets, lookback, horizon, stride, missing, ChronologicalSplit.NONE,
        ChronologicalSplit.Part.ALL);
  }

  /** The same windows for another part of the split. */
  public SlidingWindows part(ChronologicalSplit.Part p) {
    return new SlidingWindows(series, time, inputs, targets, lookback, horizon, stride, missing, split, p);
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
  }

  /** One partition's windows and what was found building them. */
  public record Windowed(PackedPartition data, Report report) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** The columns this needs, typed: series as text, time as a long, values as doubles (null when missing). */
  public Dataset<Row> select(Dataset<Row> rows, String origin) {
    List<String> available = Arrays.asList(rows.columns());
    List<String> values = valueColumns();
    List<String> wanted = new ArrayList<>(List.of(series, time));
    wanted.addAll(values);
    for (String c : wanted) {
      if (!available.contains(c)) {
        throw new IllegalArgumentException(origin + " has no column '" + c + "'; its columns are " + available);
      }
    }
    boolean numericTime = rows.schema().apply(time).dataType() instanceof NumericType;
    Column t = numericTime ? col(time).cast(DataTypes.LongType)
        : try_to_timestamp(col(time).cast(DataTypes.StringType)).cast(DataTypes.LongType);
    List<Column> cols = new ArrayList<>(List.of(col(series).cast(DataTypes.StringType).as(series), t.as(time)));
    for (String c : values) {
      cols.add(col(c).try_cast(DataTypes.DoubleType).as(c));
    }
    for (String c : values) {
      List<Row> bad = rows.filter(col(c).isNotNull().and(col(c).try_cast(DataTypes.DoubleType).isNull())).limit(1)
          .collectAsList();
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(origin + ": column '" + c + "' has a non-numeric value '"
            + bad.get(0).getAs(c) + "' (series " + bad.get(0).getAs(series) + ", time " + bad.get(0).getAs(time) + ")");
      }
    }
    Dataset<Row> typed = rows.select(cols.toArray(new Column[0]));
    List<Row> badTime = typed.filter(col(time).isNull().or(col(series).isNull())).limit(1).collectAsList();
    if (!badTime.isEmpty()) {
      throw new IllegalArgumentException(origin + ": a row has no series id or an unreadable time (series "
          + badTime.get(0).get(0) + "); times must be numbers or date-times like 2016-07-01 00:00:00");
    }
    return typed;
  }

  /** Inputs, then targets that are not inputs: the value columns in row order after series and time. */
  List<String> valueColumns() {
    List<String> all = new ArrayList<>(inputs);
    for (String t : targets) {
      if (!all.contains(t)) {
        all.add(t);
      }
    }
    return all;
  }

  /** Windows of typed rows (from {@link #select}), series hashed into {@code partitions} partitions. */
  public JavaRDD<Windowed> build(Dataset<Row> typed, int partitions) {
    SlidingWindows w = this;
    return typed.repartition(partitions, col(series)).sortWithinPartitions(col(series), col(time)).javaRDD()
        .mapPartitions(rows -> List.of(w.windows(rows)).iterator(), true);
  }

  /**
   * The combined report of built windows; a data error found on an executor surfaces as the
   * IllegalArgumentException that names it, not as Spark's job failure around it.
   */
  public static Report report(JavaRDD<Windowed> windows) {
    try {
      return windows.map(Windowed::report).collect().stream()
          .reduce(new Report(0, 0, 0, List.of(), 0, 0), Report::merge);
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
  }

  Windowed windows(Iterator<Row> rows) {
    List<String> values = valueColumns();
    int[] inputIdx = inputs.stream().mapToInt(values::indexOf).toArray();
    int[] targetIdx = targets.stream().mapToInt(values::indexOf).toArray();
    int f = inputIdx.length;
    int k = targetIdx.length;
    FloatBuffer xs = new FloatBuffer();
    FloatBuffer ys = new FloatBuffer();
    long[] counts = new long[5]; // series, windows, short, gaps, dropped
    List<String> examples = new ArrayList<>();
    String current = null;
    List<Long> times = new ArrayList<>();
    List<double[]> vals = new ArrayList<>();
    while (true) {
      Row r = rows.hasNext() ? rows.next() : null;
      String sid = r == null ? null : r.getString(0);
      if (current != null && (r == null || !sid.equals(current))) {
        series(current, times, vals, inputIdx, targetIdx, xs, ys, counts, examples);
        times.clear();
        vals.clear();
      }
      if (r == null) {
        break;
      }
      current = sid;
      double[] v = new double[values.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.isNullAt(2 + i) ? Double.NaN : r.getDouble(2 + i);
      }
      times.add(r.getLong(1));
      vals.add(v);
    }
    int n = (int) counts[1];
    PackedPartition data = new PackedPartition(n, lookback, f, new int[] {horizon * k}, xs.toArray(), ys.toArray(), null);
    return new Windowed(data, new Report(counts[0], counts[1], counts[2], examples, counts[3], counts[4]));
  }

  private void series(String id, List<Long> times, List<double[]> vals, int[] inputIdx, int[] targetIdx,
      FloatBuffer xs, FloatBuffer ys, long[] counts, List<String> examples) {
    counts[0]++;
    int n = times.size();
    if (n < lookback + horizon) {
      counts[2]++;
      if (examples.size() < EXAMPLES) {
        examples.add(id + " (" + n + " steps)");
      }
      return;
    }
    long step = Long.MAX_VALUE;
    for (int i = 1; i < n; i++) {
      long d = times.get(i) - times.get(i - 1);
      if (d == 0) {
        throw new IllegalArgumentException("series " + id + " has two rows at time " + times.get(i)
            + "; each series needs one row per time");
      }
      step = Math.min(step, d);
    }
    int[] bounds = split.bounds(n, part);
    int segmentStart = 0;
    for (int i = 1; i <= n; i++) {
      if (i == n || times.get(i) - times.get(i - 1) != step) {
        if (i < n) {
          counts[3]++;
        }
        segment(id, times, vals, segmentStart, i, bounds, inputIdx, targetIdx, xs, ys, counts);
        segmentStart = i;
      }
    }
  }

  private void segment(String id, List<Long> times, List<double[]> vals, int from, int to, int[] bounds, int[] inputIdx,
      int[] targetIdx, FloatBuffer xs, FloatBuffer ys, long[] counts) {
    int width = vals.get(from).length;
    for (int i = from; i < to; i++) {
      double[] v = vals.get(i);
      for (int c = 0; c < width; c++) {
        if (Double.isNaN(v[c]) || Double.isInfinite(v[c]) || Math.abs(v[c]) > Float.MAX_VALUE) {
          boolean missingValue = Double.isNaN(v[c]);
          if (!missingValue || missing == Missing.ERROR) {
            throw new IllegalArgumentException("series " + id + " has " + (missingValue ? "a missing" : "an infinite "
                + "or out-of-float-range") + " value in column '" + valueColumns().get(c) + "' at time " + times.get(i)
                + (missingValue ? "; set the missing-value policy to forward_fill or drop, or clean the data" : ""));
          }
          if (missing == Missing.FORWARD_FILL) {
            if (i == from) {
              throw new IllegalArgumentException("series " + id + " cannot forward-fill column '" + valueColumns().get(c)
                  + "' at time " + times.get(i) + ": no earlier value in this stretch of the series");
            }
            v[c] = vals.get(i - 1)[c];
          }
        }
      }
    }
    for (int start = Math.max(from, bounds[0] - lookback); start + lookback + horizon <= Math.min(to, bounds[1]);
        start += stride) {
      if (missing == Missing.DROP && touchesMissing(vals, start, start + lookback + horizon)) {
        counts[4]++;
        continue;
      }
      for (int s = start; s < start + lookback; s++) {
        for (int c : inputIdx) {
          xs.add((float) vals.get(s)[c]);
        }
      }
      for (int s = start + lookback; s < start + lookback + horizon; s++) {
        for (int c : targetIdx) {
          ys.add((float) vals.get(s)[c]);
        }
      }
      counts[1]++;
    }
  }

  private static boolean touchesMissing(List<double[]> vals, int from, int to) {
    for (int i = from; i < to; i++) {
      for (double v : vals.get(i)) {
        if (Double.isNaN(v)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A growable float array. */
  private static final class FloatBuffer {
    private float[] data = new float[1024];
    private int size;

    void add(float v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, Math.multiplyExact(data.length, 2));
      }
      data[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
