package sparkgru.engine.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorKernels} on the Vector API, built only from lane-wise add, multiply, divide,
 * compare and bit operations: unlike the API's EXP and TANH (an intrinsic once compiled, a
 * different Java fallback before), these give the same bits in the interpreter and in compiled
 * code, so training stays reproducible bit for bit. {@code exp(u) = 2^n e^r} with
 * {@code n = round(u / ln 2)}, {@code r = u - n ln 2} (two-part ln 2) and a degree-6 polynomial
 * for {@code e^r}; sigmoid is {@code 1 / (1 + e^-x)}; tanh is {@code 1 - 2 / (e^{2|x|} + 1)} with
 * the sign restored, and its odd Taylor series to x^13 below |x| = 0.5, where the subtraction
 * would lose digits. Elements past the last whole vector go through scalar copies of the same
 * operations ({@link Math#fma} for the vector fma), so every element gets the same bits whatever
 * the vector width (8 lanes with AVX2, 16 with AVX-512). Loaded by name from
 * {@link VectorKernels}.
 *
 * <p>The code calls no helper method of its own between loading and storing vectors, on purpose:
 * C2 declines to inline a helper it has already compiled on its own into a large method (or once
 * the caller passes about 18,000 IR nodes), and a Vector API value passed to or returned from an
 * out-of-line method is boxed on the heap, which made a step several times slower. Hence one
 * activation kernel (exp written once) serving sigmoid and tanh, and only the API's own
 * force-inlined methods inside the loops.
 */
final class VectorApiKernels implements VectorKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float to the nearest integer. */
  private static final float ROUND = 12582912f;
  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

  /**
   * For {@code rows} rows of n elements, row i of each array at its offset plus i times its
   * stride: {@code v = b (+ rb, written back into b)}, {@code x = a + r v} (r null: {@code a + v};
   * b null: {@code a}) and {@code dst = tanh(x)} or {@code sigmoid(x)}.
   */
  private static void activate(boolean tanh, int rows, int n, float[] a, int ao, int as, float[] r, int ro, int rs,
      float[] b, int bo, int bs, float[] rb, int rbo, float[] dst, int dOff, int ds) {
    final int bound = SPECIES.loopBound(n);
    final FloatVector one = FloatVector.broadcast(SPECIES, 1f);
    final FloatVector two = FloatVector.broadcast(SPECIES, 2f);
    final FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
    final FloatVector negLn2Hi = FloatVector.broadcast(SPECIES, -LN2_HI);
    final FloatVector negLn2Lo = FloatVector.broadcast(SPECIES, -LN2_LO);
    final FloatVector e4 = FloatVector.broadcast(SPECIES, 0.0416666716f);
    final FloatVector e3 = FloatVector.broadcast(SPECIES, 0.166666672f);
    final FloatVector t8 = FloatVector.broadcast(SPECIES, 62f / 2835f);
    final FloatVector t6 = FloatVector.broadcast(SPECIES, -17f / 315f);
    final FloatVector t4 = FloatVector.broadcast(SPECIES, 2f / 15f);
    final FloatVector t2 = FloatVector.broadcast(SPECIES, -1f / 3f);
    for (int i = 0; i < rows; i++) {
      final int ai = ao + i * as;
      final int ri = ro + i * rs;
      final int bi = bo + i * bs;
      final int di = dOff + i * ds;
      int j = 0;
      for (; j < bound; j += LANES) {
        FloatVector x = FloatVector.fromArray(SPECIES, a, ai + j);
        if (b != null) {
          FloatVector v = FloatVector.fromArray(SPECIES, b, bi + j);
          if (rb != null) {
            v = v.add(FloatVector.fromArray(SPECIES, rb, rbo + j));
            v.intoArray(b, bi + j);
          }
          x = x.add(r == null ? v : FloatVector.fromArray(SPECIES, r, ri + j).mul(v));
        }
        FloatVector abs = x.abs();
        // e^u with u = 2|x| (tanh) or -x (sigmoid), u clamped to [-87.3, 88.7].
        FloatVector u = (tanh ? abs.mul(2f) : x.neg()).max(-87.3f).min(88.7f);
        FloatVector k = u.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector f = k.fma(negLn2Lo, k.fma(negLn2Hi, u));
        FloatVector p = f.fma(0.00138888892f, 0.00833333377f).fma(f, e4).fma(f, e3).fma(f, half).fma(f, one)
            .fma(f, one);
        // k + 127 lands in the low mantissa bits of (k + 127 + ROUND): subtracting ROUND's bits leaves it exactly.
        IntVector biased = k.add(127f + ROUND).reinterpretAsInts().sub(ROUND_BITS);
        FloatVector e = p.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        FloatVector y;
        if (tanh) {
          FloatVector large = one.sub(two.div(e.add(1f)));
          FloatVector x2 = abs.mul(abs);
          // tanh(a) = a (1 - a^2/3 + 2a^4/15 - 17a^6/315 + 62a^8/2835 - 1382a^10/155925 + 21844a^12/6081075)
          FloatVector small = x2.fma(21844f / 6081075f, -1382f / 155925f).fma(x2, t8).fma(x2, t6).fma(x2, t4)
              .fma(x2, t2).fma(x2, one).mul(abs);
          VectorMask<Float> isSmall = abs.lt(0.5f);
          FloatVector t = large.blend(small, isSmall);
          y = t.blend(t.neg(), x.lt(0f));
        } else {
          y = one.div(e.add(1f));
        }
        y.intoArray(dst, di + j);
      }
      for (; j < n; j++) {
        float x = a[ai + j];
        if (b != null) {
          if (rb != null) {
            b[bi + j] += rb[rbo + j];
          }
          x = r == null ? x + b[bi + j] : x + r[ri + j] * b[bi + j];
        }
        dst[di + j] = tanh ? tanh(x) : sigmoid(x);
      }
    }
  }

  @Override
  public void sigmoid(float[] src, int s, float[] dst, int d, int n) {
    activate(false, 1, n, src, s, 0, null, 0, 0, null, 0, 0, null, 0, dst, d, 0);
  }

  @Override
  public void tanh(float[] src, int s, float[] dst, int d, int n) {
    activate(true, 1, n, src, s, 0, null, 0, 0, null, 0, 0, null, 0, dst, d, 0);
  }

  @Override
  public void gruGates(int b, int h, float[] xp, int xo, int xs, float[] hp, int ho, int hs, float[] rb, int rbo,
      float[] gates, int go) {
    activate(false, b, 2 * h, xp, xo, xs, null, 0, 0, hp, ho, hs, rb, rbo, gates, go, hs);
  }

  @Override
  public void gruCandidate(int b, int h, float[] xp, int xo, int xs, float[] hp, int ho, int hs, float[] rb, int rbo,
      float[] gates, int go) {
    activate(true, b, h, xp, xo + 2 * h, xs, gates, go + h, hs, hp, ho + 2 * h, hs, rb, rbo + 2 * h,
        gates, go + 2 * h, hs);
  }

  @Override
  public void gruState(int b, int h, float[] gates, int go, int gs, float[] prev, int po, int ps,
      float[] next, int no, int ns) {
    final int bound = SPECIES.loopBound(h);
    for (int i = 0; i < b; i++) {
      final int q = go + i * gs;
      final int u = po + i * ps;
      final int v = no + i * ns;
      int j = 0;
      for (; j < bound; j += LANES) {
        FloatVector z = FloatVector.fromArray(SPECIES, gates, q + j);
        FloatVector c = FloatVector.fromArray(SPECIES, gates, q + 2 * h + j);
        FloatVector.fromArray(SPECIES, prev, u + j).sub(c).fma(z, c).intoArray(next, v + j);
      }
      for (; j < h; j++) {
        float z = gates[q + j];
        float c = gates[q + 2 * h + j];
        next[v + j] = Math.fma(prev[u + j] - c, z, c);
      }
    }
  }

  @Override
  public void gruBackwardRow(float[] dH, float[] carry, int k, float[] dOut, int oo, float[] gates, int go,
      float[] prev, int po, float[] hp, int ho, float[] dXp, int xo, float[] dHp, int ro, float[] dHNext, int h) {
    final int bound = SPECIES.loopBound(h);
    final FloatVector zero = FloatVector.zero(SPECIES);
    int j = 0;
    for (; j < bound; j += LANES) {
      FloatVector dO = FloatVector.fromArray(SPECIES, carry, k + j);
      if (dOut != null) {
        dO = dO.add(FloatVector.fromArray(SPECIES, dOut, oo + j));
      }
      zero.intoArray(carry, k + j);
      FloatVector dNew = FloatVector.fromArray(SPECIES, dH, k + j).add(dO);
      FloatVector z = FloatVector.fromArray(SPECIES, gates, go + j);
      FloatVector r = FloatVector.fromArray(SPECIES, gates, go + h + j);
      FloatVector c = FloatVector.fromArray(SPECIES, gates, go + 2 * h + j);
      FloatVector oneMinusZ = z.neg().add(1f);
      FloatVector daz = dNew.mul(FloatVector.fromArray(SPECIES, prev, po + j).sub(c)).mul(z.mul(oneMinusZ));
      FloatVector dah = dNew.mul(oneMinusZ).mul(c.mul(c).neg().add(1f));
      FloatVector dar = dah.mul(FloatVector.fromArray(SPECIES, hp, ho + 2 * h + j)).mul(r.mul(r.neg().add(1f)));
      daz.intoArray(dXp, xo + j);
      daz.intoArray(dHp, ro + j);
      dar.intoArray(dXp, xo + h + j);
      dar.intoArray(dHp, ro + h + j);
      dah.intoArray(dXp, xo + 2 * h + j);
      dah.mul(r).intoArray(dHp, ro + 2 * h + j);
      dNew.mul(z).intoArray(dHNext, k + j);
    }
    for (; j < h; j++) {
      float dO = carry[k + j] + (dOut == null ? 0f : dOut[oo + j]);
      carry[k + j] = 0f;
      float dNew = dH[k + j] + dO;
      float z = gates[go + j];
      float r = gates[go + h + j];
      float c = gates[go + 2 * h + j];
      float daz = dNew * (prev[po + j] - c) * (z * (1f - z));
      float dah = dNew * (1f - z) * (1f - c * c);
      float dar = dah * hp[ho + 2 * h + j] * (r * (1f - r));
      dXp[xo + j] = daz;
      dHp[ro + j] = daz;
      dXp[xo + h + j] = dar;
      dHp[ro + h + j] = dar;
      dXp[xo + 2 * h + j] = dah;
      dHp[ro + 2 * h + j] = dah * r;
      dHNext[k + j] = dNew * z;
    }
  }

  @Override
  public int adam(float[] w, float[] g, float[] state, int n, float a, float b1, float b2, float eps) {
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector gi = FloatVector.fromArray(SPECIES, g, i);
      FloatVector m0 = FloatVector.fromArray(SPECIES, state, i);
      FloatVector v0 = FloatVector.fromArray(SPECIES, state, n + i);
      FloatVector m = m0.add(gi.sub(m0).mul(b1));
      FloatVector v = v0.add(gi.mul(gi).sub(v0).mul(b2));
      m.intoArray(state, i);
      v.intoArray(state, n + i);
      FloatVector wi = FloatVector.fromArray(SPECIES, w, i);
      wi.sub(m.mul(a).div(v.lanewise(VectorOperators.SQRT).add(eps))).intoArray(w, i);
    }
    return bound;
  }

  /** e^u as the vector code computes it, one element: the same operations in the same order. */
  private static float exp(float u) {
    u = Math.min(Math.max(u, -87.3f), 88.7f);
    float k = Math.fma(u, LOG2E, ROUND) - ROUND;
    float f = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, u));
    float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(f, 0.00138888892f, 0.00833333377f), f,
        0.0416666716f), f, 0.166666672f), f, 0.5f), f, 1f), f, 1f);
    int biased = Float.floatToRawIntBits(k + (127f + ROUND)) - ROUND_BITS;
    return p * Float.intBitsToFloat(biased << 23);
  }

  /** The vector sigmoid, one element. */
  private static float sigmoid(float x) {
    return 1f / (exp(-x) + 1f);
  }

  /** The vector tanh, one element. */
  private static float tanh(float x) {
    float a = Math.abs(x);
    float t;
    if (a < 0.5f) {
      float x2 = a * a;
      t = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(x2, 21844f / 6081075f, -1382f / 155925f), x2,
          62f / 2835f), x2, -17f / 315f), x2, 2f / 15f), x2, -1f / 3f), x2, 1f) * a;
    } else {
      t = 1f - 2f / (exp(a * 2f) + 1f);
    }
    return x < 0f ? -t : t;
  }
}
