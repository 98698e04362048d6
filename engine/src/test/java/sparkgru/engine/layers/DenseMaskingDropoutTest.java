package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.Parameters;

/** Dense on vectors and sequences, Masking's mask, Dropout's scaling, and their argument checks. */
class DenseMaskingDropoutTest {

  @Test
  void denseAppliesToEveryStepOfASequence() {
    Dense dense = Dense.of(2, Activation.RELU);
    Parameters p = Parameters.forLayer(dense, new int[] {3, 2}, 1);
    p.set("dense/kernel", new float[] {1, -1, 2, 0.5f});
    p.set("dense/bias", new float[] {0.5f, 0});
    Tensor x = Tensor.of(new float[] {1, 1, -1, 0, 0, 2}, 1, 3, 2);
    assertArrayEquals(new float[] {3.5f, 0f, 0f, 1f, 4.5f, 1f}, dense.forward(x, false).toArray());
  }

  @Test
  void maskingMarksStepsWhoseFeaturesAllEqualTheMaskValue() {
    Masking masking = new Masking(-1f);
    masking.build(new int[] {3, 2});
    Tensor out = masking.forward(Tensor.of(new float[] {-1, -1, -1, 0, 2, 3}, 1, 3, 2), false);
    assertArrayEquals(new boolean[] {false, true, true}, out.mask());
    assertArrayEquals(new float[] {0, 0, -1, 0, 2, 3}, out.toArray());
  }

  @Test
  void dropoutScalesKeptValuesAndIsTheIdentityAtInference() {
    Dropout dropout = new Dropout(0.5, 3L);
    dropout.build(new int[] {100});
    dropout.seed(0);
    Tensor x = Tensor.of(new float[200], 2, 100);
    java.util.Arrays.fill(x.data(), 1f);
    float[] trained = dropout.forward(x, true).toArray();
    int kept = 0;
    for (float v : trained) {
      assertEquals(true, v == 0f || v == 2f, "value " + v);
      kept += v == 2f ? 1 : 0;
    }
    assertEquals(100, kept, 25, "about half kept");
    assertArrayEquals(x.toArray(), dropout.forward(x, false).toArray());
  }

  @Test
  void invalidArgumentsNameTheField() {
    GruLayerTest.assertMessage("dense.units must be in [1, 16384], got 0", () -> Dense.of(0));
    GruLayerTest.assertMessage("dropout.rate must be in [0, 1), got 1.0", () -> new Dropout(1.0, null));
    GruLayerTest.assertMessage("masking.mask_value must be a number, got NaN", () -> new Masking(Float.NaN));
    Dense dense = Dense.of(1);
    Parameters.forLayer(dense, new int[] {4}, 0);
    GruLayerTest.assertMessage("dense was built for 4 input features, got 3 (input shape [2, 3]); check the feature "
        + "columns of the data", () -> dense.forward(Tensor.zeros(2, 3), false));
  }
}
