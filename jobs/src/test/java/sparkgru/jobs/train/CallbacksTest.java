package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Early stopping and learning-rate reduction follow Keras' counting. */
class CallbacksTest {

  /** A control that records what callbacks asked for. */
  static final class Recorder implements TrainingCallback.Control {
    float[] weights = {0f};
    double lr = 0.1;
    boolean stopped;

    @Override public float[] weights() { return weights.clone(); }
    @Override public double learningRate() { return lr; }
    @Override public void stop() { stopped = true; }
    @Override public void replaceWeights(float[] w) { weights = w.clone(); }
    @Override public void setLearningRate(double rate) { lr = rate; }
  }

  private static void epoch(TrainingCallback c, Recorder r, int epoch, double valLoss) {
    r.weights = new float[] {epoch};
    c.afterEpoch(epoch, Map.of("val_loss", valLoss), r);
  }

  @Test
  void earlyStoppingWaitsPatienceEpochsAndRestoresTheBest() {
    TrainingCallback c = new EarlyStopping("val_loss", 0.01, 2, true).callback();
    Recorder r = new Recorder();
    epoch(c, r, 1, 1.0);
    epoch(c, r, 2, 0.5);
    epoch(c, r, 3, 0.495);
    assertFalse(r.stopped, "an improvement below min_delta starts the wait");
    epoch(c, r, 4, 0.6);
    assertTrue(r.stopped, "stopped after 2 epochs without improvement");
    assertArrayEquals(new float[] {2f}, r.weights, "the best epoch's weights");
  }

  @Test
  void reduceLrOnPlateauScalesAfterPatienceThenCoolsDown() {
    TrainingCallback c = new ReduceLrOnPlateau("val_loss", 0.5, 1, 0, 2, 0.02).callback();
    Recorder r = new Recorder();
    epoch(c, r, 1, 1.0);
    epoch(c, r, 2, 1.0);
    assertEquals(0.05, r.lr, 1e-12);
    epoch(c, r, 3, 1.0);
    assertEquals(0.05, r.lr, 1e-12, "cooldown epoch (Keras counts the cooldown down before checking it)");
    epoch(c, r, 4, 1.0);
    assertEquals(0.025, r.lr, 1e-12);
    epoch(c, r, 5, 1.0);
    epoch(c, r, 6, 1.0);
    assertEquals(0.02, r.lr, 1e-12, "not below min_lr");
  }

  @Test
  void aMissingMonitorKeyIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EarlyStopping("val_mae", 0, 0, false).callback().afterEpoch(1, Map.of("loss", 1.0), new Recorder()));
    assertEquals("the monitored metric 'val_mae' is not in the epoch logs [loss]; validation metrics need "
        + "data.validation_fraction > 0", e.getMessage());
  }
}
