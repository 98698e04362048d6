package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.WindowSpec;

/** Direct and recursive forecasts against the model called by hand. */
class ForecasterTest {
  private static Sequential model(int features, int outputs) {
    return new ModelSpec(-1, features, List.of(new LayerSpec("gru", Map.of("units", "6")),
        new LayerSpec("dense", Map.of("units", String.valueOf(outputs))))).build(5);
  }

  /** The point forecasts of windows of series of {@code values} at times 0, 1, ... without covariates. */
  private static double[][][] forecast(Forecaster f, List<double[][]> values, int[] starts) {
    List<Series> series = new ArrayList<>();
    List<double[]> statics = new ArrayList<>();
    for (double[][] v : values) {
      series.add(new Series("s", LongStream.range(0, v.length).toArray(), v, false));
      statics.add(new double[0]);
    }
    double[][][][] q = f.forecast(series, values, statics, starts);
    double[][][] out = new double[q.length][][];
    for (int i = 0; i < q.length; i++) {
      out[i] = new double[q[i].length][q[i][0].length];
      for (int h = 0; h < q[i].length; h++) {
        for (int j = 0; j < q[i][h].length; j++) {
          out[i][h][j] = q[i][h][j][0];
        }
      }
    }
    return out;
  }

  private static List<double[][]> series(int count, int rows, int width) {
    SplittableRandom r = new SplittableRandom(9);
    List<double[][]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[][] v = new double[rows][width];
      for (double[] row : v) {
        for (int c = 0; c < width; c++) {
          row[c] = r.nextDouble() * 4 - 2;
        }
      }
      out.add(v);
    }
    return out;
  }

  @Test
  void directForecastsAreThePredictionPlusEachWindowsLastValue() {
    WindowSpec spec = new WindowSpec(List.of("a", "b"), List.of("b"), 4, 3, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.LAST, false);
    Sequential m = model(2, 3);
    List<double[][]> values = series(5, 10, 2);
    int[] starts = {0, 6, 3, 1, 2};
    double[][][] f = forecast(new Forecaster(m, 2, spec, 2), values, starts);
    for (int i = 0; i < 5; i++) {
      double[][] v = values.get(i);
      double[] last = v[starts[i] + 3];
      float[] x = new float[8];
      for (int s = 0; s < 4; s++) {
        x[2 * s] = (float) (v[starts[i] + s][0] - last[0]);
        x[2 * s + 1] = (float) (v[starts[i] + s][1] - last[1]);
      }
      float[] y = m.predict(Tensor.of(x, 1, 4, 2), 1).toArray();
      for (int h = 0; h < 3; h++) {
        assertEquals(y[h] + last[1], f[i][h][0], 1e-6, "window " + i + " step " + h);
      }
    }
  }

  @Test
  void standardisedWindowsComeBackOnTheirOwnScale() {
    WindowSpec spec = new WindowSpec(List.of("a"), List.of("a"), 4, 2, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.STANDARD, false);
    Sequential m = model(1, 2);
    double[][] v = {{1}, {3}, {2}, {6}};
    double[][] tenfold = {{10}, {30}, {20}, {60}};
    double[][][] f = forecast(new Forecaster(m, 1, spec, 4), List.of(v, tenfold), new int[] {0, 0});
    double mean = 3;
    double sd = Math.sqrt((4 + 0 + 1 + 9) / 4.0);
    float[] x = new float[4];
    for (int s = 0; s < 4; s++) {
      x[s] = (float) ((v[s][0] - mean) / sd);
    }
    float[] y = m.predict(Tensor.of(x, 1, 4, 1), 1).toArray();
    assertEquals(y[0] * sd + mean, f[0][0][0], 1e-6);
    assertEquals(y[1] * sd + mean, f[0][1][0], 1e-6);
    assertEquals(10 * f[0][1][0], f[1][1][0], 1e-5, "a series ten times larger gets a forecast ten times larger");
  }

  @Test
  void recursiveForecastsFeedEachStepBackAsTheNextInput() {
    WindowSpec spec = new WindowSpec(List.of("a", "b"), List.of("b", "a"), 3, 4, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.MEAN, true);
    Sequential m = model(2, 2);
    List<double[][]> values = series(3, 6, 2);
    int[] starts = {0, 3, 1};
    double[][][] f = forecast(new Forecaster(m, 2, spec, 16), values, starts);
    for (int i = 0; i < 3; i++) {
      List<double[]> window = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        window.add(values.get(i)[starts[i] + s].clone());
      }
      for (int h = 0; h < 4; h++) {
        double[] mean = new double[2];
        for (double[] row : window) {
          mean[0] += row[0] / 3;
          mean[1] += row[1] / 3;
        }
        float[] x = new float[6];
        for (int s = 0; s < 3; s++) {
          x[2 * s] = (float) (window.get(s)[0] - mean[0]);
          x[2 * s + 1] = (float) (window.get(s)[1] - mean[1]);
        }
        float[] y = m.predict(Tensor.of(x, 1, 3, 2), 1).toArray();
        // Targets are (b, a): output 0 is column b, output 1 column a.
        double b = y[0] + mean[1];
        double a = y[1] + mean[0];
        assertEquals(b, f[i][h][0], 1e-5, "window " + i + " step " + h + " b");
        assertEquals(a, f[i][h][1], 1e-5, "window " + i + " step " + h + " a");
        window.remove(0);
        window.add(new double[] {a, b});
      }
    }
  }

  @Test
  void aModelOfAnotherWidthIsRejected() {
    WindowSpec spec = new WindowSpec(List.of("a", "b"), List.of("b"), 4, 3, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.NONE, false);
    assertEquals("the model reads 3 input values per step but the data give 2 (2 columns [a, b])", assertThrows(
        IllegalArgumentException.class, () -> new Forecaster(model(3, 3), 3, spec, 8)).getMessage());
    assertEquals("the model outputs [2] values per window but 3 step(s) of [b] need 3", assertThrows(
        IllegalArgumentException.class, () -> new Forecaster(model(2, 2), 2, spec, 8)).getMessage());
  }
}
