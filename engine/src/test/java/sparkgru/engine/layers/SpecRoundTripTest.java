package sparkgru.engine.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Initializers, regularizers and constraints print a Keras-style spec that parses back to themselves. */
class SpecRoundTripTest {

  @ParameterizedTest
  @ValueSource(strings = {"zeros", "ones", "constant:0.25", "random_uniform:-0.1:0.2", "random_normal:0.5:0.01",
      "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "orthogonal"})
  void initializers(String spec) {
    Initializer init = Initializer.parse(spec, "f");
    assertEquals(init, Initializer.parse(init.describe(), "f"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"l1", "l2:0.5", "l1_l2:0.01:0.02", "l1_l2"})
  void regularizers(String spec) {
    Regularizer r = Regularizer.parse(spec, "f");
    assertEquals(r, Regularizer.parse(r.describe(), "f"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"non_neg", "unit_norm", "max_norm:3", "min_max_norm:0.5:2:0.7"})
  void constraints(String spec) {
    Constraint c = Constraint.parse(spec, "f");
    assertEquals(c, Constraint.parse(c.describe(), "f"));
  }
}
