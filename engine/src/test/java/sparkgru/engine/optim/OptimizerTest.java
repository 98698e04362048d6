package sparkgru.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Optimiser rules on single weights, computed by hand from Keras' formulas (whole trajectories
 * against Keras' own fit are in the golden tests), clipping, schedules and averaging.
 */
class OptimizerTest {

  @Test
  void everyListedNameBuildsItsOptimizer() {
    assertEquals(java.util.List.of("adam", "adamw", "rmsprop", "sgd"), OptimizerSpec.NAMES);
    for (String name : OptimizerSpec.NAMES) {
      assertEquals(name, OptimizerSpec.of(name).name());
      OptimizerSpec.of(name).build();
    }
  }

  @Test
  void adamFirstStepMovesEachWeightByTheLearningRate() {
    Adam adam = new Adam(0.1);
    float[] w = {1f, -1f};
    adam.apply(w, new float[] {0.5f, -2f}, new int[] {0, 1, 2});
    // m = 0.1 g, v = 0.001 g^2, alpha = 0.1 sqrt(0.001) / 0.1: the step is 0.1 * sign(g) (up to epsilon).
    assertArrayEquals(new float[] {0.9f, -0.9f}, w, 1e-5f);
    assertEquals(1, adam.iterations());
    assertEquals(4, adam.state().length, "m and v, one flat array");
  }

