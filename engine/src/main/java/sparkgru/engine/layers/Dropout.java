package sparkgru.engine.layers;

import java.util.SplittableRandom;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Tensor;

/**
 * {@code keras.layers.Dropout(rate)}: in training each value is zeroed with probability
 * {@code rate} and the others scaled by 1/(1 - rate); at inference it is the identity. The mask
 * passes through.
 */
public final class Dropout extends Layer {
  private final double rate;
  private final Long seed;
  private SplittableRandom random = new SplittableRandom(0);
  private int[] inputShape;
  private float[] keep;
  private float[] out;
  private float[] dX;
  private boolean active;

  /**
   * @param rate fraction dropped, in [0, 1)
   * @param seed seed, or null to derive it from the model's seed
   */
  public Dropout(double rate, Long seed) {
    if (!(rate >= 0 && rate < 1)) {
      throw new InvalidInputException("dropout.rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
    this.seed = seed;
  }

  /** The drop rate. */
  public double rate() {
    return rate;
  }

  @Override
  public String typeName() {
    return "Dropout";
  }

  @Override
  public int[] build(int[] inputShape) {
    this.inputShape = inputShape.clone();
    return inputShape.clone();
  }

  @Override
  public void seed(long modelSeed) {
    random = new SplittableRandom(seed != null ? seed : modelSeed);
  }

  @Override
  public Tensor forward(Tensor input, boolean training) {
    checkInput(input, inputShape.length + 1, inputShape[inputShape.length - 1]);
    active = training && rate > 0;
    if (!active) {
      return input;
    }
    int n = input.size();
    keep = ensure(keep, n);
    out = ensure(out, n);
    drawDropoutMask(keep, n, rate, random);
    float[] x = input.data();
    for (int i = 0; i < n; i++) {
      out[i] = x[i] * keep[i];
    }
    return Tensor.view(out, input.mask(), input.shape());
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    if (!active) {
      return gradOutput;
    }
    int n = gradOutput.size();
    dX = ensure(dX, n);
    float[] g = gradOutput.data();
    for (int i = 0; i < n; i++) {
      dX[i] = g[i] * keep[i];
    }
    return Tensor.view(dX, gradOutput.mask(), gradOutput.shape());
  }
}
