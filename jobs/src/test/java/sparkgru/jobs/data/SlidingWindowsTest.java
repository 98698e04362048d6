package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import sparkgru.jobs.SharedDatasets;
import sparkgru.jobs.SparkTestSession;

/** Forecasting windows: contents, series and gap boundaries, short series, missing values, real data. */
class SlidingWindowsTest {
  static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("t", DataTypes.LongType)
      .add("v", DataTypes.DoubleType).add("c", DataTypes.DoubleType);

  private static Dataset<Row> rows(List<Row> rows) {
    List<Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(3));
    return SparkTestSession.get().createDataFrame(shuffled, SCHEMA);
  }

  private static List<Row> series(String id, long from, long to, long step) {
    List<Row> out = new ArrayList<>();
    for (long t = from; t < to; t += step) {
      out.add(RowFactory.create(id, t, (double) t, 100.0 + t));
    }
    return out;
  }

  private static WindowSpec spec(List<String> inputs, List<String> targets, int lookback, int horizon, int stride,
      WindowSpec.Missing missing) {
    return new WindowSpec(inputs, targets, lookback, horizon, stride, missing, WindowSpec.Normalization.NONE, false);
  }

  private static SlidingWindows windows(WindowSpec.Missing missing) {
    return new SlidingWindows("id", "t", spec(List.of("v", "c"), List.of("v"), 3, 2, 2, missing));
  }

  private static JavaRDD<WindowChunk> build(SlidingWindows w, List<Row> data) {
    return w.build(w.select(rows(data), "test data"), 3).cache();
  }

  /** Series a (10 steps), b (5 steps, a gap, 7 steps), short (4 steps). */
  private static List<Row> threeSeries() {
    List<Row> data = new ArrayList<>(series("a", 0, 10, 1));
    data.addAll(series("b", 0, 5, 1));
    data.addAll(series("b", 10, 17, 1));
    data.addAll(series("short", 0, 4, 1));
    return data;
  }

  /** A boolean value column (e.g. {@code is_holiday}) is read as 1 and 0. */
  @Test
  void booleanValueColumnsAreReadAsOneAndZero() {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("t", DataTypes.LongType)
        .add("v", DataTypes.DoubleType).add("c", DataTypes.BooleanType);
    List<Row> data = new ArrayList<>();
    for (long t = 0; t < 4; t++) {
      data.add(RowFactory.create("a", t, (double) t, t % 2 == 1));
    }
    List<Row> typed = windows(WindowSpec.Missing.ERROR).select(SparkTestSession.get().createDataFrame(data, schema),
        "test data").orderBy("t").collectAsList();
    List<Double> c = new ArrayList<>();
    typed.forEach(r -> c.add(r.getDouble(3)));
    assertEquals(List.of(0.0, 1.0, 0.0, 1.0), c);
  }

  @Test
  void windowsComeInChunksThatAddUpToTheWholePartition() {
    List<Row> data = threeSeries();
    data.addAll(series("c", 0, 9, 1));
    SlidingWindows w = windows(WindowSpec.Missing.ERROR);
    List<Row> typed = w.sorted(w.select(rows(data), "test data"), 1).collect();
    List<WindowChunk> whole = new ArrayList<>();
    w.windows(typed.iterator(), false, Integer.MAX_VALUE).forEachRemaining(whole::add);
    assertEquals(1, whole.size());
    for (int chunk : new int[] {1, 2, 3, 8}) {
      List<WindowChunk> chunks = new ArrayList<>();
      w.windows(typed.iterator(), false, chunk).forEachRemaining(chunks::add);
      WindowReport sum = chunks.stream().map(WindowChunk::report).reduce(
          WindowReport.EMPTY, WindowReport::plus);
      assertEquals(whole.get(0).report(), sum, "chunks of " + chunk);
      assertEquals(9, sum.windows());
      assertEquals(9 / chunk + 1, chunks.size(), "full chunks of " + chunk + " and the rest, possibly empty");
      List<Float> x = new ArrayList<>();
      List<Float> y = new ArrayList<>();
      for (WindowChunk c : chunks) {
        assertTrue(c.data().count() <= chunk);
        assertEquals(c.data().count(), c.report().windows());
        for (float v : c.data().inputs().toArray()) {
          x.add(v);
        }
        for (float v : c.data().targets().toArray()) {
          y.add(v);
        }
      }
      List<Float> wholeX = new ArrayList<>();
      for (float v : whole.get(0).data().inputs().toArray()) {
        wholeX.add(v);
      }
      List<Float> wholeY = new ArrayList<>();
      for (float v : whole.get(0).data().targets().toArray()) {
        wholeY.add(v);
      }
      assertEquals(wholeX, x, "the same windows in the same order, chunks of " + chunk);
      assertEquals(wholeY, y);
    }
  }

  @Test
  void windowsHoldLookbackInputsAndHorizonTargetsWithinEachSeriesAndSegment() {
    List<Row> data = threeSeries();
    JavaRDD<WindowChunk> built = build(windows(WindowSpec.Missing.ERROR), data);
    WindowReport report = SlidingWindows.report(built);
    // a: starts 0, 2, 4 (start + 5 <= 10); b: segment 0..4 gives start 0; segment 10..16 gives 10, 12.
    assertEquals(6, report.windows());
    assertEquals(3, report.series());
    assertEquals(1, report.shortSeries());
    assertEquals(List.of("short (4 steps)"), report.shortExamples());
    assertEquals(1, report.gaps());
    List<float[]> firstOfA = new ArrayList<>();
    for (WindowChunk w : built.collect()) {
      PackedPartition p = w.data();
      float[] x = p.inputs().toArray();
      float[] y = p.targets().toArray();
      for (int i = 0; i < p.count(); i++) {
        // No window mixes series or crosses the gap: inputs are 3 consecutive times, targets the next 2.
        float t0 = x[i * 6];
        for (int s = 0; s < 3; s++) {
          assertEquals(t0 + s, x[i * 6 + 2 * s], 0f);
          assertEquals(100 + t0 + s, x[i * 6 + 2 * s + 1], 0f);
        }
        assertArrayEquals(new float[] {t0 + 3, t0 + 4}, new float[] {y[2 * i], y[2 * i + 1]});
        if (t0 == 0 && x.length > 0) {
          firstOfA.add(new float[] {y[2 * i]});
        }
      }
    }
    assertEquals(2, firstOfA.size(), "series a and b both start a window at time 0");
  }

  @Test
  void missingValuesFollowThePolicy() {
    List<Row> data = new ArrayList<>(series("a", 0, 10, 1));
    data.set(4, RowFactory.create("a", 4L, null, 104.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SlidingWindows.report(build(windows(WindowSpec.Missing.ERROR), data)));
    assertTrue(e.getMessage().contains("series a has a missing value in column 'v' at time 4 (row 5 of the series); "
        + "set data.missing to forward_fill or drop, or clean the data"), e.getMessage());
    assertEquals(3, SlidingWindows.report(build(windows(WindowSpec.Missing.FORWARD_FILL), data)).windows());
    WindowReport dropped = SlidingWindows.report(build(windows(WindowSpec.Missing.DROP), data));
    assertEquals(0, dropped.windows(), "the windows starting at 0, 2 and 4 all touch time 4");
    assertEquals(3, dropped.droppedWindows());
  }

  @Test
  void duplicateTimesUnknownColumnsAndBadValuesAreNamed() {
    List<Row> dup = new ArrayList<>(series("a", 0, 10, 1));
    dup.add(RowFactory.create("a", 3L, 1.0, 1.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SlidingWindows.report(build(windows(WindowSpec.Missing.ERROR), dup)));
    assertTrue(e.getMessage().contains("series a has two rows at time 3; each series needs one row per time"),
        e.getMessage());
    SlidingWindows w = new SlidingWindows("id", "t", spec(List.of("v", "zz"), List.of("v"), 3, 2, 1,
        WindowSpec.Missing.ERROR));
    assertEquals("test data has no column 'zz'; its columns are [id, t, v, c]", assertThrows(
        IllegalArgumentException.class, () -> w.select(rows(series("a", 0, 5, 1)), "test data")).getMessage());
    assertEquals("window.lookback must be in [1, 100000], got 0", assertThrows(
        IllegalArgumentException.class, () -> spec(List.of("v"), List.of("v"), 0, 2, 1, WindowSpec.Missing.ERROR))
        .getMessage());
  }

  @Test
  void etth1InformerWindowsFromTheRealFile() {
    Path file = SharedDatasets.file("etdataset/ETTh1.csv");
    Dataset<Row> raw = SparkTestSession.get().read().option("header", "true").csv(file.toString())
        .withColumn("series", lit("ETTh1"));
    List<String> cols = List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT");
    WindowSpec spec = spec(cols, cols, 96, 96, 1, WindowSpec.Missing.ERROR);
    SlidingWindows w = new SlidingWindows("series", "date", spec);
    JavaRDD<WindowChunk> built = w.build(w.select(raw, "ETTh1.csv"), 2).cache();
    WindowReport report = SlidingWindows.report(built);
    assertEquals(0, report.gaps(), "hourly without gaps");
    assertEquals(17420 - 96 - 96 + 1, report.windows());
    PackedPartition p = built.collect().stream().filter(x -> x.data().count() > 0).findFirst().orElseThrow().data();
    assertEquals(96 * 7, p.targets().dim(1));
    assertEquals(5.827000141143799f, p.inputs().toArray()[0], 0f, "first value of the file, HUFL at 2016-07-01 00:00");

    // The Informer split: 8,640 / 2,880 / 2,880 hours; validation and test windows may look back
    // into the previous part but forecast inside their own: 2,785 test windows, as published.
    SlidingWindows informer = new SlidingWindows("series", "date", spec, ChronologicalSplit.rows(8640, 2880, 2880),
        ChronologicalSplit.Part.TRAIN, Scaler.unfitted("none", "global", cols));
    Dataset<Row> typed = informer.select(raw, "ETTh1.csv");
    assertEquals(8640 - 96 - 96 + 1, SlidingWindows.report(informer.build(typed, 2)).windows());
    assertEquals(2785, SlidingWindows.report(informer.part(ChronologicalSplit.Part.VALIDATION).build(typed, 2)).windows());
    assertEquals(2785, SlidingWindows.report(informer.part(ChronologicalSplit.Part.TEST).build(typed, 2)).windows());

    // The same split by calendar: 8,640 hours after 2016-07-01 is 2017-06-26, then 120 days more twice.
    ChronologicalSplit byTime = new ChronologicalSplit(ChronologicalSplit.Mode.TIMES,
        ChronologicalSplit.time("split.train", "2017-06-26"), ChronologicalSplit.time("split.validation",
        "2017-10-24 00:00:00"), ChronologicalSplit.time("split.test", "2018-02-21T00:00:00"));
    SlidingWindows calendar = new SlidingWindows("series", "date", spec, byTime, ChronologicalSplit.Part.TRAIN,
        Scaler.unfitted("none", "global", cols));
    assertEquals(8640 - 96 - 96 + 1, SlidingWindows.report(calendar.build(typed, 2)).windows());
    assertEquals(2785, SlidingWindows.report(calendar.part(ChronologicalSplit.Part.VALIDATION).build(typed, 2))
        .windows());
    assertEquals(2785, SlidingWindows.report(calendar.part(ChronologicalSplit.Part.TEST).build(typed, 2)).windows());
  }

  @Test
  void fractionSplitsCoverEachSeriesInOrder() {
    ChronologicalSplit s = ChronologicalSplit.fractions(0.7, 0.1);
    assertArrayEquals(new int[] {0, 70}, s.bounds(100, ChronologicalSplit.Part.TRAIN));
    assertArrayEquals(new int[] {70, 80}, s.bounds(100, ChronologicalSplit.Part.VALIDATION));
    assertArrayEquals(new int[] {80, 100}, s.bounds(100, ChronologicalSplit.Part.TEST));
    assertEquals("split fractions must be split.train > 0, split.validation >= 0, split.test >= 0 with a sum <= 1, "
        + "got 0.8, 0.3, 0.0",
        assertThrows(IllegalArgumentException.class, () -> ChronologicalSplit.fractions(0.8, 0.3)).getMessage());
  }
}
