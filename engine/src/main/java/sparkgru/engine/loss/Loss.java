package sparkgru.engine.loss;

import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * A Keras loss with the {@code sum_over_batch_size} reduction.
 *
 * <p>Predictions are rows of {@code lastDim} values ({@code [batch, outputs]}, or
 * {@code [batch, steps, outputs]} flattened to batch * steps rows). Each row's loss is the mean
 * of {@link #elementLoss} over its values; the batch loss is the mean over rows. With a step
 * mask (sequence outputs of a masked model), Keras' masked mean applies:
 * {@code sum(mask * rowLoss) / validRows}, 0 when no row is valid ({@code divide_no_nan}).
 */
public sealed interface Loss {

  /** Keras' fuzz factor. */
  double EPSILON = 1e-7;

  /** The names {@link #parse} takes, each the {@link #name()} of the loss it gives. */
  List<String> NAMES = List.of("mse", "mae", "huber", "binary_crossentropy");

  /** Keras' name. */
  String name();

  /** The loss of one predicted value against its target. */
  double elementLoss(float pred, float target);

  /** d elementLoss / d pred. */
  double elementDerivative(float pred, float target);

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
          rowSum += elementLoss(pred[i], target[i]);
        }
        if (grad != null) {
          grad[i] = real ? (float) (rowWeight / lastDim * elementDerivative(pred[i], target[i])) : 0f;
        }
      }
      total += rowSum / lastDim;
    }
    return total * rowWeight;
  }

  /** Mean squared error. */
  record MeanSquaredError() implements Loss {
    @Override public String name() { return "mse"; }
    @Override public double elementLoss(float p, float t) { double e = p - t; return e * e; }
    @Override public double elementDerivative(float p, float t) { return 2.0 * ((double) p - t); }
  }

  /** Mean absolute error; derivative sign(p - t), 0 at 0. */
  record MeanAbsoluteError() implements Loss {
    @Override public String name() { return "mae"; }
    @Override public double elementLoss(float p, float t) { return Math.abs((double) p - t); }
    @Override public double elementDerivative(float p, float t) { return Math.signum((double) p - t); }
  }

  /** Keras' Huber: 0.5 e² for |e| &lt;= delta, else delta (|e| - 0.5 delta); default delta 1. */
  record Huber(double delta) implements Loss {
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
  record BinaryCrossentropy() implements Loss {
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

  /** The loss with this Keras name: mse, mae, huber[:delta], binary_crossentropy. */
  static Loss parse(String name) {
    String[] parts = name == null ? new String[] {""} : name.trim().toLowerCase(Locale.ROOT).split(":");
    return switch (parts[0]) {
      case "mse", "mean_squared_error" -> new MeanSquaredError();
      case "mae", "mean_absolute_error" -> new MeanAbsoluteError();
      case "huber" -> new Huber(parts.length > 1 ? Double.parseDouble(parts[1]) : 1.0);
      case "binary_crossentropy", "bce" -> new BinaryCrossentropy();
      default -> throw new InvalidInputException("loss must be one of " + NAMES + ", got '" + name + "'");
    };
  }
}
