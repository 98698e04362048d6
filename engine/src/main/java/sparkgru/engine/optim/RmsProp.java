package sparkgru.engine.optim;

import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras' {@code RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)}:
 * <pre>
 *   v = rho * v + (1 - rho) * g²
 *   centered: a = rho * a + (1 - rho) * g;  d = v - a² + epsilon,   else d = v + epsilon
 *   inc = lr * g / sqrt(d)
 *   momentum &gt; 0: mom = momentum * mom + inc;  w -= mom,   else w -= inc
 * </pre>
 */
public final class RmsProp extends Optimizer {
  private final double rho;
  private final double momentum;
  private final double epsilon;
  private final boolean centered;

  /** RMSprop with Keras' argument names. */
  public RmsProp(LearningRateSchedule schedule, double rho, double momentum, double epsilon, boolean centered,
      GradientClipping clipping, double weightDecay) {
    super(schedule, clipping, weightDecay);
    if (!(rho >= 0 && rho < 1)) {
      throw new InvalidInputException("rmsprop.rho must be in [0, 1), got " + rho);
    }
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new InvalidInputException("rmsprop.momentum must be in [0, 1], got " + momentum);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new InvalidInputException("rmsprop.epsilon must be > 0, got " + epsilon);
    }
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.centered = centered;
  }

  /** RMSprop with Keras' defaults at this rate. */
  public RmsProp(double learningRate) {
    this(new LearningRateSchedule.Constant(learningRate), 0.9, 0.0, 1e-7, false, GradientClipping.NONE, 0);
  }

  @Override public String name() { return "rmsprop"; }

  @Override protected int slots() { return 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0); }

  @Override
  protected void update(float[] w, float[] g, int n, float lr, long step, float[] state) {
    float r = (float) rho;
    float r1 = (float) (1 - rho);
    float eps = (float) epsilon;
    float mu = (float) momentum;
    int momOff = n;
    int avgOff = momentum > 0 ? 2 * n : n;
    for (int i = 0; i < n; i++) {
      float gi = g[i];
      float v = r * state[i] + r1 * gi * gi;
      state[i] = v;
      float denominator;
      if (centered) {
        float a = r * state[avgOff + i] + r1 * gi;
        state[avgOff + i] = a;
        denominator = v - a * a + eps;
      } else {
        denominator = v + eps;
      }
      float inc = lr * gi / (float) Math.sqrt(denominator);
      if (momentum > 0) {
        float m = mu * state[momOff + i] + inc;
        state[momOff + i] = m;
        w[i] -= m;
      } else {
        w[i] -= inc;
      }
    }
  }
}
