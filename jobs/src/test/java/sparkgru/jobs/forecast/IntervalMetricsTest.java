package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Quantile-forecast metrics against hand-computed values; merging equals one pass. */
class IntervalMetricsTest {
  private static final double[] DECILES = {0.1, 0.5, 0.9};

  /** Two windows of one target, two steps, levels 0.1, 0.5, 0.9. */
  private static IntervalMetrics twoHandWindows() {
    IntervalMetrics m = new IntervalMetrics(1, DECILES);
    int[] steps = {0, 1};
    // y = 10 inside [8, 12]; y = 20 above [15, 19]
    m.add(new double[][] {{10}, {20}}, new double[][][] {{{8, 10, 12}}, {{15, 18, 19}}}, new double[] {2}, steps);
    // y = -4 below [-3, -1]; y = 0 on the lower bound of [0, 1]
    m.add(new double[][] {{-4}, {0}}, new double[][][] {{{-3, -2, -1}}, {{0, 0.5, 1}}}, new double[] {0.5}, steps);
    return m;
  }

  @Test
  void scaledPinballWeightedQuantileLossCoverageAndWidthByHand() {
    Map<String, Double> m = twoHandWindows().values();
    assertEquals(List.of("spl", "wql", "coverage_80", "width_80", "values", "windows_left_out"),
        List.copyOf(m.keySet()), "no msis without the levels 0.025 and 0.975");
    // pinball per step and level (0.1, 0.5, 0.9):
    // window 1: (0.2, 0, 0.2), (0.5, 1.0, 0.9) -> 2.8 / 6 values / scale 2
    // window 2: (0.9, 1.0, 0.3), (0, 0.25, 0.1) -> 2.55 / 6 values / scale 0.5
    assertEquals((2.8 / 6 / 2 + 2.55 / 6 / 0.5) / 2, m.get("spl"), 1e-12);
    // Σ pinball per level: 1.6, 2.25, 1.5; Σ|y| = 10 + 20 + 4 + 0 = 34
    assertEquals((2 * 1.6 / 34 + 2 * 2.25 / 34 + 2 * 1.5 / 34) / 3, m.get("wql"), 1e-12);
    assertEquals(0.5, m.get("coverage_80"), 0, "inside: 10 in [8, 12] and 0 in [0, 1], the bounds included");
    assertEquals((4 + 4 + 2 + 1) / 4.0, m.get("width_80"), 1e-12);
    assertEquals(4.0, m.get("values"));
    assertEquals(0.0, m.get("windows_left_out"));
  }

  @Test
  void meanScaledIntervalScoreByHandWithAnUnknownScaleLeftOutAndCounted() {
    IntervalMetrics metrics = new IntervalMetrics(2, new double[] {0.025, 0.5, 0.975});
    double[][] actual = {{5, 1}, {1000, 1000}, {10, 0}};
    double[][][] quantiles = {
        {{4, 5, 6}, {3, 4, 5}},
        {{0, 0, 0}, {0, 0, 0}}, // step 1 is not scored
        {{2, 5, 8}, {-1, 0, 1}}};
    metrics.add(actual, quantiles, new double[] {2, Double.NaN}, new int[] {0, 2});
    Map<String, Double> m = metrics.values();
    assertEquals(List.of("spl", "wql", "coverage_95", "width_95", "msis", "values", "windows_left_out"),
        List.copyOf(m.keySet()));
    // target 0: 5 in [4, 6] scores the width 2; 10 above [2, 8] scores 6 + (2 / 0.05)(10 - 8) = 86
    assertEquals((2 + 86) / 2.0 / 2, m.get("msis"), 1e-12);
    // target 0's pinball: (0.025, 0, 0.025) and (0.2, 2.5, 1.95)
    assertEquals(4.7 / 6 / 2, m.get("spl"), 1e-12);
    assertEquals(1.0, m.get("windows_left_out"), "target 1's scale is unknown");
    assertEquals(0.5, m.get("coverage_95"), 0, "target 1 counts here: 1 below [3, 5], 0 in [-1, 1]");
    assertEquals((2 + 6 + 2 + 2) / 4.0, m.get("width_95"), 1e-12);
    assertEquals(4.0, m.get("values"));
  }

