package sparkgru.engine.layers;

import java.util.ArrayList;
import java.util.List;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Blas;
import sparkgru.engine.linalg.Tensor;

/**
 * {@code keras.layers.Dense}: {@code y = φ(x · W + b)} over the last axis, with {@code kernel} W
 * {@code [in, units]} and {@code bias} b {@code [units]}. On sequences {@code [batch, steps, in]}
 * it applies to every step (one GEMM over batch * steps rows) and passes the mask on.
 */
public final class Dense extends Layer {
  private static final int KERNEL = 0;
  private static final int BIAS = 1;

  private final int units;
  private final Activation activation;
  private final boolean useBias;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private int inputDim = -1;
  private int inputRank;
  private List<VariableSpec> variables = List.of();

  private float[] x;
  private int rows;
  private int[] outShape;
  private boolean[] mask;
  private float[] pre;
  private float[] out;
  private float[] dPre;
  private float[] dX;

  /**
   * A dense layer; Keras' defaults are glorot_uniform kernel and zeros bias.
   *
   * @param units units, in [1, 65536]
   */
  public Dense(int units, Activation activation, boolean useBias, Initializer kernelInitializer,
      Initializer biasInitializer, Regularizer kernelRegularizer, Regularizer biasRegularizer) {
    if (units < 1 || units > GruConfig.MAX_UNITS) {
      throw new InvalidInputException("dense.units must be in [1, " + GruConfig.MAX_UNITS + "], got " + units);
    }
    if (activation == null || kernelInitializer == null || biasInitializer == null) {
      throw new IllegalArgumentException("dense.activation, dense.kernel_initializer and dense.bias_initializer must "
          + "be set, got " + activation + ", " + kernelInitializer + ", " + biasInitializer);
    }
    this.units = units;
    this.activation = activation;
    this.useBias = useBias;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.kernelRegularizer = kernelRegularizer;
    this.biasRegularizer = biasRegularizer;
  }

  /** {@code Dense(units, activation)} with Keras' other defaults. */
  public static Dense of(int units, Activation activation) {
    return new Dense(units, activation, true, Initializer.glorotUniform(), new Initializer.Zeros(), null, null);
  }

  /** {@code Dense(units)}, linear. */
  public static Dense of(int units) {
    return of(units, Activation.LINEAR);
  }

  /** Units. */
  public int units() {
    return units;
  }

  /** The activation. */
  public Activation activation() {
    return activation;
  }

  /** Whether the layer has a bias. */
  public boolean useBias() {
    return useBias;
  }

  @Override
  public String typeName() {
    return "Dense";
  }

  @Override
  public int[] build(int[] inputShape) {
    if (inputShape.length < 1 || inputShape.length > 2) {
      throw new IllegalArgumentException(label() + " expects [batch, features] or [batch, steps, features], got "
          + Layer.kerasShape(inputShape));
    }
    inputRank = inputShape.length + 1;
    inputDim = inputShape[inputShape.length - 1];
    List<VariableSpec> vars = new ArrayList<>();
    vars.add(new VariableSpec("kernel", new int[] {inputDim, units}, kernelInitializer, kernelRegularizer, null));
    if (useBias) {
      vars.add(new VariableSpec("bias", new int[] {units}, biasInitializer, biasRegularizer, null));
    }
    variables = List.copyOf(vars);
    int[] outputShape = inputShape.clone();
    outputShape[outputShape.length - 1] = units;
    return outputShape;
  }

  @Override
  public List<VariableSpec> variables() {
    return variables;
  }

  @Override
  public Tensor forward(Tensor input, boolean training) {
    checkInput(input, inputRank, inputDim);
    x = input.data();
    mask = input.mask();
    outShape = input.shape();
    outShape[outShape.length - 1] = units;
    rows = input.size() / inputDim;
    pre = ensure(pre, rows * units);
    out = ensure(out, rows * units);
    float[] w = values();
    Blas.gemm(false, false, rows, units, inputDim, 1f, x, 0, inputDim, w, offsetOf(KERNEL), units, 0f, pre, 0, units);
    if (useBias) {
      int bOff = offsetOf(BIAS);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < units; j++) {
          pre[r * units + j] += w[bOff + j];
        }
      }
    }
    activation.apply(pre, 0, out, 0, rows * units);
    return Tensor.view(out, mask, outShape);
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    float[] dOut = gradOutput.data();
    int n = rows * units;
    dPre = ensure(dPre, n);
    dX = ensure(dX, rows * inputDim);
    for (int i = 0; i < n; i++) {
      dPre[i] = dOut[i] * activation.derivative(pre[i], out[i]);
    }
    float[] grad = gradients();
    Blas.gemm(true, false, inputDim, units, rows, 1f, x, 0, inputDim, dPre, 0, units, 1f, grad, offsetOf(KERNEL), units);
    if (useBias) {
      int bOff = offsetOf(BIAS);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < units; j++) {
          grad[bOff + j] += dPre[r * units + j];
        }
      }
    }
    Blas.gemm(false, true, rows, inputDim, units, 1f, dPre, 0, units, values(), offsetOf(KERNEL), units, 0f, dX, 0, inputDim);
    int[] inShape = outShape.clone();
    inShape[inShape.length - 1] = inputDim;
    return Tensor.view(dX, mask, inShape);
  }
}
