package sparkgru.engine.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Blas;
import sparkgru.engine.linalg.Tensor;

/**
 * {@code keras.layers.GRU}: the sequence loop and back-propagation through time around a
 * {@link GruCell}, which holds one step's equations (gate order z | r | h) and its fused and
 * scalar implementations. Weights: {@code kernel} W [input_dim, 3*units], {@code recurrent_kernel}
 * U [units, 3*units], {@code bias} ([2, 3*units] with reset_after, else [3*units]), exactly
 * Keras' shapes and layout.
 *
 * <p>Masking (Keras semantics): at a masked step the state is carried unchanged and the output
 * repeats the previous output (zeros before the first real step). {@code go_backwards} reads
 * the steps last to first and returns the outputs in that processing order. Dropout follows
 * Keras: with {@code recurrent_dropout == 0} one input mask [batch, input_dim] is drawn per
 * batch; with {@code recurrent_dropout > 0} (Keras' implementation 1) three input masks and three
 * recurrent masks [batch, units], one per gate; masks are reused at every step, scaled by
 * 1/(1-rate), and drawn only in training.
 *
 * <p>Speed: buffers ({@link GruWorkspace}) are time-major ([steps, batch, ...]), so one step's
 * rows are contiguous for its GEMM and its element-wise kernels; the input projection of all steps
 * is one GEMM; the weight gradients are GEMMs over all steps at once. All buffers are kept between
 * calls and grow only when a larger batch arrives.
 */
public final class GruLayer extends Layer {

  /** The forward result: the output and the final state {@code [batch, units]}. */
  public record Output(Tensor output, Tensor state) {}

  /** Gradients with respect to the layer's inputs and its initial state. */
  public record InputGradients(Tensor input, Tensor initialState) {}

  private static final int KERNEL = 0;
  private static final int RECURRENT = 1;
  private static final int BIAS = 2;

  private final GruConfig config;
  private final GruCell cell;
  private final GruWorkspace ws;
  private int inputDim = -1;
  private List<VariableSpec> variables = List.of();
  private SplittableRandom random = new SplittableRandom(0);
  private GruCell.Weights weights;

  // Stateful carry.
  private int statefulBatch = -1;
  private float[] carriedState;

  // The last forward pass: its step mask and activity penalty (its arrays are in ws).
  private boolean[] stepMask;
  private double activityPenalty;

  /** A GRU with this configuration. */
  public GruLayer(GruConfig config) {
    this.config = config;
    this.cell = new GruCell(config);
    this.ws = new GruWorkspace(config, !cell.fused());
  }

  /** Keras' defaults with this many units. */
  public static GruLayer of(int units) {
    return new GruLayer(GruConfig.builder(units).build());
  }

  /** The configuration. */
  public GruConfig config() {
    return config;
  }

  @Override
  public String typeName() {
    return "GRU";
  }

  @Override
  public int[] build(int[] inputShape) {
    if (inputShape.length != 2) {
      throw new InvalidInputException(label() + " expects input of shape [batch, steps, features] (rank 3), got rank "
          + (inputShape.length + 1) + " " + Layer.kerasShape(inputShape)
          + "; a GRU needs a steps axis: put sequences as [batch, steps, features]");
    }
    if (inputShape[1] < 1) {
      throw new InvalidInputException(label() + " needs at least one input feature, got " + inputShape[1]);
    }
    if (config.unroll() && inputShape[0] < 0) {
      throw new InvalidInputException(label() + ": gru.unroll=true needs a fixed number of steps, got any length; "
          + "build the model with a step count or set unroll=false");
    }
    inputDim = inputShape[1];
    int h = config.units();
    if ((long) inputDim * 3 * h > Integer.MAX_VALUE - 16) {
      throw new InvalidInputException(label() + " kernel [" + inputDim + ", " + 3 * h + "] has more than 2^31 values; "
          + "reduce the input features or gru.units");
    }
    List<VariableSpec> vars = new ArrayList<>();
    vars.add(new VariableSpec("kernel", new int[] {inputDim, 3 * h}, config.kernelInitializer(),
        config.kernelRegularizer(), config.kernelConstraint()));
    vars.add(new VariableSpec("recurrent_kernel", new int[] {h, 3 * h}, config.recurrentInitializer(),
        config.recurrentRegularizer(), config.recurrentConstraint()));
    if (config.useBias()) {
      int[] biasShape = config.resetAfter() ? new int[] {2, 3 * h} : new int[] {3 * h};
      vars.add(new VariableSpec("bias", biasShape, config.biasInitializer(), config.biasRegularizer(),
          config.biasConstraint()));
    }
    variables = List.copyOf(vars);
    return config.returnSequences() ? new int[] {inputShape[0], h} : new int[] {h};
  }

