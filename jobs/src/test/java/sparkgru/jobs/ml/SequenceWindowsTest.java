package sparkgru.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import sparkgru.jobs.SparkTestSession;

/** Windows cut by the train job's rules: gaps, duplicate times, missing values, forecast windows. */
class SequenceWindowsTest {
  private static final StructType SCHEMA = new StructType().add("series_id", DataTypes.StringType)
      .add("timestamp", DataTypes.LongType).add("value", DataTypes.DoubleType);

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  /** Series {@code id} at each time, value = time (null where {@code missingAt}). */
  private static List<Row> rows(String id, long[] times, long missingAt) {
    List<Row> out = new ArrayList<>();
    for (long t : times) {
      out.add(RowFactory.create(id, t, t == missingAt ? null : (double) t));
    }
    return out;
  }

  private static long[] range(long from, long to) {
    long[] out = new long[(int) (to - from)];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private static SequenceWindows windows() {
    return new SequenceWindows().setInputCol("value").setLookback(3).setHorizon(1).setStride(1);
  }

  /** The window's inputs (here the times themselves) by window id. */
  private static Map<String, List<Double>> inputs(Dataset<Row> windows) {
    Map<String, List<Double>> out = new TreeMap<>();
    for (Row r : windows.collectAsList()) {
      List<Double> steps = new ArrayList<>();
      for (Object v : r.getList(r.fieldIndex("features"))) {
        steps.add(((Vector) v).apply(0));
      }
      out.put(r.getAs("window_id"), steps);
    }
    return out;
  }

  @Test
  void windowsNeverCrossATimeGap() {
    List<Row> rows = new ArrayList<>(rows("a", range(0, 10), -1));
    rows.addAll(rows("a", range(12, 21), -1));
    Dataset<Row> data = spark().createDataFrame(rows, SCHEMA);
    Dataset<Row> out = windows().transform(data);
    Map<String, List<Double>> got = inputs(out);
    assertEquals(7 + 6, got.size(), "rows 0-9 hold 7 windows of 3 + 1, rows 12-20 hold 6");
    assertEquals(List.of(6.0, 7.0, 8.0), got.get("a@8"), "the last window before the gap");
    assertEquals(List.of(12.0, 13.0, 14.0), got.get("a@14"));
    for (Row r : out.collectAsList()) {
      assertEquals(r.<Long>getAs("timestamp") + 1, r.<Long>getAs("forecast_time"));
      assertEquals((double) r.<Long>getAs("forecast_time"), r.<Double>getAs("label"));
    }

    // Rows dropped at random (as a tuning split drops them) leave holes that no window spans.
    Dataset<Row> sampled = spark().createDataFrame(rows("b", range(0, 400), -1), SCHEMA).sample(0.8, 5);
    Map<String, List<Double>> holes = inputs(windows().transform(sampled));
    assertTrue(holes.size() > 20, "windows between the holes: " + holes.size());
    for (List<Double> w : holes.values()) {
      assertEquals(List.of(w.get(0), w.get(0) + 1, w.get(0) + 2), w);
    }
  }

  @Test
  void missingValuesFailOrAreForwardFilledOrDropTheirWindowsAsDataMissingSays() {
    Dataset<Row> data = spark().createDataFrame(rows("a", range(0, 10), 4), SCHEMA);
    Exception e = assertThrows(Exception.class, () -> windows().transform(data).collectAsList());
    assertEquals("series a has a missing value in column 'value' at time 4 (row 5 of the series); set data.missing "
        + "to forward_fill or drop, or clean the data", GruEstimatorTest.userMessage(e));

    Map<String, List<Double>> filled = inputs(windows().setMissing("forward_fill").transform(data));
    assertEquals(7, filled.size());
    assertEquals(List.of(3.0, 3.0, 5.0), filled.get("a@5"));

    Map<String, List<Double>> dropped = inputs(windows().setMissing("drop").transform(data));
    assertEquals(List.of("a@2", "a@7", "a@8"), List.copyOf(dropped.keySet()), "the windows touching time 4 left out");

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> windows().setMissing("interpolate"));
    assertEquals("SequenceWindows param missing must be one of [error, forward_fill, drop], got 'interpolate'",
        bad.getMessage());
  }

