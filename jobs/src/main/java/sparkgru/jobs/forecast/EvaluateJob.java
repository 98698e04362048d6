package sparkgru.jobs.forecast;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag$;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.data.WindowSpec;
import sparkgru.jobs.io.AtomicFiles;
import sparkgru.jobs.io.RunFailedException;
import sparkgru.jobs.spark.SparkJobs;

/**
 * The evaluate job: forecasts every test window (the test part of each series, every
 * {@code evaluate.stride} rows), or the windows of rolling-origin {@link Folds} counted back
 * from the end of every series (StatsForecast's {@code cross_validation} without refitting), or,
 * given a file of actuals, the {@code horizon} steps after the end of every series against those
 * actuals (the M4 protocol); scores the model and the naive, seasonal naive and mean baselines
 * with {@link ForecastMetrics}, over all windows and, with folds, fold by fold, in one pass over
 * the series whose sums are merged; a model that forecasts quantiles is also scored with
 * {@link IntervalMetrics} beside the seasonal naive baseline interval (see {@link Evaluation});
 * prints a table (and the intervals' table) and optionally writes a JSON report and a PNG report
 * (loss curves, the folds' MAE and a few windows, with their forecast quantiles' range).
 */
public final class EvaluateJob {
  /** The metrics shown in the console table, in order. */
  private static final List<String> SHOWN = List.of("mse", "mae", "mse_raw", "mae_raw", "rmse_raw", "mape", "smape",
      "mase", "rse", "corr");

  /**
   * What a run found.
   *
   * @param evaluation the sums and samples
   * @param report     the JSON report's content
   */
  public record Report(Evaluation evaluation, Map<String, Object> report) {}

  private EvaluateJob() {}

