package sparkgru.engine.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import sparkgru.engine.linalg.Buffers;
import sparkgru.engine.linalg.Tensor;

/**
 * A layer of a sequential model: it declares its weight variables, runs forward over a batch
 * and back-propagates, adding its weight gradients into the model's flat gradient array.
 *
 * <p>Life cycle: {@link #build} fixes the input shape and the variables; the model lays all
 * variables out in one flat array and calls {@link #bind}; then {@link #forward} and
 * {@link #backward} alternate. Shapes passed to {@code build} exclude the batch:
 * {@code [steps, features]} (steps -1 when any length is accepted) or {@code [features]}.
 * Tensors returned by {@code forward} and {@code backward} view buffers the layer owns and
 * reuses; {@code backward} must follow the {@code forward} whose activations it uses.
 */
public abstract class Layer {

  private String name;
  private float[] values;
  private float[] gradients;
  private int[] variableOffsets = new int[0];

  /** Keras' class name, e.g. {@code GRU}. */
  public abstract String typeName();

  /** Validates the input shape (batch excluded), fixes the variables and returns the output shape. */
  public abstract int[] build(int[] inputShape);

  /** The weight variables, in the order they are laid out; valid after {@link #build}. */
  public List<VariableSpec> variables() {
    return List.of();
  }

  /**
   * Floats this layer may let BLAS address past the end of its variables (netlib checks whole
   * leading-dimension strides of column blocks); the model pads its flat arrays by the largest.
   */
  public int trailingSlack() {
    return 0;
  }

  /** Runs the layer over a batch; dropout and similar are active only when {@code training}. */
  public abstract Tensor forward(Tensor input, boolean training);

  /**
   * Given dLoss/dOutput of the last {@link #forward}, adds dLoss/dWeights into the gradient array
   * and returns dLoss/dInput.
   */
  public abstract Tensor backward(Tensor gradOutput);

  /**
   * {@link #backward} where nobody reads dLoss/dInput (the first layer of a training step): the
   * same weight gradients, and a layer may skip the input gradient and return null.
   */
  public Tensor backwardWeightsOnly(Tensor gradOutput) {
    return backward(gradOutput);
  }

  /** The activity-regularisation penalty of the last forward pass (already divided by the batch). */
  public double activityPenalty() {
    return 0;
  }

  /** Seeds the layer's random streams (dropout); the model derives one seed per layer. */
  public void seed(long seed) {
    // Layers without randomness ignore the seed.
  }

  /** Clears carried state (stateful recurrent layers); a no-op for the others. */
  public void resetStates() {
    // Stateless by default.
  }

  /**
   * Points the layer's variables at {@code values[offset ..]} and their gradients at the same
   * positions of {@code gradients}, in the order of {@link #variables()}.
   */
  public final void bind(float[] values, float[] gradients, int offset) {
    if (this.values != null) {
      throw new IllegalStateException(label() + " is already bound to a model's weights; a layer instance belongs to "
          + "one model (weight sharing is not supported): create a new layer");
    }
    List<VariableSpec> vars = variables();
    this.values = values;
    this.gradients = gradients;
    this.variableOffsets = new int[vars.size()];
    int at = offset;
    for (int i = 0; i < vars.size(); i++) {
      variableOffsets[i] = at;
      at += vars.get(i).size();
    }
  }

  /** The flat weight array the layer is bound to. */
  protected final float[] values() {
    return values;
  }

  /** The flat gradient array the layer is bound to. */
  protected final float[] gradients() {
    return gradients;
  }

  /** Offset of variable i in the flat arrays. */
  protected final int offsetOf(int variable) {
    return variableOffsets[variable];
  }

  /** The layer's name in the model, e.g. {@code gru_1}; {@code null} until named. */
  public String name() {
    return name;
  }

  /** Sets the layer's name (the model names layers as Keras does). */
  public void setName(String name) {
    this.name = name;
  }

  /** A label for error messages: the name if set, else the type. */
  protected final String label() {
    return name != null ? name : typeName().toLowerCase(Locale.ROOT);
  }

  /** Returns {@code buffer} if it holds {@code size} floats, else a new array of that size. */
  protected static float[] ensure(float[] buffer, int size) {
    return Buffers.ensure(buffer, size);
  }

  /** Whether {@link #bind} has run: a bound layer belongs to one model and cannot join another. */
  public final boolean isBound() {
    return values != null;
  }

  /** Fills {@code mask[0 .. n)} with Keras' inverted dropout: 0 with probability rate, else 1/(1-rate). */
  static void drawDropoutMask(float[] mask, int n, double rate, SplittableRandom random) {
    float keep = (float) (1.0 / (1.0 - rate));
    for (int i = 0; i < n; i++) {
      mask[i] = random.nextDouble() < rate ? 0f : keep;
    }
  }

  /** Shape as Keras prints it, batch as None: {@code (None, 10, 50)}. */
  public static String kerasShape(int[] shapeWithoutBatch) {
    StringBuilder sb = new StringBuilder("(None");
    for (int d : shapeWithoutBatch) {
      sb.append(", ").append(d < 0 ? "None" : Integer.toString(d));
    }
    return sb.append(')').toString();
  }

  /** Throws unless {@code input} has the rank and last dimension the layer was built for. */
  protected final void checkInput(Tensor input, int rank, int features) {
    if (input.rank() != rank) {
      String expected = rank == 3 ? "[batch, steps, features]" : "[batch, features]";
      String hint = rank == 3 && input.rank() == 2
          ? "; a single sequence must be passed as [1, steps, features], and a batch of vectors needs a steps axis"
          : "";
      throw new IllegalArgumentException(label() + " expects input of shape " + expected + " (rank " + rank
          + "), got rank " + input.rank() + " " + Arrays.toString(input.shape()) + hint);
    }
    int got = input.dim(rank - 1);
    if (got != features) {
      throw new IllegalArgumentException(label() + " was built for " + features + " input features, got " + got
          + " (input shape " + Arrays.toString(input.shape()) + "); check the feature columns of the data");
    }
  }
}