  @Test
  void aZeroScaleIsLeftOutAndNoScaleAtAllGivesNaN() {
    IntervalMetrics metrics = new IntervalMetrics(1, new double[] {0.025, 0.975});
    metrics.add(new double[][] {{1}}, new double[][][] {{{0, 2}}}, new double[] {0}, new int[] {0});
    Map<String, Double> m = metrics.values();
    assertEquals(Double.NaN, m.get("spl"));
    assertEquals(Double.NaN, m.get("msis"));
    assertEquals(1.0, m.get("windows_left_out"));
    assertEquals(1.0, m.get("coverage_95"), "coverage needs no scale");
  }

  @Test
  void intervalsPairLevelsWithinTolerancesAndAreNamedByNominalCoverage() {
    IntervalMetrics metrics = new IntervalMetrics(1, new double[] {0.0125, 0.2, 0.3, 0.5, 0.7 + 1e-12, 0.9875});
    metrics.add(new double[][] {{0}}, new double[][][] {{{-4, -2, -1, 0, 1, 4}}}, new double[] {1}, new int[] {0});
    Map<String, Double> m = metrics.values();
    assertEquals(List.of("spl", "wql", "coverage_97_5", "width_97_5", "coverage_40", "width_40", "values",
        "windows_left_out"), List.copyOf(m.keySet()), "0.2 has no 0.8 to pair with");
    assertEquals(8.0, m.get("width_97_5"));
    assertEquals(2.0, m.get("width_40"));
  }

  @Test
  void mergingPartitionsEqualsAddingEveryWindowToOne() {
    double[] levels = {0.025, 0.1, 0.5, 0.9, 0.975};
    int windows = 9;
    int horizon = 4;
    int targets = 2;
    SplittableRandom r = new SplittableRandom(3);
    IntervalMetrics all = new IntervalMetrics(targets, levels);
    IntervalMetrics first = new IntervalMetrics(targets, levels);
    IntervalMetrics rest = new IntervalMetrics(targets, levels);
    int[] steps = {0, 1, 3};
    for (int w = 0; w < windows; w++) {
      double[][] actual = new double[horizon][targets];
      double[][][] quantiles = new double[horizon][targets][levels.length];
      for (int h = 0; h < horizon; h++) {
        for (int j = 0; j < targets; j++) {
          actual[h][j] = 10 * r.nextDouble() - 3;
          double centre = actual[h][j] + r.nextDouble() - 0.5;
          double spread = 0.2 + r.nextDouble();
          for (int k = 0; k < levels.length; k++) {
            quantiles[h][j][k] = centre + spread * (levels[k] - 0.5) * 4;
          }
        }
      }
      double[] scale = {0.5 + r.nextDouble(), w == 4 ? Double.NaN : 1.5};
      all.add(actual, quantiles, scale, steps);
      (w < 4 ? first : rest).add(actual, quantiles, scale, steps);
    }
    Map<String, Double> one = all.values();
    Map<String, Double> merged = first.merge(rest).values();
    assertEquals(List.copyOf(one.keySet()), List.copyOf(merged.keySet()));
    assertEquals(List.of("spl", "wql", "coverage_95", "width_95", "coverage_80", "width_80", "msis", "values",
        "windows_left_out"), List.copyOf(one.keySet()));
    one.forEach((k, v) -> assertEquals(v, merged.get(k), 1e-12 * Math.max(1, Math.abs(v)), k));
    assertEquals(windows * steps.length * targets, all.count());
    assertEquals(1.0, one.get("windows_left_out"));
  }

  @Test
  void sumsOfOtherLevelsDoNotMerge() {
    IntervalMetrics a = new IntervalMetrics(1, DECILES);
    IntervalMetrics b = new IntervalMetrics(1, new double[] {0.1, 0.9});
    assertEquals("cannot merge interval metrics of 1 targets at levels [0.1, 0.9] into those of 1 targets at levels "
        + "[0.1, 0.5, 0.9]", assertThrows(IllegalArgumentException.class, () -> a.merge(b)).getMessage());
  }

  @Test
  void levelsMustBeIncreasingInsideTheUnitInterval() {
    assertEquals("interval metrics need increasing levels in (0, 1), got [0.9, 0.1]",
        assertThrows(IllegalArgumentException.class, () -> new IntervalMetrics(1, new double[] {0.9, 0.1}))
            .getMessage());
    assertEquals("interval metrics need increasing levels in (0, 1), got [0.5, 1.0]",
        assertThrows(IllegalArgumentException.class, () -> new IntervalMetrics(1, new double[] {0.5, 1}))
            .getMessage());
    assertEquals("interval metrics need at least one target and one level, got 0 targets and levels [0.5]",
        assertThrows(IllegalArgumentException.class, () -> new IntervalMetrics(0, new double[] {0.5})).getMessage());
  }
}
