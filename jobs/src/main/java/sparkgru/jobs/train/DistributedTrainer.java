package sparkgru.jobs.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.EpochSums;
import sparkgru.engine.model.History;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.TrainSettings;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.io.RunFailedException;
import sparkgru.jobs.spark.SparkJobs;

/**
 * The driver side of parameter averaging. Each round broadcasts the flat weights and optimiser
 * state; every partition trains {@code averaging_frequency} mini-batches
 * ({@link PartitionTrainer}); {@link WeightAverager} sums the results weighted by samples and
 * the driver divides by the total. An epoch is as many rounds as the largest partition needs;
 * partitions that run out of batches (uneven or empty ones) simply stop contributing. Only
 * weights, optimiser state and metric sums reach the driver.
 *
 * <p>Logs per epoch: {@code loss} and metrics, {@code val_*} when validation data is given
 * (evaluated distributed), {@code samples_per_s}, {@code epoch_seconds},
 * {@code averaging_seconds} (the rounds' time not spent in the slowest worker's training loop:
 * broadcasting, launching tasks, setting up and packing on the workers, returning, merging and
 * averaging updates; when there are more partitions than task slots, the training of all but the
 * last wave of tasks counts too), {@code loss_spread} (max minus min of the partitions' mean
 * training loss).
 */
public final class DistributedTrainer {
  /** The command whose job group the training jobs are in (SparkJobs). */
  private static final String COMMAND = "train";
  private final JavaSparkContext spark;
  private TrainSettings settings;
  private EpochListener listener;
  private List<TrainingCallback> callbacks = List.of();
  private TrainingState start;
  private Consumer<TrainingState> afterEpoch;

