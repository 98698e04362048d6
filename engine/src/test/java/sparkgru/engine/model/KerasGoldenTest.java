package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;

/**
 * Outputs and gradients against Keras 3 itself (float64, TensorFlow backend) and PyTorch, read
 * from the golden files that {@code src/test/resources/golden/generate_golden.py} wrote. The
 * engine runs in float32 on the same float32-representable weights and inputs.
 */
class KerasGoldenTest {

  /**
   * Forward outputs and gradients: relative error bound. Errors are relative to each value, or
   * to 1% of the tensor's largest value for smaller ones: float32 sums of terms near the largest
   * value leave absolute errors of ~1e-8 x scale, which no float32 code avoids.
   */
  static final double FORWARD_TOLERANCE = 1e-5;
  /** Weights after several optimiser steps in float32 against float64 Keras. */
  static final double TRAINING_TOLERANCE = 1e-4;
  /**
   * Linear gates are unbounded (z outside [0, 1]), so the recurrence amplifies float32 rounding;
   * these cases get the training tolerance.
   */
  static final java.util.Set<String> ILL_CONDITIONED = java.util.Set.of("gru_ract_linear.txt");

  @org.junit.jupiter.api.AfterAll
  static void printWorstErrors() {
    ErrorLog.print();
  }

  static Stream<Path> forwardCases() {
    List<Path> cases = new ArrayList<>(GoldenFile.list("gru_"));
    cases.addAll(GoldenFile.list("torch_"));
    assertTrue(cases.size() >= 25, "golden forward cases missing: " + cases);
    return cases.stream();
  }

  static Stream<Path> trainingCases() {
    List<Path> cases = GoldenFile.list("train_");
    assertFalse(cases.isEmpty(), "golden training cases missing");
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forwardCases")
  void outputsAndGradientsMatchKeras(Path path) {
    GoldenFile golden = GoldenFile.read(path);
    double tolerance = ILL_CONDITIONED.contains(golden.name) ? TRAINING_TOLERANCE : FORWARD_TOLERANCE;
    List<Layer> layers = GoldenModels.layers(golden);
    int[] shape = {golden.tensor("x").shape()[1], golden.tensor("x").shape()[2]};
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).setName("layer" + i);
      shape = layers.get(i).build(shape);
    }
    Parameters params = Parameters.layOut(layers);
    for (int i = 0; i < layers.size(); i++) {
      for (var spec : layers.get(i).variables()) {
        params.set("layer" + i + "/" + spec.name(), golden.tensor("weights." + i + "." + spec.name()).floats());
      }
    }
    GoldenFile.Values xv = golden.tensor("x");
    Tensor x = Tensor.of(xv.floats(), xv.shape());
    if (golden.has("mask")) {
      double[] m = golden.tensor("mask").data();
      boolean[] mask = new boolean[m.length];
      for (int i = 0; i < m.length; i++) {
        mask[i] = m[i] != 0;
      }
      x = x.withMask(mask);
    }
    Tensor initial = golden.has("initial_state")
        ? Tensor.of(golden.tensor("initial_state").floats(), golden.tensor("initial_state").shape()) : null;

    // Forward, the initial state going to the first GRU.
    Tensor t = x;
    GruLayer.Output lastGru = null;
    boolean first = true;
    for (Layer layer : layers) {
      if (layer instanceof GruLayer gru) {
        lastGru = gru.forward(t, first ? initial : null, false);
        t = lastGru.output();
        first = false;
      } else {
        t = layer.forward(t, false);
      }
    }
    assertClose(golden.name + " y", golden.tensor("y"), t.toArray(), tolerance);
    boolean withState = golden.has("state");
    if (withState) {
      assertClose(golden.name + " state", golden.tensor("state"), lastGru.state().toArray(), tolerance);
    }

