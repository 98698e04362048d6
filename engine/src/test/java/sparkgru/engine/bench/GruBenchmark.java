package sparkgru.engine.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import sparkgru.engine.layers.Dense;
import sparkgru.engine.layers.GruConfig;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.optim.Adam;

/**
 * One training step ({@code trainOnBatch}: forward, loss, backward, Adam) and one inference
 * batch of the benchmark configurations, on one thread. Sequences per second = batch x ops/s.
 * <ul>
 *   <li>A: input 8, GRU(64, return_sequences) -> GRU(64) -> Dense(1), MSE, batch 64, 24 steps.</li>
 *   <li>B: input 32, GRU(256) -> Dense(1), MSE, batch 128, 48 steps.</li>
 *   <li>tutorial: input 5, GRU(50, return_sequences) -> GRU(50) -> Dense(1, sigmoid), binary
 *   cross-entropy, batch 16, 10 steps.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GruBenchmark {

  @Param({"A", "tutorial"})
  public String config;

  private Sequential model;
  private Tensor x;
  private Tensor y;

  @Setup
  public void setUp() {
    int batch;
    int steps;
    int features;
    Sequential.Builder builder;
    Loss loss = new Loss.MeanSquaredError();
    switch (config) {
      case "A" -> {
        batch = 64;
        steps = 24;
        features = 8;
        builder = Sequential.builder(steps, features)
            .add(new GruLayer(GruConfig.builder(64).returnSequences(true).build()))
            .add(GruLayer.of(64))
            .add(Dense.of(1));
      }
      case "B" -> {
        batch = 128;
        steps = 48;
        features = 32;
        builder = Sequential.builder(steps, features).add(GruLayer.of(256)).add(Dense.of(1));
      }
      case "tutorial" -> {
        batch = 16;
        steps = 10;
        features = 5;
        builder = Sequential.builder(steps, features)
            .add(new GruLayer(GruConfig.builder(50).returnSequences(true).build()))
            .add(GruLayer.of(50))
            .add(Dense.of(1, Activation.SIGMOID));
        loss = new Loss.BinaryCrossentropy();
      }
      default -> throw new IllegalArgumentException("unknown config " + config);
    }
    model = builder.build(1).compile(loss, new Adam(1e-4));
    SplittableRandom random = new SplittableRandom(2);
    float[] xs = new float[batch * steps * features];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) (2 * random.nextDouble() - 1);
    }
    float[] ys = new float[batch];
    for (int i = 0; i < batch; i++) {
      ys[i] = random.nextDouble() < 0.5 ? 0f : 1f;
    }
    x = Tensor.of(xs, batch, steps, features);
    y = Tensor.of(ys, batch, 1);
  }

  /** One optimiser step on one batch. */
  @Benchmark
  public double train() {
    return model.trainOnBatch(x, y);
  }

  /** Forward pass of one batch in inference mode. */
  @Benchmark
  public float infer() {
    return model.forward(x, false).data()[0];
  }
}
