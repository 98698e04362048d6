package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.Parameters;

/** Sequence semantics of {@link GruLayer}: stepping, state carrying, ordering, and bad input. */
class GruLayerTest {
  static final int B = 3;
  static final int T = 6;
  static final int D = 4;
  static final int H = 5;

  private static GruLayer layer(GruConfig.Builder builder, float[] weightsOrNull) {
    GruLayer layer = new GruLayer(builder.biasInitializer("random_uniform:-0.3:0.3").build());
    Parameters p = Parameters.forLayer(layer, new int[] {-1, D}, 17);
    if (weightsOrNull != null) {
      p.copyFrom(weightsOrNull);
    }
    return layer;
  }

  private static float[] weights(GruConfig.Builder builder) {
    GruLayer layer = new GruLayer(builder.biasInitializer("random_uniform:-0.3:0.3").build());
    return Parameters.forLayer(layer, new int[] {-1, D}, 17).toArray();
  }

  private static Tensor steps(Tensor x, int from, int to) {
    int b = x.dim(0);
    int t = x.dim(1);
    int d = x.dim(2);
    float[] out = new float[b * (to - from) * d];
    for (int i = 0; i < b; i++) {
      System.arraycopy(x.data(), (i * t + from) * d, out, i * (to - from) * d, (to - from) * d);
    }
    return Tensor.of(out, b, to - from, d);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void steppingOneStepAtATimeWithCarriedStateEqualsTheWholeSequencePass(boolean resetAfter) {
    GruConfig.Builder cfg = GruConfig.builder(H).resetAfter(resetAfter).returnSequences(true);
    GruLayer whole = layer(cfg, null);
    Tensor x = Inputs.uniform(B, T, D, 1);
    float[] expected = whole.forward(x, null, false).output().toArray();

    GruLayer stepper = layer(cfg, weights(cfg));
    Tensor state = null;
    for (int t = 0; t < T; t++) {
      GruLayer.Output out = stepper.forward(steps(x, t, t + 1), state, false);
      float[] step = out.output().toArray();
      for (int i = 0; i < B; i++) {
        float[] expectedStep = Arrays.copyOfRange(expected, (i * T + t) * H, (i * T + t + 1) * H);
        assertArrayEquals(expectedStep, Arrays.copyOfRange(step, i * H, (i + 1) * H), 1e-6f, "step " + t);
      }
      state = out.state().copy();
    }
  }

  @Test
  void statefulBatchesEqualOneLongSequence() {
    GruConfig.Builder long1 = GruConfig.builder(H);
    float[] w = weights(long1);
    Tensor x = Inputs.uniform(B, T, D, 2);
    float[] expected = layer(long1, w).forward(x, null, false).output().toArray();

    GruLayer stateful = layer(GruConfig.builder(H).stateful(true), w);
    stateful.forward(steps(x, 0, 2), false);
    stateful.forward(steps(x, 2, 5), false);
    float[] actual = stateful.forward(steps(x, 5, 6), false).toArray();
    assertArrayEquals(expected, actual, 1e-6f);

    stateful.resetStates();
    float[] fresh = stateful.forward(steps(x, 0, 2), false).toArray();
    float[] firstTwo = layer(GruConfig.builder(H), w).forward(steps(x, 0, 2), false).toArray();
    assertArrayEquals(firstTwo, fresh, 0f, "resetStates() starts from zeros again");
  }

  @Test
  void goBackwardsEqualsTheForwardPassOverReversedSteps() {
    GruConfig.Builder fwd = GruConfig.builder(H).returnSequences(true);
    float[] w = weights(fwd);
    Tensor x = Inputs.uniform(B, T, D, 3);
    float[] reversed = new float[x.size()];
    for (int i = 0; i < B; i++) {
      for (int t = 0; t < T; t++) {
        System.arraycopy(x.data(), (i * T + t) * D, reversed, (i * T + (T - 1 - t)) * D, D);
      }
    }
    float[] expected = layer(fwd, w).forward(Tensor.of(reversed, B, T, D), false).toArray();
    float[] actual = layer(GruConfig.builder(H).returnSequences(true).goBackwards(true), w).forward(x, false).toArray();
    assertArrayEquals(expected, actual, 0f, "outputs come back in processing order, as Keras returns them");
  }

  @Test
  void unrollGivesTheSameNumbers() {
    GruConfig.Builder plain = GruConfig.builder(H).returnSequences(true);
    float[] w = weights(plain);
    Tensor x = Inputs.uniform(B, T, D, 4);
    GruLayer unrolled = new GruLayer(GruConfig.builder(H).returnSequences(true).unroll(true)
        .biasInitializer("random_uniform:-0.3:0.3").build());
    Parameters.forLayer(unrolled, new int[] {T, D}, 17).copyFrom(w);
    assertArrayEquals(layer(plain, w).forward(x, false).toArray(), unrolled.forward(x, false).toArray(), 0f);
  }

  @Test
  void maskedStepCarriesStateAndRepeatsOutput() {
    GruLayer gru = layer(GruConfig.builder(H).returnSequences(true), null);
    boolean[] mask = new boolean[B * T];
    Arrays.fill(mask, true);
    mask[T + 3] = false; // sample 1, step 3
    mask[2 * T] = false; // sample 2, step 0
    GruLayer.Output out = gru.forward(Inputs.uniform(B, T, D, 5).withMask(mask), null, false);
    float[] y = out.output().toArray();
    for (int j = 0; j < H; j++) {
      assertEquals(y[(T + 2) * H + j], y[(T + 3) * H + j], 0f, "masked step repeats the previous output");
      assertEquals(0f, y[(2 * T) * H + j], 0f, "a masked first step outputs zeros");
    }
  }

  @Test
  void dropoutIsInactiveAtInferenceAndChangesOutputsInTraining() {
    GruLayer gru = layer(GruConfig.builder(H).dropout(0.5).recurrentDropout(0.5).seed(3), null);
    Tensor x = Inputs.uniform(B, T, D, 6);
    float[] a = gru.forward(x, false).toArray();
    float[] b = gru.forward(x, false).toArray();
    assertArrayEquals(a, b, 0f);
    float[] trained = gru.forward(x, true).toArray();
    assertThrows(AssertionError.class, () -> assertArrayEquals(a, trained, 1e-3f));
  }

  @Test
  void invalidArgumentsAreRejectedWithTheirNameValueAndRange() {
    assertMessage("gru.units must be in [1, 16384], got 0", () -> GruConfig.builder(0).build());
    assertMessage("gru.dropout must be in [0, 1), got 1.5", () -> GruConfig.builder(4).dropout(1.5).build());
    assertMessage("gru.recurrent_dropout must be in [0, 1), got -0.1",
        () -> GruConfig.builder(4).recurrentDropout(-0.1).build());
    assertMessage("gru.dropout must be in [0, 1), got 1.0 (a rate of 1 drops every input)",
        () -> GruConfig.builder(4).dropout(1.0).build());
    assertMessage("gru.activation must be one of [tanh, sigmoid, hard_sigmoid, relu, linear, softsign, elu, selu, "
        + "gelu], got 'swishy'", () -> GruConfig.builder(4).activation("swishy"));
    assertMessage("gru.kernel_constraint must be one of [max_norm, non_neg, unit_norm, min_max_norm], got 'max'",
        () -> GruConfig.builder(4).kernelConstraint("max"));
  }

  @Test
  void inputOfTheWrongRankOrFeatureCountIsRejected() {
    GruLayer gru = layer(GruConfig.builder(H), null);
    assertMessage("gru expects input of shape [batch, steps, features] (rank 3), got rank 2 [3, 4]; a single sequence "
        + "must be passed as [1, steps, features], and a batch of vectors needs a steps axis",
        () -> gru.forward(Tensor.zeros(3, 4), false));
    assertMessage("gru was built for 4 input features, got 7 (input shape [2, 5, 7]); check the feature columns of the "
        + "data", () -> gru.forward(Tensor.zeros(2, 5, 7), false));
  }

  @Test
  void nanInTheInputIsReportedWithItsPosition() {
    GruLayer gru = layer(GruConfig.builder(H), null);
    Tensor x = Inputs.uniform(2, 3, D, 7);
    x.data()[(1 * 3 + 2) * D + 1] = Float.NaN;
    assertMessage("gru input contains NaN at index [1, 2, 1] of shape [2, 3, 4]; if this is the data, clean or impute "
        + "missing values; if it comes from an earlier layer, training diverged (lower the learning rate or clip "
        + "gradients)", () -> gru.forward(x, false));
  }

  @Test
  void statefulLayerRejectsADifferentBatchSize() {
    GruLayer gru = layer(GruConfig.builder(H).stateful(true), null);
    gru.forward(Inputs.uniform(4, 3, D, 8), false);
    assertMessage("gru is stateful with batch size 4, got a batch of 3; a stateful layer carries sample i to sample i "
        + "of the next batch, so every batch must have 4 sequences (use a batch size that divides the number of "
        + "samples, or a new model)", () -> gru.forward(Inputs.uniform(3, 3, D, 9), false));
  }

  @Test
  void initialStateOfTheWrongShapeIsRejected() {
    GruLayer gru = layer(GruConfig.builder(H), null);
    assertMessage("gru initial_state must have shape [3, 5] (batch, units), got [3, 4]",
        () -> gru.forward(Inputs.uniform(3, 2, D, 10), Tensor.zeros(3, 4), false));
  }

  @Test
  void unrollNeedsAFixedStepCount() {
    GruLayer gru = new GruLayer(GruConfig.builder(H).unroll(true).build());
    assertMessage("gru: gru.unroll=true needs a fixed number of steps, got any length; build the model with a step "
        + "count or set unroll=false", () -> Parameters.forLayer(gru, new int[] {-1, D}, 0));
  }

  @Test
  void backwardChecksItsArgumentsAndOrder() {
    GruLayer gru = layer(GruConfig.builder(H), null);
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> gru.backward(Tensor.zeros(2, H)));
    assertEquals("gru backward needs a forward pass first", early.getMessage());
    gru.forward(Inputs.uniform(2, 3, D, 1), false);
    assertMessage("gru backward: state gradient must have shape [2, 5], got [1, 2]",
        () -> gru.backward(Tensor.zeros(2, H), Tensor.zeros(1, 2)));
  }

  @Test
  void aLayerInstanceBelongsToOneModel() {
    GruLayer gru = layer(GruConfig.builder(H), null);
    assertMessage("gru already has weights; a layer instance belongs to one model",
        () -> Parameters.forLayer(gru, new int[] {3, D}, 0));
    GruLayer fresh = GruLayer.of(2);
    assertMessage("layer 2 (GRU) is already part of this model; a layer instance belongs to one model and one "
        + "position (weight sharing is not supported): create a new layer", () -> sparkgru.engine.model.Sequential
        .builder(3, 2).add(new GruLayer(GruConfig.builder(2).returnSequences(true).build())).add(fresh).add(fresh)
        .build(0));
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
    assertEquals(expected, e.getMessage());
  }
}
