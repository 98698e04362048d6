package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.errors.InvalidInputException;
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

/**
 * The catalogue of configuration errors: each names the field, the value and what is allowed. The
 * user's input (a setting, a model's description, the data) fails with an InvalidInputException;
 * a misuse of the Java API (a bug of its caller) with a plain IllegalArgumentException.
 */
class ErrorMessagesTest {

  private static Arguments input(String message, Executable action) {
    return Arguments.of(message, true, action);
  }

  private static Arguments misuse(String message, Executable action) {
    return Arguments.of(message, false, action);
  }

  static Stream<Arguments> cases() {
    LearningRateSchedule lr = new LearningRateSchedule.Constant(0.1);
    return Stream.of(
        input("adam.beta_1 and adam.beta_2 must be in [0, 1), got 1.0 and 0.999",
            () -> new Adam(lr, 1.0, 0.999, 1e-7, GradientClipping.NONE, 0)),
        input("adam.epsilon must be > 0, got Infinity",
            () -> new Adam(lr, 0.9, 0.999, Double.POSITIVE_INFINITY, GradientClipping.NONE, 0)),
        input("weight_decay must be a finite number >= 0, got -0.1",
            () -> new Adam(lr, 0.9, 0.999, 1e-7, GradientClipping.NONE, -0.1)),
        input("rmsprop.rho must be in [0, 1), got 1.0",
            () -> new RmsProp(lr, 1.0, 0, 1e-7, false, GradientClipping.NONE, 0)),
        input("clipnorm must be a finite number > 0 (or 0 for none), got -1.0",
            () -> new GradientClipping(-1, 0, 0)),
        input("exponential_decay needs initial_learning_rate > 0, decay_steps >= 1 and decay_rate > 0, got "
            + "0.1, 0, 0.5", () -> new LearningRateSchedule.ExponentialDecay(0.1, 0, 0.5, false)),
        input("cosine_decay needs initial_learning_rate > 0, decay_steps >= 1 and alpha in [0, 1], got "
            + "Infinity, 10, 0.0", () -> new LearningRateSchedule.CosineDecay(Double.POSITIVE_INFINITY,
            10, 0)),
        input("huber.delta must be a finite number > 0, got 0.0", () -> new Loss.Huber(0)),
        input("metric must be one of [mae, rmse, binary_accuracy], got 'accuracy'",
            () -> Metric.parse("accuracy")),
        input("fit.epochs must be in [1, 1000000], got 0", () -> FitOptions.epochs(0)),
        misuse("fit validation data needs both inputs and targets, got only inputs",
            () -> FitOptions.epochs(1).validation(Tensor.zeros(1, 1, 1), null)),
        misuse("compile needs a loss and an optimizer, got loss=null, optimizer=null",
            () -> Sequential.builder(1, 1).add(Dense.of(1)).build(0).compile(null, null)),
        input("input steps must be >= 1, or -1 for any length, got 0",
            () -> Sequential.builder(0, 1)),
        misuse("a model needs at least one layer", () -> Sequential.builder(2, 1).build(0)),
        misuse("tensor data has 5 values but shape [2, 3] needs 6",
            () -> Tensor.of(new float[5], 2, 3)),
        misuse("mask has 3 entries, expected batch * steps = 4",
            () -> Tensor.zeros(2, 2, 1).withMask(new boolean[3])),
        misuse("cannot average a vector of 2 values into one of 3",
            () -> new ParameterAveraging(3).add(new float[2], 1)),
        input("random_uniform needs minval < maxval, got 1.0 and 0.0",
            () -> new Initializer.RandomUniform(1, 0)),
        input("the orthogonal initializer needs a variable of at least 2 dimensions, got shape [12] (use it for "
            + "kernels, not biases)", () -> Sequential.builder(2, 1)
            .add(new GruLayer(GruConfig.builder(4).resetAfter(false).biasInitializer("orthogonal").build())).build(0)),
        input("gru is stateful, so every batch must be full, but x has 5 samples, not a multiple of batch_size "
            + "2; drop the remainder or pick a batch size that divides the sample count", () -> {
              Sequential m = Sequential.builder(2, 1).add(new GruLayer(GruConfig.builder(2).stateful(true).build()))
                  .build(0).compile(new Loss.MeanSquaredError(), new Adam(0.1));
              m.fit(Tensor.zeros(5, 2, 1), Tensor.zeros(5, 2), FitOptions.epochs(1).batchSize(2));
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void invalidConfigurationFailsWithThisMessage(String expected, boolean userInput, Executable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
    assertEquals(expected, e.getMessage());
    assertEquals(userInput, e instanceof InvalidInputException, "the user's input, or a misuse of the API");
  }
}
