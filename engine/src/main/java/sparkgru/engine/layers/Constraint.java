package sparkgru.engine.layers;

import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras weight constraints, applied to a variable after each optimiser update. Norms are taken
 * along axis 0 (Keras' default): per column of a 2-D {@code [rows, cols]} variable, over the
 * whole of a 1-D one. {@code epsilon} is Keras' {@code backend.epsilon()} = 1e-7.
 */
public sealed interface Constraint {

  /** Keras' fuzz factor. */
  double EPSILON = 1e-7;

  /** Projects {@code w[off .. off + prod(shape))} in place. */
  void apply(float[] w, int off, int[] shape);

  /** Keras-style description. */
  String describe();

  /** {@code w * (w >= 0)}. */
  record NonNeg() implements Constraint {
    @Override public void apply(float[] w, int off, int[] shape) {
      int n = rows(shape) * cols(shape);
      for (int i = off; i < off + n; i++) {
        if (w[i] < 0) {
          w[i] = 0f;
        }
      }
    }
    @Override public String describe() { return "non_neg"; }
  }

  /**
   * Keras' {@code MinMaxNorm}: {@code w * desired / (epsilon + norm)} with
   * {@code desired = rate * clip(norm, min, max) + (1 - rate) * norm}. {@code MaxNorm(m)} is
   * (0, m, 1) and {@code UnitNorm} rescales to {@code w / (epsilon + norm)}.
   */
  record NormClip(String name, double minValue, double maxValue, double rate, boolean unit) implements Constraint {
    /** Validates the range. */
    public NormClip {
      if (!(minValue >= 0) || !(maxValue >= minValue) || !(rate >= 0 && rate <= 1)) {
        throw new InvalidInputException(name + " needs 0 <= min_value <= max_value and rate in [0, 1], got min_value="
            + minValue + ", max_value=" + maxValue + ", rate=" + rate);
      }
    }

    @Override public void apply(float[] w, int off, int[] shape) {
      int rows = rows(shape);
      int cols = cols(shape);
      for (int c = 0; c < cols; c++) {
        double sq = 0;
        for (int r = 0; r < rows; r++) {
          double v = w[off + r * cols + c];
          sq += v * v;
        }
        double norm = Math.sqrt(sq);
        double factor;
        if (unit) {
          factor = 1.0 / (EPSILON + norm);
        } else {
          double desired = rate * Math.min(maxValue, Math.max(minValue, norm)) + (1 - rate) * norm;
          factor = desired / (EPSILON + norm);
        }
        for (int r = 0; r < rows; r++) {
          w[off + r * cols + c] = (float) (w[off + r * cols + c] * factor);
        }
      }
    }

    @Override public String describe() {
      if (unit) {
        return name;
      }
      return name.equals("max_norm") ? name + ":" + maxValue : name + ":" + minValue + ":" + maxValue + ":" + rate;
    }
  }

  /** Keras {@code max_norm(max_value)}, default 2. */
  static Constraint maxNorm(double maxValue) {
    return new NormClip("max_norm", 0, maxValue, 1.0, false);
  }

  /** Keras {@code unit_norm()}. */
  static Constraint unitNorm() {
    return new NormClip("unit_norm", 0, 1, 1, true);
  }

  /** Keras {@code min_max_norm(min_value, max_value, rate)}, defaults 0, 1, 1. */
  static Constraint minMaxNorm(double minValue, double maxValue, double rate) {
    return new NormClip("min_max_norm", minValue, maxValue, rate, false);
  }

  /**
   * Parses {@code max_norm[:max]}, {@code non_neg}, {@code unit_norm} or
   * {@code min_max_norm[:min:max[:rate]]}; {@code null} or {@code none} give {@code null}.
   */
  static Constraint parse(String spec, String field) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return null;
    }
    String[] p = spec.trim().toLowerCase(Locale.ROOT).split(":");
    try {
      return switch (p[0]) {
        case "non_neg" -> new NonNeg();
        case "unit_norm" -> unitNorm();
        case "max_norm" -> maxNorm(p.length > 1 ? Double.parseDouble(p[1]) : 2.0);
        case "min_max_norm" -> minMaxNorm(p.length > 1 ? Double.parseDouble(p[1]) : 0.0,
            p.length > 2 ? Double.parseDouble(p[2]) : 1.0, p.length > 3 ? Double.parseDouble(p[3]) : 1.0);
        default -> throw new InvalidInputException(field
            + " must be one of [max_norm, non_neg, unit_norm, min_max_norm], got '" + spec + "'");
      };
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field + " has a non-numeric argument in '" + spec + "'", e);
    }
  }

  private static int rows(int[] shape) {
    return shape.length == 0 ? 1 : shape[0];
  }

  private static int cols(int[] shape) {
    int c = 1;
    for (int i = 1; i < shape.length; i++) {
      c *= shape[i];
    }
    return c;
  }
}
