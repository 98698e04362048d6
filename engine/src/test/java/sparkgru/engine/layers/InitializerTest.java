package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Initializers follow Keras' definitions: bounds, variances, orthogonality, seeds. */
class InitializerTest {

  private static float[] fill(Initializer init, int rows, int cols, long seed) {
    float[] w = new float[rows * cols];
    init.fill(w, 0, new int[] {rows, cols}, new SplittableRandom(seed));
    return w;
  }

  @Test
  void glorotUniformUsesTheWholeKernelsFans() {
    // A GRU kernel [8, 3*64]: fans 8 and 192, limit sqrt(6 / 200).
    float[] w = fill(Initializer.parse("glorot_uniform", "k"), 8, 192, 1);
    double limit = Math.sqrt(6.0 / 200);
    double max = 0;
    double sq = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
      sq += v * v;
    }
    assertTrue(max <= limit && max > 0.95 * limit, "max " + max + " vs limit " + limit);
    assertEquals(limit * limit / 3, sq / w.length, 0.1 * limit * limit / 3, "variance of U(-l, l)");
  }

  @Test
  void truncatedNormalsHaveKerasStandardDeviationAndTwoSigmaBound() {
    float[] w = fill(Initializer.parse("he_normal", "k"), 100, 100, 2);
    double stddev = Math.sqrt(2.0 / 100) / 0.87962566103423978;
    double sq = 0;
    for (float v : w) {
      assertTrue(Math.abs(v) <= 2 * stddev + 1e-6);
      sq += v * v;
    }
    assertEquals(2.0 / 100, sq / w.length, 0.05 * 2.0 / 100, "he_normal variance is 2 / fan_in after truncation");
  }

  @Test
  void orthogonalRecurrentKernelHasOrthonormalRows() {
    int units = 16;
    float[] u = fill(new Initializer.Orthogonal(1.0), units, 3 * units, 3);
    for (int i = 0; i < units; i++) {
      for (int j = 0; j < units; j++) {
        double dot = 0;
        for (int k = 0; k < 3 * units; k++) {
          dot += (double) u[i * 3 * units + k] * u[j * 3 * units + k];
        }
        assertEquals(i == j ? 1.0 : 0.0, dot, 1e-5, "row " + i + " . row " + j);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameWeights() {
    Initializer init = Initializer.parse("lecun_uniform", "k");
    assertArrayEquals(fill(init, 5, 7, 9), fill(init, 5, 7, 9));
  }

  @Test
  void constantAndRandomUniformTakeArguments() {
    assertArrayEquals(new float[] {0.5f, 0.5f}, fill(Initializer.parse("constant:0.5", "k"), 1, 2, 0));
    for (float v : fill(Initializer.parse("random_uniform:2:3", "k"), 10, 10, 0)) {
      assertTrue(v >= 2 && v < 3);
    }
  }

  @Test
  void unknownNamesAreRejected() {
    GruLayerTest.assertMessage("gru.kernel_initializer must be one of [zeros, ones, constant, random_uniform, "
        + "random_normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, "
        + "orthogonal], got 'xavier'", () -> Initializer.parse("xavier", "gru.kernel_initializer"));
  }
}