  /**
   * Evaluates {@code model} on its configured data's test part, on the windows of {@code folds}
   * (null for none), or against {@code actuals} (a file in the data's layout holding exactly
   * {@code horizon} rows after every series; null for none); writes {@code reportPath} (JSON) and
   * {@code plotPath} (PNG) when not null.
   */
  public static Report run(SparkSession spark, TrainedModel model, String actuals, Folds folds, String reportPath,
      String plotPath, PrintWriter out) {
    if (actuals != null && folds != null) {
      throw new IllegalArgumentException("folds are scored on the model's data, not against actuals");
    }
    SparkJobs.label(spark.sparkContext(), "evaluate", actuals != null ? "the forecasts against the actuals"
        : folds != null ? "the model and the baselines on " + folds.count() + " folds"
        : "the model and the baselines on the test windows");
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (String p : new String[] {reportPath, plotPath}) {
      if (p != null) {
        AtomicFiles.prepare(p, p.equals(reportPath) ? "--report" : "--plot", hadoop);
      }
    }
    JobConfig config = model.config();
    WindowSpec spec = model.evaluationWindows();
    SeriesSource source = config.seriesSource();
    SeriesSource.Table table = source.read(spark);
    ChronologicalSplit split = config.split();
    SlidingWindows windows = new SlidingWindows(table.series(), table.time(), spec, split,
        ChronologicalSplit.Part.TEST, model.scaler());
    Dataset<Row> typed = windows.select(table.rows(), table.origin());
    String protocol = folds != null
        ? folds.count() + " folds of " + spec.horizon() + " steps, every " + folds.step() + " rows, back from the end "
            + "of each series"
        : "test part (split." + split.mode().name().toLowerCase(Locale.ROOT) + "), every " + spec.stride() + " rows";
    if (actuals != null) {
      SeriesSource actualSource = new SeriesSource(source.input().at(actuals), source.format(), source.seriesColumn(),
          source.timeColumn(), source.seriesName(), source.naValues(), 0, 2, 0);
      SeriesSource.Table actualTable = actualSource.read(spark);
      Dataset<Row> future = windows.select(actualTable.rows(), actuals);
      boolean rowOrder = source.format().equals("m4") || (source.format().equals("wide") && source.timeColumn().isBlank());
      typed = appendActuals(typed, future, table, spec.horizon(), rowOrder, actuals);
      split = ChronologicalSplit.lastRows(0, spec.horizon());
      windows = new SlidingWindows(table.series(), table.time(), spec.withStride(spec.horizon()), split,
          ChronologicalSplit.Part.TEST, model.scaler());
      protocol = "the " + spec.horizon() + " steps after each series, against " + actuals;
    }
    out.println("spark-gru evaluate: " + model.name() + " on " + table.origin() + ": " + protocol);
    out.flush();
    SparkTally tally = new SparkTally(spark.sparkContext());
    Evaluation evaluation;
    try {
      evaluation = evaluate(spark, model, typed, windows, folds, config.get(Settings.EVALUATE_SEASON),
          config.evaluationSteps(), tally);
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
    if (!tally.describeSkipped().isEmpty()) {
      out.println(tally.describeSkipped());
    }
    if (!tally.describeFoldsSkipped().isEmpty()) {
      out.println(tally.describeFoldsSkipped());
    }
    tally.describeChecks("their own training part", model.steps()).forEach(out::println);
    if (evaluation.windows() == 0 && folds != null) {
      throw new InvalidInputException("no fold window in " + table.origin() + " (" + tally.seriesCount()
          + " series): the latest fold needs window.lookback + window.horizon = " + spec.lookback() + " + "
          + spec.horizon() + " rows at the end of a series, without a time gap"
          + (tally.describeSkipped().isEmpty() ? "" : "; " + tally.describeSkipped()));
    }
    if (evaluation.windows() == 0) {
      throw new InvalidInputException("no test window in " + table.origin() + " (" + tally.seriesCount()
          + " series): each series' test part must hold window.horizon = " + spec.horizon() + " rows"
          + (tally.describeSkipped().isEmpty() ? "" : "; " + tally.describeSkipped()));
    }
    if (folds != null) {
      out.println("over all folds:");
    }
    out.print(table(evaluation));
    out.print(intervalTable(evaluation));
    if (folds != null) {
      out.print(foldTable(evaluation));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", model.name());
    report.put("data", table.origin());
    report.put("protocol", protocol);
    report.put("windows", evaluation.windows());
    report.put("series", tally.seriesCount() - tally.skippedCount());
    report.put("series_without_window", tally.skippedCount());
    report.put("series_scaled_on_own_rows", tally.ownScalingCount());
    report.put("series_off_scale", tally.offScaleCount());
    report.put("series_off_time_step", tally.offStepCount());
    report.put("lookback", spec.lookback());
    report.put("horizon", spec.horizon());
    int[] steps = config.evaluationSteps();
    report.put("steps_scored", steps == null ? "all" : Arrays.stream(steps).map(x -> x + 1).boxed().toList());
    report.put("season", config.get(Settings.EVALUATE_SEASON));
    report.put("metrics", json(evaluation.results()));
    if (!evaluation.intervals().isEmpty()) {
      report.put("quantiles", Arrays.stream(evaluation.levels()).boxed().toList());
      report.put("intervals", json(evaluation.intervals()));
    }
    if (folds != null) {
      report.put("fold_step", folds.step());
      List<Map<String, Object>> byFold = new ArrayList<>();
      long skipped = 0;
      for (Evaluation.Fold f : evaluation.folds()) {
        Map<String, Object> fold = new LinkedHashMap<>();
        fold.put("fold", f.fold());
        fold.put("cutoff", f.latestCutoff());
        fold.put("earliest_cutoff", f.earliestCutoff());
        fold.put("windows", f.windows());
        fold.put("windows_skipped", f.skipped());
        fold.put("metrics", json(f.results()));
        if (!f.intervals().isEmpty()) {
          fold.put("intervals", json(f.intervals()));
        }
        byFold.add(fold);
        skipped += f.skipped();
      }
      report.put("folds", byFold);
      Map<String, Object> overall = new LinkedHashMap<>();
      overall.put("windows", evaluation.windows());
      overall.put("windows_skipped", skipped);
      overall.put("metrics", json(evaluation.results()));
      if (!evaluation.intervals().isEmpty()) {
        overall.put("intervals", json(evaluation.intervals()));
      }
      report.put("overall", overall);
    }
    report.put("created", Instant.now().toString());
    if (reportPath != null) {
      AtomicFiles.write(new Path(reportPath), hadoop, (Json.write(report) + "\n").getBytes(StandardCharsets.UTF_8));
      out.println("report written to " + reportPath);
    }
    if (plotPath != null) {
      AtomicFiles.write(new Path(plotPath), hadoop, plot(model, evaluation, "spark-gru evaluate: " + model.name()));
      out.println("plot written to " + plotPath);
    }
    out.flush();
    return new Report(evaluation, report);
  }

  /** Each forecaster's metrics for JSON: non-finite values as null. */
  private static Map<String, Object> json(Map<String, Map<String, Double>> results) {
    Map<String, Object> metrics = new LinkedHashMap<>();
    results.forEach((name, values) -> {
      Map<String, Object> finite = new LinkedHashMap<>();
      values.forEach((k, v) -> finite.put(k, Double.isFinite(v) ? v : null));
      metrics.put(name, finite);
    });
    return metrics;
  }

  /**
   * Scores {@code model} (and the baselines) on every window of {@code part} of its configured
   * data, e.g. the validation part right after training ({@link #table} prints it).
   */
  public static Evaluation backtest(SparkSession spark, TrainedModel model, ChronologicalSplit.Part part) {
    JobConfig config = model.config();
    SeriesSource.Table table = config.seriesSource().read(spark);
    SlidingWindows windows = new SlidingWindows(table.series(), table.time(), model.evaluationWindows(),
        config.split(), part, model.scaler());
    SparkTally tally = new SparkTally(spark.sparkContext());
    Evaluation e;
    try {
      e = evaluate(spark, model, windows.select(table.rows(), table.origin()), windows, null,
          config.get(Settings.EVALUATE_SEASON), config.evaluationSteps(), tally);
    } catch (Exception ex) {
      throw DataErrors.rethrow(ex);
    }
    return e;
  }

  /**
   * Forecasts and scores every window {@code windows} selects in typed rows, or the windows of
   * {@code folds} when not null, on the executors, the model and the windows (with their scaler)
   * shipped once per executor.
   */
  static Evaluation evaluate(SparkSession spark, TrainedModel model, Dataset<Row> typed, SlidingWindows windows,
      Folds folds, int season, int[] steps, SparkTally tally) {
    int partitions = Math.max(spark.sparkContext().defaultParallelism(), typed.rdd().getNumPartitions());
    Broadcast<TrainedModel> shipped = spark.sparkContext().broadcast(model,
        ClassTag$.MODULE$.apply(TrainedModel.class));
    WindowSpec spec = windows.spec();
    ChronologicalSplit split = windows.split();
    int batch = model.config().get(Settings.FORECAST_BATCH_SIZE);
    boolean dateTimes = windows.typedDateTimes(typed);
    Broadcast<SlidingWindows> shippedWindows = spark.sparkContext().broadcast(windows,
        ClassTag$.MODULE$.apply(SlidingWindows.class));
    try {
      return windows.sorted(typed, partitions).mapPartitions(part -> {
        SlidingWindows w = shippedWindows.value();
        Evaluation e = new Evaluation(spec, season, steps, split, folds);
        WindowForecasts forecasts = new WindowForecasts(part, dateTimes, w, shipped.value().forecaster(),
            folds == null ? WindowForecasts.Mode.BACKTEST : WindowForecasts.Mode.FOLDS, folds, batch,
            tally.countingFolds(e::skipped), shipped.value().steps());
        while (forecasts.hasNext()) {
          WindowForecasts.Forecast f = forecasts.next();
          e.add(f.series(), f.scaled(), f.origin(), f.scaledForecast(), f.forecast(), f.quantiles(), f.scaling());
        }
        return List.of(e).iterator();
      }, true).collect().stream().reduce(Evaluation::merge).orElseThrow();
    } finally {
      shipped.destroy();
      shippedWindows.destroy();
    }
  }

  /**
   * History rows and the actuals that follow them as one table: every series needs exactly
   * {@code horizon} actual rows; actuals whose steps come from row order (m4, wide without a time
   * column) count from 0 again, so they are moved to follow the series' last step.
   */
  private static Dataset<Row> appendActuals(Dataset<Row> history, Dataset<Row> future, SeriesSource.Table table,
      int horizon, boolean rowOrder, String origin) {
    String series = table.series();
    FutureRows.Words words = new FutureRows.Words("actuals", "actual rows", "an actual", "in " + origin,
        "the actuals must be");
    FutureRows.requireCounts(history, future, series, horizon, words);
    if (!rowOrder) {
      FutureRows.requireAfter(history, future, series, table.time(), horizon, words);
    }
    Dataset<Row> moved = future;
    if (rowOrder) {
      String time = table.time();
      Dataset<Row> lengths = history.groupBy(col(series)).agg(count(lit(1)).as("_n"));
      Dataset<Row> shifted = future.join(lengths, future.col(series).equalTo(lengths.col(series)))
          .withColumn("_t", future.col(time).plus(col("_n")));
      List<Column> cols = new ArrayList<>();
      for (String c : history.columns()) {
        cols.add(c.equals(time) ? col("_t").as(time) : c.equals(series) ? future.col(series) : future.col(c));
      }
      moved = shifted.select(cols.toArray(new Column[0]));
    }
    return history.unionByName(moved);
  }

  /** The console table: one row per forecaster, the {@link #SHOWN} metrics. */
  public static String table(Evaluation evaluation) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-15s", "forecaster"));
    SHOWN.forEach(m -> b.append(String.format(Locale.ROOT, " %10s", m)));
    b.append('\n');
    evaluation.results().forEach((name, values) -> {
      b.append(String.format(Locale.ROOT, "%-15s", name));
      SHOWN.forEach(m -> b.append(String.format(Locale.ROOT, " %10s", format(values.get(m)))));
      b.append('\n');
    });
    return b.toString();
  }

  /**
   * The console table of the interval metrics, for a model that forecasts quantiles (empty
   * otherwise): a line naming the levels, then one row per forecaster (the model, the seasonal
   * naive baseline interval) with {@code spl}, {@code wql}, each central interval's coverage
   * ({@code cov_<p>} for {@code coverage_<p>}) and width, and {@code msis} when scored.
   */
  public static String intervalTable(Evaluation evaluation) {
    Map<String, Map<String, Double>> intervals = evaluation.intervals();
    if (intervals.isEmpty()) {
      return "";
    }
    List<String> shown = intervals.get("model").keySet().stream()
        .filter(m -> !m.equals("values") && !m.equals("windows_left_out")).toList();
    StringBuilder b = new StringBuilder("intervals (quantiles " + Arrays.stream(evaluation.levels())
        .mapToObj(EvaluateJob::level).collect(Collectors.joining(", ")) + "):\n");
    b.append(String.format(Locale.ROOT, "%-15s", "forecaster"));
    shown.forEach(m -> b.append(String.format(Locale.ROOT, " %10s", m.replace("coverage_", "cov_"))));
    b.append('\n');
    intervals.forEach((name, values) -> {
      b.append(String.format(Locale.ROOT, "%-15s", name));
      shown.forEach(m -> b.append(String.format(Locale.ROOT, " %10s", format(values.get(m)))));
      b.append('\n');
    });
    return b.toString();
  }

  /** A quantile level as written in the config: 0.1, 0.025. */
  private static String level(double q) {
    return BigDecimal.valueOf(q).stripTrailingZeros().toPlainString();
  }

  /**
   * The console table of the folds: one row per fold with its latest cutoff (the last lookback
   * row of the series that ends last), its windows, its skipped windows and each forecaster's
   * {@code mae_raw}.
   */
  public static String foldTable(Evaluation evaluation) {
    StringBuilder b = new StringBuilder("by fold, mae_raw:\n");
    b.append(String.format(Locale.ROOT, "%5s  %-25s %9s %9s", "fold", "cutoff", "windows", "skipped"));
    List<String> names = List.copyOf(evaluation.results().keySet());
    names.forEach(n -> b.append(String.format(Locale.ROOT, " %14s", n)));
    b.append('\n');
    for (Evaluation.Fold f : evaluation.folds()) {
      b.append(String.format(Locale.ROOT, "%5d  %-25s %9d %9d", f.fold(), f.latestCutoff() == null ? "-"
          : f.latestCutoff(), f.windows(), f.skipped()));
      names.forEach(n -> b.append(String.format(Locale.ROOT, " %14s", format(f.results().get(n).get("mae_raw")))));
      b.append('\n');
    }
    return b.toString();
  }

  private static String format(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return "-";
    }
    double a = Math.abs(v);
    return a != 0 && (a < 1e-3 || a >= 1e6) ? String.format(Locale.ROOT, "%.3e", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  /**
   * The PNG report: the model's loss curves, with folds the MAE (original scale) of the model and
   * of the seasonal naive baseline (the naive one when the lookback is shorter than a season) by
   * fold, and the evaluation's sample windows, shaded between the lowest and the highest forecast
   * quantile for a model that forecasts quantiles.
   *
   * @throws RunFailedException when Java cannot draw (no fonts), naming the fix
   */
  public static byte[] plot(TrainedModel model, Evaluation evaluation, String title) {
    List<ForecastReport.LinePlot> lines = new ArrayList<>();
    List<Evaluation.Fold> folds = evaluation.folds();
    if (!folds.isEmpty()) {
      double[] x = new double[folds.size()];
      Map<String, double[]> mae = new LinkedHashMap<>();
      String baseline = evaluation.results().containsKey("seasonal_naive") ? "seasonal_naive" : "naive";
      for (String name : List.of("model", baseline)) {
        double[] y = new double[folds.size()];
        for (int i = 0; i < y.length; i++) {
          x[i] = folds.get(i).fold();
          y[i] = folds.get(i).results().get(name).get("mae_raw");
        }
        mae.put(name, y);
      }
      lines.add(new ForecastReport.LinePlot("mae_raw by fold", "fold", x, mae));
    }
    List<ForecastReport.SeriesPlot> plots = new ArrayList<>();
    for (Evaluation.Sample s : evaluation.samples()) {
      int lookback = s.history().length;
      double[] hx = new double[lookback];
      double[] fx = new double[s.forecast().length];
      // x: steps relative to the first forecast step, so that every chart reads the same way.
      for (int i = 0; i < lookback; i++) {
        hx[i] = i - lookback;
      }
      for (int i = 0; i < fx.length; i++) {
        fx[i] = i;
      }
      plots.add(new ForecastReport.SeriesPlot(s.series() + " (" + model.spec().targets().get(0) + ")", hx,
          s.history(), fx, s.forecast(), s.actual(), s.lower(), s.upper()));
    }
    try {
      return ForecastReport.png(title, model.history(), lines, plots, 1400,
          300 * (2 + (lines.size() + plots.size() + 1) / 2));
    } catch (RuntimeException | LinkageError | InternalError e) {
      // Headless Java draws text through fontconfig: a machine without any font fails here.
      throw new RunFailedException("cannot draw the PNG report (" + e + "); Java needs fontconfig and a font to "
          + "draw text: apt-get install -y fontconfig fonts-dejavu-core", e);
    }
  }
}
