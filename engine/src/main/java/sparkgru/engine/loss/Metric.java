package sparkgru.engine.loss;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras metrics accumulated over an epoch: a weighted sum and a weight, so the epoch value is
 * the mean over all rows seen, not a mean of batch means. As in Keras 3, mae and
 * binary_accuracy skip masked rows while rmse ignores the mask; an empty accumulator gives 0.
 */
public enum Metric {
  /** Mean absolute error. */
  MAE("mae") {
    @Override double rowValue(float[] p, float[] t, int off, int lastDim) {
      double s = 0;
      for (int j = 0; j < lastDim; j++) {
        s += Math.abs((double) p[off + j] - t[off + j]);
      }
      return s / lastDim;
    }
  },
  /** Root mean squared error: sqrt of the epoch's mean squared error. */
  RMSE("rmse") {
    @Override double rowValue(float[] p, float[] t, int off, int lastDim) {
      double s = 0;
      for (int j = 0; j < lastDim; j++) {
        double e = (double) p[off + j] - t[off + j];
        s += e * e;
      }
      return s / lastDim;
    }
    @Override public double result(double[] acc) { return Math.sqrt(super.result(acc)); }
    @Override boolean honoursMask() { return false; }
  },
  /** Fraction of values where {@code (pred > 0.5) == target}. */
  BINARY_ACCURACY("binary_accuracy") {
    @Override double rowValue(float[] p, float[] t, int off, int lastDim) {
      double s = 0;
      for (int j = 0; j < lastDim; j++) {
        float predicted = p[off + j] > 0.5f ? 1f : 0f;
        s += predicted == t[off + j] ? 1 : 0;
      }
      return s / lastDim;
    }
  };

  /** The Keras names of all metrics, the names {@link #parse} takes. */
  public static final List<String> NAMES = Arrays.stream(values()).map(Metric::kerasName).toList();

  private final String kerasName;

  Metric(String kerasName) {
    this.kerasName = kerasName;
  }

  /** Keras' name, used as the key in histories. */
  public String kerasName() {
    return kerasName;
  }

  abstract double rowValue(float[] pred, float[] target, int off, int lastDim);

  /** Whether masked rows are left out (Keras passes the mask as sample weight to these). */
  boolean honoursMask() {
    return true;
  }

  /** Adds n predictions (rows of lastDim) to {@code acc = [weighted sum, weight]}. */
  public void accumulate(float[] pred, float[] target, int n, int lastDim, boolean[] rowMask, double[] acc) {
    for (int r = 0, rows = n / lastDim; r < rows; r++) {
      if (rowMask == null || rowMask[r] || !honoursMask()) {
        acc[0] += rowValue(pred, target, r * lastDim, lastDim);
        acc[1] += 1;
      }
    }
  }

  /** The metric from an accumulator. */
  public double result(double[] acc) {
    return acc[1] == 0 ? 0.0 : acc[0] / acc[1];
  }

  /** The metric with this Keras name. */
  public static Metric parse(String name) {
    if (name == null) {
      throw new InvalidInputException("metric must be one of " + NAMES + ", got null");
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Metric m : values()) {
      if (m.kerasName.equals(wanted)) {
        return m;
      }
    }
    throw new InvalidInputException("metric must be one of " + NAMES + ", got '" + name + "'");
  }
}