    // Backward of L = sum(y * cotangent) + sum(state * cotangent_state).
    GoldenFile.Values cot = golden.tensor("cotangent");
    Tensor g = Tensor.of(cot.floats(), cot.shape());
    Tensor gradInitial = null;
    for (int i = layers.size() - 1; i >= 0; i--) {
      Layer layer = layers.get(i);
      if (layer instanceof GruLayer gru) {
        Tensor gs = withState && i == layers.size() - 1
            ? Tensor.of(golden.tensor("cotangent_state").floats(), golden.tensor("cotangent_state").shape()) : null;
        GruLayer.InputGradients grads = gru.backward(g, gs);
        g = grads.input();
        gradInitial = grads.initialState();
      } else {
        g = layer.backward(g);
      }
    }
    for (int i = 0; i < layers.size(); i++) {
      for (var spec : layers.get(i).variables()) {
        String key = "grad.weights." + i + "." + spec.name();
        Parameters.Variable v = params.variable("layer" + i + "/" + spec.name());
        float[] grad = java.util.Arrays.copyOfRange(params.gradients(), v.offset(), v.offset() + v.size());
        assertClose(golden.name + " " + key, golden.tensor(key), grad, tolerance);
      }
    }
    assertClose(golden.name + " grad.x", golden.tensor("grad.x"), g.toArray(), tolerance);
    if (golden.has("grad.initial_state")) {
      assertClose(golden.name + " grad.initial_state", golden.tensor("grad.initial_state"), gradInitial.toArray(),
          tolerance);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainingCases")
  void trainingMatchesKerasFit(Path path) {
    GoldenFile golden = GoldenFile.read(path);
    GoldenFile.Values xv = golden.tensor("x");
    GoldenFile.Values yv = golden.tensor("y_true");
    Sequential.Builder builder = Sequential.builder(xv.shape()[1], xv.shape()[2]);
    GoldenModels.layers(golden).forEach(builder::add);
    Sequential model = builder.build(7);
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      for (var spec : layers.get(i).variables()) {
        model.parameters().set(layers.get(i).name() + "/" + spec.name(),
            golden.tensor("weights." + i + "." + spec.name()).floats());
      }
    }
    String metricList = golden.train.getOrDefault("metrics", "");
    Metric[] metrics = metricList.isEmpty() ? new Metric[0]
        : Stream.of(metricList.split(",")).map(Metric::parse).toArray(Metric[]::new);
    model.compile(Loss.parse(golden.train.get("loss")), GoldenModels.optimizer(golden), metrics);
    History history = model.fit(Tensor.of(xv.floats(), xv.shape()), Tensor.of(yv.floats(), yv.shape()),
        FitOptions.epochs(Integer.parseInt(golden.train.get("epochs")))
            .batchSize(Integer.parseInt(golden.train.get("batch_size"))).shuffle(false));

    for (int i = 0; i < layers.size(); i++) {
      for (var spec : layers.get(i).variables()) {
        String key = "final.weights." + i + "." + spec.name();
        assertClose(golden.name + " " + key, golden.tensor(key),
            model.parameters().get(layers.get(i).name() + "/" + spec.name()), TRAINING_TOLERANCE);
      }
    }
    for (String key : golden.tensors.keySet()) {
      if (key.startsWith("history.")) {
        String metric = key.substring("history.".length());
        double[] expected = golden.tensor(key).data();
        double[] actual = history.get(metric);
        assertEquals(expected.length, actual.length, key);
        for (int e = 0; e < expected.length; e++) {
          assertEquals(expected[e], actual[e], TRAINING_TOLERANCE * Math.max(1, Math.abs(expected[e])),
              golden.name + " " + key + " epoch " + (e + 1));
        }
      }
    }
  }

  @Test
  void assertCloseFailsOnNaNAndInfinity() {
    GoldenFile.Values expected = new GoldenFile.Values(new int[] {3}, new double[] {1, -2, 3});
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      AssertionFailedError error = assertThrows(AssertionFailedError.class,
          () -> assertClose("output", expected, new float[] {1, bad, 3}, FORWARD_TOLERANCE), "got " + bad);
      assertEquals("output: got " + bad + " at 1, expected -2.0", error.getMessage());
    }
  }

  /**
   * Asserts |a - e| &lt;= tol * max(|e|, 0.01 * max|e|) element-wise, i.e. relative error with an
   * absolute floor at a hundredth of the tensor's largest value. A NaN or infinity on either side fails.
   */
  static void assertClose(String what, GoldenFile.Values expected, float[] actual, double tolerance) {
    double[] e = expected.data();
    assertEquals(e.length, actual.length, what + ": size");
    double scale = 0;
    for (double v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    double floor = Math.max(1e-2 * scale, 1e-12);
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < e.length; i++) {
      double err = Math.abs(actual[i] - e[i]) / Math.max(Math.abs(e[i]), floor);
      if (!Double.isFinite(err)) { // a NaN compares false with every bound: it must fail here, not slip past them
        fail(what + ": got " + actual[i] + " at " + i + ", expected " + e[i]);
      }
      if (err > worst) {
        worst = err;
        worstAt = i;
      }
    }
    if (worst > tolerance) {
      assertArrayEquals(e, toDouble(actual), 0, what + ": relative error " + worst + " at " + worstAt + " (expected "
          + e[worstAt] + ", got " + actual[worstAt] + ")");
    }
    ErrorLog.record(what, worst);
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
