package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.layers.Dense;
import sparkgru.engine.layers.GruConfig;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.layers.Initializer;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.optim.Adam;
import sparkgru.engine.optim.GradientClipping;
import sparkgru.engine.optim.LearningRateSchedule;
import sparkgru.engine.optim.ParameterAveraging;
import sparkgru.engine.optim.RmsProp;

/** The catalogue of configuration errors: each names the field, the value and what is allowed. */
class ErrorMessagesTest {

  static Stream<Arguments> cases() {
    LearningRateSchedule lr = new LearningRateSchedule.Constant(0.1);
    return Stream.of(
        Arguments.of("adam.beta_1 and adam.beta_2 must be in [0, 1), got 1.0 and 0.999",
            (Executable) () -> new Adam(lr, 1.0, 0.999, 1e-7, GradientClipping.NONE, 0)),
        Arguments.of("adam.epsilon must be > 0, got Infinity",
            (Executable) () -> new Adam(lr, 0.9, 0.999, Double.POSITIVE_INFINITY, GradientClipping.NONE, 0)),
        Arguments.of("weight_decay must be a finite number >= 0, got -0.1",
            (Executable) () -> new Adam(lr, 0.9, 0.999, 1e-7, GradientClipping.NONE, -0.1)),
        Arguments.of("rmsprop.rho must be in [0, 1), got 1.0",
            (Executable) () -> new RmsProp(lr, 1.0, 0, 1e-7, false, GradientClipping.NONE, 0)),
        Arguments.of("clipnorm must be a finite number > 0 (or 0 for none), got -1.0",
            (Executable) () -> new GradientClipping(-1, 0, 0)),
        Arguments.of("exponential_decay needs initial_learning_rate > 0, decay_steps >= 1 and decay_rate > 0, got "
            + "0.1, 0, 0.5", (Executable) () -> new LearningRateSchedule.ExponentialDecay(0.1, 0, 0.5, false)),
        Arguments.of("cosine_decay needs initial_learning_rate > 0, decay_steps >= 1 and alpha in [0, 1], got "
            + "Infinity, 10, 0.0", (Executable) () -> new LearningRateSchedule.CosineDecay(Double.POSITIVE_INFINITY,
            10, 0)),
        Arguments.of("huber.delta must be a finite number > 0, got 0.0", (Executable) () -> new Loss.Huber(0)),
        Arguments.of("metric must be one of [mae, rmse, binary_accuracy], got 'accuracy'",
            (Executable) () -> Metric.parse("accuracy")),
        Arguments.of("fit.epochs must be in [1, 1000000], got 0", (Executable) () -> FitOptions.epochs(0)),
        Arguments.of("fit validation data needs both inputs and targets, got only inputs",
            (Executable) () -> FitOptions.epochs(1).validation(Tensor.zeros(1, 1, 1), null)),
        Arguments.of("compile needs a loss and an optimizer, got loss=null, optimizer=null",
            (Executable) () -> Sequential.builder(1, 1).add(Dense.of(1)).build(0).compile(null, null)),
        Arguments.of("input steps must be >= 1, or -1 for any length, got 0",
            (Executable) () -> Sequential.builder(0, 1)),
        Arguments.of("a model needs at least one layer", (Executable) () -> Sequential.builder(2, 1).build(0)),
        Arguments.of("tensor data has 5 values but shape [2, 3] needs 6",
            (Executable) () -> Tensor.of(new float[5], 2, 3)),
        Arguments.of("mask has 3 entries, expected batch * steps = 4",
            (Executable) () -> Tensor.zeros(2, 2, 1).withMask(new boolean[3])),
        Arguments.of("cannot average a vector of 2 values into one of 3",
            (Executable) () -> new ParameterAveraging(3).add(new float[2], 1)),
        Arguments.of("random_uniform needs minval < maxval, got 1.0 and 0.0",
            (Executable) () -> new Initializer.RandomUniform(1, 0)),
        Arguments.of("the orthogonal initializer needs a variable of at least 2 dimensions, got shape [12] (use it for "
            + "kernels, not biases)", (Executable) () -> Sequential.builder(2, 1)
            .add(new GruLayer(GruConfig.builder(4).resetAfter(false).biasInitializer("orthogonal").build())).build(0)),
        Arguments.of("gru is stateful, so every batch must be full, but x has 5 samples, not a multiple of batch_size "
            + "2; drop the remainder or pick a batch size that divides the sample count", (Executable) () -> {
              Sequential m = Sequential.builder(2, 1).add(new GruLayer(GruConfig.builder(2).stateful(true).build()))
                  .build(0).compile(new Loss.MeanSquaredError(), new Adam(0.1));
              m.fit(Tensor.zeros(5, 2, 1), Tensor.zeros(5, 2), FitOptions.epochs(1).batchSize(2));
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void invalidConfigurationFailsWithThisMessage(String expected, Executable action) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, action).getMessage());
  }
}
