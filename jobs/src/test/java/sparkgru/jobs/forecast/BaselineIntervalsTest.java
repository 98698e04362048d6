package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The seasonal naive baseline's quantiles, checked against numpy.quantile's values. */
class BaselineIntervalsTest {
  private static final double[] LEVELS = {0.1, 0.5, 0.9};

  @Test
  void quantilesInterpolateLinearlyAsNumpysDefault() {
    double[] sorted = {1, 2, 3, 4};
    // numpy.quantile([1, 2, 3, 4], [0, 0.1, 0.5, 0.9, 1]) = [1, 1.3, 2.5, 3.7, 4]
    assertEquals(1.0, BaselineIntervals.quantile(sorted, 0), 0);
    assertEquals(1.3, BaselineIntervals.quantile(sorted, 0.1), 1e-12);
    assertEquals(2.5, BaselineIntervals.quantile(sorted, 0.5), 1e-12);
    assertEquals(3.7, BaselineIntervals.quantile(sorted, 0.9), 1e-12);
    assertEquals(4.0, BaselineIntervals.quantile(sorted, 1), 0);
    // numpy.quantile([-2, 7, 0.5], [0.25, 0.6]) = [-0.75, 1.8]
    assertEquals(-0.75, BaselineIntervals.quantile(new double[] {-2, 0.5, 7}, 0.25), 1e-12);
    assertEquals(1.8, BaselineIntervals.quantile(new double[] {-2, 0.5, 7}, 0.6), 1e-12);
  }

  @Test
  void lagIsTheSamePhaseInTheLastFullSeasonBeforeTheOrigin() {
    int[] expected = {3, 3, 3, 6, 6, 6, 9};
    for (int h = 0; h < expected.length; h++) {
      assertEquals(expected[h], BaselineIntervals.lag(h, 3), "h = " + h);
      int origin = 20;
      assertEquals(origin - 3 + h % 3, origin + h - BaselineIntervals.lag(h, 3), "the row the forecast copies");
    }
    assertEquals(1, BaselineIntervals.lag(0, 1));
    assertEquals(5, BaselineIntervals.lag(4, 1), "season 1: the naive forecast, the last value before the origin");
  }

  @Test
  void offsetsAreResidualQuantilesOfEachStepsLag() {
    double[] squares = {0, 1, 4, 9, 16, 25};
    double[][] offsets = BaselineIntervals.offsets(squares, 2, 5, LEVELS);
    // lag 2: residuals 4, 8, 12, 16 -> numpy.quantile(..., [0.1, 0.5, 0.9]) = [5.2, 10, 14.8]
    assertArrayEquals(new double[] {5.2, 10, 14.8}, offsets[0], 1e-12);
    assertArrayEquals(new double[] {5.2, 10, 14.8}, offsets[1], 1e-12);
    // lag 4: residuals 16, 24 -> [16.8, 20, 23.2]
    assertArrayEquals(new double[] {16.8, 20, 23.2}, offsets[2], 1e-12);
    assertArrayEquals(new double[] {16.8, 20, 23.2}, offsets[3], 1e-12);
    // lag 6: no residual in six rows
    assertArrayEquals(new double[] {Double.NaN, Double.NaN, Double.NaN}, offsets[4]);
  }

  @Test
  void aStepWithASingleResidualHasNoQuantiles() {
    double[][] offsets = BaselineIntervals.offsets(new double[] {3, 1, 4, 1, 5}, 2, 3, LEVELS);
    // lag 2: residuals 1, 0, 1 -> numpy.quantile = [0.2, 1, 1]
    assertArrayEquals(new double[] {0.2, 1, 1}, offsets[0], 1e-12);
    // lag 4: the one residual 5 - 3 is fewer than MIN_RESIDUALS
    assertArrayEquals(new double[] {Double.NaN, Double.NaN, Double.NaN}, offsets[2]);
  }

  @Test
  void residualsWithAMissingValueAreSkipped() {
    double[][] offsets = BaselineIntervals.offsets(new double[] {3, Double.NaN, 4, 1, 6}, 2, 1, LEVELS);
    // lag 2: 4 - 3 = 1, 1 - NaN skipped, 6 - 4 = 2
    assertArrayEquals(new double[] {1.1, 1.5, 1.9}, offsets[0], 1e-12);
  }

  @Test
  void quantileForecastsAreTheSeasonalNaiveForecastPlusTheOffsets() {
    double[] series = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    double[][] offsets = {{-1, 1}, {-2, 2}, {-3, 3}};
    double[][] q = BaselineIntervals.quantiles(series, 6, 2, offsets);
    // rows 4, 5, 4 (values 5, 6, 5) are copied for steps 0, 1, 2 after origin 6
    assertArrayEquals(new double[] {4, 6}, q[0], 0);
    assertArrayEquals(new double[] {4, 8}, q[1], 0);
    assertArrayEquals(new double[] {2, 8}, q[2], 0);
  }

  @Test
  void argumentsOutsideTheirRangesAreRefused() {
    assertEquals("baseline intervals need season >= 1 and horizon >= 1, got season 0 and horizon 3",
        assertThrows(IllegalArgumentException.class,
            () -> BaselineIntervals.offsets(new double[4], 0, 3, LEVELS)).getMessage());
    assertEquals("baseline interval levels must lie in [0, 1], got [0.5, 1.5]",
        assertThrows(IllegalArgumentException.class,
            () -> BaselineIntervals.offsets(new double[4], 1, 3, new double[] {0.5, 1.5})).getMessage());
    assertEquals("the seasonal naive forecast needs season <= origin <= 10 and season >= 1, got origin 1 and season 2",
        assertThrows(IllegalArgumentException.class,
            () -> BaselineIntervals.quantiles(new double[10], 1, 2, new double[1][1])).getMessage());
  }
}