  /** Three steps over 37 weights (whole vectors and a remainder): the formulas in float, element by element. */
  @Test
  void adamStepsEqualTheScalarFormulasBitForBit() {
    int n = 37;
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) random.nextDouble(-1, 1);
    }
    float[] expected = w.clone();
    float[] m = new float[n];
    float[] v = new float[n];
    Adam adam = new Adam(0.01);
    for (int step = 1; step <= 3; step++) {
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        g[i] = (float) random.nextDouble(-2, 2);
      }
      float a = (float) (0.01 * Math.sqrt(1 - Math.pow(0.999, step)) / (1 - Math.pow(0.9, step)));
      for (int i = 0; i < n; i++) {
        m[i] = m[i] + (g[i] - m[i]) * (float) (1 - 0.9);
        v[i] = v[i] + (g[i] * g[i] - v[i]) * (float) (1 - 0.999);
        expected[i] -= m[i] * a / ((float) Math.sqrt(v[i]) + (float) 1e-7);
      }
      adam.apply(w, g, new int[] {0, n});
    }
    assertArrayEquals(expected, w, 0f);
  }

  /**
   * Each weight of a vector updated together (most in the vector kernel's lanes) gets the same
   * bits as when it is updated alone (by Adam's scalar loop), over three steps with gradients and
   * weights from 1e-6 to 1e3, both signs, and zeros.
   */
  @Test
  void adamGivesAWeightTheSameBitsInAVectorLaneAsAlone() {
    int n = 101;
    java.util.SplittableRandom random = new java.util.SplittableRandom(4);
    float[] w = new float[n];
    float[][] g = new float[3][n];
    for (int i = 0; i < n; i++) {
      w[i] = magnitude(random);
      for (float[] step : g) {
        step[i] = magnitude(random);
      }
    }
    float[] together = w.clone();
    Adam all = new Adam(0.01);
    for (float[] step : g) {
      all.apply(together, step.clone(), new int[] {0, n});
    }
    for (int i = 0; i < n; i++) {
      float[] alone = {w[i]};
      Adam one = new Adam(0.01);
      for (float[] step : g) {
        one.apply(alone, new float[] {step[i]}, new int[] {0, 1});
      }
      assertEquals(Float.floatToRawIntBits(together[i]), Float.floatToRawIntBits(alone[0]),
          "weight " + i + ": " + together[i] + " updated with " + n + " weights, " + alone[0] + " alone");
    }
  }

  /** 1e-6 to 1e3, either sign, or zero one time in eight. */
  private static float magnitude(java.util.SplittableRandom r) {
    if (r.nextInt(8) == 0) {
      return 0f;
    }
    float m = (float) Math.pow(10, -6 + 9 * r.nextDouble());
    return r.nextBoolean() ? m : -m;
  }

  @Test
  void sgdWithNesterovMomentum() {
    Sgd sgd = new Sgd(new LearningRateSchedule.Constant(0.1), 0.9, true, GradientClipping.NONE, 0);
    float[] w = {1f};
    sgd.apply(w, new float[] {1f}, new int[] {0, 1});
    // m = -0.1; w += 0.9 * m - 0.1 = -0.19
    assertEquals(0.81f, w[0], 1e-7f);
  }

  @Test
  void adamWDecaysWeightsBeforeTheUpdate() {
    Adam adamW = new Adam(new LearningRateSchedule.Constant(0.1), 0.9, 0.999, 1e-7, GradientClipping.NONE, 0.5);
    float[] w = {2f};
    adamW.apply(w, new float[] {0f}, new int[] {0, 1});
    assertEquals(2f - 2f * 0.5f * 0.1f, w[0], 1e-6f);
    assertEquals("adamw", adamW.name());
  }

  @Test
  void clippingFollowsKeras() {
    float[] g = {3, 4, 1};
    new GradientClipping(1.0, 0, 0).apply(g, new int[] {0, 2, 3});
    assertArrayEquals(new float[] {0.6f, 0.8f, 1f}, g, 1e-6f, "clipnorm: per variable");
    float[] h = {3, 4, 12};
    new GradientClipping(0, 6.5, 0).apply(h, new int[] {0, 2, 3});
    assertArrayEquals(new float[] {1.5f, 2f, 6f}, h, 1e-6f, "global_clipnorm: joint norm 13 -> 6.5");
    float[] v = {-3, 0.2f};
    new GradientClipping(0, 0, 0.5).apply(v, new int[] {0, 2});
    assertArrayEquals(new float[] {-0.5f, 0.2f}, v);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GradientClipping(1, 1, 0));
    assertEquals("only one of clipnorm, global_clipnorm and clipvalue can be set, got clipnorm=1.0, "
        + "global_clipnorm=1.0, clipvalue=0.0", e.getMessage());
  }

  @Test
  void schedulesFollowKeras() {
    var exp = new LearningRateSchedule.ExponentialDecay(0.1, 10, 0.5, false);
    assertEquals(0.1 * Math.pow(0.5, 0.5), exp.at(5), 1e-8);
    assertEquals(0.1f, new LearningRateSchedule.ExponentialDecay(0.1, 10, 0.5, true).at(9), 0f);
    var cos = new LearningRateSchedule.CosineDecay(1.0, 10, 0.1);
    assertEquals(1.0f, cos.at(0), 0f);
    assertEquals(0.1f, cos.at(10), 1e-7f);
    assertEquals(0.1f, cos.at(50), 1e-7f, "constant after decay_steps");
    assertEquals(0.55f, cos.at(5), 1e-6f);
  }

  @Test
  void invalidHyperparametersAreRejected() {
    assertEquals("learning_rate must be a finite number > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new Adam(0)).getMessage());
    assertEquals("sgd.momentum must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(new LearningRateSchedule.Constant(0.1), 1.5, false,
            GradientClipping.NONE, 0)).getMessage());
  }

  @Test
  void restoredStateContinuesExactlyWhereTheOriginalWouldHave() {
    Adam a = new Adam(0.05);
    float[] wa = {1f, 2f};
    a.apply(wa, new float[] {0.3f, -0.2f}, new int[] {0, 2});
    Adam b = new Adam(0.05);
    float[] wb = wa.clone();
    b.restore(a.state(), a.iterations());
    a.apply(wa, new float[] {0.1f, 0.4f}, new int[] {0, 2});
    b.apply(wb, new float[] {0.1f, 0.4f}, new int[] {0, 2});
    assertArrayEquals(wa, wb, 0f);
    assertEquals(2, b.iterations());
  }

  @Test
  void freshStateAtALaterIterationBiasCorrectsLikeANewOptimizer() {
    Adam restarted = new Adam(new LearningRateSchedule.ExponentialDecay(0.1, 10, 0.5, false), 0.9, 0.999, 1e-7,
        GradientClipping.NONE, 0);
    restarted.restore(new float[0], 10);
    float[] w = {1f};
    restarted.apply(w, new float[] {0.3f}, new int[] {0, 1});
    assertEquals(1f - 0.05f, w[0], 1e-5f, "a first Adam step moves by the rate, here the schedule's 0.05 at step 10");
    assertEquals(11, restarted.iterations());
  }

  @Test
  void parameterAveragingIsAWeightedMeanThatIgnoresEmptyPartitions() {
    ParameterAveraging left = new ParameterAveraging(2).add(new float[] {1, 2}, 3).add(new float[] {9, 9}, 0);
    ParameterAveraging right = new ParameterAveraging(2).add(new float[] {5, 6}, 1);
    assertArrayEquals(new float[] {2, 3}, left.merge(right).mean());
    assertEquals(4, left.totalWeight());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ParameterAveraging(1).mean());
    assertEquals("no samples were processed by any worker: every partition was empty", e.getMessage());
  }

  /** A worker's contribution kept as floats: the same sums bit for bit, through serialization too. */
  @Test
  void singleContributionsAverageExactlyAsAddedOnes() throws Exception {
    float[] a = {0.1f, -3.7f, 1e-8f};
    float[] b = {2.5f, 0.3f, -7f};
    float[] c = {-1f, 1f, 0.7f};
    float[] expected = new ParameterAveraging(3).add(a, 17).add(b, 5).add(c, 64).mean();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(ParameterAveraging.of(b, 5));
    }
    ParameterAveraging shipped;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      shipped = (ParameterAveraging) in.readObject();
    }
    ParameterAveraging merged = ParameterAveraging.of(a, 17).merge(shipped).merge(ParameterAveraging.of(c, 64));
    assertArrayEquals(expected, merged.mean(), 0f);
    assertEquals(86, merged.totalWeight());
    assertArrayEquals(new float[] {2.5f, 0.3f, -7f}, ParameterAveraging.of(new float[3], 0).merge(ParameterAveraging.of(b, 2)).mean(), 0f);
    ParameterAveraging self = ParameterAveraging.of(a, 1);
    assertEquals("cannot merge an average into itself",
        assertThrows(IllegalArgumentException.class, () -> self.merge(self)).getMessage());
  }
}
