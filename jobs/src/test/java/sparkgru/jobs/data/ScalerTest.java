package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import sparkgru.engine.io.Json;
import sparkgru.jobs.SharedDatasets;
import sparkgru.jobs.SparkTestSession;

/** Scalers are fitted on each series' training rows only, and invert exactly. */
class ScalerTest {

  private static Dataset<Row> data() {
    List<Row> rows = new ArrayList<>();
    for (long t = 0; t < 10; t++) {
      rows.add(RowFactory.create("a", t, (double) t, 100.0 + t));
      rows.add(RowFactory.create("b", t, 2.0 * t, 50.0));
    }
    return SparkTestSession.get().createDataFrame(rows, SlidingWindowsTest.SCHEMA);
  }

  private static Scaler fit(String method, String scope) {
    return Scaler.unfitted(method, scope, List.of("v", "c")).fit(data(), "id", "t", ChronologicalSplit.fractions(0.5, 0.2));
  }

  @Test
  void standardPerSeriesUsesOnlyTheFirstHalfOfEachSeries() {
    Scaler s = fit("standard", "per_series");
    // a: v = 0..4 in training -> mean 2, population std sqrt(2); b: c is constant -> scale 1.
    assertEquals((7 - 2) / Math.sqrt(2), s.transform("a", "v", 7), 1e-12);
    assertEquals(0.0, s.transform("b", "c", 50), 1e-12);
    assertEquals(7.0, s.inverse("a", "v", s.transform("a", "v", 7)), 1e-12);
  }

  @Test
  void minMaxPerColumnAndGlobal() {
    Scaler perColumn = fit("min_max", "per_column");
    // v over both series' training rows: a 0..4, b 0..8 -> min 0, max 8.
    assertEquals(0.5, perColumn.transform("any", "v", 4), 1e-12);
    Scaler global = fit("min_max", "global");
    // all training values of v and c: min 0, max 104.
    assertEquals(1.0, global.transform("a", "c", 104), 1e-12);
  }

  @Test
  void unknownMethodsAndUnfittedSeriesAreErrors() {
    assertEquals("scaling.method must be one of [none, standard, min_max, max_abs], got 'robust'", assertThrows(
        IllegalArgumentException.class, () -> Scaler.unfitted("robust", "global", List.of("v"))).getMessage());
    Scaler s = fit("standard", "per_series");
    assertEquals("no scaling fitted for series zz, column v (a series without training rows cannot be scaled per "
        + "series)", assertThrows(IllegalArgumentException.class, () -> s.transform("zz", "v", 1)).getMessage());
  }

  @Test
  void fittingRecordsTheTrainingRangesWhateverTheMethodAndTheFileKeepsThem() {
    Scaler none = fit("none", "per_series");
    // a: v 0..4, c 100..104 in training; b: v 0..8, c 50.
    assertArrayEquals(new double[][] {{0, 4}, {100, 104}}, none.columnRanges("a", List.of("v", "c")));
    assertArrayEquals(new double[][] {{0, 8}, {50, 50}}, none.columnRanges("b", List.of("v", "c")));
    assertEquals(Map.of(), none.params(), "nothing to scale with");
    Scaler global = fit("max_abs", "global");
    assertArrayEquals(new double[][] {{0, 104}, null}, global.columnRanges("a", List.of("v", "t")));
    Scaler read = Scaler.fromJson(Json.parse(Json.write(global.toJson())), "m.sgru");
    assertArrayEquals(new double[][] {{0, 104}}, read.columnRanges("b", List.of("v")));
    Map<String, Object> older = new LinkedHashMap<>(global.toJson());
    older.remove("ranges");
    assertArrayEquals(new double[][] {null}, Scaler.fromJson(older, "old.sgru").columnRanges("a", List.of("v")),
        "a file without ranges: nothing to compare with");
    older.put("ranges", Map.of("*", List.of(5.0, 1.0)));
    assertEquals("old.sgru has no valid stored scaling (training range of * is [5.0, 1.0])", assertThrows(
        IllegalArgumentException.class, () -> Scaler.fromJson(older, "old.sgru")).getMessage());
  }

  @Test
  void aSeriesFittedAloneGetsWhatTheSparkFitGivesIt() {
    List<String> columns = List.of("v", "c");
    for (String method : List.of("standard", "min_max", "max_abs")) {
      Scaler spark = fit(method, "per_series");
      for (String id : List.of("a", "b")) {
        double[][] values = new double[10][];
        long[] times = new long[10];
        for (int t = 0; t < 10; t++) {
          times[t] = t;
          values[t] = id.equals("a") ? new double[] {t, 100.0 + t} : new double[] {2.0 * t, 50.0};
        }
        values[7][0] = Double.NaN;
        Scaler.SeriesFit alone = spark.fitSeries(new Series(id, times, values, false), 0, 5, columns);
        double[][] expected = spark.columnParams(id, columns);
        for (int c = 0; c < 2; c++) {
          assertArrayEquals(expected[c], alone.params()[c], 1e-12, method + " " + id + " " + columns.get(c));
        }
        assertArrayEquals(spark.columnRanges(id, columns), alone.ranges(), method + " " + id);
      }
    }
    Series holes = new Series("h", new long[] {0, 1, 2}, new double[][] {{Double.NaN, 1}, {Double.NaN, 2}, {3, 3}},
        false);
    assertEquals(null, fit("standard", "per_series").fitSeries(holes, 0, 2, columns), "no value of v to fit on");
    assertArrayEquals(new double[][] {{0, 1}, {0, 1}}, fit("none", "per_series").fitSeries(holes, 0, 2, columns).params(),
        "unscaled columns need no value");
  }

  @Test
  void etth1StandardScalingMatchesTheTrainingSplitsStatistics() throws Exception {
    Path file = SharedDatasets.file("etdataset/ETTh1.csv");
    List<String> lines = Files.readAllLines(file);
    double sum = 0;
    double sq = 0;
    for (int i = 1; i <= 8640; i++) {
      double ot = Double.parseDouble(lines.get(i).split(",")[7]);
      sum += ot;
      sq += ot * ot;
    }
    double mean = sum / 8640;
    double std = Math.sqrt(sq / 8640 - mean * mean);
    Dataset<Row> raw = SparkTestSession.get().read().option("header", "true").csv(file.toString())
        .withColumn("series", org.apache.spark.sql.functions.lit("ETTh1"));
    SlidingWindows w = new SlidingWindows("series", "date", new WindowSpec(List.of("OT"), List.of("OT"), 96, 96, 1,
        WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, false));
    Scaler s = Scaler.unfitted("standard", "per_column", List.of("OT"))
        .fit(w.select(raw, "ETTh1.csv"), "series", "date", ChronologicalSplit.rows(8640, 2880, 2880));
    assertEquals(0.0, s.transform("ETTh1", "OT", mean), 1e-9);
    assertEquals(1.0, s.transform("ETTh1", "OT", mean + std), 1e-6);
    Scaler byTime = Scaler.unfitted("standard", "per_column", List.of("OT")).fit(w.select(raw, "ETTh1.csv"), "series",
        "date", new ChronologicalSplit(ChronologicalSplit.Mode.TIMES, ChronologicalSplit.time("t", "2017-06-26"),
            ChronologicalSplit.time("v", "2017-10-24"), ChronologicalSplit.time("e", "2018-02-21")));
    assertEquals(0.0, byTime.transform("ETTh1", "OT", mean), 1e-9, "the first 8,640 hours end at 2017-06-26");
  }
}