  @Override
  public List<VariableSpec> variables() {
    return variables;
  }

  /** Per-gate column blocks of the weights reach up to 2 * units past the recurrent kernel. */
  @Override
  public int trailingSlack() {
    return 2 * config.units();
  }

  @Override
  public void seed(long seed) {
    random = new SplittableRandom(config.seed() != null ? config.seed() : seed);
  }

  @Override
  public void resetStates() {
    if (carriedState != null) {
      Arrays.fill(carriedState, 0f);
    }
  }

  @Override
  public Tensor forward(Tensor input, boolean training) {
    return forward(input, null, training).output();
  }

  @Override
  public double activityPenalty() {
    return activityPenalty;
  }

  /**
   * Runs the layer. {@code initialState} is {@code [batch, units]} or {@code null} for zeros
   * (or, when stateful, the carried state). The returned tensors view buffers reused by the next
   * call; the output carries the input's mask when {@code return_sequences} is set.
   */
  public Output forward(Tensor input, Tensor initialState, boolean training) {
    if (inputDim < 0) {
      throw new IllegalStateException(label() + " is not built: add it to a model, or call build(new int[] {steps, features})");
    }
    checkInput(input, 3, inputDim);
    final int b = input.dim(0);
    final int t = input.dim(1);
    final int d = inputDim;
    final int h = config.units();
    final int g = 3 * h;
    if (t < 1) {
      throw new IllegalArgumentException(label() + " needs sequences of at least one step, got " + t + " steps");
    }
    if ((long) (b + 1) * t * Math.max(g, d) > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(label() + ": a batch of " + b + " sequences of " + t + " steps with " + h
          + " units needs more than 2^31 activations per buffer; use a smaller batch size");
    }
    checkFinite(input, "input");
    float[] init = initialState(initialState, b, h);
    stepMask = input.mask();
    ws.allocate(b, t, d);
    transpose(input.data(), b, t, d, ws.xT);
    drawMasks(training, b, d, h);

    // Input projection of all steps at once: xp = x̃ · W + input bias, the bias copied into
    // every row first and the GEMM adding to it (a separate pass adding the bias is not
    // vectorised by C2 and costs a third of the GEMM).
    GruCell.Weights w = weights();
    final float[] xp = ws.xp;
    float beta = 0f;
    if (config.useBias()) {
      for (int row = 0; row < b * t; row++) {
        System.arraycopy(w.values(), w.bias(), xp, row * g, g);
      }
      beta = 1f;
    }
    if (ws.inputMaskCount == 3) {
      for (int gate = 0; gate < 3; gate++) {
        maskInputs(ws.maskedInputs[gate], ws.inputMasks[gate], b, t, d);
        Blas.gemm(false, false, b * t, h, d, 1f, ws.maskedInputs[gate], 0, d, w.values(), w.kernel() + gate * h, g,
            beta, xp, gate * h, g);
      }
    } else {
      float[] xIn = ws.xT;
      if (ws.inputMaskCount == 1) {
        maskInputs(ws.maskedInputs[0], ws.inputMasks[0], b, t, d);
        xIn = ws.maskedInputs[0];
      }
      Blas.gemm(false, false, b * t, g, d, 1f, xIn, 0, d, w.values(), w.kernel(), g, beta, xp, 0, g);
    }

    if (init == null) {
      Arrays.fill(ws.hPrev, 0, b * h, 0f);
    } else {
      System.arraycopy(init, 0, ws.hPrev, 0, b * h);
    }
    Arrays.fill(ws.out, 0, config.returnSequences() ? b * t * h : b * h, 0f);
    for (int s = 0; s < t; s++) {
      int tau = time(s, t);
      cell.forward(ws, w, s, tau);
      maskAndOutput(s, tau);
    }
    System.arraycopy(ws.hPrev, t * b * h, ws.finalState, 0, b * h);
    if (config.stateful()) {
      System.arraycopy(ws.finalState, 0, carriedState, 0, b * h);
    }

    Tensor output = config.returnSequences()
        ? Tensor.view(ws.out, stepMask, b, t, h)
        : Tensor.view(ws.out, null, b, h);
    Tensor state = Tensor.view(ws.finalState, null, b, h);
    activityPenalty = 0;
    Regularizer activity = config.activityRegularizer();
    if (activity != null) {
      activityPenalty = activity.penalty(ws.out, 0, output.size()) / b;
      if (config.returnState()) {
        activityPenalty += activity.penalty(ws.finalState, 0, b * h) / b;
      }
    }
    return new Output(output, state);
  }

