package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sparkgru.engine.layers.Dense;
import sparkgru.engine.layers.Dropout;
import sparkgru.engine.layers.GruConfig;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.layers.Masking;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.optim.Adam;

/** The model API: layout, reproducibility, fit/evaluate/predict, and errors for bad data. */
class SequentialTest {

  private static Sequential model(long seed) {
    return Sequential.builder(6, 3)
        .add(new Masking(0f))
        .add(new GruLayer(GruConfig.builder(8).returnSequences(true).dropout(0.2).recurrentDropout(0.2).build()))
        .add(new GruLayer(GruConfig.builder(4).resetAfter(false).build()))
        .add(new Dropout(0.1, null))
        .add(Dense.of(2))
        .build(seed)
        .compile(new Loss.MeanSquaredError(), new Adam(0.01), Metric.MAE, Metric.RMSE);
  }

  private static Tensor[] data(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n * 6 * 3];
    float[] y = new float[n * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[2 * i] = x[i * 18] + x[i * 18 + 17];
      y[2 * i + 1] = x[i * 18 + 5] * 0.5f;
    }
    return new Tensor[] {Tensor.of(x, n, 6, 3), Tensor.of(y, n, 2)};
  }

  @Test
  void variablesAreViewsOfOneFlatArrayInKerasOrder() {
    Sequential m = model(1);
    assertEquals(java.util.List.of("gru/kernel", "gru/recurrent_kernel", "gru/bias", "gru_1/kernel",
        "gru_1/recurrent_kernel", "gru_1/bias", "dense/kernel", "dense/bias"),
        m.parameters().variables().stream().map(Parameters.Variable::path).toList());
    int expected = 3 * 24 + 8 * 24 + 2 * 24 + 8 * 12 + 4 * 12 + 12 + 4 * 2 + 2;
    assertEquals(expected, m.parameters().size());
    assertArrayEquals(new int[] {2, 24}, m.parameters().variable("gru/bias").spec().shape());
  }

  @Test
  void theSameSeedGivesTheSameWeightsBitForBit() {
    Tensor[] d = data(40, 5);
    Sequential a = model(9);
    Sequential b = model(9);
    a.fit(d[0], d[1], FitOptions.epochs(2).batchSize(8).seed(3));
    b.fit(d[0], d[1], FitOptions.epochs(2).batchSize(8).seed(3));
    assertArrayEquals(a.parameters().toArray(), b.parameters().toArray(), 0f);
    Sequential c = model(10);
    assertFalse(java.util.Arrays.equals(model(9).parameters().toArray(), c.parameters().toArray()));
  }

  @Test
  void fitReportsLossMetricsAndValidationEveryEpochAndLearns() {
    Tensor[] train = data(64, 1);
    Tensor[] val = data(16, 2);
    Sequential m = model(3);
    int[] calls = {0};
    History h = m.fit(train[0], train[1], FitOptions.epochs(15).batchSize(16).validation(val[0], val[1])
        .listener((epoch, logs) -> calls[0]++));
    assertEquals(15, calls[0]);
    assertEquals(java.util.List.of("loss", "mae", "rmse", "val_loss", "val_mae", "val_rmse"),
        java.util.List.copyOf(h.epochs().get(0).keySet()));
    double[] loss = h.get("loss");
    assertTrue(loss[14] < 0.7 * loss[0], "training loss falls: " + java.util.Arrays.toString(loss));
    Map<String, Double> eval = m.evaluate(val[0], val[1], 8);
    assertEquals(h.get("val_loss")[14], eval.get("loss"), 1e-6, "evaluate equals the last validation pass");
  }

  @Test
  void predictRunsInBatchesWithoutDropout() {
    Tensor[] d = data(10, 4);
    Sequential m = model(2);
    Tensor all = m.predict(d[0], 10);
    Tensor inThrees = m.predict(d[0], 3);
    assertArrayEquals(new int[] {10, 2}, all.shape());
    assertArrayEquals(all.toArray(), inThrees.toArray(), 1e-6f);
  }

  @Test
  void summaryCountsParametersLikeKeras() {
    String summary = model(1).summary();
    assertTrue(summary.contains("gru (GRU)") && summary.contains("(None, 6, 8)"), summary);
    assertTrue(summary.contains("gru_1 (GRU)") && summary.contains("(None, 4)"), summary);
    assertTrue(summary.contains("Total params: " + String.format(java.util.Locale.ROOT, "%,d",
        model(1).parameters().size())), summary);
  }

  @Test
  void badDataIsRejectedWithTheCause() {
    Sequential m = model(1);
    Tensor[] d = data(4, 1);
    assertMessage("y has 3 samples but x has 4; inputs and targets must pair up sample by sample",
        () -> m.fit(d[0], Tensor.zeros(3, 2), FitOptions.epochs(1)));
    assertMessage("y has shape [4, 6, 2], the model outputs [4, 2]; the targets have a steps axis but the model "
        + "outputs one vector per sample (set return_sequences=true on the last GRU to predict every step)",
        () -> m.fit(d[0], Tensor.zeros(4, 6, 2), FitOptions.epochs(1)));
    assertMessage("x has 5 features per step, the model expects 3 (shape [4, 6, 5])",
        () -> m.predict(Tensor.zeros(4, 6, 5), 2));
    assertMessage("x has 7 steps, the model was built for 6 (build it with steps -1 to accept any length)",
        () -> m.predict(Tensor.zeros(4, 7, 3), 2));
    assertMessage("x must have shape [samples, steps, features] (rank 3), got rank 2 [6, 3]; reshape a single "
        + "sequence to [1, steps, features]", () -> m.predict(Tensor.zeros(6, 3), 2));
    float[] y = d[1].toArray();
    y[5] = Float.POSITIVE_INFINITY;
    assertMessage("y contains Infinity in sample 2 (value 1 of 2); clean or impute missing values before training or "
        + "predicting", () -> m.fit(d[0], Tensor.of(y, 4, 2), FitOptions.epochs(1)));
    assertMessage("fit.batch_size must be in [1, 16777216], got 0", () -> FitOptions.epochs(1).batchSize(0));
    assertEquals("the model is not compiled: call compile(loss, optimizer, metrics...) first",
        assertThrows(IllegalStateException.class, () -> Sequential.builder(2, 1).add(Dense.of(1)).build(0)
            .fit(Tensor.zeros(1, 2, 1), Tensor.zeros(1, 2, 1), FitOptions.epochs(1))).getMessage());
    assertMessage("gru: gru.return_state is not supported inside a Sequential model (the next layer takes one tensor); "
        + "call GruLayer.forward directly to get the state", () -> Sequential.builder(2, 1)
        .add(new GruLayer(GruConfig.builder(2).returnState(true).build())).build(0));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, action).getMessage());
  }
}
