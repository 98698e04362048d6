package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import sparkgru.engine.model.FitOptions;
import sparkgru.engine.model.History;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.optim.OptimizerSpec;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.TrainSettings;
import sparkgru.jobs.data.PackedPartition;

/** Parameter averaging on a real (local) Spark context against the engine's local training. */
class DistributedTrainerTest {
  static final int STEPS = 5;
  static final int FEATURES = 3;
  static final ModelSpec MODEL = new ModelSpec(STEPS, FEATURES, List.of(
      LayerSpec.of("gru", "units", "6", "return_sequences", "true"),
      LayerSpec.of("gru", "units", "4", "reset_after", "false"),
      LayerSpec.of("dense", "units", "1")));

  /** Partition reads left before the injected failure (static: local-mode tasks run in this JVM). */
  static final AtomicInteger READS_BEFORE_FAILURE = new AtomicInteger(-1);

  private static TrainSettings settings(OptimizerSpec optimizer, int epochs, int batch, int frequency, int depth) {
    return new TrainSettings(MODEL, optimizer, "mse", List.of("mae", "rmse"), epochs, batch, frequency, true, 7, depth);
  }

  private static float[][] data(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n * STEPS * FEATURES];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * random.nextDouble() - 1);
    }
    for (int i = 0; i < n; i++) {
      y[i] = x[i * STEPS * FEATURES] - 0.5f * x[i * STEPS * FEATURES + STEPS * FEATURES - 1];
    }
    return new float[][] {x, y};
  }

  /** Contiguous slices of the data, one PackedPartition per Spark partition. */
  private static JavaRDD<PackedPartition> partitions(float[][] d, int... sizes) {
    List<PackedPartition> parts = new ArrayList<>();
    int at = 0;
    int row = STEPS * FEATURES;
    for (int size : sizes) {
      float[] x = java.util.Arrays.copyOfRange(d[0], at * row, (at + size) * row);
      float[] y = java.util.Arrays.copyOfRange(d[1], at, at + size);
      parts.add(new PackedPartition(size, STEPS, FEATURES, new int[] {1}, x, y, null));
      at += size;
    }
    return SparkTestSession.context().parallelize(parts, sizes.length).cache();
  }

  private static float[] trainDistributed(TrainSettings s, JavaRDD<PackedPartition> data, List<History> out) {
    Sequential model = s.buildModel();
    History h = new DistributedTrainer(SparkTestSession.context(), s).fit(model, data, null);
    if (out != null) {
      out.add(h);
    }
    return model.parameters().toArray();
  }

  @Test
  void onePartitionAveragingEveryStepEqualsLocalFitBitForBit() {
    float[][] d = data(22, 1);
    TrainSettings s = settings(OptimizerSpec.of("adam", "learning_rate", "0.01"), 3, 4, 1, 2);
    List<History> histories = new ArrayList<>();
    float[] distributed = trainDistributed(s, partitions(d, 22), histories);

    Sequential local = s.buildModel();
    History localHistory = local.fit(sparkgru.engine.linalg.Tensor.of(d[0], 22, STEPS, FEATURES),
        sparkgru.engine.linalg.Tensor.of(d[1], 22, 1), FitOptions.epochs(3).batchSize(4).seed(7));
    assertArrayEquals(local.parameters().toArray(), distributed, 0f);
    assertArrayEquals(localHistory.get("loss"), histories.get(0).get("loss"), 1e-12);
    assertArrayEquals(localHistory.get("mae"), histories.get(0).get("mae"), 1e-12);
  }

  @Test
  void partitionsAveragedEveryStepWithSgdEqualOneBigBatch() {
    float[][] d = data(16, 2);
    OptimizerSpec sgd = OptimizerSpec.of("sgd", "learning_rate", "0.1");
    float[] distributed = trainDistributed(settings(sgd, 4, 8, 1, 1), partitions(d, 8, 8), null);

    Sequential local = settings(sgd, 4, 16, 1, 1).buildModel();
    local.fit(sparkgru.engine.linalg.Tensor.of(d[0], 16, STEPS, FEATURES), sparkgru.engine.linalg.Tensor.of(d[1], 16, 1),
        FitOptions.epochs(4).batchSize(16).seed(7));
    assertArrayEquals(local.parameters().toArray(), distributed, 1e-6f);
  }

  @Test
  void theSameSeedGivesTheSameWeightsEvenWhenATaskFailsAndIsRetried() {
    float[][] d = data(40, 3);
    TrainSettings s = settings(OptimizerSpec.of("rmsprop", "learning_rate", "0.01"), 2, 3, 2, 2);
    float[] first = trainDistributed(s, partitions(d, 11, 0, 17, 12), null);
    float[] second = trainDistributed(s, partitions(d, 11, 0, 17, 12), null);
    assertArrayEquals(first, second, 0f);

    // Not cached: every round reads the partitions again; the 10th read (a training round of
    // the first epoch, after the counting job) fails once and Spark retries the task.
    READS_BEFORE_FAILURE.set(10);
    JavaRDD<PackedPartition> failing = SparkTestSession.context().parallelize(partitions(d, 11, 0, 17, 12).collect(), 4)
        .map(p -> {
          if (READS_BEFORE_FAILURE.getAndDecrement() == 1) {
            throw new IllegalStateException("injected task failure");
          }
          return p;
        });
    float[] retried = trainDistributed(s, failing, null);
    assertTrue(READS_BEFORE_FAILURE.get() < 0, "the failure was injected");
    assertArrayEquals(first, retried, 0f);
  }

  @Test
  void unevenAndEmptyPartitionsTrainAndReportEveryEpoch() {
    float[][] d = data(60, 4);
    TrainSettings s = settings(OptimizerSpec.of("adam", "learning_rate", "0.02"), 6, 4, 3, 3);
    List<History> histories = new ArrayList<>();
    trainDistributed(s, partitions(d, 3, 0, 30, 1, 0, 26, 0), histories);
    History h = histories.get(0);
    double[] loss = h.get("loss");
    assertEquals(6, loss.length);
    assertTrue(loss[5] < loss[0], "loss falls: " + java.util.Arrays.toString(loss));
    assertTrue(h.get("loss_spread")[0] >= 0 && h.get("samples_per_s")[0] > 0);
    assertTrue(h.epochs().get(0).keySet().containsAll(List.of("loss", "mae", "rmse", "samples_per_s", "epoch_seconds",
        "averaging_seconds", "loss_spread")), h.epochs().get(0).keySet().toString());
    for (Map<String, Double> epoch : h.epochs()) {
      double averaging = epoch.get("averaging_seconds");
      assertTrue(averaging > 0 && averaging <= epoch.get("epoch_seconds"), "averaging within the epoch: " + epoch);
    }
  }

  @Test
  void validationIsEvaluatedOnTheExecutorsWithTheAveragedWeights() {
    float[][] d = data(30, 5);
    float[][] v = data(12, 6);
    TrainSettings s = settings(OptimizerSpec.of("adam", "learning_rate", "0.01"), 2, 5, 2, 2);
    Sequential model = s.buildModel();
    History h = new DistributedTrainer(SparkTestSession.context(), s).fit(model, partitions(d, 15, 15),
        partitions(v, 5, 7));
    var expected = model.evaluate(sparkgru.engine.linalg.Tensor.of(v[0], 12, STEPS, FEATURES),
        sparkgru.engine.linalg.Tensor.of(v[1], 12, 1), 5);
    assertEquals(expected.get("loss"), h.get("val_loss")[1], 1e-6);
    assertEquals(expected.get("mae"), h.get("val_mae")[1], 1e-6);
  }

  @Test
  void emptyDataAndBadSettingsAreRejected() {
    TrainSettings s = settings(OptimizerSpec.of("adam"), 1, 4, 1, 2);
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> trainDistributed(s, partitions(data(0, 1), 0, 0), null));
    assertEquals("the training data is empty: no partition holds a sample", empty.getMessage());
    assertEquals("train.averaging_frequency must be in [1, 1000000], got 0", assertThrows(IllegalArgumentException.class,
        () -> settings(OptimizerSpec.of("adam"), 1, 4, 0, 2)).getMessage());
    assertEquals("adam has no argument 'learning_rat'; did you mean 'learning_rate'?; it takes [beta_1, beta_2, "
        + "clipnorm, clipvalue, epsilon, global_clipnorm, learning_rate, schedule, weight_decay]",
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.of("adam", "learning_rat", "0.1")).getMessage());
    assertFalse(s.metrics().isEmpty());
  }
}
