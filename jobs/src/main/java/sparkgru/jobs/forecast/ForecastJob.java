package sparkgru.jobs.forecast;

import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.reflect.ClassTag$;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.data.Batched;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.io.TableOutput;
import sparkgru.jobs.data.WindowSpec;
import sparkgru.jobs.spark.SparkJobs;

/**
 * The forecast job: reads series laid out as the model's training data, and writes, on the
 * original scale, the next {@code horizon} values of every series after its last row
 * ({@code series, time, targets...}), or with {@code backtest} the forecast of every test window
 * next to the actual values ({@code series, origin, horizon_step, time, targets...,
 * <target>_actual...}, {@code origin} being the time of the window's last input; every
 * {@code evaluate.stride} rows). Future times continue the series' step from its last row.
 * Date-times keep their precision and, in a CSV output, are written as {@link Series#timeText}
 * writes them: {@code 2016-07-01 03:00:00} (UTC) for a series whose times had no offset,
 * {@code 2016-07-01T03:00:00+02:00} at the offset of its last row otherwise, with fractions of a
 * second only when a time has them; a Parquet output or a table holds timestamps (instants).
 * Distributed: each partition forecasts its series in batches; the driver only counts. Nothing is
 * written unless every series was read and some forecast ({@link TableOutput}).
 */
public final class ForecastJob {
  /**
   * What a run wrote.
   *
   * @param series  series read
   * @param skipped series without a window to forecast
   * @param rows    rows written
   */
  public record Result(long series, long skipped, long rows) {}

  private ForecastJob() {}

  /** Forecasts with {@code model} into the path {@code output}, printing a summary to {@code out}. */
  public static Result run(SparkSession spark, TrainedModel model, String output, boolean backtest, boolean overwrite,
      PrintWriter out) {
    return run(spark, model, TableOutput.Target.path(output, overwrite), backtest, null, out);
  }

  /**
   * Forecasts with {@code model} into {@code target}, printing a summary to {@code out};
   * {@code future} is the input of the known-future columns' values over the horizon (null for
   * none), which a model trained with {@code data.future_columns} needs for future forecasts.
   */
  public static Result run(SparkSession spark, TrainedModel model, TableOutput.Target target, boolean backtest,
      String future, PrintWriter out) {
    WindowSpec spec = model.evaluationWindows();
    requireFuture(spec, backtest, future);
    SparkJobs.label(spark.sparkContext(), "forecast",
        backtest ? "backtesting the test windows" : "forecasting every series");
    TableOutput.prepare(spark, target);
    String output = target.location();
    JobConfig config = model.config();
    SeriesSource source = config.seriesSource();
    SeriesSource.Table table = source.read(spark);
    SlidingWindows windows = new SlidingWindows(table.series(), table.time(), spec, config.split(),
        ChronologicalSplit.Part.TEST, model.scaler());
    Dataset<Row> typed = windows.select(table.rows(), table.origin());
    if (future != null) {
      SeriesSource.Table known = new SeriesSource(source.input().at(future), source.format(), source.seriesColumn(),
          source.timeColumn(), source.seriesName(), source.naValues(), 0, 2, 0).read(spark);
      String what = "--future " + future;
      Dataset<Row> rows = FutureRows.complete(known.rows(), table.rows(), table.series(), spec.valueColumns(),
          spec.covariates().statics());
      Dataset<Row> following = windows.select(rows, what);
      FutureRows.Words words = new FutureRows.Words("rows", "rows", "a row", "in " + what, what + " must hold");
      FutureRows.requireCounts(typed, following, table.series(), spec.horizon(), words);
      FutureRows.requireAfter(typed, following, table.series(), table.time(), spec.horizon(), words);
      typed = typed.unionByName(following);
    }
    boolean dateTimes = windows.typedDateTimes(typed);
    TimeKind times = !dateTimes ? TimeKind.NUMBER : target.csv() ? TimeKind.TEXT : TimeKind.TIMESTAMP;
    int partitions = Math.max(spark.sparkContext().defaultParallelism(), typed.rdd().getNumPartitions());
    SparkTally tally = new SparkTally(spark.sparkContext());
    Broadcast<TrainedModel> shipped = spark.sparkContext().broadcast(model,
        ClassTag$.MODULE$.apply(TrainedModel.class));
    WindowForecasts.Mode mode = backtest ? WindowForecasts.Mode.BACKTEST : WindowForecasts.Mode.FUTURE;
    int batch = config.get(Settings.FORECAST_BATCH_SIZE);
    Broadcast<SlidingWindows> shippedWindows = spark.sparkContext().broadcast(windows,
        ClassTag$.MODULE$.apply(SlidingWindows.class));
    JavaRDD<Row> rows = windows.sorted(typed, partitions).mapPartitions(part -> {
      Iterator<WindowForecasts.Forecast> forecasts = new WindowForecasts(part, dateTimes, shippedWindows.value(),
          shipped.value().forecaster(), mode, null, batch, tally, shipped.value().steps());
      return new FlatRows(forecasts, spec.horizon(), backtest, !spec.quantiles().isEmpty(), times);
    }, true);
    StructType schema = schema(table, spec, backtest, times);
    out.println("spark-gru forecast: " + model.name() + " on " + table.origin() + " -> " + output + (backtest
        ? " (backtest: every test window)" : " (the next " + spec.horizon() + " steps of every series)"));
    out.flush();
    try {
      TableOutput.write(spark.createDataFrame(rows, schema), target, () -> {
        if (tally.seriesCount() == tally.skippedCount()) {
          throw new InvalidInputException("no series of " + table.origin() + " could be forecast ("
              + tally.seriesCount() + " series)" + (tally.describeSkipped().isEmpty() ? ""
              : ": " + tally.describeSkipped()) + "; nothing was written");
        }
      });
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    } finally {
      shipped.destroy();
      shippedWindows.destroy();
    }
    long forecastSeries = tally.seriesCount() - tally.skippedCount();
    if (!tally.describeSkipped().isEmpty()) {
      out.println(tally.describeSkipped());
    }
    tally.describeChecks(backtest ? "their own training part" : "their own history", model.steps())
        .forEach(out::println);
    long written = tally.windowCount() * spec.horizon();
    out.println("forecast " + tally.windowCount() + " windows of " + forecastSeries + " series (" + written
        + " rows), written to " + output);
    out.flush();
    return new Result(tally.seriesCount(), tally.skippedCount(), written);
  }

