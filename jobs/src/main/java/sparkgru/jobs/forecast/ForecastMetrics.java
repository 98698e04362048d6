package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Error sums of one forecaster over test windows, added per window on the executors and merged
 * on the driver; {@link #values()} turns them into metrics. With {@code y} the actual and
 * {@code f} the forecast of a target at a scored step:
 * <ul>
 *   <li>{@code mse}, {@code mae}, {@code rmse}: on the scaled values (what the model sees; the
 *       normalised scale of the ETT protocol);
 *   <li>{@code mse_raw}, {@code mae_raw}, {@code rmse_raw}: the same on the original scale;
 *   <li>{@code mape}: mean of {@code 100 |y - f| / |y|} over values with {@code y != 0};
 *   <li>{@code smape}: mean of {@code 200 |y - f| / (|y| + |f|)} (0 where both are 0), as M4;
 *   <li>{@code mase}: mean over windows and targets of the window's MAE divided by the series'
 *       in-sample seasonal-naive MAE on its training rows (windows whose scale is 0 or unknown
 *       are left out and counted in {@code mase_windows_left_out});
 *   <li>{@code rse}: {@code sqrt(Σ(y - f)²) / sqrt(Σ(y - ȳ)²)} over every scored value, ȳ their
 *       mean (LSTNet); {@code corr}: the mean over target columns of the Pearson correlation of
 *       y and f (columns with no variance left out), original scale.
 * </ul>
 */
public final class ForecastMetrics implements Serializable {
  private static final long serialVersionUID = 1L;

  private long n;
  private double sse;
  private double sae;
  private double rawSse;
  private double rawSae;
  private double sumY;
  private double sumY2;
  private double mape;
  private long mapeN;
  private double smape;
  private double mase;
  private long maseN;
  private long maseLeftOut;
  private final double[][] corr;

  /** Empty sums for {@code targets} target columns. */
  public ForecastMetrics(int targets) {
    corr = new double[targets][6]; // n, Σy, Σf, Σy², Σf², Σyf
  }

  /**
   * Adds one window.
   *
   * @param actualScaled   actuals {@code [horizon][targets]}, scaled
   * @param forecastScaled forecast, scaled
   * @param actual         actuals, original scale
   * @param forecast       forecast, original scale
   * @param maseScale      each target's in-sample seasonal-naive MAE (NaN or 0 = unknown)
   * @param steps          the horizon steps scored (0-based)
   */
  public void add(double[][] actualScaled, double[][] forecastScaled, double[][] actual, double[][] forecast,
      double[] maseScale, int[] steps) {
    int k = corr.length;
    double[] windowAbs = new double[k];
    for (int h : steps) {
      for (int j = 0; j < k; j++) {
        double y = actual[h][j];
        double f = forecast[h][j];
        double es = actualScaled[h][j] - forecastScaled[h][j];
        double e = y - f;
        n++;
        sse += es * es;
        sae += Math.abs(es);
        rawSse += e * e;
        rawSae += Math.abs(e);
        windowAbs[j] += Math.abs(e);
        sumY += y;
        sumY2 += y * y;
        if (y != 0) {
          mape += 100 * Math.abs(e) / Math.abs(y);
          mapeN++;
        }
        double denominator = Math.abs(y) + Math.abs(f);
        smape += denominator == 0 ? 0 : 200 * Math.abs(e) / denominator;
        double[] c = corr[j];
        c[0]++;
        c[1] += y;
        c[2] += f;
        c[3] += y * y;
        c[4] += f * f;
        c[5] += y * f;
      }
    }
    for (int j = 0; j < k; j++) {
      if (maseScale[j] > 0 && Double.isFinite(maseScale[j])) {
        mase += windowAbs[j] / steps.length / maseScale[j];
        maseN++;
      } else {
        maseLeftOut++;
      }
    }
  }

  /** Adds another partition's sums. */
  public ForecastMetrics merge(ForecastMetrics o) {
    n += o.n;
    sse += o.sse;
    sae += o.sae;
    rawSse += o.rawSse;
    rawSae += o.rawSae;
    sumY += o.sumY;
    sumY2 += o.sumY2;
    mape += o.mape;
    mapeN += o.mapeN;
    smape += o.smape;
    mase += o.mase;
    maseN += o.maseN;
    maseLeftOut += o.maseLeftOut;
    for (int j = 0; j < corr.length; j++) {
      for (int i = 0; i < 6; i++) {
        corr[j][i] += o.corr[j][i];
      }
    }
    return this;
  }

  /** Scored values (windows x steps x targets). */
  public long count() {
    return n;
  }

  /** The metrics (NaN where undefined, e.g. no values). */
  public Map<String, Double> values() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("mse", sse / n);
    out.put("mae", sae / n);
    out.put("rmse", Math.sqrt(sse / n));
    out.put("mse_raw", rawSse / n);
    out.put("mae_raw", rawSae / n);
    out.put("rmse_raw", Math.sqrt(rawSse / n));
    out.put("mape", mapeN == 0 ? Double.NaN : mape / mapeN);
    out.put("smape", smape / n);
    out.put("mase", maseN == 0 ? Double.NaN : mase / maseN);
    double variance = sumY2 - sumY * sumY / n;
    out.put("rse", variance > 0 ? Math.sqrt(rawSse) / Math.sqrt(variance) : Double.NaN);
    double corrSum = 0;
    int corrN = 0;
    for (double[] c : corr) {
      double vy = c[3] - c[1] * c[1] / c[0];
      double vf = c[4] - c[2] * c[2] / c[0];
      if (c[0] > 1 && vy > 0 && vf > 0) {
        corrSum += (c[5] - c[1] * c[2] / c[0]) / Math.sqrt(vy * vf);
        corrN++;
      }
    }
    out.put("corr", corrN == 0 ? Double.NaN : corrSum / corrN);
    out.put("values", (double) n);
    out.put("mase_windows_left_out", (double) maseLeftOut);
    return out;
  }
}
