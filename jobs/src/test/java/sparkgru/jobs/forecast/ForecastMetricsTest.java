package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every metric against its textbook formula over the same values; merging equals one pass. */
class ForecastMetricsTest {
  private static final int WINDOWS = 7;
  private static final int H = 4;
  private static final int K = 2;

  @Test
  void metricsFollowTheirDefinitionsAndMergeExactly() {
    SplittableRandom r = new SplittableRandom(11);
    double[][][] y = new double[WINDOWS][H][K];
    double[][][] f = new double[WINDOWS][H][K];
    double[][][] ys = new double[WINDOWS][H][K];
    double[][][] fs = new double[WINDOWS][H][K];
    double[][] scale = new double[WINDOWS][K];
    for (int w = 0; w < WINDOWS; w++) {
      for (int h = 0; h < H; h++) {
        for (int j = 0; j < K; j++) {
          y[w][h][j] = 5 + 3 * r.nextDouble() * (j + 1);
          f[w][h][j] = y[w][h][j] + r.nextDouble() - 0.5;
          ys[w][h][j] = (y[w][h][j] - 5) / 2;
          fs[w][h][j] = (f[w][h][j] - 5) / 2;
        }
      }
      scale[w] = new double[] {0.5 + r.nextDouble(), w == 3 ? 0 : 0.7};
    }
    y[2][1][0] = 0; // excluded from MAPE only
    ForecastMetrics all = new ForecastMetrics(K);
    ForecastMetrics first = new ForecastMetrics(K);
    ForecastMetrics rest = new ForecastMetrics(K);
    int[] steps = {0, 1, 2, 3};
    for (int w = 0; w < WINDOWS; w++) {
      all.add(ys[w], fs[w], y[w], f[w], scale[w], steps);
      (w < 3 ? first : rest).add(ys[w], fs[w], y[w], f[w], scale[w], steps);
    }
    Map<String, Double> m = all.values();
    Map<String, Double> merged = first.merge(rest).values();
    m.forEach((k, v) -> assertEquals(v, merged.get(k), 1e-12 * Math.max(1, Math.abs(v)), k));

    double n = WINDOWS * H * K;
    double sse = 0, sae = 0, rawSse = 0, rawSae = 0, mape = 0, smape = 0, sumY = 0;
    int mapeN = 0;
    for (int w = 0; w < WINDOWS; w++) {
      for (int h = 0; h < H; h++) {
        for (int j = 0; j < K; j++) {
          double e = y[w][h][j] - f[w][h][j];
          sse += Math.pow(ys[w][h][j] - fs[w][h][j], 2);
          sae += Math.abs(ys[w][h][j] - fs[w][h][j]);
          rawSse += e * e;
          rawSae += Math.abs(e);
          if (y[w][h][j] != 0) {
            mape += 100 * Math.abs(e / y[w][h][j]);
            mapeN++;
          }
          smape += 200 * Math.abs(e) / (Math.abs(y[w][h][j]) + Math.abs(f[w][h][j]));
          sumY += y[w][h][j];
        }
      }
    }
    double mean = sumY / n;
    double ss = 0;
    for (double[][] a : y) {
      for (double[] b : a) {
        for (double v : b) {
          ss += (v - mean) * (v - mean);
        }
      }
    }
    assertEquals(sse / n, m.get("mse"), 1e-12);
    assertEquals(sae / n, m.get("mae"), 1e-12);
    assertEquals(rawSse / n, m.get("mse_raw"), 1e-12);
    assertEquals(Math.sqrt(rawSse / n), m.get("rmse_raw"), 1e-12);
    assertEquals(rawSae / n, m.get("mae_raw"), 1e-12);
    assertEquals(mape / mapeN, m.get("mape"), 1e-9);
    assertEquals(smape / n, m.get("smape"), 1e-9);
    assertEquals(Math.sqrt(rawSse) / Math.sqrt(ss), m.get("rse"), 1e-9);

    double mase = 0;
    int maseN = 0;
    for (int w = 0; w < WINDOWS; w++) {
      for (int j = 0; j < K; j++) {
        if (scale[w][j] > 0) {
          double mae = 0;
          for (int h = 0; h < H; h++) {
            mae += Math.abs(y[w][h][j] - f[w][h][j]) / H;
          }
          mase += mae / scale[w][j];
          maseN++;
        }
      }
    }
    assertEquals(mase / maseN, m.get("mase"), 1e-9);
    assertEquals(1.0, m.get("mase_windows_left_out"), "window 3's second target has scale 0");

    double corr = 0;
    for (int j = 0; j < K; j++) {
      double my = 0, mf = 0;
      for (int w = 0; w < WINDOWS; w++) {
        for (int h = 0; h < H; h++) {
          my += y[w][h][j] / (WINDOWS * H);
          mf += f[w][h][j] / (WINDOWS * H);
        }
      }
      double cov = 0, vy = 0, vf = 0;
      for (int w = 0; w < WINDOWS; w++) {
        for (int h = 0; h < H; h++) {
          cov += (y[w][h][j] - my) * (f[w][h][j] - mf);
          vy += Math.pow(y[w][h][j] - my, 2);
          vf += Math.pow(f[w][h][j] - mf, 2);
        }
      }
      corr += cov / Math.sqrt(vy * vf) / K;
    }
    assertEquals(corr, m.get("corr"), 1e-9);
  }

  @Test
  void onlyTheChosenStepsAreScoredAndAPerfectForecastScoresZero() {
    double[][] y = {{1}, {2}, {3}};
    double[][] f = {{1}, {9}, {3}};
    ForecastMetrics one = new ForecastMetrics(1);
    one.add(y, f, y, f, new double[] {1}, new int[] {2});
    assertEquals(0.0, one.values().get("mse"));
    assertEquals(0.0, one.values().get("smape"));
    assertEquals(1.0, one.values().get("values"));
    ForecastMetrics all = new ForecastMetrics(1);
    all.add(y, f, y, f, new double[] {1}, new int[] {0, 1, 2});
    assertEquals(49.0 / 3, all.values().get("mse"), 1e-12);
    assertTrue(Double.isNaN(new ForecastMetrics(1).values().get("rse")), "no values: undefined, not 0");
  }
}
