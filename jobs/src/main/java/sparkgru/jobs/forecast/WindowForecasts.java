package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import sparkgru.jobs.data.Batched;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.data.WindowSpec;

/**
 * The forecasts of one partition's series (rows sorted by series and time), produced lazily in
 * batches of windows so that a partition of millions of series never holds more than a batch of
 * forecasts: either one window at the end of every series ({@link Mode#FUTURE}) or every window
 * of the windows' part ({@link Mode#BACKTEST}, every {@code stride} rows of their spec); a series
 * with more windows than a batch spans several batches.
 */
final class WindowForecasts extends Batched<WindowForecasts.Forecast> {

  /** Which windows to forecast. */
  enum Mode { FUTURE, BACKTEST }

  /**
   * One forecast window.
   *
   * @param series   the series (raw values, cleaned by the missing-value policy)
   * @param scaled   the series' scaled values
   * @param origin   the row of the first forecast step ({@code series.size()} for the future)
   * @param scaledForecast the forecast {@code [horizon][targets]} on the scaled scale
   * @param forecast the forecast {@code [horizon][targets]} on the original scale
   * @param targets  the targets' positions among the series' value columns
   * @param scaling  the series' {shift, scale} per value column
   */
  record Forecast(Series series, double[][] scaled, int origin, double[][] scaledForecast, double[][] forecast,
      int[] targets, double[][] scaling) {}

  /** Where series that give no window are counted (Spark accumulators in the jobs). */
  interface Tally extends Serializable {
    /** A series was read. */
    void series();

    /** A series gave {@code n} windows. */
    void windows(int n);

    /** A series gave no window: too short, or its windows touch missing values; {@code why} for examples. */
    void skipped(String why);
  }

  private final Iterator<Series> series;
  private final SlidingWindows windows;
  private final WindowSpec spec;
  private final Forecaster forecaster;
  private final Mode mode;
  private final int batch;
  private final Tally tally;
  private Series current;
  private double[][] currentScaled;
  private double[][] currentScaling;
  private Iterator<Integer> currentStarts;

  WindowForecasts(Iterator<Row> rows, boolean dateTimes, SlidingWindows windows, Forecaster forecaster, Mode mode,
      int batch, Tally tally) {
    this.series = Series.group(rows, windows.spec().valueColumns().size(), dateTimes);
    this.windows = windows;
    this.spec = windows.spec();
    this.forecaster = forecaster;
    this.mode = mode;
    this.batch = batch;
    this.tally = tally;
  }

  @Override
  protected void fill(ArrayDeque<Forecast> ready) {
    List<Series> owners = new ArrayList<>();
    List<double[][]> scalings = new ArrayList<>();
    List<double[][]> scaled = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    while (starts.size() < batch && (current != null || series.hasNext())) {
      if (current == null) {
        Series s = windows.cutter().clean(series.next());
        tally.series();
        List<Integer> found = starts(s);
        if (found.isEmpty()) {
          continue;
        }
        tally.windows(found.size());
        current = s;
        currentScaled = windows.scaler().transform(s, spec.valueColumns());
        currentScaling = windows.scaler().columnParams(s.id(), spec.valueColumns());
        currentStarts = found.iterator();
      }
      while (starts.size() < batch && currentStarts.hasNext()) {
        owners.add(current);
        scalings.add(currentScaling);
        scaled.add(currentScaled);
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
    double[][][] predicted = forecaster.forecast(scaled, st);
    int[] targets = spec.targetIndex();
    for (int i = 0; i < st.length; i++) {
      Series s = owners.get(i);
      double[][] p = scalings.get(i);
      double[][] raw = new double[spec.horizon()][targets.length];
      for (int h = 0; h < raw.length; h++) {
        for (int j = 0; j < targets.length; j++) {
          raw[h][j] = predicted[i][h][j] * p[targets[j]][1] + p[targets[j]][0];
        }
      }
      ready.add(new Forecast(s, scaled.get(i), st[i] + spec.lookback(), predicted[i], raw, targets, p));
    }
  }

  /** The window starts of a series, counting a series without any as skipped. */
  private List<Integer> starts(Series s) {
    int[] stretches = s.stretches();
    List<Integer> out = new ArrayList<>();
    if (mode == Mode.FUTURE) {
      int from = stretches[stretches.length - 2];
      int start = s.size() - spec.lookback();
      if (start < from) {
        tally.skipped(s.id() + " (" + (s.size() - from) + " rows" + (from > 0 ? " since its last time gap" : "")
            + ", lookback " + spec.lookback() + ")");
        return out;
      }
      if (spec.missing() == WindowSpec.Missing.DROP && s.hasMissing(start, s.size())) {
        tally.skipped(s.id() + " (missing values in its last " + spec.lookback() + " rows)");
        return out;
      }
      out.add(start);
      return out;
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
      tally.skipped(s.id() + " (" + s.size() + " rows, test part " + (bounds[1] - bounds[0]) + ", no complete test "
          + "window of horizon " + spec.horizon() + ")");
    }
    return out;
  }
}
