package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * Monthly and business-day series in long-format CSV with ISO dates, trained, forecast and
 * evaluated with no conversion: months of 28 to 31 days are one step each, forecast dates
 * continue the calendar (month ends through a leap February, business days over weekends), a
 * missing month is a gap, and actuals that do not follow the history are refused by name.
 */
class CalendarDataTest {
  @TempDir
  static Path dir;

  private static double value(int series, int t) {
    return 100 * (series + 1) + 10 * Math.sin(2 * Math.PI * t / 12) + 0.5 * t;
  }

  /** Monthly series m0..m5 of 96 month ends from January 2016; m5 misses June 2018. */
  private static Path monthEnds(String name, LocalDate first, int months, boolean skip) throws Exception {
    List<String> rows = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      for (int t = 0; t < months; t++) {
        LocalDate d = first.plusMonths(t);
        d = d.withDayOfMonth(d.lengthOfMonth());
        if (skip && s == 5 && d.getYear() == 2018 && d.getMonthValue() == 6) {
          continue;
        }
        rows.add("m" + s + "," + d + "," + String.format(Locale.ROOT, "%.4f", value(s, t)));
      }
    }
    Path file = dir.resolve(name);
    Files.writeString(file, "series_id,timestamp,value\n" + String.join("\n", rows) + "\n");
    return file;
  }

  private static List<String> config(Path data, String out, String... more) {
    List<String> c = new ArrayList<>(List.of("data.source=csv", "data.format=long", "data.path=" + data.toUri(),
        "data.feature_columns=value", "data.target_columns=value", "window.lookback=12", "window.horizon=4",
        "window.normalization=last", "split.train=0.75", "split.validation=0", "split.test=0.25",
        "model.layer.0.units=8", "train.epochs=2", "train.batch_size=16", "train.partitions=2",
        "evaluate.season=12", "output.progress=false",
        "output.model=" + dir.resolve(out + "/model.sgru").toUri(),
        "output.metrics=" + dir.resolve(out + "/metrics.jsonl").toUri()));
    c.addAll(List.of(more));
    return c;
  }

  private static String train(List<String> config) {
    StringWriter out = new StringWriter();
    TrainJob.run(SparkTestSession.get(), JobConfig.of(config.toArray(new String[0])), new PrintWriter(out));
    return out.toString();
  }

  private static TrainedModel model(String out, String... sets) {
    return TrainedModel.read(dir.resolve(out + "/model.sgru").toUri().toString(), List.of(sets),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  /** The forecast file's rows by series: the time column of each. */
  private static Map<String, List<String>> forecastTimes(Path csv) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] f = line.split(",");
      out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
    }
    return out;
  }

  @Test
  void monthEndSeriesTrainForecastAndEvaluateWithTheirDates() throws Exception {
    Path data = monthEnds("monthly.csv", LocalDate.of(2016, 1, 31), 96, true);
    String log = train(config(data, "monthly"));
    assertTrue(log.contains("(frequency ME), 1 time gaps in 1 series, which windows do not cross, e.g. m5 (1 gap, "
        + "after 2018-05-31 00:00:00: 1 periods of ME missing)"), log);
    Path out = dir.resolve("monthly-forecast.csv");
    ForecastJob.run(SparkTestSession.get(), model("monthly"), out.toUri().toString(), false, false,
        new PrintWriter(new StringWriter()));
    // The last row is December 2023; the forecast runs through the leap February of 2024.
    List<String> expected = List.of("2024-01-31 00:00:00", "2024-02-29 00:00:00", "2024-03-31 00:00:00",
        "2024-04-30 00:00:00");
    Map<String, List<String>> times = forecastTimes(out);
    assertEquals(6, times.size());
    times.values().forEach(t -> assertEquals(expected, t));

    StringWriter evaluation = new StringWriter();
    EvaluateJob.Report report = EvaluateJob.run(SparkTestSession.get(), model("monthly"), null, null, null, null,
        new PrintWriter(evaluation));
    // Test part: the last 24 months; windows of 4 forecast months start at each of the first 21.
    assertEquals(6 * 21, report.evaluation().windows(), evaluation.toString());
    assertTrue(report.evaluation().results().get("model").get("mae_raw") < 15, evaluation.toString());
  }

  @Test
  void actualsThatDoNotFollowTheHistoryAreRefusedByName() throws Exception {
    Path history = monthEnds("history.csv", LocalDate.of(2016, 1, 31), 96, false);
    train(config(history, "m4like"));
    Path follow = monthEnds("follow.csv", LocalDate.of(2024, 1, 31), 4, false);
    EvaluateJob.Report report = EvaluateJob.run(SparkTestSession.get(), model("m4like"), follow.toUri().toString(), null,
        null, null, new PrintWriter(new StringWriter()));
    assertEquals(6, report.evaluation().windows(), "one window per series, against its 4 actual months");

    Path overlap = monthEnds("overlap.csv", LocalDate.of(2023, 12, 31), 4, false);
    Map<String, String> before = NoPartialOutput.snapshot(dir);
    String json = dir.resolve("refused.json").toUri().toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvaluateJob.run(
        SparkTestSession.get(), model("m4like"), overlap.toUri().toString(), null, json, null,
        new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().matches("series m\\d has an actual at time 2023-12-31 00:00:00 in "
        + java.util.regex.Pattern.quote(overlap.toUri().toString()) + ", and its history runs to 2023-12-31 "
        + "00:00:00; the actuals must be the 4 \\(window.horizon\\) periods that follow each series' history"),
        e.getMessage());
    NoPartialOutput.assertUnchanged(dir, before, "evaluation against overlapping actuals");

    Path late = monthEnds("late.csv", LocalDate.of(2024, 3, 31), 4, false);
    e = assertThrows(IllegalArgumentException.class, () -> EvaluateJob.run(SparkTestSession.get(),
        model("m4like"), late.toUri().toString(), null, null, null, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("its times jump from 2023-12-31 00:00:00 to 2024-03-31 00:00:00, 3 periods of "
        + "ME, where a window needs consecutive periods"), e.getMessage());
  }

  @Test
  void businessDaySeriesForecastOverTheWeekend() throws Exception {
    List<String> rows = new ArrayList<>();
    LocalDate d = LocalDate.of(2024, 1, 1);
    for (int t = 0; t < 120; d = d.plusDays(1)) {
      if (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
        continue;
      }
      for (int s = 0; s < 3; s++) {
        rows.add("b" + s + "," + d + "," + String.format(Locale.ROOT, "%.4f", value(s, t)));
      }
      t++;
    }
    Path data = dir.resolve("business.csv");
    Files.writeString(data, "series_id,timestamp,value\n" + String.join("\n", rows) + "\n");
    String log = train(config(data, "business"));
    assertTrue(log.contains("(frequency B)") && !log.contains("time gaps"), log);
    Path out = dir.resolve("business-forecast.csv");
    ForecastJob.run(SparkTestSession.get(), model("business"), out.toUri().toString(), false, false,
        new PrintWriter(new StringWriter()));
    // 120 business days from Monday 2024-01-01 end on Friday 2024-06-14.
    assertEquals(List.of("2024-06-17 00:00:00", "2024-06-18 00:00:00", "2024-06-19 00:00:00", "2024-06-20 00:00:00"),
        forecastTimes(out).get("b0"));
    assertFalse(log.contains("series too short"), log);
  }
}