  /** The input time index of processing step s: last to first under go_backwards. */
  private int time(int s, int t) {
    return config.goBackwards() ? t - 1 - s : s;
  }

  /** Whether batch row i is a real (unmasked) step at input time tau. */
  private boolean real(int i, int tau) {
    return stepMask == null || stepMask[i * ws.steps + tau];
  }

  /**
   * After the cell's step s: a masked row keeps its previous state and repeats its previous
   * output; a real row outputs its new state.
   */
  private void maskAndOutput(int s, int tau) {
    final int b = ws.batch;
    final int t = ws.steps;
    final int h = config.units();
    final int hOff = s * b * h;
    final int nextOff = hOff + b * h;
    final float[] hPrev = ws.hPrev;
    final float[] out = ws.out;
    final boolean returnSequences = config.returnSequences();
    for (int i = 0; i < b; i++) {
      int outOff = returnSequences ? i * t * h + s * h : i * h;
      if (real(i, tau)) {
        System.arraycopy(hPrev, nextOff + i * h, out, outOff, h);
      } else {
        System.arraycopy(hPrev, hOff + i * h, hPrev, nextOff + i * h, h);
        if (returnSequences && s > 0) {
          System.arraycopy(out, outOff - h, out, outOff, h);
        }
      }
    }
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    return backward(gradOutput, null).input();
  }

  /**
   * Back-propagates through time. {@code gradOutput} has the output's shape; {@code gradState}
   * ({@code [batch, units]}, or null for zero) is dLoss/dFinalState when the state is used.
   * Adds the weight gradients into the model's gradient array.
   */
  public InputGradients backward(Tensor gradOutput, Tensor gradState) {
    return backward(gradOutput, gradState, true);
  }

  /** Skips the input gradient GEMM: the weight gradients only. */
  @Override
  public Tensor backwardWeightsOnly(Tensor gradOutput) {
    backward(gradOutput, null, false);
    return null;
  }

  private InputGradients backward(Tensor gradOutput, Tensor gradState, boolean inputGradient) {
    if (ws.steps == 0) {
      throw new IllegalStateException(label() + " backward needs a forward pass first");
    }
    final int b = ws.batch;
    final int t = ws.steps;
    final int d = inputDim;
    final int h = config.units();
    final boolean returnSequences = config.returnSequences();
    int outSize = returnSequences ? b * t * h : b * h;
    if (gradState != null && (gradState.rank() != 2 || gradState.dim(0) != b || gradState.dim(1) != h)) {
      throw new IllegalArgumentException(label() + " backward: state gradient must have shape [" + b + ", " + h
          + "], got " + Arrays.toString(gradState.shape()));
    }
    if (gradOutput.size() != outSize) {
      throw new IllegalArgumentException(label() + " backward: gradient of shape " + Arrays.toString(gradOutput.shape())
          + " does not match the output of the last forward pass " + Arrays.toString(returnSequences
          ? new int[] {b, t, h} : new int[] {b, h}));
    }
    float[] dOut = gradOutput.data();
    Arrays.fill(ws.dH, 0, b * h, 0f);
    if (gradState != null) {
      System.arraycopy(gradState.data(), 0, ws.dH, 0, b * h);
    }
    Regularizer activity = config.activityRegularizer();
    if (activity != null) {
      ws.dOutWork = ensure(ws.dOutWork, outSize);
      System.arraycopy(dOut, 0, ws.dOutWork, 0, outSize);
      activity.addGradient(ws.out, 0, outSize, ws.dOutWork, 0, 1.0 / b);
      dOut = ws.dOutWork;
      if (config.returnState()) {
        activity.addGradient(ws.finalState, 0, b * h, ws.dH, 0, 1.0 / b);
      }
    }
    ws.dOut = dOut;
    if (returnSequences) {
      Arrays.fill(ws.dOutCarry, 0, b * h, 0f);
    } else {
      System.arraycopy(dOut, 0, ws.dOutCarry, 0, b * h);
    }

    GruCell.Weights w = weights();
    cell.beginBackward(ws, w);
    for (int s = t - 1; s >= 0; s--) {
      final int tau = time(s, t);
      for (int i = 0; i < b; i++) {
        if (real(i, tau)) {
          cell.backwardRow(ws, s, tau, i);
        } else {
          passMaskedRow(s, tau, i);
        }
      }
      cell.backwardRecurrent(ws, w, s, tau);
      ws.swapStateGradients();
    }

    accumulateWeightGradients(w, b, t, d, h);
    Tensor dInput = inputGradient ? inputGradient(w, b, t, d, h) : null;
    return new InputGradients(dInput, Tensor.view(ws.dH, null, b, h));
  }

