package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.data.Batched;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.data.TimeSteps;
import sparkgru.jobs.data.WindowSpec;

/**
 * The forecasts of one partition's series (rows sorted by series and time), produced lazily in
 * batches of windows so that a partition of millions of series never holds more than a batch of
 * forecasts: either one window at the end of every series ({@link Mode#FUTURE}), every window
 * of the windows' part ({@link Mode#BACKTEST}, every {@code stride} rows of their spec), or the
 * windows of rolling-origin {@link Folds} counted back from the end of every series
 * ({@link Mode#FOLDS}; a fold window that lacks lookback, crosses a time gap or, with
 * {@code data.missing=drop}, touches a missing value is skipped and counted for its fold); a
 * series with more windows than a batch spans several batches.
 *
 * <p>A series the model's per-series scaling does not know is scaled on its own rows instead,
 * fitted as training fits a series: on its whole history for future forecasts, on its training
 * part for backtests (its test part stays unseen). Each series is also checked against what the
 * model saw in training, and counted in the {@link Tally} when its inputs lie more than
 * {@value #OFF_SCALE} times the width of the training values' range outside that range (or,
 * with {@code last} or {@code mean} window normalisation, when one window's inputs span more
 * than that), or when its time step is not one of the training series'.
 */
final class WindowForecasts extends Batched<WindowForecasts.Forecast> {

  /** Which windows to forecast. */
  enum Mode { FUTURE, BACKTEST, FOLDS }

  /**
   * One forecast window.
   *
   * @param series   the series (raw values, cleaned by the missing-value policy)
   * @param scaled   the series' scaled values
   * @param origin   the row of the first forecast step ({@code series.size()} for the future)
   * @param scaledForecast the (point) forecast {@code [horizon][targets]} on the scaled scale
   * @param forecast the (point) forecast {@code [horizon][targets]} on the original scale
   * @param targets  the targets' positions among the series' value columns
   * @param scaling  the series' {shift, scale} per value column
   * @param quantiles the forecast quantiles {@code [horizon][targets][levels]} on the original
   *                 scale, increasing (the point forecast alone without quantiles)
   */
  record Forecast(Series series, double[][] scaled, int origin, double[][] scaledForecast, double[][] forecast,
      int[] targets, double[][] scaling, double[][][] quantiles) {}

  /** Where series that give no window are counted (Spark accumulators in the jobs). */
  interface Tally extends Serializable {
    /** A series was read. */
    void series();

    /** A series gave {@code n} windows. */
    void windows(int n);

    /** A series gave no window: too short, or its windows touch missing values; {@code why} for examples. */
    void skipped(String why);

    /** A series unknown to the model's scaling was scaled on its own rows. */
    void ownScaling(String id);

    /** A series' inputs lie {@code ranges} training ranges outside what the model saw; {@code why} for examples. */
    void offScale(double ranges, String why);

    /** A series' time step is none of the training series'; {@code why} for examples. */
    void offStep(String why);

    /** A series gave no window for fold {@code fold} (1-based) of {@link Mode#FOLDS}; {@code why} for examples. */
    void foldSkipped(int fold, String why);
  }

  /**
   * How far outside the training values, in widths of their range, a series' inputs may lie
   * before it is counted as off the model's scale: far enough that trending data never reaches
   * it, near enough to catch a change of units (x1000, or x10 of a series that varied over its
   * whole range in training).
   */
  static final double OFF_SCALE = 10;

  private final Iterator<Series> series;
  private final SlidingWindows windows;
  private final WindowSpec spec;
  private final Forecaster forecaster;
  private final Mode mode;
  private final Folds folds;
  private final int batch;
  private final Tally tally;
  private final TimeSteps trainedSteps;
  private Series current;
  private double[][] currentScaled;
  private double[][] currentScaling;
  private double[] currentStatics;
  private Iterator<Integer> currentStarts;

