package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.Sequential;

/**
 * Central differences equal the analytic gradient, for every option of the GRU layer. The
 * engine is float32, so numeric derivatives carry ~1e-4..1e-3 of rounding noise (more at the
 * second-derivative jumps of softsign and elu); a wrong term shows as an error of order 1.
 * Activations with a kink (relu, hard_sigmoid, selu) are checked against Keras' own gradients
 * in the golden tests instead, since differences straddle the kink.
 */
class GruGradientTest {
  static final double TOLERANCE = 1e-2;

  private static Sequential gru(int t, int d, UnaryOperator<GruConfig.Builder> options, Layer... after) {
    Sequential.Builder b = Sequential.builder(t, d).add(new GruLayer(options.apply(
        GruConfig.builder(4).biasInitializer("random_uniform:-0.5:0.5")).build()));
    for (Layer layer : after) {
      b.add(layer);
    }
    return b.build(11);
  }

  /** A GRU wide enough for whole vectors (16 float lanes with AVX-512, 8 with AVX2) plus a remainder. */
  private static Sequential wideGru(int t, int d, UnaryOperator<GruConfig.Builder> options) {
    return Sequential.builder(t, d).add(new GruLayer(options.apply(
        GruConfig.builder(19).biasInitializer("random_uniform:-0.5:0.5")).build())).build(21);
  }

  private static void assertGradients(String what, Sequential model, Tensor x, boolean training) {
    double worst = GradientCheck.worstError(model, x, training);
    assertTrue(worst < TOLERANCE, what + ": worst relative error " + worst);
  }

  @Test
  void resetAfterReturningSequences() {
    assertGradients("reset_after", gru(5, 3, o -> o.returnSequences(true)), Inputs.uniform(3, 5, 3, 1), false);
  }

  @Test
  void resetBeforeReturningSequences() {
    assertGradients("reset_before", gru(5, 3, o -> o.resetAfter(false).returnSequences(true)), Inputs.uniform(3, 5, 3, 2), false);
  }

