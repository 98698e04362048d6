package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.ArrayList;
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
   */
  public record Sample(String series, long[] times, double[] history, double[] forecast, double[] actual)
      implements Serializable {
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
   */
  public record Fold(int fold, String earliestCutoff, String latestCutoff, long windows, long skipped,
      Map<String, Map<String, Double>> results) {}

  /** The sums of one fold. */
  private static final class FoldSums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, ForecastMetrics> metrics = new LinkedHashMap<>();
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
  private final List<Sample> samples = new ArrayList<>();
  private long windows;
  private transient String cachedSeries;
  private transient double[] cachedScale;

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
    for (String name : names(spec, season)) {
      metrics.put(name, new ForecastMetrics(spec.targets().size()));
      for (FoldSums f : byFold) {
        f.metrics.put(name, new ForecastMetrics(spec.targets().size()));
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
   */
  public void add(Series s, double[][] scaled, int origin, double[][] scaledForecast, double[][] forecast,
      double[][] scaling) {
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
      for (int h = 0; h < horizon; h++) {
        times[spec.lookback() + h] = s.times()[origin + h];
        f[h] = forecast[h][0];
        a[h] = actual[h][0];
      }
      samples.add(new Sample(s.id(), times, history, f, a));
    }
  }

  /** Each target's mean |y[t] - y[t - m]| over the series' training rows (NaN when it has none). */
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

  /** The folds' results, earliest first; empty without folds. */
  public List<Fold> folds() {
    List<Fold> out = new ArrayList<>();
    for (int i = 0; i < byFold.length; i++) {
      FoldSums f = byFold[i];
      Map<String, Map<String, Double>> results = new LinkedHashMap<>();
      f.metrics.forEach((name, m) -> results.put(name, m.values()));
      out.add(new Fold(i + 1, f.earliestText, f.latestText, f.windows, f.skipped, results));
    }
    return out;
  }

  /** The windows kept for plots. */
  public List<Sample> samples() {
    return List.copyOf(samples);
  }
}
