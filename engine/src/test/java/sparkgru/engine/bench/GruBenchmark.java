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
import sparkgru.engine.linalg.Blas;
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
 *
 * <p>{@link #sgemm} is the reference for GFLOP/s: the GEMMs a training step of the
 * configuration's GRU layers is counted for (forward 2·B·T·3H·(D+H), backward twice that), run
 * as bare sgemm calls at exactly those shapes: per layer one input projection
 * [B·T, D]·[D, 3H], per step [B, H]·[H, 3H] forward and [B, 3H]·[3H, H] backward, and the
 * weight and input gradients over all steps ([D, B·T]·[B·T, 3H], [H, B·T]·[B·T, 3H],
 * [B·T, 3H]·[3H, D]). Its FLOPs equal the training formula's, so
 * (training GFLOP/s) / (sgemm GFLOP/s) is the share of the GEMM rate a training step achieves.
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
  private int[][] gemmLayers; // per GRU layer: batch, steps, input features, units
  private float[] gemmA;
  private float[] gemmB;
  private float[] gemmC;

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
    gemmLayers = switch (config) {
      case "A" -> new int[][] {{batch, steps, features, 64}, {batch, steps, 64, 64}};
      case "B" -> new int[][] {{batch, steps, features, 256}};
      default -> new int[][] {{batch, steps, features, 50}, {batch, steps, 50, 50}};
    };
    int largest = 0;
    for (int[] l : gemmLayers) {
      largest = Math.max(largest, l[0] * l[1] * 3 * l[3] + 3 * l[3] * (l[2] + l[3]));
    }
    gemmA = new float[largest];
    gemmB = new float[largest];
    gemmC = new float[largest];
    SplittableRandom fill = new SplittableRandom(3);
    for (int i = 0; i < largest; i++) {
      gemmA[i] = (float) fill.nextDouble();
      gemmB[i] = (float) fill.nextDouble();
    }
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

  /** The training step's GEMMs alone, at its shapes (see the class comment). */
  @Benchmark
  public float sgemm() {
    for (int[] l : gemmLayers) {
      int b = l[0];
      int t = l[1];
      int d = l[2];
      int h = l[3];
      int g = 3 * h;
      int n = b * t;
      Blas.gemm(false, false, n, g, d, 1f, gemmA, 0, d, gemmB, 0, g, 0f, gemmC, 0, g);
      for (int s = 0; s < t; s++) {
        Blas.gemm(false, false, b, g, h, 1f, gemmA, 0, h, gemmB, 0, g, 0f, gemmC, 0, g);
      }
      for (int s = 0; s < t; s++) {
        Blas.gemm(false, false, b, h, g, 1f, gemmA, 0, g, gemmB, 0, h, 1f, gemmC, 0, h);
      }
      Blas.gemm(true, false, d, g, n, 1f, gemmA, 0, d, gemmB, 0, g, 1f, gemmC, 0, g);
      Blas.gemm(true, false, h, g, n, 1f, gemmA, 0, h, gemmB, 0, g, 1f, gemmC, 0, g);
      Blas.gemm(false, true, n, d, g, 1f, gemmA, 0, g, gemmB, 0, g, 0f, gemmC, 0, d);
    }
    return gemmC[0];
  }
}
