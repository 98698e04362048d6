package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Cutting series into windows without Spark: gaps, short series, missing values, strides, parts
 * of a split, scaling, and chunks that add up to one chunk.
 */
class WindowCutterTest {
  /** Inputs v and c, target v; 3 steps back, 2 ahead, a window every 2 rows. */
  private static WindowSpec spec(WindowSpec.Missing missing, int stride) {
    return new WindowSpec(List.of("v", "c"), List.of("v"), 3, 2, stride, missing, WindowSpec.Normalization.NONE,
        false);
  }

  private static WindowCutter cutter(WindowSpec spec) {
    return new WindowCutter(spec, ChronologicalSplit.NONE, ChronologicalSplit.Part.ALL,
        Scaler.unfitted("none", "global", spec.valueColumns()));
  }

  private static WindowCutter cutter(WindowSpec.Missing missing) {
    return cutter(spec(missing, 2));
  }

  /** A series at {@code times} whose row at time t holds v = t and c = 100 + t. */
  private static Series series(String id, long... times) {
    double[][] values = new double[times.length][];
    for (int i = 0; i < times.length; i++) {
      values[i] = new double[] {times[i], 100 + times[i]};
    }
    return new Series(id, times, values, false);
  }

  private static long[] range(long from, long to) {
    return LongStream.range(from, to).toArray();
  }

  private static long[] concat(long[] a, long[] b) {
    return LongStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
  }

  private static List<WindowChunk> chunks(WindowCutter cutter, int chunk, Series... series) {
    List<WindowChunk> out = new ArrayList<>();
    cutter.chunks(List.of(series).iterator(), chunk).forEachRemaining(out::add);
    return out;
  }

  /** The one chunk of all windows. */
  private static WindowChunk whole(WindowCutter cutter, Series... series) {
    List<WindowChunk> all = chunks(cutter, Integer.MAX_VALUE, series);
    assertEquals(1, all.size());
    return all.get(0);
  }

  @Test
  void windowsStayWithinAStretchAndTheGapsAreCounted() {
    // Times 0..4, a gap, 10..16: one window in the first stretch, two in the second.
    WindowChunk c = whole(cutter(WindowSpec.Missing.ERROR), series("b", concat(range(0, 5), range(10, 17))));
    assertEquals(new WindowReport(1, 3, 0, List.of(), 1, 1, List.of("b (1 gap, after 4: 5 periods of 1 missing)"), 0, List.of("1")), c.report());
    assertEquals(3, c.data().count());
    assertArrayEquals(new float[] {0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112, 12, 112, 13, 113, 14, 114},
        c.data().inputs().toArray());
    assertArrayEquals(new float[] {3, 4, 13, 14, 15, 16}, c.data().targets().toArray());
  }

  @Test
  void theStepsOfTheSeriesLongEnoughForAWindowAreReported() {
    WindowReport r = whole(cutter(WindowSpec.Missing.ERROR), series("threes", 0, 3, 6, 9, 12, 15),
        series("short fives", 0, 5, 10), series("ones", range(0, 10)), series("twos", 0, 2, 4, 6, 8)).report();
    assertEquals(List.of("1", "2", "3"), r.frequencies(), "the fives are too short to count");
    assertEquals(new TimeSteps(List.of("1", "2", "3"), false), r.steps(false));
    assertEquals(null, WindowReport.EMPTY.steps(false), "no series: no steps");
  }