  /**
   * Checks that {@code future} is given exactly when it is needed: future forecasts of a model
   * with known-future columns.
   */
  public static void requireFuture(WindowSpec spec, boolean backtest, String future) {
    List<String> known = spec.covariates().future();
    if (future != null && backtest) {
      throw new InvalidInputException("--future gives the known-future values after each series' end, and --backtest "
          + "forecasts windows inside the data, which holds them; leave out one of the two");
    }
    if (future != null && known.isEmpty()) {
      throw new InvalidInputException("--future gives known-future values, and the model was trained without "
          + "data.future_columns; leave --future out");
    }
    if (future == null && !backtest && !known.isEmpty()) {
      throw new InvalidInputException("the model reads the known-future columns " + known + " over the horizon; "
          + "give their values for the " + spec.horizon() + " periods after each series' history with --future PATH "
          + "(laid out as the data: series, time and " + String.join(", ", known) + ")");
    }
  }

  /** The output column of target {@code target}'s quantile {@code level}: {@code value_q0.1}. */
  static String quantileColumn(String target, double level) {
    return target + "_q" + new java.math.BigDecimal(Double.toString(level)).stripTrailingZeros().toPlainString();
  }

  /** How the output holds times. */
  private enum TimeKind {
    /** Numbers as the input's. */
    NUMBER,
    /** Timestamps (instants), for Parquet. */
    TIMESTAMP,
    /** Text as {@link Series#timeText} writes it, for CSV, where a timestamp would lose the offset. */
    TEXT
  }

  private static StructType schema(SeriesSource.Table table, WindowSpec spec, boolean backtest, TimeKind times) {
    var timeType = switch (times) {
      case NUMBER -> DataTypes.LongType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case TEXT -> DataTypes.StringType;
    };
    StructType s = new StructType().add(table.series(), DataTypes.StringType, false);
    if (backtest) {
      s = s.add("origin", timeType, false).add("horizon_step", DataTypes.IntegerType, false);
    }
    s = s.add(table.time(), timeType, false);
    for (String t : spec.targets()) {
      s = s.add(t, DataTypes.DoubleType, false);
      for (double q : spec.quantiles()) {
        s = s.add(quantileColumn(t, q), DataTypes.DoubleType, false);
      }
    }
    if (backtest) {
      for (String t : spec.targets()) {
        s = s.add(t + "_actual", DataTypes.DoubleType, true);
      }
    }
    return s;
  }

  /** The output rows of forecast windows, {@code horizon} per window. */
  private static final class FlatRows extends Batched<Row> {
    private final Iterator<WindowForecasts.Forecast> forecasts;
    private final int horizon;
    private final boolean backtest;
    private final boolean quantiles;
    private final TimeKind timeKind;

    FlatRows(Iterator<WindowForecasts.Forecast> forecasts, int horizon, boolean backtest, boolean quantiles,
        TimeKind timeKind) {
      this.quantiles = quantiles;
      this.forecasts = forecasts;
      this.horizon = horizon;
      this.backtest = backtest;
      this.timeKind = timeKind;
    }

    @Override
    protected void fill(ArrayDeque<Row> pending) {
      if (!forecasts.hasNext()) {
        return;
      }
      WindowForecasts.Forecast f = forecasts.next();
      long[] times = f.series().times();
      int k = f.forecast()[0].length;
      for (int h = 0; h < horizon; h++) {
        int row = f.origin() + h;
        long t = f.series().time(row);
        List<Object> v = new ArrayList<>();
        v.add(f.series().id());
        if (backtest) {
          v.add(time(f.series(), times[f.origin() - 1]));
          v.add(h + 1);
        }
        v.add(time(f.series(), t));
        for (int j = 0; j < k; j++) {
          v.add(f.forecast()[h][j]);
          if (quantiles) {
            for (double q : f.quantiles()[h][j]) {
              v.add(q);
            }
          }
        }
        if (backtest) {
          int[] targets = f.targets();
          for (int j = 0; j < k; j++) {
            double a = f.series().values()[row][targets[j]];
            v.add(Double.isNaN(a) ? null : a);
          }
        }
        pending.add(RowFactory.create(v.toArray()));
      }
    }

    private Object time(Series s, long t) {
      return switch (timeKind) {
        case NUMBER -> t;
        case TIMESTAMP -> Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(t, Series.MICROS_PER_SECOND),
            Math.floorMod(t, Series.MICROS_PER_SECOND) * 1000));
        case TEXT -> s.timeText(t);
      };
    }
  }
}