  /**
   * @param folds        the folds of {@link Mode#FOLDS}, null for the other modes
   * @param trainedSteps the time steps of the model's training series, null when unknown (no check)
   */
  WindowForecasts(Iterator<Row> rows, boolean dateTimes, SlidingWindows windows, Forecaster forecaster, Mode mode,
      Folds folds, int batch, Tally tally, TimeSteps trainedSteps) {
    if ((mode == Mode.FOLDS) != (folds != null)) {
      throw new IllegalArgumentException("folds are given with Mode.FOLDS and only then, got " + mode + " and "
          + folds);
    }
    this.series = Series.group(rows, windows.spec().valueColumns().size(), dateTimes, windows.spec().frequency(),
        windows.spec().covariates().statics());
    this.windows = windows;
    this.spec = windows.spec();
    this.forecaster = forecaster;
    this.mode = mode;
    this.folds = folds;
    this.batch = batch;
    this.tally = tally;
    this.trainedSteps = trainedSteps;
  }

  @Override
  protected void fill(ArrayDeque<Forecast> ready) {
    List<Series> owners = new ArrayList<>();
    List<double[][]> scalings = new ArrayList<>();
    List<double[][]> scaled = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<double[]> statics = new ArrayList<>();
    while (starts.size() < batch && (current != null || series.hasNext())) {
      if (current == null) {
        Series s = clean(series.next());
        tally.series();
        List<Integer> found = starts(s);
        if (found.isEmpty()) {
          continue;
        }
        Scaler scaler = windows.scaler();
        List<String> columns = spec.valueColumns();
        double[][] trainedRange;
        if (scaler.knows(s.id())) {
          currentScaling = scaler.columnParams(s.id(), columns);
          trainedRange = scaler.columnRanges(s.id(), columns);
        } else {
          int[] rows = mode == Mode.FUTURE ? new int[] {0, history(s)}
              : windows.split().bounds(s, ChronologicalSplit.Part.TRAIN);
          Scaler.SeriesFit own = scaler.fitSeries(s, rows[0], rows[1], columns);
          if (own == null) {
            tally.skipped(s.id() + " (not in the model's training data, and without values in its "
                + (mode == Mode.FUTURE ? "history" : "training part") + " to scale it on)");
            continue;
          }
          tally.ownScaling(s.id());
          currentScaling = own.params();
          trainedRange = own.ranges();
        }
        tally.windows(found.size());
        checkScale(s, found, trainedRange);
        if (trainedSteps != null && s.size() > 1 && !trainedSteps.seen(s.frequency(), s.dateTimes())) {
          tally.offStep(s.id() + " (" + s.frequency().name() + ")");
        }
        current = s;
        currentScaled = Scaler.transform(s, currentScaling);
        currentStatics = spec.covariates().encode(s);
        currentStarts = found.iterator();
      }
      while (starts.size() < batch && currentStarts.hasNext()) {
        owners.add(current);
        scalings.add(currentScaling);
        scaled.add(currentScaled);
        statics.add(currentStatics);
        starts.add(currentStarts.next());
      }
      if (!currentStarts.hasNext()) {
        current = null;
      }
    }
    if (starts.isEmpty()) {
      return;
    }
    int[] st = starts.stream().mapToInt(Integer::intValue).toArray();
    double[][][][] predicted = forecaster.forecast(owners, scaled, statics, st);
    int[] targets = spec.targetIndex();
    int point = spec.pointQuantile();
    for (int i = 0; i < st.length; i++) {
      Series s = owners.get(i);
      double[][] p = scalings.get(i);
      double[][] scaledPoint = new double[spec.horizon()][targets.length];
      double[][] raw = new double[spec.horizon()][targets.length];
      double[][][] levels = new double[spec.horizon()][targets.length][];
      for (int h = 0; h < raw.length; h++) {
        for (int j = 0; j < targets.length; j++) {
          double[] q = predicted[i][h][j];
          levels[h][j] = new double[q.length];
          for (int k = 0; k < q.length; k++) {
            levels[h][j][k] = q[k] * p[targets[j]][1] + p[targets[j]][0];
          }
          scaledPoint[h][j] = q[point];
          raw[h][j] = levels[h][j][point];
        }
      }
      ready.add(new Forecast(s, scaled.get(i), st[i] + spec.lookback(), scaledPoint, raw, targets, p, levels));
    }
  }

