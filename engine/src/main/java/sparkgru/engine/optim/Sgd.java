package sparkgru.engine.optim;

import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras' {@code SGD(learning_rate=0.01, momentum=0.0, nesterov=False)}:
 * <pre>
 *   momentum = 0:  w -= lr * g
 *   else:          m = momentum * m - lr * g;  w += nesterov ? momentum * m - lr * g : m
 * </pre>
 */
public final class Sgd extends Optimizer {
  private final double momentum;
  private final boolean nesterov;

  /** SGD with Keras' argument names; momentum in [0, 1]. */
  public Sgd(LearningRateSchedule schedule, double momentum, boolean nesterov, GradientClipping clipping,
      double weightDecay) {
    super(schedule, clipping, weightDecay);
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new InvalidInputException("sgd.momentum must be in [0, 1], got " + momentum);
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  /** Plain SGD at this rate. */
  public Sgd(double learningRate) {
    this(new LearningRateSchedule.Constant(learningRate), 0, false, GradientClipping.NONE, 0);
  }

  @Override public String name() { return "sgd"; }

  @Override protected int slots() { return momentum != 0 ? 1 : 0; }

  @Override
  protected void update(float[] w, float[] g, int n, float lr, long step, float[] state) {
    if (momentum == 0) {
      for (int i = 0; i < n; i++) {
        w[i] -= g[i] * lr;
      }
      return;
    }
    float mu = (float) momentum;
    for (int i = 0; i < n; i++) {
      float m = -g[i] * lr + state[i] * mu;
      state[i] = m;
      w[i] += nesterov ? -g[i] * lr + m * mu : m;
    }
  }
}
