package sparkgru.jobs.train;

import java.util.Map;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Called by {@link DistributedTrainer} after each epoch's logs are complete, on the driver. A
 * callback can stop training, replace the weights (restore the best ones) or scale the learning
 * rate of the following epochs through the {@link Control}.
 */
@FunctionalInterface
public interface TrainingCallback {

  /** What a callback may change after an epoch. */
  interface Control {
    /** A copy of the current averaged weights. */
    float[] weights();

    /** The learning rate the next epoch will start with. */
    double learningRate();

    /** Ends training after this epoch. */
    void stop();

    /** Continues (or ends) with these weights instead. */
    void replaceWeights(float[] weights);

    /** Sets the learning rate from the next epoch on (constant rates only). */
    void setLearningRate(double rate);
  }

  /**
   * Looks at one finished epoch and acts through {@code control}.
   *
   * @param epoch 1-based epoch
   * @param logs  the epoch's logs
   */
  void afterEpoch(int epoch, Map<String, Double> logs, Control control);

  /** The callback's counters, saved in checkpoints so that a resumed run continues them. */
  default double[] state() {
    return new double[0];
  }

  /** Continues from counters saved by {@link #state()}. */
  default void restore(double[] state) {
    // Stateless by default.
  }

  /** The value of {@code monitor} in {@code logs}, or a clear error when the key is absent. */
  static double monitored(String monitor, Map<String, Double> logs) {
    Double v = logs.get(monitor);
    if (v == null) {
      throw new InvalidInputException("the monitored metric '" + monitor + "' is not in the epoch logs " + logs.keySet()
          + (monitor.startsWith("val_") ? "; validation metrics need data.validation_fraction > 0" : ""));
    }
    return v;
  }
}
