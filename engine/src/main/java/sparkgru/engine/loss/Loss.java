package sparkgru.engine.loss;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * A Keras loss with the {@code sum_over_batch_size} reduction.
 *
 * <p>Predictions are rows of {@code lastDim} values ({@code [batch, outputs]}, or
 * {@code [batch, steps, outputs]} flattened to batch * steps rows). Each row's loss is the mean
 * of {@link #elementLoss(int, float, float)} over its values; the batch loss is the mean over
 * rows. With a step mask (sequence outputs of a masked model), Keras' masked mean applies:
 * {@code sum(mask * rowLoss) / validRows}, 0 when no row is valid ({@code divide_no_nan}).
 *
 * <p>The losses of {@link Elementwise} score every column alike; {@link Pinball} gives each
 * column of a row its own quantile, so the element loss takes the column.
 */
public sealed interface Loss {

  /** Keras' fuzz factor. */
  double EPSILON = 1e-7;

  /**
   * The names {@link #parse} takes, each the {@link #name()} of the loss it gives. {@link Pinball}
   * is not among them: its quantiles are a setting of their own, {@code train.quantiles}.
   */
  List<String> NAMES = List.of("mse", "mae", "huber", "binary_crossentropy");

  /** Keras' name. */
  String name();

  /** The loss of the predicted value in output column {@code column} of a row against its target. */
  double elementLoss(int column, float pred, float target);

  /** d elementLoss / d pred for the value in output column {@code column} of a row. */
  double elementDerivative(int column, float pred, float target);

  /**
   * The reduced loss of {@code n} predictions; writes dLoss/dPred into {@code grad[0, n)} when
   * {@code grad} is not null.
   *
   * @param rowMask one entry per row, or null
   */
  default double evaluate(float[] pred, float[] target, int n, int lastDim, boolean[] rowMask, float[] grad) {
    int rows = n / lastDim;
    double rowWeight;
    if (rowMask == null) {
      rowWeight = 1.0 / rows;
    } else {
      int valid = 0;
      for (int r = 0; r < rows; r++) {
        valid += rowMask[r] ? 1 : 0;
      }
      rowWeight = valid == 0 ? 0.0 : 1.0 / valid;
    }
    double total = 0;
    for (int r = 0; r < rows; r++) {
      boolean real = rowMask == null || rowMask[r];
      double rowSum = 0;
      for (int j = 0; j < lastDim; j++) {
        int i = r * lastDim + j;
        if (real) {
          rowSum += elementLoss(j, pred[i], target[i]);
        }
        if (grad != null) {
          grad[i] = real ? (float) (rowWeight / lastDim * elementDerivative(j, pred[i], target[i])) : 0f;
        }
      }
      total += rowSum / lastDim;
    }
    return total * rowWeight;
  }

  /** A loss that scores every output column with the same function of prediction and target. */
  sealed interface Elementwise extends Loss {

    /** The loss of one predicted value against its target. */
    double elementLoss(float pred, float target);

    /** d elementLoss / d pred. */
    double elementDerivative(float pred, float target);

    /** {@link #elementLoss(float, float)}: the column does not matter. */
    @Override
    default double elementLoss(int column, float pred, float target) {
      return elementLoss(pred, target);
    }

    /** {@link #elementDerivative(float, float)}: the column does not matter. */
    @Override
    default double elementDerivative(int column, float pred, float target) {
      return elementDerivative(pred, target);
    }
  }

  /** Mean squared error. */
  record MeanSquaredError() implements Elementwise {
    @Override public String name() { return "mse"; }
    @Override public double elementLoss(float p, float t) { double e = p - t; return e * e; }
    @Override public double elementDerivative(float p, float t) { return 2.0 * ((double) p - t); }
  }

  /** Mean absolute error; derivative sign(p - t), 0 at 0. */
  record MeanAbsoluteError() implements Elementwise {
    @Override public String name() { return "mae"; }
    @Override public double elementLoss(float p, float t) { return Math.abs((double) p - t); }
    @Override public double elementDerivative(float p, float t) { return Math.signum((double) p - t); }
  }

  /** Keras' Huber: 0.5 e² for |e| &lt;= delta, else delta (|e| - 0.5 delta); default delta 1. */
  record Huber(double delta) implements Elementwise {
    /** Validates delta. */
    public Huber {
      if (!(delta > 0) || Double.isInfinite(delta)) {
        throw new InvalidInputException("huber.delta must be a finite number > 0, got " + delta);
      }
    }
    @Override public String name() { return "huber"; }
    @Override public double elementLoss(float p, float t) {
      double a = Math.abs((double) p - t);
      double q = Math.min(a, delta);
      return 0.5 * q * q + delta * (a - q);
    }
    @Override public double elementDerivative(float p, float t) {
      double e = (double) p - t;
      return Math.abs(e) <= delta ? e : delta * Math.signum(e);
    }
  }

  /**
   * Keras' binary cross-entropy on probabilities, clipped to [1e-7, 1 - 1e-7] as Keras does
   * outside TensorFlow's from-logits shortcut: {@code -(t log p + (1 - t) log(1 - p))}.
   */
  record BinaryCrossentropy() implements Elementwise {
    @Override public String name() { return "binary_crossentropy"; }
    @Override public double elementLoss(float p, float t) {
      double c = Math.min(1 - EPSILON, Math.max(EPSILON, p));
      return -(t * Math.log(c) + (1.0 - t) * Math.log(1 - c));
    }
    @Override public double elementDerivative(float p, float t) {
      if (p <= EPSILON || p >= 1 - EPSILON) {
        return 0;
      }
      return -(t / (double) p) + (1.0 - t) / (1.0 - p);
    }
  }

  /**
   * The pinball (quantile) loss of forecasts of several quantiles at once. A row's values hold
   * the quantiles innermost: output column {@code j} of a row ({@code 0 <= j < lastDim}) is the
   * forecast of quantile {@code quantiles[j % Q]}, Q = {@code quantiles.length}, so lastDim must
   * be a multiple of Q ({@code [batch, outputs * Q]}, or {@code [batch, steps, outputs * Q]}). The
   * target of each column is the actual value itself: the caller repeats each actual Q times.
   *
   * <p>For quantile q and error {@code e = t - p} the element loss is
   * {@code max(q e, (q - 1) e)}: q e when the actual lies above the forecast, (1 - q)(-e) when
   * below; its minimiser in expectation is the q-quantile of the target. The derivative with
   * respect to p is {@code -q} for {@code t > p}, {@code 1 - q} for {@code t < p}, and 0 at
   * {@code t == p} (a subgradient, as {@link MeanAbsoluteError} takes sign(0) = 0). With a single
   * quantile 0.5 the loss is half the mean absolute error. Rows reduce as every loss here does.
   *
   * <p>The loss is not one {@link Loss#parse} gives: {@code train.loss} names the point losses, and
   * a quantile forecaster takes its levels from {@code train.quantiles} (a comma-separated list);
   * hence the messages name that setting.
   *
   * @param quantiles the levels, each in (0, 1), strictly increasing (kept as a copy)
   */
  record Pinball(double[] quantiles) implements Loss {
    /** Validates and copies the levels. */
    public Pinball {
      check(quantiles, "train.quantiles");
      quantiles = quantiles.clone();
    }

    /**
     * Fails unless {@code quantiles} are levels a pinball loss takes: at least one, each strictly
     * inside (0, 1), increasing with no repeats; the message begins with {@code name}, the setting
     * or param that gave them.
     */
    public static void check(double[] quantiles, String name) {
      if (quantiles == null || quantiles.length == 0) {
        throw new InvalidInputException(name + " must list at least one quantile, got " + Arrays.toString(quantiles));
      }
      for (double q : quantiles) {
        if (!(q > 0 && q < 1)) {
          throw new InvalidInputException(name + " must each lie strictly between 0 and 1, got " + q);
        }
      }
      for (int k = 1; k < quantiles.length; k++) {
        if (!(quantiles[k] > quantiles[k - 1])) {
          throw new InvalidInputException(name + " must be increasing with no repeats, got "
              + Arrays.toString(quantiles));
        }
      }
    }

    /** A copy of the levels. */
    @Override public double[] quantiles() { return quantiles.clone(); }

    @Override public String name() { return "pinball"; }

    @Override public double elementLoss(int column, float p, float t) {
      double q = quantiles[column % quantiles.length];
      double e = (double) t - p;
      return Math.max(q * e, (q - 1) * e);
    }

    @Override public double elementDerivative(int column, float p, float t) {
      double q = quantiles[column % quantiles.length];
      return t > p ? -q : t < p ? 1 - q : 0;
    }

    /**
     * {@link Loss#evaluate}, after checking that every row holds whole groups of quantiles.
     *
     * @throws IllegalArgumentException when lastDim is not a multiple of the number of quantiles
     */
    @Override
    public double evaluate(float[] pred, float[] target, int n, int lastDim, boolean[] rowMask, float[] grad) {
      if (lastDim % quantiles.length != 0) {
        throw new IllegalArgumentException("pinball loss: the last dimension " + lastDim
            + " is not a multiple of the " + quantiles.length + " quantiles " + Arrays.toString(quantiles)
            + " (internal error: the model must give every output all its quantiles)");
      }
      return Loss.super.evaluate(pred, target, n, lastDim, rowMask, grad);
    }

    /** Equal when the levels are. */
    @Override public boolean equals(Object o) {
      return o instanceof Pinball p && Arrays.equals(quantiles, p.quantiles);
    }

    @Override public int hashCode() { return Arrays.hashCode(quantiles); }

    @Override public String toString() { return "Pinball" + Arrays.toString(quantiles); }
  }

  /**
   * The loss with this Keras name: mse, mae, huber[:delta], binary_crossentropy. Never
   * {@link Pinball}, whose levels come from {@code train.quantiles}; asking for it by name says so.
   */
  static Loss parse(String name) {
    String[] parts = name == null ? new String[] {""} : name.trim().toLowerCase(Locale.ROOT).split(":");
    return switch (parts[0]) {
      case "mse", "mean_squared_error" -> new MeanSquaredError();
      case "mae", "mean_absolute_error" -> new MeanAbsoluteError();
      case "huber" -> new Huber(parts.length > 1 ? Double.parseDouble(parts[1]) : 1.0);
      case "binary_crossentropy", "bce" -> new BinaryCrossentropy();
      case "pinball", "quantile" -> throw new InvalidInputException("loss must be one of " + NAMES + ", got '" + name
          + "': a quantile forecaster trains on the pinball loss of the levels in train.quantiles");
      default -> throw new InvalidInputException("loss must be one of " + NAMES + ", got '" + name + "'");
    };
  }
}
