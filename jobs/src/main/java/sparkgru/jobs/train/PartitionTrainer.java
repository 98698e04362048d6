package sparkgru.jobs.train;

import java.util.List;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.model.Seeds;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.optim.Optimizer;
import sparkgru.engine.optim.ParameterAveraging;
import sparkgru.jobs.config.TrainSettings;
import sparkgru.jobs.data.PackedPartition;

/**
 * Runs on an executor: trains one partition for one round. The partition's sample order for
 * the epoch comes from (seed, epoch, partition) and round r trains its mini-batches
 * {@code [r * f, (r + 1) * f)}; dropout streams are reseeded from (seed, epoch, partition, round).
 * A retried task therefore computes exactly what the first attempt computed.
 *
 * <p>Each executor thread keeps one built model per settings and overwrites its weights with
 * the broadcast ones, so tasks do not rebuild models.
 */
final class PartitionTrainer {
  private static final ThreadLocal<Cached> MODELS = new ThreadLocal<>();

  private record Cached(TrainSettings settings, Sequential model) {}

  private PartitionTrainer() {}

  /**
   * Trains this round's mini-batches of a partition from {@code packed}: the model's weights
   * followed by the optimiser state (none: a fresh optimiser).
   */
  static RoundUpdate train(int partition, PackedPartition data, float[] packed, long iterations,
      TrainSettings settings, int epoch, int round) {
    RoundUpdate update = new RoundUpdate(partition, settings.metrics().size());
    int batches = batches(data.count(), settings.batchSize());
    int first = round * settings.averagingFrequency();
    int last = Math.min(batches, first + settings.averagingFrequency());
    if (first >= last) {
      return update;
    }
    Sequential model = model(settings);
    int n = model.parameters().size();
    model.parameters().copyFrom(packed, 0);
    Optimizer optimizer = model.optimizer();
    optimizer.restore(packed, n, packed.length - n, iterations);
    List<Layer> layers = model.layers();
    long roundSeed = Seeds.derive(Seeds.derive(Seeds.derive(settings.seed(), epoch), partition), round);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).seed(Seeds.derive(roundSeed, i));
    }
    int[] order = Seeds.epochOrder(data.count(), settings.seed(), epoch, partition);
    Tensor x = data.inputs();
    Tensor y = data.targets();
    long samples = 0;
    long start = System.nanoTime();
    for (int b = first; b < last; b++) {
      int from = b * settings.batchSize();
      int to = Math.min(data.count(), from + settings.batchSize());
      model.trainOnSamples(x, y, order, from, to, update.sums);
      samples += to - from;
    }
    update.trainingNanos = System.nanoTime() - start;
    float[] state = settings.averageOptimizerState() ? optimizer.state() : new float[0];
    float[] out = new float[n + state.length];
    model.parameters().copyTo(out, 0);
    System.arraycopy(state, 0, out, n, state.length);
    update.average = ParameterAveraging.of(out, samples);
    update.steps = last - first;
    update.partitionLoss.put(partition, new LossSum(update.sums.meanLoss() * samples, samples));
    return update;
  }

  /** Mini-batches in a partition of n samples. */
  static int batches(int n, int batchSize) {
    return (n + batchSize - 1) / batchSize;
  }

  /** This thread's model for these settings, built once. */
  static Sequential model(TrainSettings settings) {
    Cached cached = MODELS.get();
    if (cached == null || !cached.settings().equals(settings)) {
      cached = new Cached(settings, settings.buildModel());
      MODELS.set(cached);
    }
    // A fresh optimiser each task: its state comes from the driver.
    Sequential model = cached.model();
    model.compile(settings.lossFunction(), settings.optimizer().build(), model.metrics().toArray(new Metric[0]));
    return model;
  }
}
