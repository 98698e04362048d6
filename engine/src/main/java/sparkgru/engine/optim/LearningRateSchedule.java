package sparkgru.engine.optim;

import sparkgru.engine.errors.InvalidInputException;

/**
 * The learning rate as a function of the optimiser's iteration count (0 for the first update),
 * with Keras' definitions. Rates are rounded to float32, as Keras' schedules return them.
 */
public sealed interface LearningRateSchedule {

  /** The rate for the update after {@code step} earlier updates. */
  float at(long step);

  /** A fixed rate. */
  record Constant(double rate) implements LearningRateSchedule {
    /** Validates the rate. */
    public Constant {
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new InvalidInputException("learning_rate must be a finite number > 0, got " + rate);
      }
    }
    @Override public float at(long step) { return (float) rate; }
  }

  /**
   * Keras' {@code ExponentialDecay}: {@code initial * decay_rate ^ (step / decay_steps)}, the
   * exponent floored when {@code staircase}.
   */
  record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
      implements LearningRateSchedule {
    /** Validates the arguments. */
    public ExponentialDecay {
      if (!(initialLearningRate > 0) || Double.isInfinite(initialLearningRate) || decaySteps < 1 || !(decayRate > 0)
          || Double.isInfinite(decayRate)) {
        throw new InvalidInputException("exponential_decay needs initial_learning_rate > 0, decay_steps >= 1 and "
            + "decay_rate > 0, got " + initialLearningRate + ", " + decaySteps + ", " + decayRate);
      }
    }
    @Override public float at(long step) {
      double p = (double) step / decaySteps;
      if (staircase) {
        p = Math.floor(p);
      }
      return (float) (initialLearningRate * Math.pow(decayRate, p));
    }
  }

  /**
   * Keras' {@code CosineDecay} without warm-up:
   * {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)}.
   */
  record CosineDecay(double initialLearningRate, long decaySteps, double alpha) implements LearningRateSchedule {
    /** Validates the arguments. */
    public CosineDecay {
      if (!(initialLearningRate > 0) || Double.isInfinite(initialLearningRate) || decaySteps < 1
          || !(alpha >= 0 && alpha <= 1)) {
        throw new InvalidInputException("cosine_decay needs initial_learning_rate > 0, decay_steps >= 1 and alpha in "
            + "[0, 1], got " + initialLearningRate + ", " + decaySteps + ", " + alpha);
      }
    }
    @Override public float at(long step) {
      double fraction = Math.min(step, decaySteps) / (double) decaySteps;
      double cosine = 0.5 * (1.0 + Math.cos(Math.PI * fraction));
      return (float) (initialLearningRate * ((1 - alpha) * cosine + alpha));
    }
  }
}
