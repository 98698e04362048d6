package sparkgru.engine.layers;

import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Tensor;

/**
 * {@code keras.layers.Masking(mask_value)}: a step whose features all equal {@code mask_value}
 * is padding. The layer outputs {@code x * mask} and attaches the mask, which recurrent layers
 * then honour; an incoming mask is replaced, as in Keras.
 */
public final class Masking extends Layer {
  private final float maskValue;
  private int features = -1;
  private boolean[] mask;
  private float[] out;
  private float[] dX;
  private int[] shape;

  /** Masks steps equal to {@code maskValue} (Keras default 0). */
  public Masking(float maskValue) {
    if (Float.isNaN(maskValue)) {
      throw new InvalidInputException("masking.mask_value must be a number, got NaN");
    }
    this.maskValue = maskValue;
  }

  /** The padding value. */
  public float maskValue() {
    return maskValue;
  }

  @Override
  public String typeName() {
    return "Masking";
  }

  @Override
  public int[] build(int[] inputShape) {
    if (inputShape.length != 2) {
      throw new InvalidInputException(label() + " expects [batch, steps, features], got " + Layer.kerasShape(inputShape));
    }
    features = inputShape[1];
    return inputShape.clone();
  }

  @Override
  public Tensor forward(Tensor input, boolean training) {
    checkInput(input, 3, features);
    shape = input.shape();
    int b = shape[0];
    int t = shape[1];
    int d = shape[2];
    float[] x = input.data();
    if (mask == null || mask.length != b * t) {
      mask = new boolean[b * t];
    }
    out = ensure(out, b * t * d);
    for (int k = 0; k < b * t; k++) {
      boolean real = false;
      for (int j = 0; j < d && !real; j++) {
        real = x[k * d + j] != maskValue;
      }
      mask[k] = real;
      for (int j = 0; j < d; j++) {
        out[k * d + j] = real ? x[k * d + j] : 0f;
      }
    }
    return Tensor.view(out, mask, shape);
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    int d = shape[2];
    int steps = shape[0] * shape[1];
    dX = ensure(dX, steps * d);
    float[] g = gradOutput.data();
    for (int k = 0; k < steps; k++) {
      for (int j = 0; j < d; j++) {
        dX[k * d + j] = mask[k] ? g[k * d + j] : 0f;
      }
    }
    return Tensor.view(dX, null, shape);
  }
}
