package sparkgru.jobs.train;

import java.util.Map;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras' {@code ReduceLROnPlateau}: when {@code monitor} has not improved by more than
 * {@code minDelta} for {@code patience} epochs, multiply the learning rate by {@code factor}
 * (not below {@code minLr}), then wait {@code cooldown} epochs before counting again.
 *
 * @param monitor  a log key, e.g. {@code val_loss}
 * @param factor   in (0, 1)
 * @param patience epochs without improvement, &gt;= 0
 * @param minDelta smallest change that counts as improvement, &gt;= 0
 * @param cooldown epochs to wait after a reduction, &gt;= 0
 * @param minLr    lower bound of the rate, &gt;= 0
 */
public record ReduceLrOnPlateau(String monitor, double factor, int patience, double minDelta, int cooldown,
    double minLr) {

  /** Validates the arguments. */
  public ReduceLrOnPlateau {
    if (!(factor > 0 && factor < 1) || patience < 0 || !(minDelta >= 0) || cooldown < 0 || !(minLr >= 0)) {
      throw new InvalidInputException("reduce_lr needs factor in (0, 1), patience >= 0, min_delta >= 0, cooldown >= 0 "
          + "and min_lr >= 0, got factor=" + factor + ", patience=" + patience + ", min_delta=" + minDelta
          + ", cooldown=" + cooldown + ", min_lr=" + minLr);
    }
  }

  /** A callback with its own running state. */
  public TrainingCallback callback() {
    boolean maximize = monitor.contains("acc");
    return new TrainingCallback() {
      private double best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      private int wait;
      private int cooldownLeft;

      @Override
      public void afterEpoch(int epoch, Map<String, Double> logs, Control control) {
        double current = TrainingCallback.monitored(monitor, logs);
        if (cooldownLeft > 0) {
          cooldownLeft--;
          wait = 0;
        }
        if (maximize ? current - minDelta > best : current + minDelta < best) {
          best = current;
          wait = 0;
        } else if (cooldownLeft == 0) {
          wait++;
          if (wait >= patience) {
            double old = control.learningRate();
            if (old > minLr) {
              control.setLearningRate(Math.max(old * factor, minLr));
              cooldownLeft = cooldown;
              wait = 0;
            }
          }
        }
      }

      /** [best, wait, cooldown left]. */
      @Override
      public double[] state() {
        return new double[] {best, wait, cooldownLeft};
      }

      @Override
      public void restore(double[] s) {
        best = s[0];
        wait = (int) s[1];
        cooldownLeft = (int) s[2];
      }
    };
  }
}
