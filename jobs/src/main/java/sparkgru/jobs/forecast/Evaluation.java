package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.WindowSpec;

/**
 * What the evaluate job adds up over test windows: the model's {@link ForecastMetrics} beside
 * three baselines computed from the same windows' inputs, and the first few windows to plot;
 * with {@link Folds}, the same sums for each fold as well (a window's fold follows from its
 * origin and its series' length), with the fold's windows, skipped windows and cutoffs.
 * Baselines, for the forecast following row {@code o} with lookback {@code L}: {@code naive}
 * repeats the last input {@code y[o-1]}; {@code seasonal_naive} repeats the last season,
 * {@code y[o - m + (h mod m)]} at step {@code h} (needs {@code L >= m}); {@code mean} repeats
 * the mean of the {@code L} inputs.
 *
 * <p>For a model that forecasts quantiles ({@link WindowSpec#quantiles()} not empty), the point
 * metrics score its point forecast (the median, or the level nearest it) and
 * {@link IntervalMetrics} score its quantiles beside those of the {@code seasonal_naive}
 * baseline interval of {@link BaselineIntervals} at the same levels (when the lookback covers a
 * season, as the point baseline): the seasonal naive forecast plus the empirical quantiles of its
 * residuals on the series' training rows, the rows MASE's scale is taken on, computed once per
 * series. A window whose baseline quantiles are unknown at a scored step (a step's lag longer
 * than the training rows allow) is left out of the baseline's interval metrics and counted in its
 * {@code windows_without_quantiles}.
 */
