package sparkgru.engine.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;

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
    Loss.Huber huber = new Loss.Huber(1.0);
    assertEquals(0.125, huber.elementLoss(0.5f, 0f), 1e-12);
    assertEquals(2.5, huber.elementLoss(3f, 0f), 1e-12);
    assertEquals(-1, huber.elementDerivative(-3f, 0f), 1e-12);
  }

  @Test
  void binaryCrossentropyClipsProbabilitiesAtEpsilon() {
    Loss.BinaryCrossentropy bce = new Loss.BinaryCrossentropy();
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

  /** Two rows of two targets, each forecast at the quantiles 0.1 and 0.9 (columns t0q.1, t0q.9, t1q.1, t1q.9). */
  private static final float[] PINBALL_PRED = {1, 3, 0, 4, 2, 2, 2, 2};
  private static final float[] PINBALL_TARGET = {2, 2, 5, 5, 2, 2, 0, 0};

  @Test
  void pinballScoresEachColumnAtItsQuantileByHand() {
    float[] g = new float[8];
    double loss = new Loss.Pinball(new double[] {0.1, 0.9}).evaluate(PINBALL_PRED, PINBALL_TARGET, 8, 4, null, g);
    // row 0: 0.1*1, 0.1*1, 0.1*5, 0.9*1 -> 1.6 / 4 = 0.4; row 1: 0, 0, 0.9*2, 0.1*2 -> 2.0 / 4 = 0.5
    assertEquals(0.45, loss, 1e-12);
    // d/dp: -q above the forecast, 1 - q below, 0 on it; times 1 / (rows * lastDim) = 1/8
    assertArrayEquals(new float[] {-0.0125f, 0.0125f, -0.0125f, -0.1125f, 0f, 0f, 0.1125f, 0.0125f}, g, 1e-7f);
  }

  @Test
  void pinballLeavesMaskedRowsOutLikeEveryLoss() {
    float[] g = new float[8];
    double loss = new Loss.Pinball(new double[] {0.1, 0.9})
        .evaluate(PINBALL_PRED, PINBALL_TARGET, 8, 4, new boolean[] {true, false}, g);
    assertEquals(0.4, loss, 1e-12, "the mean over the one valid row");
    assertArrayEquals(new float[] {-0.025f, 0.025f, -0.025f, -0.225f, 0f, 0f, 0f, 0f}, g, 1e-7f);
  }

  @Test
  void pinballAtTheMedianIsHalfTheMeanAbsoluteError() {
    SplittableRandom random = new SplittableRandom(5);
    float[] p = new float[12];
    float[] t = new float[12];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (4 * random.nextDouble() - 2);
      t[i] = (float) (4 * random.nextDouble() - 2);
    }
    boolean[] mask = {true, false, true, true};
    float[] gPinball = new float[12];
    float[] gMae = new float[12];
    double pinball = new Loss.Pinball(new double[] {0.5}).evaluate(p, t, 12, 3, mask, gPinball);
    double mae = new Loss.MeanAbsoluteError().evaluate(p, t, 12, 3, mask, gMae);
    assertNotEquals(0.0, mae);
    assertEquals(mae / 2, pinball, 1e-15);
    for (int i = 0; i < p.length; i++) {
      assertEquals(gMae[i] / 2, gPinball[i], 0, "value " + i);
    }
  }

  @Test
  void pinballGradientMatchesCentralDifferences() {
    Loss loss = new Loss.Pinball(new double[] {0.05, 0.3, 0.5, 0.95});
    int rows = 3;
    int lastDim = 8; // two targets of four quantiles each
    int n = rows * lastDim;
    SplittableRandom random = new SplittableRandom(17);
    float[] p = new float[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      t[i] = (float) (2 * random.nextDouble() - 1);
      // at least 0.25 away from the kink at t, far beyond the step
      double away = 0.25 + random.nextDouble();
      p[i] = (float) (random.nextBoolean() ? t[i] + away : t[i] - away);
    }
    boolean[] mask = {true, false, true};
    float[] analytic = new float[n];
    loss.evaluate(p, t, n, lastDim, mask, analytic);
    float h = 1f / 128; // a power of two: p +- h is exact in float
    double worst = 0;
    for (int i = 0; i < n; i++) {
      float saved = p[i];
      p[i] = saved + h;
      double up = loss.evaluate(p, t, n, lastDim, mask, null);
      p[i] = saved - h;
      double down = loss.evaluate(p, t, n, lastDim, mask, null);
      p[i] = saved;
      double numeric = (up - down) / (2.0 * h);
      double error = Math.abs(numeric - analytic[i]) / Math.max(Math.abs(numeric), 1e-3);
      worst = Math.max(worst, error);
    }
    assertEquals(0, worst, 1e-6, "worst relative error of d loss / d pred");
  }

  @Test
  void pinballRefusesRowsThatAreNotWholeGroupsOfQuantiles() {
    Loss loss = new Loss.Pinball(new double[] {0.1, 0.5, 0.9});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> loss.evaluate(new float[4], new float[4], 4, 4, null, null));
    assertEquals("pinball loss: the last dimension 4 is not a multiple of the 3 quantiles [0.1, 0.5, 0.9] "
        + "(internal error: the model must give every output all its quantiles)", e.getMessage());
  }

  @Test
  void pinballQuantilesAreValidatedWithMessagesNamingTheSetting() {
    assertEquals("train.quantiles must list at least one quantile, got []", assertThrows(InvalidInputException.class,
        () -> new Loss.Pinball(new double[0])).getMessage());
    assertEquals("train.quantiles must list at least one quantile, got null", assertThrows(InvalidInputException.class,
        () -> new Loss.Pinball(null)).getMessage());
    assertEquals("train.quantiles must each lie strictly between 0 and 1, got 1.5",
        assertThrows(InvalidInputException.class, () -> new Loss.Pinball(new double[] {0.5, 1.5})).getMessage());
    assertEquals("train.quantiles must each lie strictly between 0 and 1, got 0.0",
        assertThrows(InvalidInputException.class, () -> new Loss.Pinball(new double[] {0})).getMessage());
    assertEquals("train.quantiles must each lie strictly between 0 and 1, got NaN",
        assertThrows(InvalidInputException.class, () -> new Loss.Pinball(new double[] {Double.NaN})).getMessage());
    assertEquals("train.quantiles must be increasing with no repeats, got [0.5, 0.1]",
        assertThrows(InvalidInputException.class, () -> new Loss.Pinball(new double[] {0.5, 0.1})).getMessage());
    assertEquals("train.quantiles must be increasing with no repeats, got [0.1, 0.1]",
        assertThrows(InvalidInputException.class, () -> new Loss.Pinball(new double[] {0.1, 0.1})).getMessage());
  }

  @Test
  void pinballKeepsItsOwnCopyOfTheQuantiles() {
    double[] levels = {0.1, 0.9};
    Loss.Pinball loss = new Loss.Pinball(levels);
    levels[0] = 0.95;
    loss.quantiles()[1] = 0.2;
    assertArrayEquals(new double[] {0.1, 0.9}, loss.quantiles());
    assertEquals(new Loss.Pinball(new double[] {0.1, 0.9}), loss);
    assertEquals("Pinball[0.1, 0.9]", loss.toString());
    assertEquals("pinball", loss.name());
  }

  @Test
  void pinballIsNotALossByNameAndTheMessageSaysWhereQuantilesGo() {
    assertEquals("loss must be one of [mse, mae, huber, binary_crossentropy], got 'pinball': a quantile forecaster "
        + "trains on the pinball loss of the levels in train.quantiles",
        assertThrows(InvalidInputException.class, () -> Loss.parse("pinball")).getMessage());
  }
}
