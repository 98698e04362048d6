package sparkgru.engine.layers;

import java.util.SplittableRandom;
import sparkgru.engine.linalg.Tensor;

/** Seeded random test inputs. */
final class Inputs {
  private Inputs() {}

  /** A [b, t, d] tensor of values uniform in [-1, 1). */
  static Tensor uniform(int b, int t, int d, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[b * t * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return Tensor.of(x, b, t, d);
  }
}