  @Test
  void duplicateNullAndFractionalTimesNullSeriesAndRaggedStepsFailNamingTheRow() {
    List<Row> rows = new ArrayList<>(rows("a", range(0, 6), -1));
    rows.add(RowFactory.create("a", 3L, 30.0));
    Exception e = assertThrows(Exception.class, () -> windows().transform(spark().createDataFrame(rows, SCHEMA))
        .collectAsList());
    assertEquals("series a has two rows at time 3; each series needs one row per time",
        GruEstimatorTest.userMessage(e));

    List<Row> noSeries = new ArrayList<>(rows("a", range(0, 6), -1));
    noSeries.add(RowFactory.create(null, 9L, 1.0));
    e = assertThrows(Exception.class, () -> windows().transform(spark().createDataFrame(noSeries, SCHEMA))
        .collectAsList());
    assertEquals("a row has a null series id; every row needs one", GruEstimatorTest.userMessage(e));
    List<Row> noTime = new ArrayList<>(rows("a", range(0, 6), -1));
    noTime.add(RowFactory.create("a", null, 1.0));
    e = assertThrows(Exception.class, () -> windows().transform(spark().createDataFrame(noTime, SCHEMA))
        .collectAsList());
    assertEquals("series a has a row with a null time", GruEstimatorTest.userMessage(e));

    StructType vectors = new StructType().add("series_id", DataTypes.StringType).add("timestamp", DataTypes.LongType)
        .add("x", SQLDataTypes.VectorType()).add("value", DataTypes.DoubleType);
    List<Row> ragged = new ArrayList<>();
    for (long t = 0; t < 6; t++) {
      ragged.add(RowFactory.create("a", t, t == 3 ? Vectors.dense(1) : Vectors.dense(1, 2), 1.0));
    }
    e = assertThrows(Exception.class, () -> windows().setInputCol("x").transform(spark().createDataFrame(ragged,
        vectors)).collectAsList());
    assertEquals("column 'x' has 1 values in series a at time 3 but 2 elsewhere; every step needs the same width",
        GruEstimatorTest.userMessage(e));

    StructType fractional = new StructType().add("series_id", DataTypes.StringType)
        .add("timestamp", DataTypes.DoubleType).add("value", DataTypes.DoubleType);
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> windows().transformSchema(fractional));
    assertEquals("SequenceWindows param timeCol: column 'timestamp' has type double; expected whole numbers, a date "
        + "or a timestamp", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class, () -> windows().setForecastTimeCol("timestamp")
        .transformSchema(SCHEMA));
    assertEquals("SequenceWindows: seriesCol, timeCol, forecastTimeCol, windowIdCol, outputCol and labelCol must be "
        + "six different names, got [series_id, timestamp, timestamp, window_id, features, label]", bad.getMessage());
  }

  @Test
  void forecastWindowsAreEachSeriesLastLookbackRowsWithTheNextTime() {
    StructType schema = new StructType().add("series_id", DataTypes.IntegerType)
        .add("timestamp", DataTypes.TimestampType).add("value", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    Instant start = Instant.parse("2016-07-01T00:00:00Z");
    for (int s = 1; s <= 2; s++) {
      for (int h = 0; h < 5 + s; h++) {
        rows.add(RowFactory.create(s, Timestamp.from(start.plusSeconds(3600L * h)), s * 100.0 + h));
      }
    }
    Dataset<Row> data = spark().createDataFrame(rows, schema);
    Dataset<Row> forecast = windows().setEmit("forecast").transform(data);
    assertEquals(DataTypes.IntegerType, forecast.schema().apply("series_id").dataType(), "the series' type kept");
    assertEquals(DataTypes.TimestampType, forecast.schema().apply("forecast_time").dataType());
    List<Row> got = forecast.orderBy("series_id").collectAsList();
    assertEquals(2, got.size(), "one forecast window per series");
    for (Row r : got) {
      int s = r.getInt(0);
      assertNull(r.getAs("label"));
      assertEquals(Timestamp.from(start.plusSeconds(3600L * (5 + s))), r.getAs("forecast_time"));
      assertEquals(s + "@2016-07-01 0" + (4 + s) + ":00:00", r.getAs("window_id"));
      assertEquals(List.of(s * 100.0 + 2 + s, s * 100.0 + 3 + s, s * 100.0 + 4 + s), inputs(forecast.filter(
          col("series_id").equalTo(s))).values().iterator().next());
    }
    assertEquals(3 + 4 + 2, windows().setEmit("both").transform(data).count(), "training windows and forecasts");

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> windows().setEmit("future"));
    assertEquals("SequenceWindows param emit must be one of [training, forecast, both], got 'future'",
        bad.getMessage());
  }

  @Test
  void monthlyDatesStepByMonthAndANamedFrequencyIsChecked() {
    StructType dates = new StructType().add("series_id", DataTypes.StringType).add("timestamp", DataTypes.DateType)
        .add("value", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int m = 0; m < 8; m++) {
      java.time.LocalDate d = java.time.LocalDate.of(2024, 1, 31).plusMonths(m);
      rows.add(RowFactory.create("a", java.sql.Date.valueOf(d.withDayOfMonth(d.lengthOfMonth())), (double) m));
    }
    Dataset<Row> data = spark().createDataFrame(rows, dates);
    assertEquals(8 - 3, windows().transform(data).count(), "month ends of 28 to 31 days are one step each");
    Dataset<Row> forecast = windows().setEmit("forecast").transform(data);
    assertEquals("2024-09-30", String.valueOf(forecast.first().<Object>getAs("forecast_time")),
        "the month end after August");
    assertEquals(0, windows().setFrequency("MS").transform(spark().createDataFrame(rows.subList(0, 0), dates))
        .count());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> windows().setFrequency("monthly"));
    assertEquals("SequenceWindows param frequency: data.frequency must be auto or a pandas frequency such as 15min, "
        + "h, D, B, W-SUN, MS, ME, QS, QE, YS, YE (optionally with a multiple, e.g. 2h, 3MS), or a whole number (the "
        + "step) for numeric times; got 'monthly'", bad.getMessage());
  }
}