  /**
   * Rows of {@code s} that are its history: all of them, but for future forecasts with known-future
   * columns, whose last {@code horizon} rows are the future values (from {@code --future}).
   */
  private int history(Series s) {
    return mode == Mode.FUTURE && !spec.covariates().future().isEmpty() ? s.size() - spec.horizon() : s.size();
  }

  /**
   * The series cleaned by the missing-value policy. Its future rows (see {@link #history}) must
   * follow the history period by period and hold every future column; their other columns, which
   * nothing reads, are set to 0.
   */
  private Series clean(Series raw) {
    int from = history(raw);
    if (from < raw.size()) {
      if (from > 0 && raw.periodsBetween(from) != 1) {
        throw new InvalidInputException("series " + raw.id() + ": its --future rows start at "
            + raw.timeText(raw.times()[from]) + ", " + raw.periodsBetween(from) + " periods of "
            + raw.frequency().name() + " after its history's last time " + raw.timeText(raw.times()[from - 1])
            + "; the future values must be the " + spec.horizon() + " (window.horizon) periods that follow it");
      }
      List<String> columns = spec.valueColumns();
      for (int i = from; i < raw.size(); i++) {
        if (i > from && raw.periodsBetween(i) != 1) {
          throw new InvalidInputException("series " + raw.id() + ": its --future rows skip "
              + "from " + raw.timeText(raw.times()[i - 1]) + " to " + raw.timeText(raw.times()[i]) + "; the future "
              + "values must be the " + spec.horizon() + " (window.horizon) periods that follow its history");
        }
        double[] v = raw.values()[i];
        for (int c = 0; c < v.length; c++) {
          if (!spec.covariates().future().contains(columns.get(c))) {
            v[c] = 0;
          } else if (Double.isNaN(v[c])) {
            throw new InvalidInputException("series " + raw.id() + " has no value of the "
                + "future column '" + columns.get(c) + "' at time " + raw.timeText(raw.times()[i]) + " in the "
                + "--future data; forecasting needs every future column at each of the " + spec.horizon()
                + " periods after the history");
          }
        }
      }
    }
    return windows.cutter().clean(raw);
  }

  /**
   * Counts the series as off the model's scale when the inputs of its windows (starting at
   * {@code starts}, ascending) lie too far outside the {min, max} of each column's training values
   * ({@code trainedRange}, a null entry for a column without one); see {@link #OFF_SCALE}.
   * Per-window standard normalisation puts every window on one scale: nothing to check.
   */
  private void checkScale(Series s, List<Integer> starts, double[][] trainedRange) {
    if (spec.normalization() == WindowSpec.Normalization.STANDARD) {
      return;
    }
    boolean spread = spec.normalization() != WindowSpec.Normalization.NONE;
    double worst = 0;
    String why = null;
    for (int c : spec.inputIndex()) {
      double[] r = trainedRange[c];
      if (r == null || !(r[1] > r[0])) {
        continue;
      }
      double width = r[1] - r[0];
      double low = Double.POSITIVE_INFINITY;
      double high = Double.NEGATIVE_INFINITY;
      double far = 0;
      for (int start : spread ? starts : List.of(starts.get(0))) {
        int to = spread ? start + spec.lookback() : starts.get(starts.size() - 1) + spec.lookback();
        double wLow = Double.POSITIVE_INFINITY;
        double wHigh = Double.NEGATIVE_INFINITY;
        for (int i = start; i < to; i++) {
          double v = s.values()[i][c];
          if (!Double.isNaN(v)) {
            wLow = Math.min(wLow, v);
            wHigh = Math.max(wHigh, v);
          }
        }
        if (wLow > wHigh) {
          continue;
        }
        low = Math.min(low, wLow);
        high = Math.max(high, wHigh);
        far = Math.max(far, spread ? (wHigh - wLow) / width : Math.max(r[0] - wLow, wHigh - r[1]) / width);
      }
      if (far > OFF_SCALE && far > worst) {
        worst = far;
        why = s.id() + " (" + spec.valueColumns().get(c) + ": " + number(low) + " to " + number(high) + " against "
            + number(r[0]) + " to " + number(r[1]) + " in training)";
      }
    }
    if (why != null) {
      tally.offScale(worst, why);
    }
  }

