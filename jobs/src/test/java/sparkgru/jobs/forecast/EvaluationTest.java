package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.data.FrequencyRule;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.WindowSpec;

/**
 * Baselines, MASE's scale, the sums of each fold and the interval metrics of quantile forecasts on
 * series small enough to check by hand.
 */
class EvaluationTest {
  @Test
  void baselinesRepeatTheLastValueTheLastSeasonAndTheMean() {
    // Season 2: the series alternates 10, 20 with a trend of +1 every row.
    double[] v = {10, 21, 12, 23, 14, 25, 16, 27};
    long[] times = new long[v.length];
    double[][] values = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      times[i] = i;
      values[i] = new double[] {v[i]};
    }
    Series s = new Series("s", times, values, false);
    WindowSpec spec = new WindowSpec(List.of("v"), List.of("v"), 4, 2, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.NONE, false);
    ChronologicalSplit split = ChronologicalSplit.rows(6, 0, 2);
    Scaler none = Scaler.unfitted("none", "global", List.of("v"));
    Evaluation e = new Evaluation(spec, 2, null, split, null);
    // The window of rows 2..5 forecasts rows 6 and 7 (16, 27); the model says 15 and 28.
    e.add(s, values, 6, new double[][] {{15}, {28}}, new double[][] {{15}, {28}}, null,
        none.columnParams("s", List.of("v")));
    Map<String, Map<String, Double>> r = e.results();
    assertEquals(List.of("model", "naive", "seasonal_naive", "mean"), List.copyOf(r.keySet()));
    assertEquals(1.0, r.get("model").get("mae_raw"), 1e-12);
    // naive: 25, 25 -> errors 9, 2
    assertEquals(5.5, r.get("naive").get("mae_raw"), 1e-12);
    // seasonal naive (m = 2): rows 4, 5 -> 14, 25 -> errors 2, 2
    assertEquals(2.0, r.get("seasonal_naive").get("mae_raw"), 1e-12);
    // mean of 12, 23, 14, 25 = 18.5 -> errors 2.5, 8.5
    assertEquals(5.5, r.get("mean").get("mae_raw"), 1e-12);
    // MASE scale over the 6 training rows: |y[t] - y[t-2]| = 2 for t = 2..5.
    assertEquals(0.5, r.get("model").get("mase"), 1e-12);
    assertEquals(1.0, r.get("seasonal_naive").get("mase"), 1e-12);
    assertEquals(1, e.windows());
    assertEquals(Map.of(), e.intervals(), "a point forecast has no interval metrics");
    assertEquals(null, e.samples().get(0).lower());
    assertEquals(List.of(), List.of(new Evaluation(spec, 5, null, split, null).results().keySet().stream()
        .filter(n -> n.equals("seasonal_naive")).toArray()), "a lookback shorter than the season has no seasonal naive");
  }

  private static Series series(String id, long firstTime, double[] v) {
    long[] times = new long[v.length];
    double[][] values = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      times[i] = firstTime + i;
      values[i] = new double[] {v[i]};
    }
    return new Series(id, times, values, false);
  }

  @Test
  void eachFoldSumsItsOwnWindowsAndKeepsTheEarliestAndLatestCutoff() {
    double[] v = {10, 21, 12, 23, 14, 25, 16, 27};
    Series s = series("s", 0, v);
    Series t = series("t", 100, v);
    WindowSpec spec = new WindowSpec(List.of("v"), List.of("v"), 4, 2, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.NONE, false);
    ChronologicalSplit split = ChronologicalSplit.rows(6, 0, 2);
    double[][] scaling = Scaler.unfitted("none", "global", List.of("v")).columnParams("s", List.of("v"));
    // 8 rows, horizon 2, 2 folds 1 row apart: fold 1 forecasts rows 5, 6; fold 2 rows 6, 7.
    Folds folds = new Folds(2, 1);
    Evaluation e = new Evaluation(spec, 2, null, split, folds);
    // Fold 1 of s: actual 25, 16; the model says 24, 18 (errors 1, 2); naive repeats row 4, 14 (errors 11, 2).
    e.add(s, s.values(), 5, new double[][] {{24}, {18}}, new double[][] {{24}, {18}}, null, scaling);
    // Fold 2 of s: actual 16, 27; the model says 15, 28 (errors 1, 1); naive repeats 25 (errors 9, 2).
    e.add(s, s.values(), 6, new double[][] {{15}, {28}}, new double[][] {{15}, {28}}, null, scaling);
    e.skipped(1);
    Evaluation other = new Evaluation(spec, 2, null, split, folds);
    // Fold 2 of t, exact.
    other.add(t, t.values(), 6, new double[][] {{16}, {27}}, new double[][] {{16}, {27}}, null, scaling);
    e.merge(other);

    List<Evaluation.Fold> f = e.folds();
    assertEquals(2, f.size());
    assertEquals(1, f.get(0).fold());
    assertEquals(1, f.get(0).windows());
    assertEquals(1, f.get(0).skipped());
    assertEquals("4", f.get(0).earliestCutoff(), "the last lookback row's time");
    assertEquals("4", f.get(0).latestCutoff());
    assertEquals(1.5, f.get(0).results().get("model").get("mae_raw"), 1e-12);
    assertEquals(6.5, f.get(0).results().get("naive").get("mae_raw"), 1e-12);
    assertEquals(2, f.get(1).windows());
    assertEquals(0, f.get(1).skipped());
    assertEquals("5", f.get(1).earliestCutoff());
    assertEquals("105", f.get(1).latestCutoff());
    assertEquals(0.5, f.get(1).results().get("model").get("mae_raw"), 1e-12);
    assertEquals(5.5, f.get(1).results().get("naive").get("mae_raw"), 1e-12);
    assertEquals(3, e.windows());
    assertEquals(5.0 / 6, e.results().get("model").get("mae_raw"), 1e-12, "over all folds' values");
    assertEquals(List.of(), new Evaluation(spec, 2, null, split, null).folds(), "no folds, no fold sums");
  }

  @Test
  void quantilesAreScoredBesideTheSeasonalNaiveIntervalOfTheTrainingResiduals() {
    // Season 2, training rows 0..5: the residuals y[t] - y[t-2] are 1, 3, 4, -2, whose numpy
    // quantiles at 0.1, 0.5, 0.9 are -1.1, 2 and 3.7. The test rows 6, 7 (18, 26) would change them.
    Series s = series("s", 0, new double[] {10, 20, 11, 23, 15, 21, 18, 26});
    WindowSpec spec = new WindowSpec(List.of("v"), List.of("v"), 4, 2, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.NONE, false, FrequencyRule.AUTO, WindowSpec.Covariates.NONE, List.of(0.1, 0.5, 0.9));
    ChronologicalSplit split = ChronologicalSplit.rows(6, 0, 2);
    double[][] scaling = Scaler.unfitted("none", "global", List.of("v")).columnParams("s", List.of("v"));
    // One fold: the window forecasting rows 6 and 7.
    Evaluation e = new Evaluation(spec, 2, null, split, new Folds(1, 1));
    // The model's 80% intervals [17, 19] and [25, 27] hold both actuals; its median is the point forecast.
    double[][][] quantiles = {{{17, 18, 19}}, {{25, 26, 27}}};
    e.add(s, s.values(), 6, new double[][] {{18}, {26}}, new double[][] {{18}, {26}}, quantiles, scaling);

    assertArrayEquals(new double[] {0.1, 0.5, 0.9}, e.levels());
    assertEquals(0.0, e.results().get("model").get("mae_raw"), "the point metrics score the median");
    Map<String, Map<String, Double>> r = e.intervals();
    assertEquals(List.of("model", "seasonal_naive"), List.copyOf(r.keySet()));
    Map<String, Double> model = r.get("model");
    assertEquals(1.0, model.get("coverage_80"));
    assertEquals(2.0, model.get("width_80"), 1e-12);
    // Pinball 0.1 + 0 + 0.1 at each step, over 2 steps x 3 levels, MASE's scale (1 + 3 + 4 + 2) / 4 = 2.5.
    assertEquals(0.4 / 6 / 2.5, model.get("spl"), 1e-12);
    // The baseline: seasonal naive 15, 21 plus the offsets: [13.9, 17, 18.7] holds 18, [19.9, 23, 24.7] misses 26.
    Map<String, Double> baseline = r.get("seasonal_naive");
    assertEquals(0.5, baseline.get("coverage_80"));
    assertEquals(4.8, baseline.get("width_80"), 1e-12);
    // Pinball (0.41 + 0.5 + 0.07) + (0.61 + 1.5 + 1.17).
    assertEquals(4.26 / 6 / 2.5, baseline.get("spl"), 1e-12);
    assertEquals(0.0, baseline.get("windows_without_quantiles"));
    assertEquals(false, model.containsKey("windows_without_quantiles"));
    assertEquals(r, e.folds().get(0).intervals(), "the one fold holds the one window");
    Evaluation.Sample sample = e.samples().get(0);
    assertArrayEquals(new double[] {17, 25}, sample.lower());
    assertArrayEquals(new double[] {19, 27}, sample.upper());

    // Season 4, 5 training rows: one residual y[4] - y[0], too few for quantiles.
    Evaluation few = new Evaluation(spec, 4, null, ChronologicalSplit.rows(5, 0, 3), null);
    few.add(s, s.values(), 5, new double[][] {{21}, {18}}, new double[][] {{21}, {18}},
        new double[][][] {{{20, 21, 22}}, {{16, 18, 20}}}, scaling);
    assertEquals(1.0, few.intervals().get("seasonal_naive").get("windows_without_quantiles"));
    assertEquals(0.0, few.intervals().get("seasonal_naive").get("values"), "the window is left out");
    assertEquals(2.0, few.intervals().get("model").get("values"), "the model's quantiles are scored");
    assertEquals(1.0, few.intervals().get("model").get("coverage_80"));
  }
}
