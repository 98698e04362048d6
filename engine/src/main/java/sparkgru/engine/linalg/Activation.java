package sparkgru.engine.linalg;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Element-wise activations with the definitions of {@code keras.activations} (Keras 3).
 *
 * <p>Each activation computes {@code y = f(x)} and its derivative {@code f'(x)} from both the
 * input {@code x} and the output {@code y}, so backward passes can use whichever is cheaper
 * (sigmoid and tanh need only y). Values are computed in double and rounded to float.
 */
public enum Activation {
  /**
   * {@code tanh(x)}, as {@code (e - 1) / (e + 1)} with {@code e = exp(2x)} in double: Math.exp is
   * an intrinsic, Math.tanh is not (about 4x slower). The cancellation in {@code e - 1} costs at
   * most ~4e-16 / |x| relative, below float32 rounding for |x| &gt; 1e-8; below that tanh(x) = x
   * in float32.
   */
  TANH("tanh") {
    @Override public float apply(float x) {
      if (Math.abs(x) < 1e-8f) {
        return x;
      }
      if (Math.abs(x) > 20f) {
        return Math.signum(x);
      }
      double e = Math.exp(2.0 * x);
      return (float) ((e - 1.0) / (e + 1.0));
    }
    @Override public float derivative(float x, float y) { return 1f - y * y; }
    @Override public void applyAll(float[] src, int s, float[] dst, int d, int n) {
      if (VectorKernels.VECTOR != null) {
        VectorKernels.VECTOR.tanh(src, s, dst, d, n);
      } else {
        super.applyAll(src, s, dst, d, n);
      }
    }
  },
  /** {@code 1 / (1 + exp(-x))}. */
  SIGMOID("sigmoid") {
    @Override public float apply(float x) { return (float) (1.0 / (1.0 + Math.exp(-x))); }
    @Override public float derivative(float x, float y) { return y * (1f - y); }
    @Override public void applyAll(float[] src, int s, float[] dst, int d, int n) {
      if (VectorKernels.VECTOR != null) {
        VectorKernels.VECTOR.sigmoid(src, s, dst, d, n);
      } else {
        super.applyAll(src, s, dst, d, n);
      }
    }
  },
  /** Keras 3 definition: {@code clip(x / 6 + 0.5, 0, 1)} (Keras 2 used slope 0.2). */
  HARD_SIGMOID("hard_sigmoid") {
    @Override public float apply(float x) { return Math.min(1f, Math.max(0f, x / 6f + 0.5f)); }
    @Override public float derivative(float x, float y) { return (x > -3f && x < 3f) ? 1f / 6f : 0f; }
  },
  /** {@code max(x, 0)}; derivative 0 at 0, as TensorFlow. */
  RELU("relu") {
    @Override public float apply(float x) { return x > 0f ? x : 0f; }
    @Override public float derivative(float x, float y) { return x > 0f ? 1f : 0f; }
  },
  /** The identity. */
  LINEAR("linear") {
    @Override public float apply(float x) { return x; }
    @Override public float derivative(float x, float y) { return 1f; }
  },
  /** {@code x / (1 + |x|)}. */
  SOFTSIGN("softsign") {
    @Override public float apply(float x) { return x / (1f + Math.abs(x)); }
    @Override public float derivative(float x, float y) {
      float d = 1f + Math.abs(x);
      return 1f / (d * d);
    }
  },
  /** {@code x} for x &gt; 0, else {@code exp(x) - 1} (alpha 1). */
  ELU("elu") {
    @Override public float apply(float x) { return x > 0f ? x : (float) Math.expm1(x); }
    @Override public float derivative(float x, float y) { return x > 0f ? 1f : (float) Math.exp(x); }
  },
  /** {@code scale * elu(x, alpha)} with Keras' alpha 1.67326324 and scale 1.05070098. */
  SELU("selu") {
    @Override public float apply(float x) {
      return (float) (x > 0f ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x));
    }
    @Override public float derivative(float x, float y) {
      return (float) (x > 0f ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x));
    }
  },
  /** Exact GELU, Keras' default {@code approximate=False}: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
  GELU("gelu") {
    @Override public float apply(float x) { return (float) (x * normalCdf(x)); }
    @Override public float derivative(float x, float y) {
      return (float) (normalCdf(x) + x * Math.exp(-0.5 * (double) x * x) / Math.sqrt(2 * Math.PI));
    }
  };

  private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  private static final double SELU_SCALE = 1.0507009873554804934193349852946;

  private final String kerasName;

  Activation(String kerasName) {
    this.kerasName = kerasName;
  }

  /** {@code f(x)}. */
  public abstract float apply(float x);

  /**
   * {@code dst[d + i] = apply(src[s + i])} for {@code i < n}: sigmoid and tanh run vectorised when
   * the Vector API is available (within float32 rounding of the scalar form, tested), the others
   * element by element.
   */
  public void applyAll(float[] src, int s, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = apply(src[s + i]);
    }
  }

  /** Whether sigmoid and tanh run on the Vector API in this JVM. */
  public static boolean vectorised() {
    return VectorKernels.VECTOR != null;
  }

  /** {@code f'(x)}, given the input x and the output y = f(x). */
  public abstract float derivative(float x, float y);

  /** {@code dst[dstOff + i] = f(src[srcOff + i])} for i in [0, n). */
  public void apply(float[] src, int srcOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = apply(src[srcOff + i]);
    }
  }

  /** The name Keras uses in configs, e.g. {@code hard_sigmoid}. */
  public String kerasName() {
    return kerasName;
  }

  /**
   * The activation with this Keras name (case-insensitive); {@code null} means linear, as in
   * Keras.
   *
   * @param field the config field, named in the error message
   */
  public static Activation fromKerasName(String name, String field) {
    if (name == null) {
      return LINEAR;
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Activation a : values()) {
      if (a.kerasName.equals(wanted)) {
        return a;
      }
    }
    throw new InvalidInputException(field + " must be one of " + allowedNames() + ", got '" + name + "'");
  }

  /** The Keras names of all activations, for error messages. */
  public static String allowedNames() {
    return Arrays.stream(values()).map(Activation::kerasName).collect(Collectors.joining(", ", "[", "]"));
  }

  /** Standard normal CDF {@code 0.5 (1 + erf(x / sqrt 2))}, accurate to ~1e-15 relative. */
  static double normalCdf(double x) {
    double u = x / Math.sqrt(2.0);
    return u < 0 ? 0.5 * erfc(-u) : 0.5 * (1.0 + erf(u));
  }

  /** erf(u) for 0 &lt;= u; series for small u, continued fraction beyond. */
  private static double erf(double u) {
    return u < 2.5 ? erfSeries(u) : 1.0 - erfcContinuedFraction(u);
  }

  /** erfc(u) for 0 &lt;= u, with full relative accuracy in the tail. */
  private static double erfc(double u) {
    return u < 2.5 ? 1.0 - erfSeries(u) : erfcContinuedFraction(u);
  }

  /** erf(u) = 2/sqrt(pi) exp(-u^2) sum_n 2^n u^(2n+1) / (1*3*...*(2n+1)); all terms positive. */
  private static double erfSeries(double u) {
    double term = u;
    double sum = u;
    double u2 = u * u;
    for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= 2.0 * u2 / (2 * n + 1);
      sum += term;
    }
    return 2.0 / Math.sqrt(Math.PI) * Math.exp(-u2) * sum;
  }

  /** erfc(u) = exp(-u^2)/sqrt(pi) * 1/(u + (1/2)/(u + 1/(u + (3/2)/(u + ...)))), by Lentz. */
  private static double erfcContinuedFraction(double u) {
    double tiny = 1e-300;
    double f = u;
    double c = u;
    double d = 0;
    for (int k = 1; k < 300; k++) {
      double a = k / 2.0;
      d = u + a * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = u + a / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1.0 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1.0) < 1e-16) {
        break;
      }
    }
    return Math.exp(-u * u) / Math.sqrt(Math.PI) / f;
  }
}
