package sparkgru.engine.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sigmoid and tanh over arrays with the Vector API (EXP and TANH lanes, intrinsified on x86);
 * the remainder of each array in scalar code. Loaded by name from {@link FastActivations}.
 */
final class VectorActivations implements FastActivations {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  @Override
  public void sigmoid(float[] src, int s, float[] dst, int d, int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    FloatVector one = FloatVector.broadcast(SPECIES, 1f);
    for (; i < bound; i += SPECIES.length()) {
      FloatVector x = FloatVector.fromArray(SPECIES, src, s + i);
      one.div(x.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(dst, d + i);
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
      FloatVector.fromArray(SPECIES, src, s + i).lanewise(VectorOperators.TANH).intoArray(dst, d + i);
    }
    for (; i < n; i++) {
      dst[d + i] = Activation.TANH.apply(src[s + i]);
    }
  }
}