  /** A trainer for these settings on this Spark context. */
  public DistributedTrainer(JavaSparkContext spark, TrainSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** Receives each epoch's logs (console, metrics file). */
  public DistributedTrainer listener(EpochListener l) {
    this.listener = l;
    return this;
  }

  /** Callbacks that may stop training, restore weights or change the learning rate. */
  public DistributedTrainer callbacks(List<TrainingCallback> c) {
    this.callbacks = List.copyOf(c);
    return this;
  }

  /**
   * Continues from a checkpoint's state. Epoch e's sample orders and dropout streams depend only
   * on (seed, e, partition, round), so resuming after epoch e continues exactly as the
   * uninterrupted run (callbacks' own counters start afresh).
   */
  public DistributedTrainer resumeFrom(TrainingState state) {
    this.start = state;
    return this;
  }

  /** Told after each round: (epoch, rounds done, rounds in the epoch); drives the progress bar. */
  @FunctionalInterface
  public interface RoundListener {
    /** Called on the driver after each averaging round. */
    void roundDone(int epoch, int done, int rounds);
  }

  private RoundListener roundListener;

  /** Receives round progress. */
  public DistributedTrainer rounds(RoundListener l) {
    this.roundListener = l;
    return this;
  }

  /** Receives the state after every epoch: how checkpoints are written. */
  public DistributedTrainer afterEpoch(Consumer<TrainingState> sink) {
    this.afterEpoch = sink;
    return this;
  }

  /**
   * Trains {@code model} (built by {@link TrainSettings#buildModel()}) on the partitions of
   * {@code train}, one {@link PackedPartition} per Spark partition; {@code validation} may be
   * null. Stops with an error naming the epoch and round when the loss stops being finite.
   */
  public History fit(Sequential model, JavaRDD<PackedPartition> train, JavaRDD<PackedPartition> validation) {
    SparkJobs.label(spark.sc(), COMMAND, "counting the samples of each partition");
    List<Integer> counts = train.map(PackedPartition::count).collect();
    long total = counts.stream().mapToLong(Integer::longValue).sum();
    if (total == 0) {
      throw new InvalidInputException("the training data is empty: no partition holds a sample");
    }
    int maxBatches = counts.stream().mapToInt(n -> PartitionTrainer.batches(n, settings.batchSize())).max().orElse(0);
    int rounds = (maxBatches + settings.averagingFrequency() - 1) / settings.averagingFrequency();

    float[] weights = start == null ? model.parameters().toArray() : start.weights();
    float[] state = start == null ? new float[0] : start.optimizerState();
    long iterations = start == null ? 0 : start.iterations();
    History history = new History();
    if (start != null) {
      start.history().epochs().forEach(history::add);
      if (!Double.isNaN(start.learningRate())) {
        settings = settings.withOptimizer(settings.optimizer().withLearningRate(start.learningRate()));
      }
      if (start.callbackStates().size() != callbacks.size()) {
        throw new InvalidInputException("the checkpoint was written with " + start.callbackStates().size()
            + " callbacks, this run has " + callbacks.size() + "; resume with the same early_stopping/reduce_lr settings");
      }
      for (int i = 0; i < callbacks.size(); i++) {
        callbacks.get(i).restore(start.callbackStates().get(i));
      }
    }
    for (int epoch = start == null ? 1 : start.epoch() + 1; epoch <= settings.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      long averagingNanos = 0;
      TrainSettings s = settings;
      EpochSums sums = new EpochSums(settings.metrics().size());
      Map<Integer, LossSum> partitionLoss = new TreeMap<>();
      // One flat vector through the epoch's rounds: the weights, then the optimiser state.
      final int n = weights.length;
      float[] packed = Arrays.copyOf(weights, n + state.length);
      System.arraycopy(state, 0, packed, n, state.length);
      for (int round = 0; round < rounds; round++) {
        long roundStart = System.nanoTime();
        Broadcast<PackedWeights> bp = spark.broadcast(new PackedWeights(packed));
        final long it = iterations;
        final int e = epoch;
        final int r = round;
        JavaRDD<RoundUpdate> updates = train.mapPartitionsWithIndex((index, parts) -> {
          List<RoundUpdate> out = new ArrayList<>();
          boolean any = false;
          while (parts.hasNext()) {
            out.add(PartitionTrainer.train(index, parts.next(), bp.value().values(), it, s, e, r));
            any = true;
          }
          if (!any) {
            out.add(new RoundUpdate(index, s.metrics().size()));
          }
          return out.iterator();
        }, true);
        SparkJobs.label(spark.sc(), COMMAND, "epoch " + epoch + "/" + settings.epochs() + ", round " + (round + 1) + "/"
            + rounds);
        RoundUpdate update;
        try {
          update = WeightAverager.combine(updates, settings.aggregationDepth());
        } finally {
          bp.destroy();
        }
        if (!Double.isFinite(update.sums.meanLoss())) {
          throw new RunFailedException("training diverged in epoch " + epoch + ", round " + (round + 1)
              + ": the loss is " + update.sums.meanLoss() + "; lower optimizer.learning_rate or set "
              + "optimizer.clipnorm (checkpoints written so far are kept)");
        }
        if (update.trained()) {
          packed = update.average.mean();
          for (int i = 0; i < n; i++) {
            if (!Float.isFinite(packed[i])) {
              throw new RunFailedException("training diverged in epoch " + epoch + ", round " + (round + 1)
                  + ": the averaged weights are no longer finite (loss " + update.sums.meanLoss() + "); lower "
                  + "optimizer.learning_rate or set optimizer.clipnorm (checkpoints written so far are kept)");
            }
          }
          iterations += update.steps;
        }
        sums.merge(update.sums);
        update.partitionLoss.forEach((p, loss) -> partitionLoss.merge(p, loss, LossSum::plus));
        // Everything in the round but the slowest worker's training loop: broadcasting,
        // launching tasks, sending updates back, merging and averaging them.
        averagingNanos += System.nanoTime() - roundStart - update.trainingNanos;
        if (roundListener != null) {
          roundListener.roundDone(epoch, round + 1, rounds);
        }
      }
      weights = Arrays.copyOf(packed, n);
      state = Arrays.copyOfRange(packed, n, packed.length);
      model.parameters().copyFrom(weights);
      Map<String, Double> logs = new LinkedHashMap<>(sums.logs(model.metrics(), ""));
      if (validation != null) {
        SparkJobs.label(spark.sc(), COMMAND, "epoch " + epoch + "/" + settings.epochs() + ", validation");
        logs.putAll(evaluate(weights, validation).logs(model.metrics(), "val_"));
      }
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      logs.put("samples_per_s", total / seconds);
      logs.put("epoch_seconds", seconds);
      logs.put("averaging_seconds", averagingNanos / 1e9);
      logs.put("loss_spread", spread(partitionLoss));
      history.add(logs);
      SparkJobs.epochMetrics(spark.sc(), epoch, logs);
      if (listener != null) {
        listener.onEpochEnd(epoch, Collections.unmodifiableMap(logs));
      }
      EpochControl control = new EpochControl(weights);
      for (TrainingCallback c : callbacks) {
        c.afterEpoch(epoch, Collections.unmodifiableMap(logs), control);
      }
      weights = control.weights;
      if (afterEpoch != null) {
        afterEpoch.accept(new TrainingState(epoch, weights, state, iterations, settings.optimizer().learningRate(),
            history, callbacks.stream().map(TrainingCallback::state).toList()));
      }
      if (control.stopped) {
        break;
      }
    }
    model.parameters().copyFrom(weights);
    return history;
  }

  /** Loss and metrics of {@code weights} over a data set, computed by the executors. */
  public EpochSums evaluate(float[] weights, JavaRDD<PackedPartition> data) {
    Broadcast<PackedWeights> bw = spark.broadcast(new PackedWeights(weights));
    TrainSettings s = settings;
    List<EpochSums> parts;
    try {
      parts = data.map(p -> {
        Sequential m = PartitionTrainer.model(s);
        m.parameters().copyFrom(bw.value().values());
        return p.count() == 0 ? new EpochSums(s.metrics().size())
            : m.evaluateSums(p.inputs(), p.targets(), s.batchSize());
      }).collect();
    } finally {
      bw.destroy();
    }
    EpochSums total = new EpochSums(settings.metrics().size());
    parts.forEach(total::merge);
    if (total.samples() == 0) {
      throw new InvalidInputException("the validation set is empty: data.validation_fraction selected no sequence; "
          + "raise it, or set it to 0 to train without validation");
    }
    return total;
  }

  /** The callbacks' view of the trainer after an epoch. */
  private final class EpochControl implements TrainingCallback.Control {
    private float[] weights;
    private boolean stopped;

    EpochControl(float[] weights) {
      this.weights = weights;
    }

    @Override public float[] weights() { return weights.clone(); }
    @Override public double learningRate() { return settings.optimizer().learningRate(); }
    @Override public void stop() { stopped = true; }
    @Override public void replaceWeights(float[] w) { weights = w.clone(); }
    @Override public void setLearningRate(double rate) {
      settings = settings.withOptimizer(settings.optimizer().withLearningRate(rate));
    }
  }

  private static double spread(Map<Integer, LossSum> partitionLoss) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (LossSum loss : partitionLoss.values()) {
      if (loss.samples() > 0) {
        min = Math.min(min, loss.mean());
        max = Math.max(max, loss.mean());
      }
    }
    return max >= min ? max - min : 0;
  }
}
