package sparkgru.engine.model;

import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Tensor;

/**
 * Options of {@link Sequential#fit}, with Keras' defaults (batch size 32, shuffle on).
 *
 * @param epochs          number of passes, in [1, 1_000_000]
 * @param batchSize       samples per update, in [1, 2^24]; the last batch may be smaller
 * @param shuffle         reshuffle the samples every epoch
 * @param seed            seed of the shuffling
 * @param validationX     validation inputs, or null
 * @param validationY     validation targets, or null
 * @param listener        receives each epoch's logs, or null
 */
public record FitOptions(int epochs, int batchSize, boolean shuffle, long seed, Tensor validationX,
    Tensor validationY, EpochListener listener) {

  /** Validates the options. */
  public FitOptions {
    if (epochs < 1 || epochs > 1_000_000) {
      throw new InvalidInputException("fit.epochs must be in [1, 1000000], got " + epochs);
    }
    if (batchSize < 1 || batchSize > (1 << 24)) {
      throw new InvalidInputException("fit.batch_size must be in [1, 16777216], got " + batchSize);
    }
    if ((validationX == null) != (validationY == null)) {
      throw new IllegalArgumentException("fit validation data needs both inputs and targets, got only "
          + (validationX == null ? "targets" : "inputs"));
    }
  }

  /** {@code epochs} epochs at batch size 32, shuffled with seed 0, no validation. */
  public static FitOptions epochs(int epochs) {
    return new FitOptions(epochs, 32, true, 0L, null, null, null);
  }

  /** With this batch size. */
  public FitOptions batchSize(int size) {
    return new FitOptions(epochs, size, shuffle, seed, validationX, validationY, listener);
  }

  /** With or without shuffling. */
  public FitOptions shuffle(boolean on) {
    return new FitOptions(epochs, batchSize, on, seed, validationX, validationY, listener);
  }

  /** With this shuffling seed. */
  public FitOptions seed(long s) {
    return new FitOptions(epochs, batchSize, shuffle, s, validationX, validationY, listener);
  }

  /** With validation data. */
  public FitOptions validation(Tensor x, Tensor y) {
    return new FitOptions(epochs, batchSize, shuffle, seed, x, y, listener);
  }

  /** With a listener. */
  public FitOptions listener(EpochListener l) {
    return new FitOptions(epochs, batchSize, shuffle, seed, validationX, validationY, l);
  }
}
