package sparkgru.jobs.data;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import sparkgru.engine.FuzzContract;

/**
 * Fuzzes what the executors do with the rows of a series table once Spark has typed them: group
 * them into series, apply the missing-value policy, split each series by time, and cut windows.
 * Rows come sorted by (series, time), as {@link SlidingWindows#sorted} delivers them, with any
 * times (duplicates, gaps, the ends of the long range) and any values (missing, NaN, infinite,
 * beyond float32). Every build replays the inputs in
 * {@code src/test/resources/sparkgru/jobs/data/SlidingWindowsFuzzTestInputs/windows};
 * {@code JAZZER_FUZZ=1} fuzzes (see RELIABILITY.md, Fuzzing).
 */
class SlidingWindowsFuzzTest {
  private static final long[] EDGE_TIMES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1,
      Long.MAX_VALUE};
  private static final double[] EDGE_VALUES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
      Double.MAX_VALUE, -Double.MAX_VALUE, Float.MAX_VALUE, 0.0, -0.0, Double.MIN_VALUE};

  /** Any rows window or fail with a message; windows hold finite float32 values only. */
  @FuzzTest(maxDuration = "5m")
  void windows(FuzzedDataProvider data) {
    FuzzContract.check(() -> {
      boolean normalized = data.consumeBoolean();
      WindowSpec spec = new WindowSpec(List.of("a", "b"), normalized ? List.of("b") : List.of("c"),
          data.consumeInt(1, 6), data.consumeInt(1, 4), data.consumeInt(1, 3), data.pickValue(WindowSpec.Missing.values()),
          normalized ? data.pickValue(WindowSpec.Normalization.values()) : WindowSpec.Normalization.NONE, false);
      ChronologicalSplit split = switch (data.consumeInt(0, 3)) {
        case 0 -> ChronologicalSplit.fractions(data.consumeDouble(), data.consumeDouble());
        case 1 -> ChronologicalSplit.rows(data.consumeLong(), data.consumeLong(), data.consumeLong());
        case 2 -> ChronologicalSplit.lastRows(data.consumeLong(), data.consumeLong());
        default -> {
          long[] t = {time(data), time(data), time(data)};
          Arrays.sort(t);
          yield new ChronologicalSplit(ChronologicalSplit.Mode.TIMES, t[0], t[1], t[2]);
        }
      };
      SlidingWindows w = new SlidingWindows("series", "time", spec, split,
          data.pickValue(ChronologicalSplit.Part.values()), Scaler.unfitted("none", "global", spec.valueColumns()));
      boolean dateTimes = data.consumeBoolean();
      List<Row> rows = new ArrayList<>();
      int n = data.consumeInt(0, 64);
      for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
        long t = time(data);
        // Date-times arrive as epoch microseconds, as Spark's timestamps hold them; then the
        // window's value columns and the offset (none), as SlidingWindows.select types them.
        Object[] row = {data.consumeBoolean() ? "s" + data.consumeInt(0, 3) : data.consumeString(4), t,
            value(data), value(data), value(data), null};
        int width = spec.valueColumns().size();
        row[2 + width] = null;
        rows.add(RowFactory.create(Arrays.copyOf(row, 3 + width)));
      }
      rows.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparingLong(r -> r.getLong(1)));
      // Small chunks, so that chunk boundaries are fuzzed too: together they hold one chunk's windows and counts.
      List<List<Float>> chunked = windows(w.windows(rows.iterator(), dateTimes, 3));
      List<List<Float>> whole = windows(w.windows(rows.iterator(), dateTimes, Integer.MAX_VALUE));
      if (!chunked.equals(whole)) {
        throw new AssertionError("chunks of 3 differ from one chunk");
      }
    });
  }

  /**
   * The inputs, the targets (each in order across chunks) and the merged report of chunked
   * windows, as lists to compare; windows hold finite float32 values only.
   */
  private static List<List<Float>> windows(Iterator<WindowChunk> chunks) {
    List<Float> inputs = new ArrayList<>();
    List<Float> targets = new ArrayList<>();
    List<WindowReport> reports = new ArrayList<>();
    chunks.forEachRemaining(windowed -> {
      reports.add(windowed.report());
      for (float v : windowed.data().inputs().toArray()) {
        inputs.add(finite(v));
      }
      for (float v : windowed.data().targets().toArray()) {
        targets.add(finite(v));
      }
    });
    WindowReport r = WindowReport.sum(reports);
    return List.of(inputs, targets, List.of((float) r.windows(), (float) r.series(), (float) r.shortSeries(),
        (float) r.gaps(), (float) r.droppedWindows()));
  }

  private static float finite(float v) {
    if (!Float.isFinite(v)) {
      throw new AssertionError("a window holds " + v);
    }
    return v;
  }

  private static long time(FuzzedDataProvider data) {
    return data.consumeBoolean() ? data.pickValue(EDGE_TIMES) : data.consumeLong(-100, 1000);
  }

  private static Double value(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> null;
      case 1 -> data.pickValue(EDGE_VALUES);
      case 2 -> data.consumeDouble();
      default -> (double) data.consumeInt(-1000, 1000);
    };
  }
}