  @Test
  void shortSeriesAreCountedAndTheFirstFiveNamedAcrossChunks() {
    List<Series> all = new ArrayList<>(List.of(series("s0", range(0, 4)), series("a", range(0, 10))));
    for (int i = 1; i < 7; i++) {
      all.add(series("s" + i, range(0, 4)));
    }
    Series[] series = all.toArray(new Series[0]);
    List<String> firstFive = List.of("s0 (4 steps)", "s1 (4 steps)", "s2 (4 steps)", "s3 (4 steps)", "s4 (4 steps)");
    WindowReport expected = new WindowReport(8, 3, 7, firstFive, 0, 0, List.of(), 0, List.of("1"));
    assertEquals(expected, whole(cutter(WindowSpec.Missing.ERROR), series).report());
    List<WindowChunk> ones = chunks(cutter(WindowSpec.Missing.ERROR), 1, series);
    assertEquals(List.of("s0 (4 steps)"), ones.get(0).report().shortExamples(), "s0 comes before a's first window");
    assertEquals(expected, WindowReport.sum(ones.stream().map(WindowChunk::report).toList()));
  }

  @Test
  void missingValuesFollowThePolicy() {
    Series withHole = series("a", range(0, 10));
    withHole.values()[4][0] = Double.NaN;
    assertEquals("series a has a missing value in column 'v' at time 4 (row 5 of the series); set data.missing to "
        + "forward_fill or drop, or clean the data", assertThrows(IllegalArgumentException.class,
        () -> chunks(cutter(WindowSpec.Missing.ERROR), 8, copy(withHole))).getMessage());

    WindowChunk filled = whole(cutter(WindowSpec.Missing.FORWARD_FILL), copy(withHole));
    assertEquals(3, filled.report().windows());
    assertArrayEquals(new float[] {2, 102, 3, 103, 3, 104}, Arrays.copyOfRange(filled.data().inputs().toArray(), 6,
        12), "time 4 takes v of time 3");

    WindowChunk dropped = whole(cutter(WindowSpec.Missing.DROP), copy(withHole));
    assertEquals(new WindowReport(1, 0, 0, List.of(), 0, 0, List.of(), 3, List.of("1")), dropped.report(),
        "the windows starting at 0, 2 and 4 all touch time 4");

    Series gapped = series("a", concat(range(0, 5), range(8, 12)));
    gapped.values()[5][1] = Double.NaN;
    Series gapFilled = cutter(WindowSpec.Missing.FORWARD_FILL).clean(gapped);
    assertArrayEquals(range(0, 12), gapFilled.times(), "the missing periods 5, 6 and 7 are rows now");
    assertArrayEquals(new double[] {4, 104}, gapFilled.values()[6], "a missing period takes the last values");
    assertArrayEquals(new double[] {8, 104}, gapFilled.values()[8], "and so does time 8's missing c");
    assertEquals(1, cutter(WindowSpec.Missing.ERROR).clean(copy(gapped)).stretches().length - 2,
        "under error and drop the gap stays");

    Series holeFirst = series("a", range(0, 5));
    holeFirst.values()[0][1] = Double.NaN;
    assertEquals("series a cannot forward-fill column 'c' at time 0: no earlier value in this stretch of the series",
        assertThrows(IllegalArgumentException.class, () -> cutter(WindowSpec.Missing.FORWARD_FILL).clean(holeFirst))
        .getMessage());

    Series infinite = series("a", range(0, 10));
    infinite.values()[2][1] = Double.POSITIVE_INFINITY;
    for (WindowSpec.Missing policy : WindowSpec.Missing.values()) {
      assertEquals("series a has an infinite or out-of-float-range value in column 'c' at time 2 (row 3 of the "
          + "series)", assertThrows(IllegalArgumentException.class, () -> cutter(policy).clean(copy(infinite)))
          .getMessage(), policy.name());
    }
  }

  private static Series copy(Series s) {
    return new Series(s.id(), s.times().clone(), Arrays.stream(s.values()).map(double[]::clone)
        .toArray(double[][]::new), s.dateTimes());
  }

