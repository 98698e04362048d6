package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Constraints and regularizers against hand-computed Keras values. */
class ConstraintAndRegularizerTest {

  @Test
  void maxNormRescalesColumnsAboveTheBound() {
    float[] w = {3, 0.6f, 4, 0.8f}; // [2, 2]: column norms 5 and 1
    Constraint.parse("max_norm:2", "c").apply(w, 0, new int[] {2, 2});
    double f = 2 / (1e-7 + 5);
    assertArrayEquals(new float[] {(float) (3 * f), (float) (0.6 / (1e-7 + 1)), (float) (4 * f),
        (float) (0.8 / (1e-7 + 1))}, w, 1e-7f);
  }

  @Test
  void unitNormNonNegAndMinMaxNorm() {
    float[] w = {3, 4};
    Constraint.parse("unit_norm", "c").apply(w, 0, new int[] {2});
    assertArrayEquals(new float[] {0.6f, 0.8f}, w, 1e-6f);
    float[] n = {-1, 2, -0.5f};
    Constraint.parse("non_neg", "c").apply(n, 0, new int[] {3});
    assertArrayEquals(new float[] {0, 2, 0}, n);
    float[] small = {0.3f, 0.4f}; // norm 0.5, min 1 -> scaled to norm 1 at rate 1, 0.75 at rate 0.5
    Constraint.parse("min_max_norm:1:2:0.5", "c").apply(small, 0, new int[] {2});
    assertArrayEquals(new float[] {0.45f, 0.6f}, small, 1e-6f);
  }

  @Test
  void regularizerPenaltyAndGradient() {
    Regularizer r = Regularizer.parse("l1_l2:0.1:0.2", "r");
    float[] w = {1, -2, 0};
    assertEquals(0.1 * 3 + 0.2 * 5, r.penalty(w, 0, 3), 1e-12);
    float[] g = new float[3];
    r.addGradient(w, 0, 3, g, 0, 1.0);
    assertArrayEquals(new float[] {0.1f + 0.4f, -0.1f - 0.8f, 0f}, g, 1e-6f);
    assertEquals(Regularizer.l2(0.01), Regularizer.parse("l2", "r"), "Keras' default factor 0.01");
  }

  @Test
  void badSpecsNameTheField() {
    GruLayerTest.assertMessage("gru.kernel_regularizer must be l1[:factor], l2[:factor] or l1_l2:l1:l2, got 'l3'",
        () -> Regularizer.parse("l3", "gru.kernel_regularizer"));
    GruLayerTest.assertMessage("regularizer factors must be finite and >= 0, got l1=-1.0, l2=0.0",
        () -> Regularizer.parse("l1:-1", "gru.kernel_regularizer"));
  }
}