  @Test
  void lastOutputOnly() {
    assertGradients("last output", gru(6, 2, o -> o), Inputs.uniform(2, 6, 2, 3), false);
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"TANH", "SIGMOID", "LINEAR", "SOFTSIGN", "ELU", "GELU"})
  void everySmoothActivation(Activation a) {
    assertGradients("activation " + a, gru(4, 3, o -> o.activation(a).returnSequences(true)), Inputs.uniform(2, 4, 3, 4), false);
    assertGradients("activation " + a + " reset_before",
        gru(4, 3, o -> o.activation(a).resetAfter(false)), Inputs.uniform(2, 4, 3, 5), false);
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"TANH", "SIGMOID", "SOFTSIGN", "ELU", "GELU"})
  void everySmoothRecurrentActivation(Activation a) {
    assertGradients("recurrent activation " + a, gru(4, 3, o -> o.recurrentActivation(a).returnSequences(true)),
        Inputs.uniform(2, 4, 3, 6), false);
  }

  @Test
  void maskedStepsCarryStateAndOutput() {
    Tensor x = Inputs.uniform(3, 6, 2, 7).withMask(new boolean[] {
        true, true, true, true, true, true,
        false, true, true, false, true, false,
        true, true, true, true, false, false});
    assertGradients("masked, sequences", gru(6, 2, o -> o.returnSequences(true)), x, false);
    assertGradients("masked, last", gru(6, 2, o -> o.resetAfter(false)), x, false);
  }

  /** The fused vector kernels of Keras' default cell, over whole vectors and the remainder. */
  @Test
  void defaultCellOnVectorLanes() {
    Tensor masked = Inputs.uniform(3, 5, 2, 22).withMask(new boolean[] {
        true, true, true, true, true,
        false, true, true, false, true,
        true, true, true, false, false});
    assertGradients("wide sequences", wideGru(5, 2, o -> o.returnSequences(true)), Inputs.uniform(3, 5, 2, 23), false);
    assertGradients("wide masked sequences", wideGru(5, 2, o -> o.returnSequences(true)), masked, false);
    assertGradients("wide masked last", wideGru(5, 2, o -> o), masked, false);
    assertGradients("wide go_backwards", wideGru(5, 2, o -> o.goBackwards(true).returnSequences(true)), masked, false);
    assertGradients("wide recurrent_dropout", wideGru(5, 2, o -> o.dropout(0.2).recurrentDropout(0.3)),
        Inputs.uniform(3, 5, 2, 24), true);
    assertGradients("wide no bias", wideGru(4, 2, o -> o.useBias(false)), Inputs.uniform(2, 4, 2, 25), false);
  }

  @Test
  void goBackwards() {
    Tensor x = Inputs.uniform(2, 5, 3, 8).withMask(new boolean[] {true, true, true, false, false, true, false, true, true, true});
    assertGradients("go_backwards sequences", gru(5, 3, o -> o.goBackwards(true).returnSequences(true)), x, false);
    assertGradients("go_backwards last", gru(5, 3, o -> o.goBackwards(true).resetAfter(false)), x, false);
  }

  @Test
  void stackedWithDenseHead() {
    Sequential model = Sequential.builder(5, 3)
        .add(new GruLayer(GruConfig.builder(5).returnSequences(true).build()))
        .add(new GruLayer(GruConfig.builder(4).resetAfter(false).returnSequences(true).build()))
        .add(new GruLayer(GruConfig.builder(3).build()))
        .add(Dense.of(2, Activation.TANH))
        .build(3);
    assertGradients("stacked", model, Inputs.uniform(3, 5, 3, 9), false);
  }

  @Test
  void inputDropoutWithOneSharedMask() {
    assertGradients("dropout", gru(5, 3, o -> o.dropout(0.3).returnSequences(true)), Inputs.uniform(3, 5, 3, 10), true);
  }

  @Test
  void inputAndRecurrentDropoutWithPerGateMasks() {
    assertGradients("dropout + recurrent_dropout",
        gru(5, 3, o -> o.dropout(0.3).recurrentDropout(0.4).returnSequences(true)), Inputs.uniform(3, 5, 3, 11), true);
    assertGradients("recurrent_dropout reset_before",
        gru(5, 3, o -> o.recurrentDropout(0.4).resetAfter(false)), Inputs.uniform(3, 5, 3, 12), true);
  }

  @Test
  void dropoutLayerAndDenseOnSequences() {
    assertGradients("Dropout layer", gru(4, 3, o -> o.returnSequences(true), new Dropout(0.5, null),
        Dense.of(2, Activation.SIGMOID)), Inputs.uniform(2, 4, 3, 13), true);
  }

  @Test
  void activityRegularizer() {
    assertGradients("activity l1_l2", gru(4, 3, o -> o.returnSequences(true)
        .activityRegularizer(new Regularizer(0.01, 0.02))), Inputs.uniform(2, 4, 3, 14), false);
  }

  @Test
  void noBias() {
    assertGradients("use_bias false", gru(4, 3, o -> o.useBias(false).returnSequences(true)), Inputs.uniform(2, 4, 3, 15), false);
  }

  @Test
  void singleStepAndSingleSample() {
    assertGradients("T=1", gru(1, 3, o -> o), Inputs.uniform(3, 1, 3, 16), false);
    assertGradients("B=1", gru(5, 3, o -> o.resetAfter(false).returnSequences(true)), Inputs.uniform(1, 5, 3, 17), false);
    assertGradients("T=1 B=1", gru(1, 2, o -> o.returnSequences(true)), Inputs.uniform(1, 1, 2, 18), false);
  }

  @Test
  void initialStateAndFinalStateGradients() {
    GruLayer layer = new GruLayer(GruConfig.builder(3).returnSequences(true).returnState(true).build());
    layer.build(new int[] {4, 2});
    int size = layer.variables().stream().mapToInt(VariableSpec::size).sum();
    float[] w = new float[size + layer.trailingSlack()];
    float[] g = new float[w.length];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < size; i++) {
      w[i] = (float) (random.nextDouble() - 0.5);
    }
    layer.bind(w, g, 0);
    Tensor x = Inputs.uniform(2, 4, 2, 19);
    Tensor h0 = Inputs.uniform(1, 2, 3, 20);
    Tensor init = Tensor.of(h0.toArray(), 2, 3);
    float[] rOut = Inputs.uniform(2, 4, 3, 21).toArray();
    float[] rState = Inputs.uniform(1, 2, 3, 22).toArray();
    java.util.function.DoubleSupplier loss = () -> {
      GruLayer.Output out = layer.forward(x, init, false);
      double s = 0;
      for (int i = 0; i < rOut.length; i++) {
        s += (double) out.output().data()[i] * rOut[i];
      }
      for (int i = 0; i < rState.length; i++) {
        s += (double) out.state().data()[i] * rState[i];
      }
      return s;
    };
    layer.forward(x, init, false);
    GruLayer.InputGradients grads = layer.backward(Tensor.of(rOut, 2, 4, 3), Tensor.of(rState, 2, 3));
    float[] dInit = grads.initialState().toArray();
    float[] dx = grads.input().toArray();
    float[] dw = java.util.Arrays.copyOf(g, size);
    double worst = Math.max(GradientCheck.worst(init.data(), 6, dInit, loss),
        Math.max(GradientCheck.worst(x.data(), x.size(), dx, loss), GradientCheck.worst(w, size, dw, loss)));
    assertTrue(worst < TOLERANCE, "initial/final state gradients: worst relative error " + worst);
  }
}