  @Test
  void windowsStartEveryStrideRowsWithTheirTargetsInThePart() {
    WindowCutter every = cutter(spec(WindowSpec.Missing.ERROR, 1));
    int[] all = {0, 10};
    assertEquals(List.of(0, 1, 2, 3, 4, 5), every.starts(0, 10, all, 2, 1));
    assertEquals(List.of(0, 3), every.starts(0, 10, all, 2, 3));
    assertEquals(List.of(4, 6), every.starts(4, 10, all, 1, 2), "from the stretch's first row");
    assertEquals(List.of(7, 8, 9, 10), every.starts(0, 20, new int[] {10, 15}, 2, 1),
        "inputs may look back before the part, targets stay inside it");
    assertEquals(List.of(), every.starts(0, 4, all, 2, 1), "a stretch shorter than a window");

    WindowSpec spec = spec(WindowSpec.Missing.ERROR, 1);
    WindowCutter validation = new WindowCutter(spec, ChronologicalSplit.rows(6, 4, 0),
        ChronologicalSplit.Part.VALIDATION, Scaler.unfitted("none", "global", spec.valueColumns()));
    WindowChunk c = whole(validation, series("a", range(0, 10)));
    assertEquals(3, c.report().windows());
    assertArrayEquals(new float[] {6, 7, 7, 8, 8, 9}, c.data().targets().toArray());
  }

  @Test
  void windowsHoldTheScaledValues() {
    WindowSpec spec = spec(WindowSpec.Missing.ERROR, 2);
    Scaler fitted = new Scaler(Scaler.Method.STANDARD, Scaler.Scope.GLOBAL, spec.valueColumns(),
        Map.of("*", new double[] {10, 2}));
    WindowChunk c = whole(new WindowCutter(spec, ChronologicalSplit.NONE, ChronologicalSplit.Part.ALL, fitted),
        series("a", range(0, 5)));
    assertArrayEquals(new float[] {-5, 45, -4.5f, 45.5f, -4, 46}, c.data().inputs().toArray());
    assertArrayEquals(new float[] {-3.5f, -3}, c.data().targets().toArray());
  }

  @Test
  void chunksAddUpToOneChunk() {
    Series[] series = {series("a", range(0, 10)), series("short", range(0, 4)),
        series("b", concat(range(0, 5), range(10, 17))), series("c", range(0, 9))};
    WindowCutter cutter = cutter(WindowSpec.Missing.ERROR);
    WindowChunk whole = whole(cutter, series);
    assertEquals(new WindowReport(4, 9, 1, List.of("short (4 steps)"), 1, 1, List.of("b (1 gap, after 4: 5 periods of 1 missing)"), 0, List.of("1")), whole.report());
    for (int chunk : new int[] {1, 2, 3, 4, 8, 9, 10}) {
      List<WindowChunk> chunks = chunks(cutter, chunk, series);
      assertEquals(9 / chunk + 1, chunks.size(), "full chunks of " + chunk + " and the rest, possibly empty");
      List<Float> x = new ArrayList<>();
      List<Float> y = new ArrayList<>();
      for (WindowChunk c : chunks) {
        assertEquals(c.data().count(), c.report().windows());
        add(x, c.data().inputs().toArray());
        add(y, c.data().targets().toArray());
      }
      IntStream.range(0, chunks.size() - 1).forEach(i -> assertEquals(chunk, chunks.get(i).data().count()));
      assertEquals(whole.report(), WindowReport.sum(chunks.stream().map(WindowChunk::report).toList()),
          "chunks of " + chunk);
      assertEquals(add(new ArrayList<>(), whole.data().inputs().toArray()), x, "chunks of " + chunk);
      assertEquals(add(new ArrayList<>(), whole.data().targets().toArray()), y, "chunks of " + chunk);
    }
  }

  @Test
  void noSeriesGiveOneEmptyChunk() {
    Iterator<WindowChunk> none = cutter(WindowSpec.Missing.ERROR).chunks(List.<Series>of().iterator(), 4);
    WindowChunk only = none.next();
    assertEquals(WindowReport.EMPTY, only.report());
    assertEquals(0, only.data().count());
    assertFalse(none.hasNext());
  }

  private static List<Float> add(List<Float> to, float[] values) {
    for (float v : values) {
      to.add(v);
    }
    return to;
  }
}
