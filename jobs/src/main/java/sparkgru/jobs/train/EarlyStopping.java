package sparkgru.jobs.train;

import java.util.Map;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras' {@code EarlyStopping}: stop when {@code monitor} has not improved by more than
 * {@code minDelta} for {@code patience} epochs (lower is better; higher for accuracies), and
 * optionally restore the weights of the best epoch.
 *
 * @param monitor            a log key, e.g. {@code val_loss}
 * @param minDelta           smallest change that counts as improvement, &gt;= 0
 * @param patience           epochs without improvement before stopping, &gt;= 0
 * @param restoreBestWeights end with the best epoch's weights
 */
public record EarlyStopping(String monitor, double minDelta, int patience, boolean restoreBestWeights) {

  /** Validates the arguments. */
  public EarlyStopping {
    if (!(minDelta >= 0) || patience < 0) {
      throw new InvalidInputException("early_stopping needs min_delta >= 0 and patience >= 0, got " + minDelta + ", "
          + patience);
    }
  }

  /** A callback with its own running state. */
  public TrainingCallback callback() {
    boolean maximize = monitor.contains("acc");
    return new TrainingCallback() {
      private double best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      private int wait;
      private float[] bestWeights;

      @Override
      public void afterEpoch(int epoch, Map<String, Double> logs, Control control) {
        double current = TrainingCallback.monitored(monitor, logs);
        boolean improved = maximize ? current - minDelta > best : current + minDelta < best;
        if (improved) {
          best = current;
          wait = 0;
          if (restoreBestWeights) {
            bestWeights = control.weights();
          }
          return;
        }
        wait++;
        if (wait >= patience && epoch > 1) {
          control.stop();
          if (restoreBestWeights && bestWeights != null) {
            control.replaceWeights(bestWeights);
          }
        }
      }

      /** [best, wait, then the best weights when kept]. */
      @Override
      public double[] state() {
        int n = bestWeights == null ? 0 : bestWeights.length;
        double[] s = new double[2 + n];
        s[0] = best;
        s[1] = wait;
        for (int i = 0; i < n; i++) {
          s[2 + i] = bestWeights[i];
        }
        return s;
      }

      @Override
      public void restore(double[] s) {
        best = s[0];
        wait = (int) s[1];
        bestWeights = null;
        if (s.length > 2) {
          bestWeights = new float[s.length - 2];
          for (int i = 0; i < bestWeights.length; i++) {
            bestWeights[i] = (float) s[2 + i];
          }
        }
      }
    };
  }
}
