package sparkgru.engine.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sigmoid and tanh over arrays with the Vector API, built only from lane-wise add, multiply,
 * divide, compare and bit operations: unlike the API's EXP and TANH (an intrinsic once compiled,
 * a different Java fallback before), these give the same bits in the interpreter and in compiled
 * code, so training stays reproducible bit for bit. {@code exp(x) = 2^n e^r} with
 * {@code n = round(x / ln 2)}, {@code r = x - n ln 2} (two-part ln 2) and a degree-6 polynomial
 * for {@code e^r}; tanh is {@code 1 - 2 / (e^{2|x|} + 1)} with the sign restored, and its odd
 * Taylor series to x^13 below |x| = 0.5, where the subtraction would lose digits. The remainder
 * of each array goes through the scalar forms. Loaded by name from {@link FastActivations}.
 */
final class VectorActivations implements FastActivations {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float to the nearest integer. */
  private static final float ROUND = 12582912f;

  /** e^x for x in [-87.3, 88.7] (clamped), within 3e-7 relative. */
  private static FloatVector exp(FloatVector x) {
    x = x.max(-87.3f).min(88.7f);
    FloatVector n = x.mul(LOG2E).add(ROUND).sub(ROUND);
    FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
    FloatVector p = r.mul(0.00138888892f).add(0.00833333377f).mul(r).add(0.0416666716f).mul(r).add(0.166666672f)
        .mul(r).add(0.5f).mul(r).add(1f).mul(r).add(1f);
    // n + 127 lands in the low mantissa bits of (n + 127 + ROUND): subtracting ROUND's bits leaves it exactly.
    IntVector biased = n.add(127f + ROUND).reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND));
    return p.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
  }

  @Override
  public void sigmoid(float[] src, int s, float[] dst, int d, int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += SPECIES.length()) {
      FloatVector x = FloatVector.fromArray(SPECIES, src, s + i);
      FloatVector.broadcast(SPECIES, 1f).div(exp(x.neg()).add(1f)).intoArray(dst, d + i);
    }
    for (; i < n; i++) {
      dst[d + i] = Activation.SIGMOID.apply(src[s + i]);
    }
  }

  @Override
  public void tanh(float[] src, int s, float[] dst, int d, int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += SPECIES.length()) {
      FloatVector x = FloatVector.fromArray(SPECIES, src, s + i);
      FloatVector a = x.abs();
      FloatVector large = FloatVector.broadcast(SPECIES, 1f).sub(FloatVector.broadcast(SPECIES, 2f)
          .div(exp(a.mul(2f)).add(1f)));
      FloatVector x2 = a.mul(a);
      // tanh(a) = a (1 - a^2/3 + 2a^4/15 - 17a^6/315 + 62a^8/2835 - 1382a^10/155925 + 21844a^12/6081075)
      FloatVector small = x2.mul(21844f / 6081075f).sub(1382f / 155925f).mul(x2).add(62f / 2835f).mul(x2)
          .sub(17f / 315f).mul(x2).add(2f / 15f).mul(x2).sub(1f / 3f).mul(x2).add(1f).mul(a);
      VectorMask<Float> isSmall = a.lt(0.5f);
      FloatVector t = large.blend(small, isSmall);
      t.blend(t.neg(), x.lt(0f)).intoArray(dst, d + i);
    }
    for (; i < n; i++) {
      dst[d + i] = Activation.TANH.apply(src[s + i]);
    }
  }
}