  /** A value for a message: up to 4 significant digits, no exponent for ordinary magnitudes. */
  static String number(double v) {
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /**
   * The window starts of the folds of a series, earliest fold first: each fold's window, unless
   * it lacks lookback, crosses a time gap or (with {@code data.missing=drop}) touches a missing
   * value, which is counted for its fold; a series without any is counted as skipped.
   */
  private List<Integer> foldStarts(Series s, int[] stretches) {
    List<Integer> out = new ArrayList<>();
    int horizon = spec.horizon();
    int lookback = spec.lookback();
    String last = null;
    for (int fold = 1; fold <= folds.count(); fold++) {
      long start = folds.origin(s.size(), horizon, fold) - lookback;
      String why = null;
      if (start < 0) {
        why = "fold " + fold + " needs " + folds.rowsNeeded(lookback, horizon, fold) + " rows";
      } else {
        int st = 0;
        while (stretches[st + 1] <= start) {
          st++;
        }
        if (start + lookback + horizon > stretches[st + 1]) {
          why = "fold " + fold + " crosses a time gap";
        } else if (spec.missing() == WindowSpec.Missing.DROP
            && s.hasMissing((int) start, (int) start + lookback + horizon)) {
          why = "fold " + fold + " has missing values";
        }
      }
      if (why == null) {
        out.add((int) start);
      } else {
        tally.foldSkipped(fold, s.id() + " (" + s.size() + " rows, " + why + ")");
        last = why;
      }
    }
    if (out.isEmpty()) {
      tally.skipped(s.id() + " (" + s.size() + " rows, no fold window: " + last + ")");
    }
    return out;
  }

  /** The window starts of a series, counting a series without any as skipped. */
  private List<Integer> starts(Series s) {
    int[] stretches = s.stretches();
    List<Integer> out = new ArrayList<>();
    if (mode == Mode.FUTURE) {
      int end = history(s);
      int from = 0;
      for (int st = 0; st + 1 < stretches.length && stretches[st] < end; st++) {
        from = stretches[st];
      }
      int start = end - spec.lookback();
      if (start < from) {
        tally.skipped(s.id() + " (" + (end - from) + " rows" + (from > 0 ? " since its last time gap" : "")
            + ", lookback " + spec.lookback() + ")");
        return out;
      }
      if (spec.missing() == WindowSpec.Missing.DROP && s.hasMissing(start, end)) {
        tally.skipped(s.id() + " (missing values in its last " + spec.lookback() + " rows)");
        return out;
      }
      out.add(start);
      return out;
    }
    if (mode == Mode.FOLDS) {
      return foldStarts(s, stretches);
    }
    int[] bounds = windows.split().bounds(s, windows.part());
    for (int st = 0; st + 1 < stretches.length; st++) {
      for (int start : windows.cutter().starts(stretches[st], stretches[st + 1], bounds, spec.horizon(),
          spec.stride())) {
        if (spec.missing() != WindowSpec.Missing.DROP
            || !s.hasMissing(start, start + spec.lookback() + spec.horizon())) {
          out.add(start);
        }
      }
    }
    if (out.isEmpty()) {
      String gap = firstGap(s, Math.max(1, bounds[0] - spec.lookback() + 1), bounds[1]);
      tally.skipped(s.id() + " (" + s.size() + " rows, test part " + (bounds[1] - bounds[0]) + ", no complete test "
          + "window of horizon " + spec.horizon() + (gap == null ? "" : "; " + gap) + ")");
    }
    return out;
  }

  /** The first time gap between rows {@code [from - 1, to)}, as a message names it, or null when there is none. */
  private static String firstGap(Series s, int from, int to) {
    for (int i = from; i < Math.min(to, s.size()); i++) {
      long periods = s.periodsBetween(i);
      if (periods != 1) {
        return "its times jump from " + s.timeText(s.times()[i - 1]) + " to " + s.timeText(s.times()[i]) + ", "
            + periods + " periods of " + s.frequency().name() + ", where a window needs consecutive periods";
      }
    }
    return null;
  }
}
