package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.Sequential;

/**
 * Central-difference gradient checks of a whole model: the objective is
 * {@code L = sum(output * R) + activity penalties} for a fixed random R, and every weight and
 * every input value is perturbed. The engine is float32, so each derivative is a Richardson
 * extrapolation of central differences at h and h/2 (truncation error O(h^4)) with the loss
 * summed in double; errors are relative, floored at 1% of the largest derivative.
 */
final class GradientCheck {
  static final double H = 3e-2;

  private GradientCheck() {}

  /** Checks weights and inputs; returns the worst relative error. */
  static double worstError(Sequential model, Tensor x, boolean training) {
    List<Layer> layers = model.layers();
    Tensor probe = forward(model, x, training);
    float[] r = new float[probe.size()];
    SplittableRandom random = new SplittableRandom(99);
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) (2 * random.nextDouble() - 1);
    }
    int[] outShape = probe.shape();

    float[] grads = model.parameters().gradients();
    Arrays.fill(grads, 0f);
    forward(model, x, training);
    float[] dx = model.backward(Tensor.of(r.clone(), outShape)).toArray();
    float[] analyticWeights = Arrays.copyOf(grads, model.parameters().size());

    float[] w = model.parameters().values();
    double worst = worst(w, model.parameters().size(), analyticWeights, () -> objective(model, x, training, r));
    double worstInput = worst(x.data(), x.size(), dx, () -> objective(model, x, training, r));
    assertTrue(layers.size() > 0);
    return Math.max(worst, worstInput);
  }

  private static Tensor forward(Sequential model, Tensor x, boolean training) {
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).seed(1000 + i); // the same dropout masks at every evaluation
    }
    return model.forward(x, training);
  }

  private static double objective(Sequential model, Tensor x, boolean training, float[] r) {
    Tensor out = forward(model, x, training);
    double sum = 0;
    float[] o = out.data();
    for (int i = 0; i < r.length; i++) {
      sum += (double) o[i] * r[i];
    }
    for (Layer layer : model.layers()) {
      sum += layer.activityPenalty();
    }
    return sum;
  }

  /** Worst relative error of analytic[0, n) against numeric derivatives of loss wrt values[0, n). */
  static double worst(float[] values, int n, float[] analytic, java.util.function.DoubleSupplier loss) {
    double[] numeric = new double[n];
    double scale = 0;
    for (int i = 0; i < n; i++) {
      float orig = values[i];
      double d1 = central(values, i, orig, H, loss);
      double d2 = central(values, i, orig, H / 2, loss);
      values[i] = orig;
      numeric[i] = (4 * d2 - d1) / 3;
      scale = Math.max(scale, Math.abs(numeric[i]));
    }
    double floor = Math.max(1e-2 * scale, 1e-6);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / Math.max(Math.abs(numeric[i]), floor));
    }
    return worst;
  }

  private static double central(float[] values, int i, float orig, double h, java.util.function.DoubleSupplier loss) {
    float plus = (float) (orig + h);
    float minus = (float) (orig - h);
    values[i] = plus;
    double lp = loss.getAsDouble();
    values[i] = minus;
    double lm = loss.getAsDouble();
    return (lp - lm) / ((double) plus - minus);
  }
}
