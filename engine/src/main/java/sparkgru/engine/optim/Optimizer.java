package sparkgru.engine.optim;

import java.util.Arrays;
import sparkgru.engine.errors.InvalidInputException;

/**
 * A Keras 3 optimiser over one flat weight array.
 *
 * <p>One {@link #apply} is Keras' {@code optimizer.apply}: clip the gradients, apply decoupled
 * weight decay {@code w -= w * weight_decay * lr} when set, run the rule of the subclass with
 * the rate of the schedule at the current iteration, then count the iteration. Constraints are
 * the model's business, after this. The per-weight state (moments, velocities) lives in one flat
 * array of {@link #slots()} * n values, slot k of weight i at {@code k * n + i}, so it can be
 * averaged across Spark tasks like the weights.
 */
public abstract class Optimizer {
  private final LearningRateSchedule schedule;
  private final GradientClipping clipping;
  private final double weightDecay;
  private long iterations;
  /** Updates since the state was last zeroed: Adam's bias correction counts these. */
  private long stateSteps;
  private float[] state = new float[0];
  private int size = -1;

  /**
   * @param schedule    the learning rate
   * @param clipping    gradient clipping
   * @param weightDecay decoupled weight decay factor, 0 for none
   */
  protected Optimizer(LearningRateSchedule schedule, GradientClipping clipping, double weightDecay) {
    if (schedule == null || clipping == null) {
      throw new IllegalArgumentException("optimizer learning_rate and clipping must be set");
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new InvalidInputException("weight_decay must be a finite number >= 0, got " + weightDecay);
    }
    this.schedule = schedule;
    this.clipping = clipping;
    this.weightDecay = weightDecay;
  }

  /** Keras' name, e.g. {@code adam}. */
  public abstract String name();

  /** Number of per-weight state slots (Adam 2, SGD with momentum 1, ...). */
  protected abstract int slots();

  /**
   * The update rule for all n weights: {@code w} and {@code g} hold them at [0, n); slot k of
   * weight i is {@code state[k * n + i]}; {@code step} counts updates since the state started
   * from zero, 1 for the first.
   */
  protected abstract void update(float[] w, float[] g, int n, float lr, long step, float[] state);

  /**
   * Updates {@code weights} from {@code grads} (clipped in place). {@code offsets} are the starts
   * of the variables, followed by the total size (used by per-variable clipping).
   */
  public final void apply(float[] weights, float[] grads, int[] offsets) {
    int n = offsets[offsets.length - 1];
    if (size < 0) {
      size = n;
      state = new float[slots() * n];
    } else if (size != n) {
      throw new IllegalArgumentException(name() + " was used for " + size + " weights, got " + n);
    }
    clipping.apply(grads, offsets);
    float lr = schedule.at(iterations);
    if (weightDecay > 0) {
      float decay = (float) (weightDecay) * lr;
      for (int i = 0; i < n; i++) {
        weights[i] -= weights[i] * decay;
      }
    }
    update(weights, grads, n, lr, stateSteps + 1, state);
    iterations++;
    stateSteps++;
  }

  /** Updates applied so far (Keras' {@code optimizer.iterations}). */
  public long iterations() {
    return iterations;
  }

  /** The flat state array (live; empty before the first update). */
  public float[] state() {
    return state;
  }

  /**
   * Replaces the state and iteration count, e.g. after averaging across workers. An empty state
   * means fresh (zero) state from the next update on: schedules keep counting from
   * {@code newIterations}, while bias corrections restart as for a new optimiser.
   */
  public void restore(float[] newState, long newIterations) {
    restore(newState, 0, newState.length, newIterations);
  }

  /** {@link #restore(float[], long)} from {@code src[from, from + length)}, copied once. */
  public void restore(float[] src, int from, int length, long newIterations) {
    float[] newState = Arrays.copyOfRange(src, from, from + length);
    if (newState.length == 0) {
      state = new float[0];
      size = -1;
      iterations = newIterations;
      stateSteps = 0;
      return;
    }
    if (size >= 0 && newState.length != state.length) {
      throw new IllegalArgumentException(name() + " state has " + state.length + " values, got " + newState.length);
    }
    if (slots() == 0 || newState.length % slots() != 0) {
      throw new IllegalArgumentException(name() + " state length " + newState.length + " is not a multiple of "
          + slots() + " slots");
    }
    state = newState;
    size = newState.length / slots();
    iterations = newIterations;
    stateSteps = newIterations;
  }

  /** The schedule. */
  public LearningRateSchedule schedule() {
    return schedule;
  }

  /** The clipping. */
  public GradientClipping clipping() {
    return clipping;
  }

  /** The decoupled weight decay. */
  public double weightDecay() {
    return weightDecay;
  }
}
