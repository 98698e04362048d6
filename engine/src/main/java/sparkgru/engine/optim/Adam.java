package sparkgru.engine.optim;

import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.VectorKernels;

/**
 * Keras' {@code Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)}, and
 * {@code AdamW} when a weight decay is given (Keras' AdamW default 0.004):
 * <pre>
 *   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 *   m += (g - m) * (1 - beta_1);   v += (g² - v) * (1 - beta_2)
 *   w -= alpha * m / (sqrt(v) + epsilon)
 * </pre>
 */
public final class Adam extends Optimizer {
  /** Keras' AdamW default weight decay. */
  public static final double ADAMW_DEFAULT_WEIGHT_DECAY = 0.004;

  private final double beta1;
  private final double beta2;
  private final double epsilon;

  /** Adam (weightDecay 0) or AdamW with Keras' argument names. */
  public Adam(LearningRateSchedule schedule, double beta1, double beta2, double epsilon, GradientClipping clipping,
      double weightDecay) {
    super(schedule, clipping, weightDecay);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new InvalidInputException("adam.beta_1 and adam.beta_2 must be in [0, 1), got " + beta1 + " and " + beta2);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new InvalidInputException("adam.epsilon must be > 0, got " + epsilon);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** Adam with Keras' defaults at this rate. */
  public Adam(double learningRate) {
    this(new LearningRateSchedule.Constant(learningRate), 0.9, 0.999, 1e-7, GradientClipping.NONE, 0);
  }

  @Override public String name() { return weightDecay() > 0 ? "adamw" : "adam"; }

  @Override protected int slots() { return 2; }

  @Override
  protected void update(float[] w, float[] g, int n, float lr, long step, float[] state) {
    double alpha = lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
    float a = (float) alpha;
    float b1 = (float) (1 - beta1);
    float b2 = (float) (1 - beta2);
    float eps = (float) epsilon;
    int done = VectorKernels.VECTOR == null ? 0 : VectorKernels.VECTOR.adam(w, g, state, n, a, b1, b2, eps);
    for (int i = done; i < n; i++) {
      float gi = g[i];
      float m = state[i] + (gi - state[i]) * b1;
      float v = state[n + i] + (gi * gi - state[n + i]) * b2;
      state[i] = m;
      state[n + i] = v;
      w[i] -= m * a / ((float) Math.sqrt(v) + eps);
    }
  }
}
