package sparkgru.engine.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Losses and metrics: Keras' reductions, masking and clipping. */
class LossTest {

  @Test
  void everyListedNameParsesToTheLossOrMetricOfThatName() {
    for (String name : Loss.NAMES) {
      assertEquals(name, Loss.parse(name).name());
    }
    for (String name : Metric.NAMES) {
      assertEquals(name, Metric.parse(name).kerasName());
    }
  }

  @Test
  void meanOverRowsOfMeansOverTheLastAxis() {
    float[] p = {1, 2, 3, 4};
    float[] t = {0, 0, 3, 2};
    float[] g = new float[4];
    // rows [1,2] vs [0,0]: 2.5; [3,4] vs [3,2]: 2 -> mean 2.25
    assertEquals(2.25, new Loss.MeanSquaredError().evaluate(p, t, 4, 2, null, g), 1e-12);
    assertArrayEquals(new float[] {0.5f, 1f, 0f, 1f}, g, 1e-7f, "d/dp = 2 (p - t) / (rows * lastDim)");
  }

  @Test
  void maskedRowsAreLeftOutAndTheMeanIsOverValidRows() {
    float[] p = {1, 5, 2};
    float[] t = {0, 0, 0};
    float[] g = new float[3];
    double loss = new Loss.MeanAbsoluteError().evaluate(p, t, 3, 1, new boolean[] {true, false, true}, g);
    assertEquals(1.5, loss, 1e-12, "Keras: divide_no_nan(sum(mask * loss), valid)");
    assertEquals(0f, g[1]);
  }

  @Test
  void allRowsMaskedGivesZeroLossNotNaN() {
    float[] g = new float[2];
    assertEquals(0.0, new Loss.MeanSquaredError().evaluate(new float[] {1, 2}, new float[2], 2, 1,
        new boolean[] {false, false}, g), 0);
    assertArrayEquals(new float[2], g);
  }

  @Test
  void huberIsQuadraticInsideDeltaAndLinearOutside() {
    Loss huber = new Loss.Huber(1.0);
    assertEquals(0.125, huber.elementLoss(0.5f, 0f), 1e-12);
    assertEquals(2.5, huber.elementLoss(3f, 0f), 1e-12);
    assertEquals(-1, huber.elementDerivative(-3f, 0f), 1e-12);
  }

  @Test
  void binaryCrossentropyClipsProbabilitiesAtEpsilon() {
    Loss bce = new Loss.BinaryCrossentropy();
    assertEquals(-Math.log(1e-7), bce.elementLoss(0f, 1f), 1e-6);
    assertEquals(-Math.log(0.8), bce.elementLoss(0.8f, 1f), 1e-6);
    assertEquals(0, bce.elementDerivative(0f, 1f), 0, "no gradient through the clip");
  }

  @Test
  void metricsAccumulateOverTheEpoch() {
    double[] acc = new double[2];
    Metric.RMSE.accumulate(new float[] {1, 1}, new float[] {0, 0}, 2, 1, null, acc);
    Metric.RMSE.accumulate(new float[] {3}, new float[] {0}, 1, 1, null, acc);
    assertEquals(Math.sqrt(11.0 / 3), Metric.RMSE.result(acc), 1e-12, "sqrt of the epoch's mean, not a mean of roots");
    double[] accuracy = new double[2];
    Metric.BINARY_ACCURACY.accumulate(new float[] {0.7f, 0.2f, 0.5f}, new float[] {1, 0, 1}, 3, 1, null, accuracy);
    assertEquals(2 / 3.0, Metric.BINARY_ACCURACY.result(accuracy), 1e-12, "threshold 0.5, strictly greater");
  }

  @Test
  void maeSkipsMaskedRowsRmseDoesNotAsInKeras() {
    boolean[] mask = {true, false};
    double[] mae = new double[2];
    Metric.MAE.accumulate(new float[] {1, 3}, new float[2], 2, 1, mask, mae);
    assertEquals(1.0, Metric.MAE.result(mae), 1e-12);
    double[] rmse = new double[2];
    Metric.RMSE.accumulate(new float[] {1, 3}, new float[2], 2, 1, mask, rmse);
    assertEquals(Math.sqrt(5), Metric.RMSE.result(rmse), 1e-12);
    assertEquals(0.0, Metric.MAE.result(new double[2]), 0, "an empty accumulator gives 0, as divide_no_nan");
  }

  @Test
  void unknownNamesAreRejected() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        sparkgru.engine.errors.InvalidInputException.class, () -> Loss.parse("cross_entropy"));
    assertEquals("loss must be one of [mse, mae, huber, binary_crossentropy], got 'cross_entropy'", e.getMessage());
  }
}
