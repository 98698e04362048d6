package sparkgru.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Activations: Keras' definitions at known points, and derivatives against central differences. */
class ActivationTest {

  @Test
  void knownValues() {
    assertEquals(0.7615941559557649, Activation.TANH.apply(1f), 1e-7);
    assertEquals(0.7310585786300049, Activation.SIGMOID.apply(1f), 1e-7);
    assertEquals(0.5 + 1.0 / 6, Activation.HARD_SIGMOID.apply(1f), 1e-7, "Keras 3: x/6 + 1/2");
    assertEquals(1f, Activation.HARD_SIGMOID.apply(3.5f));
    assertEquals(0f, Activation.HARD_SIGMOID.apply(-3.5f));
    assertEquals(0f, Activation.RELU.apply(-2f));
    assertEquals(-0.6666667f, Activation.SOFTSIGN.apply(-2f), 1e-7);
    assertEquals(Math.expm1(-1.0), Activation.ELU.apply(-1f), 1e-7);
    assertEquals(1.0507009873554805 * 1.6732632423543772 * Math.expm1(-1.0), Activation.SELU.apply(-1f), 1e-6);
    // Exact GELU, x * Phi(x), at points where Phi is tabulated.
    assertEquals(0.8413447460685429, Activation.GELU.apply(1f), 1e-7);
    assertEquals(-2 * 0.022750131948179195, Activation.GELU.apply(-2f), 1e-9);
    assertEquals(-5 * 2.866515718791939e-7, Activation.GELU.apply(-5f), 1e-13, "relative accuracy in the tail");
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void derivativeMatchesCentralDifferencesAwayFromKinks(Activation a) {
    for (double x = -4.05; x < 4.1; x += 0.1) {
      double h = 1e-3;
      double numeric = (a.apply((float) (x + h)) - (double) a.apply((float) (x - h))) / (2 * h);
      float fx = (float) x;
      assertEquals(numeric, a.derivative(fx, a.apply(fx)), 2e-3 * Math.max(1, Math.abs(numeric)), a + " at " + x);
    }
  }

  @Test
  void tanhIsCorrectlyRoundedToFloatAcrossItsRange() {
    double worst = 0;
    for (float x = -25f; x < 25f; x += 0.00731f) {
      double exact = Math.tanh(x);
      worst = Math.max(worst, Math.abs(Activation.TANH.apply(x) - exact) / Math.max(Math.abs(exact), 1e-30));
    }
    for (float x = 1e-12f; x < 1f; x *= 1.37f) {
      worst = Math.max(worst, Math.abs(Activation.TANH.apply(-x) - Math.tanh(-x)) / Math.tanh(x));
    }
    assertEquals(0, worst, 6e-8, "within float32 rounding (2^-24 = 6e-8) of Math.tanh");
  }

  @Test
  void namesAreKeras() {
    assertSame(Activation.HARD_SIGMOID, Activation.fromKerasName("hard_sigmoid", "f"));
    assertSame(Activation.LINEAR, Activation.fromKerasName(null, "f"), "None means linear in Keras");
  }

  /**
   * An element computed in a vector lane and the same element computed after the last whole
   * vector give the same bits: results do not depend on the machine's vector width. The values
   * span 1e-6 to 1e3 with the saturating and branch-changing ones of {@link KernelCases#value}.
   */
  @Test
  void lanesAndRemainderGiveTheSameBits() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(8);
    float[] x = new float[203];
    for (int i = 0; i < x.length; i++) {
      x[i] = KernelCases.value(r);
    }
    for (Activation a : new Activation[] {Activation.SIGMOID, Activation.TANH}) {
      float[] together = new float[x.length];
      a.applyAll(x, 0, together, 0, x.length);
      for (int i = 0; i < x.length; i++) {
        float[] alone = new float[1];
        a.applyAll(x, i, alone, 0, 1);
        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(together[i]),
            Float.floatToRawIntBits(alone[0]), a + " of " + x[i] + ": " + together[i] + " in a lane, " + alone[0] + " alone");
      }
    }
  }

  @org.junit.jupiter.api.Test
  void vectorKernelsMatchTheExactValuesAcrossTheFloatRange() {
    org.junit.jupiter.api.Assertions.assertTrue(Activation.vectorised(), "the tests run with --add-modules "
        + "jdk.incubator.vector, so the vector kernels must load");
    // Magnitudes from 1e-30 to 1e4, both signs, and an odd length for the scalar tail.
    int n = 100_003;
    float[] x = new float[n];
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      double magnitude = Math.pow(10, -30 + 34 * r.nextDouble());
      x[i] = (float) (r.nextBoolean() ? magnitude : -magnitude);
    }
    x[0] = 0f;
    x[1] = Float.MAX_VALUE;
    x[2] = -Float.MAX_VALUE;
    for (Activation a : new Activation[] {Activation.SIGMOID, Activation.TANH}) {
      float[] y = new float[n + 7];
      a.applyAll(x, 0, y, 7, n);
      double worst = 0;
      for (int i = 0; i < n; i++) {
        double exact = a == Activation.SIGMOID ? 1 / (1 + Math.exp(-(double) x[i])) : Math.tanh(x[i]);
        double error = Math.abs(y[7 + i] - exact);
        if (Math.abs(exact) >= Float.MIN_NORMAL) {
          worst = Math.max(worst, error / Math.abs(exact));
        } else {
          // Subnormal results (sigmoid below about -87): float has no relative precision there.
          org.junit.jupiter.api.Assertions.assertTrue(error < Float.MIN_NORMAL, a + " at " + x[i]);
        }
      }
      org.junit.jupiter.api.Assertions.assertTrue(worst <= 1e-6, a + " worst relative error " + worst);
    }
  }
}