  /**
   * Backward through batch row i at a masked step s: the state gradient passes through, the
   * output's gradient is carried back to the previous real step, and the gates get none.
   */
  private void passMaskedRow(int s, int tau, int i) {
    final int b = ws.batch;
    final int h = config.units();
    final int g = 3 * h;
    final int row = (s * b + i) * g;
    final int xRow = (tau * b + i) * g;
    final int k = i * h;
    if (config.returnSequences()) {
      final float[] dOutCarry = ws.dOutCarry;
      final float[] dOut = ws.dOut;
      final int outOff = i * ws.steps * h + s * h;
      for (int j = 0; j < h; j++) {
        dOutCarry[k + j] += dOut[outOff + j];
      }
    }
    Arrays.fill(ws.dXp, xRow, xRow + g, 0f);
    Arrays.fill(ws.dHp, row, row + g, 0f);
    System.arraycopy(ws.dH, k, ws.dHNext, k, h);
  }

  private void accumulateWeightGradients(GruCell.Weights w, int b, int t, int d, int h) {
    final int g = 3 * h;
    final int n = b * t;
    final float[] grad = gradients();
    final float[] dXp = ws.dXp;
    final float[] dHp = ws.dHp;
    final float[] hPrev = ws.hPrev;
    // Kernel: dW += x̃ᵀ · dXp.
    if (ws.inputMaskCount == 3) {
      for (int gate = 0; gate < 3; gate++) {
        Blas.gemm(true, false, d, h, n, 1f, ws.maskedInputs[gate], 0, d, dXp, gate * h, g, 1f, grad,
            w.kernel() + gate * h, g);
      }
    } else {
      float[] xIn = ws.inputMaskCount == 1 ? ws.maskedInputs[0] : ws.xT;
      Blas.gemm(true, false, d, g, n, 1f, xIn, 0, d, dXp, 0, g, 1f, grad, w.kernel(), g);
    }
    // Recurrent kernel: dU += h̃ᵀ · dHp over all steps (and rhᵀ · dHp_h when reset comes first).
    boolean resetAfter = config.resetAfter();
    int directGates = resetAfter ? 3 : 2;
    if (ws.recurrentMaskCount == 0) {
      Blas.gemm(true, false, h, directGates * h, n, 1f, hPrev, 0, h, dHp, 0, g, 1f, grad, w.recurrent(), g);
    } else {
      final float[] bigTmp = ws.bigTmp;
      for (int gate = 0; gate < directGates; gate++) {
        float[] m = ws.recurrentMasks[gate];
        for (int s = 0; s < t; s++) {
          for (int i = 0; i < b; i++) {
            int off = (s * b + i) * h;
            for (int j = 0; j < h; j++) {
              bigTmp[off + j] = hPrev[off + j] * m[i * h + j];
            }
          }
        }
        Blas.gemm(true, false, h, h, n, 1f, bigTmp, 0, h, dHp, gate * h, g, 1f, grad, w.recurrent() + gate * h, g);
      }
    }
    if (!resetAfter) {
      Blas.gemm(true, false, h, h, n, 1f, ws.rh, 0, h, dHp, 2 * h, g, 1f, grad, w.recurrent() + 2 * h, g);
    }
    if (config.useBias()) {
      addColumnSums(dXp, n, g, grad, w.bias());
      if (resetAfter) {
        addColumnSums(dHp, n, g, grad, w.bias() + g);
      }
    }
  }

  private Tensor inputGradient(GruCell.Weights w, int b, int t, int d, int h) {
    final int g = 3 * h;
    final int n = b * t;
    final float[] dXT = ws.dXT;
    if (ws.inputMaskCount == 3) {
      final float[] bigTmp = ws.bigTmp;
      Arrays.fill(dXT, 0, n * d, 0f);
      for (int gate = 0; gate < 3; gate++) {
        Blas.gemm(false, true, n, d, h, 1f, ws.dXp, gate * h, g, w.values(), w.kernel() + gate * h, g, 0f,
            bigTmp, 0, d);
        float[] m = ws.inputMasks[gate];
        for (int s = 0; s < t; s++) {
          for (int i = 0; i < b; i++) {
            int off = (s * b + i) * d;
            for (int j = 0; j < d; j++) {
              dXT[off + j] += bigTmp[off + j] * m[i * d + j];
            }
          }
        }
      }
    } else {
      Blas.gemm(false, true, n, d, g, 1f, ws.dXp, 0, g, w.values(), w.kernel(), g, 0f, dXT, 0, d);
      if (ws.inputMaskCount == 1) {
        maskInputs(dXT, ws.inputMasks[0], b, t, d);
      }
    }
    transpose(dXT, t, b, d, ws.dX);
    return Tensor.view(ws.dX, stepMask, b, t, d);
  }

