package sparkgru.engine.examples;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import sparkgru.engine.layers.Dense;
import sparkgru.engine.layers.GruConfig;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Blas;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.model.FitOptions;
import sparkgru.engine.model.History;
import sparkgru.engine.model.Parameters;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.optim.Adam;

/**
 * A stacked GRU classifier trained and run as Keras users write it:
 * <pre>
 *   model = Sequential([GRU(50, return_sequences=True), GRU(50), Dense(1, activation="sigmoid")])
 *   model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
 *   model.fit(x, y, epochs=10, batch_size=16)          # x: 100 sequences of 10 steps x 5 features
 *   GRU(50, return_sequences=True, return_state=True)(x[:5])  # shapes (5, 10, 50) and (5, 50)
 * </pre>
 * The labels are a rule the model can learn (1 when feature 0 of the sequence sums above 0),
 * so that accuracy visibly improves.
 */
public final class Tutorial {
  /** Samples, steps and features of the tutorial data. */
  public static final int SAMPLES = 100;
  /** Time steps per sequence. */
  public static final int STEPS = 10;
  /** Features per step. */
  public static final int FEATURES = 5;

  private Tutorial() {}

  /** The tutorial's outputs: the training history and the two shapes of the return_state call. */
  public record Result(History history, int[] sequenceShape, int[] stateShape) {}

  /** Runs the tutorial, printing to {@code out}. */
  public static Result run(long seed, PrintWriter out) {
    out.println("BLAS implementation: " + Blas.implementationName());
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[SAMPLES * STEPS * FEATURES];
    float[] y = new float[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      double sum = 0;
      for (int t = 0; t < STEPS; t++) {
        for (int f = 0; f < FEATURES; f++) {
          float v = (float) (2 * random.nextDouble() - 1);
          x[(i * STEPS + t) * FEATURES + f] = v;
          if (f == 0) {
            sum += v;
          }
        }
      }
      y[i] = sum > 0 ? 1f : 0f;
    }
    Tensor xs = Tensor.of(x, SAMPLES, STEPS, FEATURES);
    Tensor ys = Tensor.of(y, SAMPLES, 1);

    Sequential model = Sequential.builder(STEPS, FEATURES)
        .add(new GruLayer(GruConfig.builder(50).returnSequences(true).build()))
        .add(GruLayer.of(50))
        .add(Dense.of(1, Activation.SIGMOID))
        .build(seed);
    model.compile(new Loss.BinaryCrossentropy(), new Adam(0.001), Metric.BINARY_ACCURACY);
    out.print(model.summary());
    int epochs = 10;
    History history = model.fit(xs, ys, FitOptions.epochs(epochs).batchSize(16).seed(seed)
        .listener((epoch, logs) -> {
          out.println(format(epoch, epochs, logs));
          out.flush();
        }));

    GruLayer layer = new GruLayer(GruConfig.builder(50).returnSequences(true).returnState(true).build());
    Parameters.forLayer(layer, new int[] {STEPS, FEATURES}, seed);
    Tensor first5 = Tensor.of(Arrays.copyOf(x, 5 * STEPS * FEATURES), 5, STEPS, FEATURES);
    GruLayer.Output output = layer.forward(first5, null, false);
    out.println("whole_sequence_output shape: " + Arrays.toString(output.output().shape()));
    out.println("final_state shape: " + Arrays.toString(output.state().shape()));
    out.flush();
    return new Result(history, output.output().shape(), output.state().shape());
  }

  private static String format(int epoch, int epochs, Map<String, Double> logs) {
    StringBuilder sb = new StringBuilder("Epoch " + epoch + "/" + epochs);
    logs.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
    return sb.toString();
  }

  /** Runs the tutorial with seed 42. */
  public static void main(String[] args) {
    run(42, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
  }
}
