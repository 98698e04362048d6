package sparkgru.engine.model;

import java.util.Map;

/** Receives each epoch's logs as soon as the epoch ends (metrics go through here, nowhere else). */
@FunctionalInterface
public interface EpochListener {
  /**
   * @param epoch 1-based epoch number
   * @param logs  loss, metrics and validation values of the epoch
   */
  void onEpochEnd(int epoch, Map<String, Double> logs);

  /** This listener, then {@code next}. */
  default EpochListener andThen(EpochListener next) {
    return (epoch, logs) -> {
      onEpochEnd(epoch, logs);
      next.onEpochEnd(epoch, logs);
    };
  }
}