public final class Evaluation implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Windows kept for the report's plots. */
  public static final int SAMPLES = 4;

  /**
   * One window to plot (first target column, original scale).
   *
   * @param series   series id
   * @param times    times of the lookback rows, then of the forecast rows
   * @param history  the lookback values
   * @param forecast the forecast
   * @param actual   the actual values
   * @param lower    the lowest forecast quantile, null for a point forecast
   * @param upper    the highest forecast quantile, null for a point forecast
   */
  public record Sample(String series, long[] times, double[] history, double[] forecast, double[] actual,
      double[] lower, double[] upper) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * One fold's results.
   *
   * @param fold           the fold, 1 the earliest
   * @param earliestCutoff the earliest series' cutoff (the time of a window's last lookback row,
   *                       as its series writes times), null without windows
   * @param latestCutoff   the latest series' cutoff; the same as the earliest when the series end together
   * @param windows        windows scored
   * @param skipped        windows skipped: too little lookback, a time gap or missing values
   * @param results        the metrics of each forecaster, model first
   * @param intervals      the interval metrics of the model and the baseline interval; empty for point forecasts
   */
  public record Fold(int fold, String earliestCutoff, String latestCutoff, long windows, long skipped,
      Map<String, Map<String, Double>> results, Map<String, Map<String, Double>> intervals) {}

  /** The interval sums of one forecaster, and the windows it gave no quantiles for. */
  private static final class IntervalSums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final IntervalMetrics metrics;
    private long withoutQuantiles;

    private IntervalSums(IntervalMetrics metrics) {
      this.metrics = metrics;
    }

    private void merge(IntervalSums o) {
      metrics.merge(o.metrics);
      withoutQuantiles += o.withoutQuantiles;
    }

    private Map<String, Double> values(boolean baseline) {
      Map<String, Double> out = metrics.values();
      if (baseline) {
        out.put("windows_without_quantiles", (double) withoutQuantiles);
      }
      return out;
    }
  }

  /** The sums of one fold. */
  private static final class FoldSums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, ForecastMetrics> metrics = new LinkedHashMap<>();
    private final Map<String, IntervalSums> intervals = new LinkedHashMap<>();
    private long windows;
    private long skipped;
    private long earliest = Long.MAX_VALUE;
    private long latest = Long.MIN_VALUE;
    private String earliestText;
    private String latestText;

    private void cutoff(long time, String text) {
      if (time < earliest) {
        earliest = time;
        earliestText = text;
      }
      if (time > latest) {
        latest = time;
        latestText = text;
      }
    }

    private void merge(FoldSums o) {
      metrics.forEach((name, m) -> m.merge(o.metrics.get(name)));
      intervals.forEach((name, m) -> m.merge(o.intervals.get(name)));
      windows += o.windows;
      skipped += o.skipped;
      if (o.windows > 0) {
        cutoff(o.earliest, o.earliestText);
        cutoff(o.latest, o.latestText);
      }
    }
  }

  private final WindowSpec spec;
  private final int season;
  private final int[] steps;
  private final ChronologicalSplit split;
  private final Folds folds;
  private final FoldSums[] byFold;
  private final Map<String, ForecastMetrics> metrics = new LinkedHashMap<>();
  /** The quantile levels forecast, empty for point forecasts. */
  private final double[] levels;
  private final Map<String, IntervalSums> intervals = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private long windows;
  private transient String cachedSeries;
  private transient double[] cachedScale;
  /** The cached series' target columns, {@code [targets][rows]}, with quantiles. */
  private transient double[][] cachedColumns;
  /** The cached series' baseline quantile offsets, {@code [targets][horizon][levels]}. */
  private transient double[][][] cachedOffsets;

  /**
   * @param season the season m of seasonal naive and MASE, in [1, 100000]
   * @param steps  the horizon steps scored, 0-based (all when null)
   * @param split  the split whose training rows give MASE's in-sample scale
   * @param folds  the folds whose windows are added, to sum each fold apart; null for none
   */
  public Evaluation(WindowSpec spec, int season, int[] steps, ChronologicalSplit split, Folds folds) {
    this.spec = spec;
    this.season = season;
    this.steps = steps == null ? IntStream.range(0, spec.horizon()).toArray() : steps.clone();
    this.split = split;
    this.folds = folds;
    this.byFold = new FoldSums[folds == null ? 0 : folds.count()];
    for (int i = 0; i < byFold.length; i++) {
      byFold[i] = new FoldSums();
    }
    int targets = spec.targets().size();
    List<String> names = names(spec, season);
    for (String name : names) {
      metrics.put(name, new ForecastMetrics(targets));
      for (FoldSums f : byFold) {
        f.metrics.put(name, new ForecastMetrics(targets));
      }
    }
    this.levels = spec.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
    if (levels.length > 0) {
      for (String name : names) {
        if (name.equals("model") || name.equals("seasonal_naive")) {
          intervals.put(name, new IntervalSums(new IntervalMetrics(targets, levels)));
          for (FoldSums f : byFold) {
            f.intervals.put(name, new IntervalSums(new IntervalMetrics(targets, levels)));
          }
        }
      }
    }
  }

  /** The forecasters compared: the model, naive, seasonal naive (when the lookback covers a season) and mean. */
  public static List<String> names(WindowSpec spec, int season) {
    List<String> out = new ArrayList<>(List.of("model", "naive"));
    if (spec.lookback() >= season) {
      out.add("seasonal_naive");
    }
    out.add("mean");
    return out;
  }

  /**
   * Adds a forecast window; its actuals are the series' rows from its origin on; {@code scaling}
   * is the series' {shift, scale} per value column (for the baselines' scaled errors). With
   * folds, the window must be one of the series' fold windows.
   *
   * @param forecast  the point forecast {@code [horizon][targets]}, original scale
   * @param quantiles the forecast quantiles {@code [horizon][targets][levels]}, original scale, in
   *                  the order of the spec's levels; read only when the spec has quantiles
   */
  public void add(Series s, double[][] scaled, int origin, double[][] scaledForecast, double[][] forecast,
      double[][][] quantiles, double[][] scaling) {
    int[] targets = spec.targetIndex();
    int k = targets.length;
    int horizon = spec.horizon();
    double[][] actual = new double[horizon][k];
    double[][] actualScaled = new double[horizon][k];
    for (int h = 0; h < horizon; h++) {
      for (int j = 0; j < k; j++) {
        actual[h][j] = s.values()[origin + h][targets[j]];
        actualScaled[h][j] = scaled[origin + h][targets[j]];
      }
    }
    double[] scale = maseScale(s);
    FoldSums fold = null;
    if (folds != null) {
      fold = byFold[folds.fold(s.size(), horizon, origin) - 1];
      fold.windows++;
      fold.cutoff(s.times()[origin - 1], s.timeText(s.times()[origin - 1]));
      fold.metrics.get("model").add(actualScaled, scaledForecast, actual, forecast, scale, steps);
    }
    metrics.get("model").add(actualScaled, scaledForecast, actual, forecast, scale, steps);
    for (String name : metrics.keySet()) {
      if (name.equals("model")) {
        continue;
      }
      double[][] f = new double[horizon][k];
      double[][] fs = new double[horizon][k];
      for (int j = 0; j < k; j++) {
        int c = targets[j];
        double mean = 0;
        for (int i = origin - spec.lookback(); i < origin; i++) {
          mean += s.values()[i][c];
        }
        mean /= spec.lookback();
        for (int h = 0; h < horizon; h++) {
          f[h][j] = switch (name) {
            case "naive" -> s.values()[origin - 1][c];
            case "seasonal_naive" -> s.values()[origin - season + h % season][c];
            default -> mean;
          };
          fs[h][j] = (f[h][j] - scaling[c][0]) / scaling[c][1];
        }
      }
      metrics.get(name).add(actualScaled, fs, actual, f, scale, steps);
      if (fold != null) {
        fold.metrics.get(name).add(actualScaled, fs, actual, f, scale, steps);
      }
    }
    if (levels.length > 0) {
      addIntervals("model", fold, actual, quantiles, scale);
      if (intervals.containsKey("seasonal_naive")) {
        addIntervals("seasonal_naive", fold, actual, baselineQuantiles(origin), scale);
      }
    }
    windows++;
    if (samples.size() < SAMPLES && samples.stream().noneMatch(x -> x.series().equals(s.id()))) {
      long[] times = new long[spec.lookback() + horizon];
      double[] history = new double[spec.lookback()];
      for (int i = 0; i < spec.lookback(); i++) {
        times[i] = s.times()[origin - spec.lookback() + i];
        history[i] = s.values()[origin - spec.lookback() + i][targets[0]];
      }
      double[] f = new double[horizon];
      double[] a = new double[horizon];
      double[] lower = levels.length > 0 ? new double[horizon] : null;
      double[] upper = levels.length > 0 ? new double[horizon] : null;
      for (int h = 0; h < horizon; h++) {
        times[spec.lookback() + h] = s.times()[origin + h];
        f[h] = forecast[h][0];
        a[h] = actual[h][0];
        if (lower != null) {
          lower[h] = quantiles[h][0][0];
          upper[h] = quantiles[h][0][levels.length - 1];
        }
      }
      samples.add(new Sample(s.id(), times, history, f, a, lower, upper));
    }
  }

  /**
   * Adds a window's quantiles to the interval sums of forecaster {@code name}, overall and in
   * {@code fold} when not null; null or NaN quantiles at a scored step count the window as one
   * without quantiles instead.
   */
  private void addIntervals(String name, FoldSums fold, double[][] actual, double[][][] q, double[] scale) {
    boolean known = q != null;
    for (int h : steps) {
      for (int j = 0; known && j < q[h].length; j++) {
        for (double v : q[h][j]) {
          known &= !Double.isNaN(v);
        }
      }
    }
    for (IntervalSums sums : fold == null ? List.of(intervals.get(name))
        : List.of(intervals.get(name), fold.intervals.get(name))) {
      if (known) {
        sums.metrics.add(actual, q, scale, steps);
      } else {
        sums.withoutQuantiles++;
      }
    }
  }

  /**
   * The baseline's quantiles of the window at {@code origin}, {@code [horizon][targets][levels]}:
   * the seasonal naive forecast plus the offsets of {@link BaselineIntervals} taken on the series'
   * training rows, as {@link #maseScale} cached them for {@code s}.
   */
  private double[][][] baselineQuantiles(int origin) {
    int[] targets = spec.targetIndex();
    double[][][] out = new double[spec.horizon()][targets.length][];
    for (int j = 0; j < targets.length; j++) {
      double[][] q = BaselineIntervals.quantiles(cachedColumns[j], origin, season, cachedOffsets[j]);
      for (int h = 0; h < out.length; h++) {
        out[h][j] = q[h];
      }
    }
    return out;
  }


  /**
   * Each target's mean |y[t] - y[t - m]| over the series' training rows (NaN when it has none);
   * with quantiles, also caches the baseline's quantile offsets taken on the same rows.
   */
  private double[] maseScale(Series s) {
    if (s.id().equals(cachedSeries)) {
      return cachedScale;
    }
    int[] targets = spec.targetIndex();
    int end = split.trainingRows(s);
    double[] scale = new double[targets.length];
    for (int j = 0; j < targets.length; j++) {
      double sum = 0;
      long count = 0;
      for (int t = season; t < end; t++) {
        double d = s.values()[t][targets[j]] - s.values()[t - season][targets[j]];
        if (!Double.isNaN(d)) {
          sum += Math.abs(d);
          count++;
        }
      }
      scale[j] = count == 0 ? Double.NaN : sum / count;
    }
    if (intervals.containsKey("seasonal_naive")) {
      cachedColumns = new double[targets.length][s.size()];
      cachedOffsets = new double[targets.length][][];
      for (int j = 0; j < targets.length; j++) {
        for (int t = 0; t < s.size(); t++) {
          cachedColumns[j][t] = s.values()[t][targets[j]];
        }
        cachedOffsets[j] = BaselineIntervals.offsets(Arrays.copyOf(cachedColumns[j], end), season, spec.horizon(),
            levels);
      }
    }
    cachedSeries = s.id();
    cachedScale = scale;
    return scale;
  }

  /** Counts a window of fold {@code fold} (1-based) that was skipped. */
  public void skipped(int fold) {
    byFold[fold - 1].skipped++;
  }

  /** Adds another partition's evaluation (its samples after this one's, up to {@link #SAMPLES}). */
  public Evaluation merge(Evaluation o) {
    metrics.forEach((name, m) -> m.merge(o.metrics.get(name)));
    intervals.forEach((name, m) -> m.merge(o.intervals.get(name)));
    for (int i = 0; i < byFold.length; i++) {
      byFold[i].merge(o.byFold[i]);
    }
    o.samples.stream().limit(Math.max(0, SAMPLES - samples.size())).forEach(samples::add);
    windows += o.windows;
    return this;
  }

  /** Windows evaluated. */
  public long windows() {
    return windows;
  }

  /** The metrics of each forecaster, model first. */
  public Map<String, Map<String, Double>> results() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    metrics.forEach((name, m) -> out.put(name, m.values()));
    return out;
  }

  /** The quantile levels forecast, increasing; empty for point forecasts. */
  public double[] levels() {
    return levels.clone();
  }

  /**
   * The {@link IntervalMetrics} of the model and of the {@code seasonal_naive} baseline interval
   * (when the lookback covers a season), the baseline's with its {@code windows_without_quantiles};
   * empty for point forecasts.
   */
  public Map<String, Map<String, Double>> intervals() {
    return intervalValues(intervals);
  }

  private static Map<String, Map<String, Double>> intervalValues(Map<String, IntervalSums> sums) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    sums.forEach((name, m) -> out.put(name, m.values(!name.equals("model"))));
    return out;
  }

  /** The folds' results, earliest first; empty without folds. */
  public List<Fold> folds() {
    List<Fold> out = new ArrayList<>();
    for (int i = 0; i < byFold.length; i++) {
      FoldSums f = byFold[i];
      Map<String, Map<String, Double>> results = new LinkedHashMap<>();
      f.metrics.forEach((name, m) -> results.put(name, m.values()));
      out.add(new Fold(i + 1, f.earliestText, f.latestText, f.windows, f.skipped, results,
          intervalValues(f.intervals)));
    }
    return out;
  }

  /** The windows kept for plots. */
  public List<Sample> samples() {
    return List.copyOf(samples);
  }
}
