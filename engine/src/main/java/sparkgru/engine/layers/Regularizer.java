package sparkgru.engine.layers;

import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras' {@code L1L2} weight penalty {@code l1 * sum|w| + l2 * sum w^2}, added to the loss; its
 * gradient is {@code l1 * sign(w) + 2 * l2 * w} (sign(0) = 0). As an activity regularizer the
 * penalty of a layer's output is divided by the batch size, as Keras does.
 *
 * @param l1 the L1 factor, &gt;= 0
 * @param l2 the L2 factor, &gt;= 0
 */
public record Regularizer(double l1, double l2) {

  /** Validates both factors. */
  public Regularizer {
    if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
      throw new InvalidInputException("regularizer factors must be finite and >= 0, got l1=" + l1 + ", l2=" + l2);
    }
  }

  /** Keras {@code l1(factor)}. */
  public static Regularizer l1(double factor) {
    return new Regularizer(factor, 0);
  }

  /** Keras {@code l2(factor)}. */
  public static Regularizer l2(double factor) {
    return new Regularizer(0, factor);
  }

  /**
   * Parses {@code l1[:f]}, {@code l2[:f]} (default factor 0.01) or {@code l1_l2[:l1[:l2]]}
   * (defaults 0, as Keras' {@code L1L2()}); {@code null} or {@code none} give {@code null}.
   */
  public static Regularizer parse(String spec, String field) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return null;
    }
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
    try {
      return switch (parts[0]) {
        case "l1" -> l1(parts.length > 1 ? Double.parseDouble(parts[1]) : 0.01);
        case "l2" -> l2(parts.length > 1 ? Double.parseDouble(parts[1]) : 0.01);
        case "l1_l2" -> new Regularizer(parts.length > 1 ? Double.parseDouble(parts[1]) : 0.0,
            parts.length > 2 ? Double.parseDouble(parts[2]) : 0.0);
        default -> throw new InvalidInputException(field + " must be l1[:factor], l2[:factor] or l1_l2:l1:l2, got '" + spec + "'");
      };
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field + " has a non-numeric factor in '" + spec + "'", e);
    }
  }

  /** The penalty of {@code w[off .. off+n)}. */
  public double penalty(float[] w, int off, int n) {
    double abs = 0;
    double sq = 0;
    for (int i = off; i < off + n; i++) {
      abs += Math.abs(w[i]);
      sq += (double) w[i] * w[i];
    }
    return l1 * abs + l2 * sq;
  }

  /** {@code grad[gOff + i] += scale * d penalty / d w[off + i]}. */
  public void addGradient(float[] w, int off, int n, float[] grad, int gOff, double scale) {
    float a = (float) (scale * l1);
    float b = (float) (scale * 2 * l2);
    for (int i = 0; i < n; i++) {
      float v = w[off + i];
      grad[gOff + i] += a * Math.signum(v) + b * v;
    }
  }

  /** Keras-style description, e.g. {@code l1_l2:0.01:0.02}. */
  public String describe() {
    return "l1_l2:" + l1 + ":" + l2;
  }
}
