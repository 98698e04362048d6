package sparkgru.engine.layers;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Weight initializers with the definitions of {@code keras.initializers} (Keras 3).
 *
 * <p>Fans follow Keras' {@code compute_fans}: for a 2-D shape {@code [rows, cols]} fan_in = rows
 * and fan_out = cols, computed over the whole matrix (a GRU kernel {@code [input_dim, 3*units]}
 * is one matrix, not three); for 1-D shapes both are the length. The random streams are Java's,
 * so values differ from Keras' for the same seed; the distributions are the same.
 */
public sealed interface Initializer {

  /** Fills {@code dst[off .. off + prod(shape))} with values for a variable of this shape. */
  void fill(float[] dst, int off, int[] shape, SplittableRandom random);

  /** Keras' name and arguments, e.g. {@code glorot_uniform} or {@code constant:0.5}. */
  String describe();

  /** Zeros. */
  record Zeros() implements Initializer {
    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      Arrays.fill(dst, off, off + size(shape), 0f);
    }
    @Override public String describe() { return "zeros"; }
  }

  /** Ones. */
  record Ones() implements Initializer {
    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      Arrays.fill(dst, off, off + size(shape), 1f);
    }
    @Override public String describe() { return "ones"; }
  }

  /** A constant value. */
  record Constant(float value) implements Initializer {
    /** Validates the value. */
    public Constant {
      if (!Float.isFinite(value)) {
        throw new InvalidInputException("constant initializer value must be finite, got " + value);
      }
    }
    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      Arrays.fill(dst, off, off + size(shape), value);
    }
    @Override public String describe() { return "constant:" + value; }
  }

  /** Uniform on {@code [minval, maxval)}; Keras defaults -0.05 and 0.05. */
  record RandomUniform(double minval, double maxval) implements Initializer {
    public RandomUniform {
      if (!(minval < maxval) || Double.isInfinite(minval) || Double.isInfinite(maxval)) {
        throw new InvalidInputException("random_uniform needs minval < maxval, got " + minval + " and " + maxval);
      }
    }
    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      for (int i = 0, n = size(shape); i < n; i++) {
        dst[off + i] = (float) (minval + (maxval - minval) * random.nextDouble());
      }
    }
    @Override public String describe() { return "random_uniform:" + minval + ":" + maxval; }
  }

  /** Normal with mean and standard deviation; Keras defaults 0 and 0.05. */
  record RandomNormal(double mean, double stddev) implements Initializer {
    public RandomNormal {
      if (!(stddev >= 0) || !Double.isFinite(stddev) || !Double.isFinite(mean)) {
        throw new InvalidInputException("random_normal needs a finite mean and a finite stddev >= 0, got mean="
            + mean + ", stddev=" + stddev);
      }
    }
    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      for (int i = 0, n = size(shape); i < n; i++) {
        dst[off + i] = (float) (mean + stddev * gaussian(random));
      }
    }
    @Override public String describe() { return "random_normal:" + mean + ":" + stddev; }
  }

  /**
   * Keras' {@code VarianceScaling}: with n = fan_in, fan_out or their mean (mode), either
   * uniform on {@code ±sqrt(3 scale / n)} or a normal truncated at two standard deviations with
   * {@code stddev = sqrt(scale / n) / 0.87962566103423978}. Glorot, He and LeCun are instances.
   */
  record VarianceScaling(String name, double scale, Mode mode, boolean uniform) implements Initializer {
    /** Which fan divides the scale. */
    public enum Mode { FAN_IN, FAN_OUT, FAN_AVG }

    /** Validates the scale. */
    public VarianceScaling {
      if (!(scale > 0) || Double.isInfinite(scale) || mode == null) {
        throw new InvalidInputException(name + " needs a finite scale > 0 and a mode, got scale=" + scale
            + ", mode=" + mode);
      }
    }

    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      int[] fans = fans(shape);
      double n = switch (mode) {
        case FAN_IN -> fans[0];
        case FAN_OUT -> fans[1];
        case FAN_AVG -> (fans[0] + fans[1]) / 2.0;
      };
      n = Math.max(1.0, n);
      int size = size(shape);
      if (uniform) {
        double limit = Math.sqrt(3.0 * scale / n);
        for (int i = 0; i < size; i++) {
          dst[off + i] = (float) (limit * (2 * random.nextDouble() - 1));
        }
      } else {
        double stddev = Math.sqrt(scale / n) / 0.87962566103423978;
        for (int i = 0; i < size; i++) {
          double g;
          do {
            g = gaussian(random);
          } while (Math.abs(g) > 2.0);
          dst[off + i] = (float) (stddev * g);
        }
      }
    }
    @Override public String describe() { return name; }
  }

  /**
   * Keras' {@code Orthogonal(gain=1)}: for a [rows, cols] matrix, the Q of a QR decomposition of a
   * Gaussian [max, min] matrix with signs fixed by diag(R) &gt; 0, transposed when rows &lt;
   * cols, so that a GRU's [units, 3*units] recurrent kernel has orthonormal rows.
   */
  record Orthogonal(double gain) implements Initializer {
    /** Validates the gain. */
    public Orthogonal {
      if (!Double.isFinite(gain)) {
        throw new InvalidInputException("orthogonal gain must be finite, got " + gain);
      }
    }

    @Override public void fill(float[] dst, int off, int[] shape, SplittableRandom random) {
      if (shape.length < 2) {
        throw new InvalidInputException("the orthogonal initializer needs a variable of at least 2 dimensions, got "
            + "shape " + Arrays.toString(shape) + " (use it for kernels, not biases)");
      }
      int rows = 1;
      for (int i = 0; i < shape.length - 1; i++) {
        rows *= shape[i];
      }
      int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
      int tall = Math.max(rows, cols);
      int wide = Math.min(rows, cols);
      // q: [tall, wide] column-by-column modified Gram-Schmidt, which yields diag(R) > 0.
      double[][] q = new double[wide][tall];
      for (int j = 0; j < wide; j++) {
        for (int i = 0; i < tall; i++) {
          q[j][i] = gaussian(random);
        }
      }
      for (int j = 0; j < wide; j++) {
        for (int p = 0; p < j; p++) {
          double dot = 0;
          for (int i = 0; i < tall; i++) {
            dot += q[p][i] * q[j][i];
          }
          for (int i = 0; i < tall; i++) {
            q[j][i] -= dot * q[p][i];
          }
        }
        double norm = 0;
        for (int i = 0; i < tall; i++) {
          norm += q[j][i] * q[j][i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < tall; i++) {
          q[j][i] /= norm;
        }
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          double v = rows >= cols ? q[c][r] : q[r][c];
          dst[off + r * cols + c] = (float) (gain * v);
        }
      }
    }
    @Override public String describe() { return "orthogonal"; }
  }

  /**
   * The initializer with a Keras name: zeros, ones, constant[:value], random_uniform[:min:max],
   * random_normal[:mean:stddev], glorot_uniform, glorot_normal, he_uniform, he_normal,
   * lecun_uniform, lecun_normal, orthogonal[:gain].
   *
   * @param field the config field, named in error messages
   */
  static Initializer parse(String spec, String field) {
    if (spec == null) {
      throw new InvalidInputException(field + " must be set, got null");
    }
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
    try {
      return switch (parts[0]) {
        case "zeros" -> new Zeros();
        case "ones" -> new Ones();
        case "constant" -> new Constant(parts.length > 1 ? Float.parseFloat(parts[1]) : 0f);
        case "random_uniform" -> parts.length > 2
            ? new RandomUniform(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]))
            : new RandomUniform(-0.05, 0.05);
        case "random_normal" -> parts.length > 2
            ? new RandomNormal(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]))
            : new RandomNormal(0.0, 0.05);
        case "glorot_uniform" -> glorotUniform();
        case "glorot_normal" -> new VarianceScaling("glorot_normal", 1.0, VarianceScaling.Mode.FAN_AVG, false);
        case "he_uniform" -> new VarianceScaling("he_uniform", 2.0, VarianceScaling.Mode.FAN_IN, true);
        case "he_normal" -> new VarianceScaling("he_normal", 2.0, VarianceScaling.Mode.FAN_IN, false);
        case "lecun_uniform" -> new VarianceScaling("lecun_uniform", 1.0, VarianceScaling.Mode.FAN_IN, true);
        case "lecun_normal" -> new VarianceScaling("lecun_normal", 1.0, VarianceScaling.Mode.FAN_IN, false);
        case "orthogonal" -> new Orthogonal(parts.length > 1 ? Double.parseDouble(parts[1]) : 1.0);
        default -> throw new InvalidInputException(field + " must be one of [zeros, ones, constant, "
            + "random_uniform, random_normal, glorot_uniform, glorot_normal, he_uniform, he_normal, "
            + "lecun_uniform, lecun_normal, orthogonal], got '" + spec + "'");
      };
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field + " has a non-numeric argument in '" + spec + "'", e);
    }
  }

  /** Keras' default kernel initializer. */
  static Initializer glorotUniform() {
    return new VarianceScaling("glorot_uniform", 1.0, VarianceScaling.Mode.FAN_AVG, true);
  }

  /** [fan_in, fan_out] as Keras' compute_fans. */
  private static int[] fans(int[] shape) {
    if (shape.length == 0) {
      return new int[] {1, 1};
    }
    if (shape.length == 1) {
      return new int[] {shape[0], shape[0]};
    }
    if (shape.length == 2) {
      return new int[] {shape[0], shape[1]};
    }
    int receptive = 1;
    for (int i = 0; i < shape.length - 2; i++) {
      receptive *= shape[i];
    }
    return new int[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
  }

  private static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  private static double gaussian(SplittableRandom random) {
    // Marsaglia polar method: SplittableRandom has no nextGaussian on Java 17.
    double u;
    double v;
    double s;
    do {
      u = 2 * random.nextDouble() - 1;
      v = 2 * random.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }
}
