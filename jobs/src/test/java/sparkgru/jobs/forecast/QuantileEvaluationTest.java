package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.io.Json;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.train.TrainJob;

/**
 * A model trained with {@code train.quantiles=0.1,0.5,0.9} on monthly series, evaluated on its
 * test part, against actuals and on folds: each protocol scores its quantiles beside the seasonal
 * naive interval on the console and in the JSON report, and no window's quantiles cross.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuantileEvaluationTest {
  /** The console's intervals table: its title and header. */
  private static final String INTERVALS = "intervals (quantiles 0.1, 0.5, 0.9):\n"
      + "forecaster             spl        wql     cov_80   width_80\n";

  @TempDir
  static Path dir;
  private TrainedModel model;

  private static double value(int series, int t) {
    return 100 * (series + 1) + 10 * Math.sin(2 * Math.PI * t / 12) + 0.5 * t + 3 * Math.sin(1.7 * t * (series + 1));
  }

  /** Month ends of series m0..m3, {@code months} from {@code first}, the series' row index continuing from {@code t0}. */
  private static Path months(String name, LocalDate first, int t0, int months) throws Exception {
    List<String> rows = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      for (int t = 0; t < months; t++) {
        LocalDate d = first.plusMonths(t);
        rows.add("m" + s + "," + d.withDayOfMonth(d.lengthOfMonth()) + ","
            + String.format(Locale.ROOT, "%.4f", value(s, t0 + t)));
      }
    }
    Path file = dir.resolve(name);
    Files.writeString(file, "series_id,timestamp,value\n" + String.join("\n", rows) + "\n");
    return file;
  }

  @BeforeAll
  void trainAQuantileModel() throws Exception {
    Path data = months("history.csv", LocalDate.of(2016, 1, 31), 0, 72);
    TrainJob.run(SparkTestSession.get(), JobConfig.of("data.source=csv", "data.format=long",
        "data.path=" + data.toUri(), "data.feature_columns=value", "data.target_columns=value",
        "window.lookback=12", "window.horizon=4", "window.normalization=last", "split.train=0.75",
        "split.validation=0", "split.test=0.25", "model.layer.0.units=8", "train.epochs=2", "train.batch_size=16",
        "train.partitions=2", "train.quantiles=0.1,0.5,0.9", "evaluate.season=12", "output.progress=false",
        "output.model=" + dir.resolve("q.sgru").toUri(), "output.metrics=" + dir.resolve("q.jsonl").toUri()),
        new PrintWriter(new StringWriter()));
    model = TrainedModel.read(dir.resolve("q.sgru").toUri().toString(), List.of(),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  /** Evaluates with the given protocol; returns the console and checks the report's intervals. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> evaluate(String name, String actuals, Folds folds, StringWriter console)
      throws Exception {
    Path json = dir.resolve(name + ".json");
    Path png = dir.resolve(name + ".png");
    EvaluateJob.run(SparkTestSession.get(), model, actuals, folds, json.toUri().toString(), png.toUri().toString(),
        new PrintWriter(console));
    assertTrue(Files.size(png) > 1000);
    Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(json));
    assertEquals(List.of(0.1, 0.5, 0.9), report.get("quantiles"));
    checkIntervals((Map<String, Object>) report.get("intervals"));
    assertTrue(console.toString().contains(INTERVALS), console.toString());
    assertTrue(console.toString().contains("\nmodel          "), console.toString());
    assertTrue(console.toString().contains("\nseasonal_naive "), console.toString());
    return report;
  }

  @SuppressWarnings("unchecked")
  private static void checkIntervals(Map<String, Object> intervals) {
    assertEquals(List.of("model", "seasonal_naive"), List.copyOf(intervals.keySet()));
    Map<String, Object> m = (Map<String, Object>) intervals.get("model");
    Map<String, Object> b = (Map<String, Object>) intervals.get("seasonal_naive");
    double coverage = ((Number) m.get("coverage_80")).doubleValue();
    assertTrue(coverage >= 0 && coverage <= 1, "coverage_80 " + coverage);
    assertTrue(((Number) m.get("width_80")).doubleValue() >= 0, "quantiles that do not cross: " + m);
    assertTrue(Double.isFinite(((Number) m.get("spl")).doubleValue()), m.toString());
    assertTrue(Double.isFinite(((Number) b.get("spl")).doubleValue()), b.toString());
    assertEquals(0.0, ((Number) b.get("windows_without_quantiles")).doubleValue(), b.toString());
  }

  @Test
  void theTestPartScoresTheQuantilesBesideTheBaselineInterval() throws Exception {
    StringWriter console = new StringWriter();
    Map<String, Object> report = evaluate("test-part", null, null, console);
    // 4 series, test part 18 months: 15 windows of 4 months each.
    assertEquals(60L, ((Number) report.get("windows")).longValue());
    assertTrue(console.toString().indexOf(INTERVALS) > console.toString().indexOf("mase"),
        "after the point metrics: " + console);
  }

  @Test
  void actualsAndFoldsScoreTheQuantilesToo() throws Exception {
    Path follow = months("follow.csv", LocalDate.of(2022, 1, 31), 72, 4);
    Map<String, Object> actuals = evaluate("actuals", follow.toUri().toString(), null, new StringWriter());
    assertEquals(4L, ((Number) actuals.get("windows")).longValue());

    Map<String, Object> folds = evaluate("folds", null, new Folds(2, 4), new StringWriter());
    for (Object fold : (List<?>) folds.get("folds")) {
      checkIntervals(cast(((Map<?, ?>) fold).get("intervals")));
    }
    checkIntervals(cast(((Map<?, ?>) folds.get("overall")).get("intervals")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void noWindowsQuantilesCross() {
    SeriesSource.Table table = model.config().seriesSource().read(SparkTestSession.get());
    SlidingWindows windows = new SlidingWindows(table.series(), table.time(), model.evaluationWindows(),
        model.config().split(), ChronologicalSplit.Part.TEST, model.scaler());
    Dataset<Row> typed = windows.select(table.rows(), table.origin());
    Iterator<Row> rows = windows.sorted(typed, 1).collect().iterator();
    WindowForecasts forecasts = new WindowForecasts(rows, windows.typedDateTimes(typed), windows, model.forecaster(),
        WindowForecasts.Mode.BACKTEST, null, 16, new Uncounted(), null);
    int checked = 0;
    while (forecasts.hasNext()) {
      double[][][] q = forecasts.next().quantiles();
      for (double[][] step : q) {
        for (double[] levels : step) {
          assertEquals(3, levels.length);
          assertTrue(levels[0] <= levels[1] && levels[1] <= levels[2], Arrays.toString(levels));
        }
      }
      checked++;
    }
    assertEquals(60, checked);
  }

  /** A tally that counts nothing. */
  private static final class Uncounted implements WindowForecasts.Tally {
    private static final long serialVersionUID = 1L;

    @Override
    public void series() {}

    @Override
    public void windows(int n) {}

    @Override
    public void skipped(String why) {}

    @Override
    public void ownScaling(String id) {}

    @Override
    public void offScale(double ranges, String why) {}

    @Override
    public void offStep(String why) {}

    @Override
    public void foldSkipped(int fold, String why) {}
  }
}
