package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Error sums of a quantile forecaster over test windows, added per window on the executors and
 * merged on the driver, as {@link ForecastMetrics} does for point forecasts; {@link #values()}
 * turns them into metrics. Everything is on the original scale. With {@code y} the actual of a
 * target at a scored step, {@code f_q} its forecast of level q and the pinball loss
 * {@code ρ_q(y, f) = max(q (y - f), (q - 1)(y - f))}:
 * <ul>
 *   <li>{@code spl} (scaled pinball loss, the M5 uncertainty track's idea with the scale of MASE):
 *       the mean over windows and targets of the window's mean of ρ over scored steps and levels,
 *       divided by the series' in-sample seasonal-naive MAE on its training rows;
 *   <li>{@code wql} (weighted quantile loss as GluonTS and Chronos report it): the mean over
 *       levels q of {@code 2 Σ ρ_q(y, f_q) / Σ |y|}, both sums over every scored value of every
 *       window and target;
 *   <li>{@code coverage_<p>} and {@code width_<p>} for each central interval: levels q &lt; 0.5
 *       and 1 - q both present (within 1e-9) form the interval [f_q, f_(1-q)] of nominal
 *       coverage p = 100 (1 - 2q) percent, named without trailing zeros and with '_' for the
 *       decimal point ({@code coverage_80} for 0.1 and 0.9, {@code coverage_97_5} for 0.0125 and
 *       0.9875). Coverage is the fraction of scored actuals with {@code f_q <= y <= f_(1-q)};
 *       width the mean of {@code f_(1-q) - f_q}. Crossed quantiles are scored as given (an
 *       empty interval, a negative width);
 *   <li>{@code msis}, when the levels hold 0.025 and 0.975: the mean scaled interval score of the
 *       95% interval [L, U], α = 0.05, as the M4 competition defines it (Makridakis, Spiliotis and
 *       Assimakopoulos, "The M4 Competition: 100,000 time series and 61 forecasting methods",
 *       International Journal of Forecasting 36(1), 2020, 54-74; the M4 Competitors' Guide):
 *       per window and target, the mean over scored steps of
 *       {@code (U - L) + (2/α)(L - y)[y < L] + (2/α)(y - U)[y > U]}, divided by the same
 *       seasonal-naive scale, then the mean over windows and targets;
 *   <li>{@code values}: the scored values (windows x steps x targets); {@code windows_left_out}:
 *       the (window, target) pairs whose scale is 0 or unknown, left out of spl and msis.
 * </ul>
 */
public final class IntervalMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double SAME_LEVEL = 1e-9;
  private static final double MSIS_ALPHA = 0.05;

  private final int targets;
  private final double[] levels;
  /** Each central interval's lower and upper level index, the widest first. */
  private final int[][] intervals;
  /** The 95% interval's level indices, or null without 0.025 and 0.975. */
  private final int[] msisInterval;

  private long n;
  private double sumAbsY;
  private final double[] pinballByLevel;
  private final long[] inside;
  private final double[] width;
  private double spl;
  private double msis;
  private long scaledN;
  private long leftOut;

  /**
   * Empty sums.
   *
   * @param targets the target columns of a window
   * @param levels  the forecast's quantile levels, each in (0, 1), strictly increasing (copied)
   */
  public IntervalMetrics(int targets, double[] levels) {
    if (targets < 1 || levels == null || levels.length == 0) {
      throw new IllegalArgumentException("interval metrics need at least one target and one level, got "
          + targets + " targets and levels " + Arrays.toString(levels));
    }
    for (int k = 0; k < levels.length; k++) {
      if (!(levels[k] > 0 && levels[k] < 1) || k > 0 && !(levels[k] > levels[k - 1])) {
        throw new IllegalArgumentException("interval metrics need increasing levels in (0, 1), got "
            + Arrays.toString(levels));
      }
    }
    this.targets = targets;
    this.levels = levels.clone();
    List<int[]> pairs = new ArrayList<>();
    for (int lower = 0; lower < levels.length && levels[lower] < 0.5; lower++) {
      int upper = indexOf(1 - levels[lower]);
      if (upper >= 0) {
        pairs.add(new int[] {lower, upper});
      }
    }
    intervals = pairs.toArray(new int[0][]);
    int low = indexOf(MSIS_ALPHA / 2);
    int high = indexOf(1 - MSIS_ALPHA / 2);
    msisInterval = low >= 0 && high >= 0 ? new int[] {low, high} : null;
    pinballByLevel = new double[levels.length];
    inside = new long[intervals.length];
    width = new double[intervals.length];
  }

  private int indexOf(double level) {
    for (int k = 0; k < levels.length; k++) {
      if (Math.abs(levels[k] - level) <= SAME_LEVEL) {
        return k;
      }
    }
    return -1;
  }

  /**
   * Adds one window.
   *
   * @param actual    actuals {@code [horizon][targets]}, original scale
   * @param quantiles forecast {@code [horizon][targets][levels]}, original scale, in the order of
   *                  the constructor's levels
   * @param maseScale each target's in-sample seasonal-naive MAE (NaN or 0 = unknown)
   * @param steps     the horizon steps scored (0-based)
   */
  public void add(double[][] actual, double[][][] quantiles, double[] maseScale, int[] steps) {
    int levelCount = levels.length;
    for (int j = 0; j < targets; j++) {
      double windowPinball = 0;
      double windowScore = 0;
      for (int h : steps) {
        double y = actual[h][j];
        double[] f = quantiles[h][j];
        n++;
        sumAbsY += Math.abs(y);
        for (int k = 0; k < levelCount; k++) {
          double rho = pinball(levels[k], y, f[k]);
          pinballByLevel[k] += rho;
          windowPinball += rho;
        }
        for (int i = 0; i < intervals.length; i++) {
          double lower = f[intervals[i][0]];
          double upper = f[intervals[i][1]];
          inside[i] += lower <= y && y <= upper ? 1 : 0;
          width[i] += upper - lower;
        }
        if (msisInterval != null) {
          windowScore += intervalScore(f[msisInterval[0]], f[msisInterval[1]], y);
        }
      }
      double scale = maseScale[j];
      if (scale > 0 && Double.isFinite(scale)) {
        spl += windowPinball / ((double) steps.length * levelCount) / scale;
        msis += windowScore / steps.length / scale;
        scaledN++;
      } else {
        leftOut++;
      }
    }
  }

  /** The pinball loss of forecast {@code f} of level {@code q} against the actual {@code y}. */
  static double pinball(double q, double y, double f) {
    double e = y - f;
    return Math.max(q * e, (q - 1) * e);
  }

  /** M4's interval score of [lower, upper] at α = 0.05 for the actual {@code y}. */
  static double intervalScore(double lower, double upper, double y) {
    double penalty = 2 / MSIS_ALPHA;
    return upper - lower + (y < lower ? penalty * (lower - y) : 0) + (y > upper ? penalty * (y - upper) : 0);
  }

  /**
   * Adds another partition's sums.
   *
   * @throws IllegalArgumentException when the other sums are of other targets or levels
   */
  public IntervalMetrics merge(IntervalMetrics o) {
    if (o.targets != targets || !Arrays.equals(o.levels, levels)) {
      throw new IllegalArgumentException("cannot merge interval metrics of " + o.targets + " targets at levels "
          + Arrays.toString(o.levels) + " into those of " + targets + " targets at levels " + Arrays.toString(levels));
    }
    n += o.n;
    sumAbsY += o.sumAbsY;
    for (int k = 0; k < levels.length; k++) {
      pinballByLevel[k] += o.pinballByLevel[k];
    }
    for (int i = 0; i < intervals.length; i++) {
      inside[i] += o.inside[i];
      width[i] += o.width[i];
    }
    spl += o.spl;
    msis += o.msis;
    scaledN += o.scaledN;
    leftOut += o.leftOut;
    return this;
  }

  /** Scored values (windows x steps x targets). */
  public long count() {
    return n;
  }

  /** The metrics, in the order of the class comment (NaN where undefined, e.g. no values). */
  public Map<String, Double> values() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("spl", scaledN == 0 ? Double.NaN : spl / scaledN);
    double wql = 0;
    for (double p : pinballByLevel) {
      wql += 2 * p / sumAbsY;
    }
    out.put("wql", sumAbsY > 0 ? wql / levels.length : Double.NaN);
    for (int i = 0; i < intervals.length; i++) {
      String nominal = nominalPercent(levels[intervals[i][0]]);
      out.put("coverage_" + nominal, (double) inside[i] / n);
      out.put("width_" + nominal, width[i] / n);
    }
    if (msisInterval != null) {
      out.put("msis", scaledN == 0 ? Double.NaN : msis / scaledN);
    }
    out.put("values", (double) n);
    out.put("windows_left_out", (double) leftOut);
    return out;
  }

  /** 100 (1 - 2 q) to six decimals, without trailing zeros, '_' for the point: 80, 97_5. */
  private static String nominalPercent(double lowerLevel) {
    BigDecimal percent = BigDecimal.valueOf(Math.round((1 - 2 * lowerLevel) * 100e6), 6).stripTrailingZeros();
    return percent.toPlainString().replace('.', '_');
  }
}
