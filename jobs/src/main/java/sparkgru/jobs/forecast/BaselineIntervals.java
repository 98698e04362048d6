package sparkgru.jobs.forecast;

import java.util.Arrays;

/**
 * The baseline of quantile forecasts: the seasonal naive forecast plus empirical quantiles of its
 * own in-sample errors, one series column at a time.
 *
 * <p>With season m, the seasonal naive forecast of step h (0-based) after origin o (the first
 * forecast row) is {@code y[o - m + (h mod m)]}, the value of the same phase in the last full
 * season before o: target row o + h looks back {@code L_h = h - (h mod m) + m = m (floor(h / m) + 1)}
 * rows. Its residuals on the training rows {@code y[0, n)} are {@code y[t] - y[t - L_h]} for every
 * {@code L_h <= t < n} (pairs holding a NaN are skipped, as the MASE scale skips them), and the
 * baseline's level-q quantile at step h is the point forecast plus the empirical q-quantile of
 * the residuals of h's lag. The steps of one season ahead share a lag, and so their offsets.
 *
 * <p>The empirical quantile is numpy's default ({@code method="linear"}, Hyndman and Fan's type
 * 7): of the sorted residuals {@code r[0, N)}, at position {@code q (N - 1)} interpolate linearly
 * between its neighbours (equal to numpy's up to rounding).
 */
public final class BaselineIntervals {

  /** The fewest residuals a step's quantiles are taken from; with fewer its offsets are NaN. */
  public static final int MIN_RESIDUALS = 2;

  private BaselineIntervals() {}

  /**
   * The offsets of the baseline's quantiles from the seasonal naive forecast, for one series
   * column.
   *
   * @param train   the column's training values, oldest first
   * @param season  the season m, at least 1 (1: the naive forecast)
   * @param horizon the forecast steps H, at least 1
   * @param levels  the quantile levels, each in [0, 1]
   * @return {@code [horizon][levels]}: {@code offsets[h][k]} is the level-k quantile of the
   *     residuals of step h's lag; NaN for every level of a step with fewer than
   *     {@link #MIN_RESIDUALS} residuals (a lag longer than the training rows allow)
   */
  public static double[][] offsets(double[] train, int season, int horizon, double[] levels) {
    if (season < 1 || horizon < 1) {
      throw new IllegalArgumentException("baseline intervals need season >= 1 and horizon >= 1, got season " + season
          + " and horizon " + horizon);
    }
    for (double q : levels) {
      if (!(q >= 0 && q <= 1)) {
        throw new IllegalArgumentException("baseline interval levels must lie in [0, 1], got " + Arrays.toString(levels));
      }
    }
    double[][] out = new double[horizon][];
    for (int h = 0; h < horizon; h++) {
      int lag = lag(h, season);
      if (h > 0 && lag == lag(h - 1, season)) {
        out[h] = out[h - 1].clone();
        continue;
      }
      double[] residuals = new double[Math.max(0, train.length - lag)];
      int count = 0;
      for (int t = lag; t < train.length; t++) {
        double d = train[t] - train[t - lag];
        if (!Double.isNaN(d)) {
          residuals[count++] = d;
        }
      }
      out[h] = new double[levels.length];
      if (count < MIN_RESIDUALS) {
        Arrays.fill(out[h], Double.NaN);
        continue;
      }
      double[] sorted = Arrays.copyOf(residuals, count);
      Arrays.sort(sorted);
      for (int k = 0; k < levels.length; k++) {
        out[h][k] = quantile(sorted, levels[k]);
      }
    }
    return out;
  }

  /**
   * The baseline's quantile forecasts of one series column after {@code origin}: the seasonal
   * naive forecast {@code series[origin - m + (h mod m)]} plus {@code offsets[h]}.
   *
   * @param series  the column's values; rows before origin are read
   * @param origin  the first forecast row, at least season
   * @param season  the season m the offsets were taken with
   * @param offsets {@link #offsets} of the column, {@code [horizon][levels]}
   * @return {@code [horizon][levels]}
   */
  public static double[][] quantiles(double[] series, int origin, int season, double[][] offsets) {
    if (season < 1 || origin < season || origin > series.length) {
      throw new IllegalArgumentException("the seasonal naive forecast needs season <= origin <= " + series.length
          + " and season >= 1, got origin " + origin + " and season " + season);
    }
    double[][] out = new double[offsets.length][];
    for (int h = 0; h < offsets.length; h++) {
      double point = series[origin - season + h % season];
      out[h] = new double[offsets[h].length];
      for (int k = 0; k < out[h].length; k++) {
        out[h][k] = point + offsets[h][k];
      }
    }
    return out;
  }

  /** How far back the seasonal naive forecast of step h looks: {@code m (floor(h / m) + 1)}. */
  static int lag(int h, int season) {
    return season * (h / season + 1);
  }

  /** numpy's linear quantile of {@code sorted} (ascending, not empty) at level q in [0, 1]. */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    if (below >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
  }
}