  /** Where this layer's weights lie in the model's flat array: made once the layer is bound, then reused. */
  private GruCell.Weights weights() {
    if (weights == null || weights.values() != values()) {
      weights = new GruCell.Weights(values(), offsetOf(KERNEL), offsetOf(RECURRENT),
          config.useBias() ? offsetOf(BIAS) : -1);
    }
    return weights;
  }

  /** The initial state to use, or {@code null} for zeros. */
  private float[] initialState(Tensor initialState, int b, int h) {
    if (config.stateful()) {
      if (statefulBatch < 0) {
        statefulBatch = b;
        carriedState = new float[b * h];
      } else if (b != statefulBatch) {
        throw new IllegalArgumentException(label() + " is stateful with batch size " + statefulBatch + ", got a batch of "
            + b + "; a stateful layer carries sample i to sample i of the next batch, so every batch must have "
            + statefulBatch + " sequences (use a batch size that divides the number of samples, or a new model)");
      }
    }
    if (initialState != null) {
      if (initialState.rank() != 2 || initialState.dim(0) != b || initialState.dim(1) != h) {
        throw new IllegalArgumentException(label() + " initial_state must have shape [" + b + ", " + h + "] (batch, units), got "
            + Arrays.toString(initialState.shape()));
      }
      checkFinite(initialState, "initial_state");
      return initialState.data();
    }
    return config.stateful() ? carriedState : null;
  }

  /** Draws this batch's dropout masks into the workspace (none outside training). */
  private void drawMasks(boolean training, int b, int d, int h) {
    boolean inputDrop = training && config.dropout() > 0;
    boolean recurrentDrop = training && config.recurrentDropout() > 0;
    ws.allocateMasks(inputDrop ? (recurrentDrop ? 3 : 1) : 0, recurrentDrop ? 3 : 0);
    for (int k = 0; k < ws.inputMaskCount; k++) {
      drawDropoutMask(ws.inputMasks[k], b * d, config.dropout(), random);
    }
    for (int k = 0; k < ws.recurrentMaskCount; k++) {
      drawDropoutMask(ws.recurrentMasks[k], b * h, config.recurrentDropout(), random);
    }
  }

  /** dst[t, b, :] = xT[t, b, :] ⊙ mask[b, :] (dst may be the input gradient dXT, masked in place). */
  private void maskInputs(float[] dst, float[] mask, int b, int t, int d) {
    float[] src = dst == ws.dXT ? ws.dXT : ws.xT;
    for (int s = 0; s < t; s++) {
      for (int i = 0; i < b; i++) {
        int off = (s * b + i) * d;
        for (int j = 0; j < d; j++) {
          dst[off + j] = src[off + j] * mask[i * d + j];
        }
      }
    }
  }

  /** dst[j, i, :] = src[i, j, :] for src [rows, cols, width]. */
  private static void transpose(float[] src, int rows, int cols, int width, float[] dst) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        System.arraycopy(src, (i * cols + j) * width, dst, (j * rows + i) * width, width);
      }
    }
  }

  /** dst[dOff + j] += sum over rows of m[r, j] for m [rows, cols]: one GEMV with a vector of ones. */
  private void addColumnSums(float[] m, int rows, int cols, float[] dst, int dOff) {
    if (ws.ones == null || ws.ones.length < rows) {
      ws.ones = new float[rows];
      Arrays.fill(ws.ones, 1f);
    }
    Blas.gemv(true, rows, cols, 1f, m, 0, cols, ws.ones, 0, 1f, dst, dOff);
  }

  private void checkFinite(Tensor tensor, String what) {
    int i = tensor.indexOfNonFinite();
    if (i < 0) {
      return;
    }
    int[] shape = tensor.shape();
    int[] index = new int[shape.length];
    int rest = i;
    for (int k = shape.length - 1; k >= 0; k--) {
      index[k] = rest % shape[k];
      rest /= shape[k];
    }
    throw new IllegalArgumentException(label() + " " + what + " contains " + tensor.data()[i] + " at index "
        + Arrays.toString(index) + " of shape " + Arrays.toString(shape) + "; if this is the data, clean or impute "
        + "missing values; if it comes from an earlier layer, training diverged (lower the learning rate or clip "
        + "gradients)");
  }

}
