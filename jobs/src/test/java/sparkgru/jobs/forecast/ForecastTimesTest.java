package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * The times a forecast writes, end to end on local Spark: sub-second steps keep their precision,
 * and a time written with an offset ({@code +02:00}, {@code Z}) comes back with that offset in a
 * CSV forecast, so that no reader takes a UTC wall clock for the series' own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForecastTimesTest {
  private static final int ROWS = 41;
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  @TempDir
  static Path dir;
  private TrainedModel model;

  /**
   * Four series of 41 rows: "quarter" every 250 ms from 2024-01-01 00:00:00.250, and hourly from
   * 2016-07-01 00:00 "paris" at +02:00, "utc" with a Z and "plain" without a zone.
   */
  private static String data() {
    Map<String, IntFunction<String>> times = new TreeMap<>();
    LocalDateTime quarter = LocalDateTime.of(2024, 1, 1, 0, 0, 0, 250_000_000);
    LocalDateTime hour = LocalDateTime.of(2016, 7, 1, 0, 0);
    times.put("quarter", i -> quarter.plus(Duration.ofMillis(250L * i)).format(MILLIS));
    times.put("paris", i -> hour.plusHours(i).format(SECONDS) + "+02:00");
    times.put("utc", i -> hour.plusHours(i).format(SECONDS) + "Z");
    times.put("plain", i -> hour.plusHours(i).format(SECONDS).replace('T', ' '));
    StringBuilder csv = new StringBuilder("id,ts,v\n");
    times.forEach((id, time) -> {
      for (int i = 0; i < ROWS; i++) {
        csv.append(id).append(',').append(time.apply(i)).append(',')
            .append(String.format(Locale.ROOT, "%.4f", Math.sin(i / 3.0) + id.length())).append('\n');
      }
    });
    return csv.toString();
  }

  @BeforeAll
  void trainOnce() throws Exception {
    Path csv = Files.writeString(dir.resolve("times.csv"), data());
    List<String> config = List.of("data.source=csv", "data.format=long", "data.path=" + csv.toUri(),
        "data.series_column=id", "data.time_column=ts", "data.feature_columns=v", "data.target_columns=v",
        "window.lookback=4", "window.horizon=3", "split.train=0.7", "split.validation=0.1", "split.test=0.2",
        "scaling.method=standard", "scaling.scope=per_series", "model.layer.0.units=4", "train.epochs=1",
        "train.batch_size=8", "train.partitions=1", "output.model=" + dir.resolve("out/model.sgru").toUri(),
        "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri());
    TrainJob.run(SparkTestSession.get(), JobConfig.of(config.toArray(new String[0])), new PrintWriter(new StringWriter()));
    model = TrainedModel.read(dir.resolve("out/model.sgru").toUri().toString(), List.of(),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  /** Runs the forecast job into {@code name} under the test's directory. */
  private String forecast(String name, boolean backtest) {
    String out = dir.resolve(name).toUri().toString();
    ForecastJob.run(SparkTestSession.get(), model, out, backtest, false, new PrintWriter(new StringWriter()));
    return out;
  }

  /** The lines of a CSV output whose series is {@code id}, in time order, with only the columns before the values. */
  private static List<String> lines(Path csv, String id, int columns) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(csv)) {
      String[] cells = line.split(",");
      if (cells[0].equals(id)) {
        out.add(String.join(",", List.of(cells).subList(0, columns)));
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void quarterSecondStepsForecastAtTheLastTimePlusEachStep() throws Exception {
    forecast("future.csv", false);
    // The last row is at 00:00:10.250; a time on a whole second is written without a fraction.
    assertEquals(List.of("quarter,2024-01-01 00:00:10.500", "quarter,2024-01-01 00:00:10.750",
        "quarter,2024-01-01 00:00:11"), lines(dir.resolve("future.csv"), "quarter", 2));
    List<Instant> times = new ArrayList<>();
    for (Row r : SparkTestSession.get().read().parquet(forecast("future.parquet", false)).where("id = 'quarter'")
        .orderBy("ts").collectAsList()) {
      times.add(r.getTimestamp(1).toInstant());
    }
    Instant last = Instant.parse("2024-01-01T00:00:10.250Z");
    assertEquals(List.of(last.plusMillis(250), last.plusMillis(500), last.plusMillis(750)), times);
  }

  @Test
  void offsetsWrittenInTheInputAreKeptOnTheForecastTimes() throws Exception {
    forecast("zones.csv", false);
    Path csv = dir.resolve("zones.csv");
    assertEquals(List.of("paris,2016-07-02T17:00:00+02:00", "paris,2016-07-02T18:00:00+02:00",
        "paris,2016-07-02T19:00:00+02:00"), lines(csv, "paris", 2));
    assertEquals(List.of("utc,2016-07-02T17:00:00Z", "utc,2016-07-02T18:00:00Z", "utc,2016-07-02T19:00:00Z"),
        lines(csv, "utc", 2));
    assertEquals(List.of("plain,2016-07-02 17:00:00", "plain,2016-07-02 18:00:00", "plain,2016-07-02 19:00:00"),
        lines(csv, "plain", 2));
    // Parquet holds instants: 17:00 at +02:00 is 15:00 UTC.
    Row first = SparkTestSession.get().read().parquet(forecast("zones.parquet", false)).where("id = 'paris'")
        .orderBy("ts").first();
    assertEquals(Instant.parse("2016-07-02T15:00:00Z"), first.getTimestamp(1).toInstant());
  }

  @Test
  void backtestOriginsAndTimesKeepTheOffsetToo() throws Exception {
    forecast("backtest.csv", true);
    List<String> paris = lines(dir.resolve("backtest.csv"), "paris", 4);
    assertEquals("paris,2016-07-02T13:00:00+02:00,1,2016-07-02T14:00:00+02:00", paris.get(paris.size() - 3));
    List<String> quarter = lines(dir.resolve("backtest.csv"), "quarter", 4);
    assertEquals("quarter,2024-01-01 00:00:09.500,1,2024-01-01 00:00:09.750", quarter.get(quarter.size() - 3));
  }
}
