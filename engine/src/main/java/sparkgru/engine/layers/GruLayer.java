package sparkgru.engine.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Blas;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.linalg.VectorKernels;

/**
 * {@code keras.layers.GRU}: the sequence loop and back-propagation through time.
 *
 * <p>One step, with gate columns in Keras' order z | r | h, {@code σ} the recurrent activation
 * and {@code φ} the activation:
 * <pre>
 *   z  = σ(x·W_z + b_z + h·U_z + b'_z)
 *   r  = σ(x·W_r + b_r + h·U_r + b'_r)
 *   ĥ  = φ(x·W_h + b_h + r ⊙ (h·U_h + b'_h))      reset_after = true  (bias [2, 3*units]: b; b')
 *   ĥ  = φ(x·W_h + b_h + (r ⊙ h)·U_h)             reset_after = false (bias [3*units]: b only)
 *   h' = z ⊙ h + (1 − z) ⊙ ĥ
 * </pre>
 * Weights: {@code kernel} W [input_dim, 3*units], {@code recurrent_kernel} U [units, 3*units],
 * {@code bias}, exactly Keras' shapes and layout.
 *
 * <p>Masking (Keras semantics): at a masked step the state is carried unchanged and the output
 * repeats the previous output (zeros before the first real step). {@code go_backwards} reads
 * the steps last to first and returns the outputs in that processing order. Dropout follows
 * Keras: with {@code recurrent_dropout == 0} one input mask [batch, input_dim] is drawn per
 * batch; with {@code recurrent_dropout > 0} (Keras' implementation 1) three input masks and three
 * recurrent masks [batch, units], one per gate; masks are reused at every step, scaled by
 * 1/(1-rate), and drawn only in training.
 *
 * <p>Speed: buffers are time-major ([steps, batch, ...]), so one step's rows are contiguous for
 * its GEMM and its element-wise kernels; the input projection of all steps is one GEMM; each step
 * runs one recurrent GEMM (two for reset_after = false, one per gate under recurrent dropout);
 * weight gradients are GEMMs over all steps at once; Keras' default cell runs fused vector
 * kernels ({@link VectorKernels}). All buffers are kept between calls and grow only when a
 * larger batch arrives.
 */
public final class GruLayer extends Layer {

  /** The forward result: the output and the final state {@code [batch, units]}. */
  public record Output(Tensor output, Tensor state) {}

  /** Gradients with respect to the layer's inputs and its initial state. */
  public record InputGradients(Tensor input, Tensor initialState) {}

  private static final int KERNEL = 0;
  private static final int RECURRENT = 1;
  private static final int BIAS = 2;
  /** Up to this many units backward steps multiply by a transposed copy of the recurrent kernel. */
  private static final int TRANSPOSED_RECURRENT_MAX_UNITS = 128;

  private final GruConfig config;
  private final Activation act;
  private final Activation ract;
  /** The fused row kernels for Keras' default cell, or null for the general loops. */
  private final VectorKernels kernels;
  private int inputDim = -1;
  private List<VariableSpec> variables = List.of();
  private SplittableRandom random = new SplittableRandom(0);

  // Stateful carry.
  private int statefulBatch = -1;
  private float[] carriedState;

  // The last forward pass: shapes, input, masks.
  private int batch;
  private int steps;
  private float[] x;
  private boolean[] stepMask;
  private int inputMaskCount;
  private int recurrentMaskCount;
  private float[][] inputMasks = new float[3][];
  private float[][] recurrentMasks = new float[3][];
  private double activityPenalty;

  // Activations, time-major; "s" is the processing step, "tau" the input time index.
  private float[] xT;        // [T, B, D] the input, time-major
  private float[][] maskedInputs = new float[3][]; // [T, B, D] per input mask
  private float[] xp;        // [T, B, 3H] input projections (+ input bias), input order
  private float[] hp;        // [T, B, 3H] recurrent projections (+ recurrent bias), processing order
  private float[] pre;       // [T, B, 3H] gate pre-activations z | r | h (general loops only)
  private float[] gates;     // [T, B, 3H] z | r | ĥ
  private float[] hPrev;     // [T + 1, B, H] state before step s; block T is the final state
  private float[] rh;        // [T, B, H] r ⊙ h (⊙ recurrent mask), reset_after = false only
  private float[] out;       // [B, T, H] or [B, H], the layer's output layout
  private float[] finalState; // [B, H]
  private float[] stepTmp;   // [B, H]

  // Backward.
  private float[] dXp;       // [T, B, 3H] input order
  private float[] dHp;       // [T, B, 3H] processing order
  private float[] dH;        // [B, H]
  private float[] dHNext;    // [B, H]
  private float[] dOutCarry; // [B, H]
  private float[] dRh;       // [B, H]
  private float[] dXT;       // [T, B, D]
  private float[] dX;        // [B, T, D]
  private float[] bigTmp;    // [T, B, max(H, D)]
  private float[] dOutWork;  // activity-regularised copy of dOut
  private float[] ones;      // [B * T] of 1, for bias gradients as column sums
  private float[] uT;        // [3H, H] the recurrent kernel transposed

  /** A GRU with this configuration. */
  public GruLayer(GruConfig config) {
    this.config = config;
    this.act = config.activation();
    this.ract = config.recurrentActivation();
    this.kernels = act == Activation.TANH && ract == Activation.SIGMOID && config.resetAfter()
        ? VectorKernels.VECTOR : null;
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
      throw new sparkgru.engine.errors.InvalidInputException(label() + " expects input of shape [batch, steps, features] (rank 3), got rank "
          + (inputShape.length + 1) + " " + Layer.kerasShape(inputShape)
          + "; a GRU needs a steps axis: put sequences as [batch, steps, features]");
    }
    if (inputShape[1] < 1) {
      throw new sparkgru.engine.errors.InvalidInputException(label() + " needs at least one input feature, got " + inputShape[1]);
    }
    if (config.unroll() && inputShape[0] < 0) {
      throw new sparkgru.engine.errors.InvalidInputException(label() + ": gru.unroll=true needs a fixed number of steps, got any length; "
          + "build the model with a step count or set unroll=false");
    }
    inputDim = inputShape[1];
    int h = config.units();
    if ((long) inputDim * 3 * h > Integer.MAX_VALUE - 16) {
      throw new sparkgru.engine.errors.InvalidInputException(label() + " kernel [" + inputDim + ", " + 3 * h + "] has more than 2^31 values; "
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
    batch = b;
    steps = t;
    x = input.data();
    stepMask = input.mask();
    allocate(b, t, d, h);
    transpose(x, b, t, d, xT);
    drawMasks(training, b, d, h);

    // Input projection of all steps at once: xp = x̃ · W + input bias, the bias copied into
    // every row first and the GEMM adding to it (a separate pass adding the bias was not
    // vectorised by C2 and cost a third of the GEMM).
    float[] w = values();
    int kOff = offsetOf(KERNEL);
    float beta = 0f;
    if (config.useBias()) {
      int bOff = offsetOf(BIAS);
      for (int row = 0; row < b * t; row++) {
        System.arraycopy(w, bOff, xp, row * g, g);
      }
      beta = 1f;
    }
    if (inputMaskCount == 3) {
      for (int gate = 0; gate < 3; gate++) {
        maskInputs(maskedInputs[gate], inputMasks[gate], b, t, d);
        Blas.gemm(false, false, b * t, h, d, 1f, maskedInputs[gate], 0, d, w, kOff + gate * h, g, beta, xp, gate * h, g);
      }
    } else {
      float[] xIn = xT;
      if (inputMaskCount == 1) {
        maskInputs(maskedInputs[0], inputMasks[0], b, t, d);
        xIn = maskedInputs[0];
      }
      Blas.gemm(false, false, b * t, g, d, 1f, xIn, 0, d, w, kOff, g, beta, xp, 0, g);
    }

    if (init == null) {
      Arrays.fill(hPrev, 0, b * h, 0f);
    } else {
      System.arraycopy(init, 0, hPrev, 0, b * h);
    }
    Arrays.fill(out, 0, config.returnSequences() ? b * t * h : b * h, 0f);
    for (int s = 0; s < t; s++) {
      step(s, b, t, h);
    }
    System.arraycopy(hPrev, t * b * h, finalState, 0, b * h);
    if (config.stateful()) {
      System.arraycopy(finalState, 0, carriedState, 0, b * h);
    }

    Tensor output = config.returnSequences()
        ? Tensor.view(out, stepMask, b, t, h)
        : Tensor.view(out, null, b, h);
    Tensor state = Tensor.view(finalState, null, b, h);
    activityPenalty = 0;
    Regularizer activity = config.activityRegularizer();
    if (activity != null) {
      activityPenalty = activity.penalty(out, 0, output.size()) / b;
      if (config.returnState()) {
        activityPenalty += activity.penalty(finalState, 0, b * h) / b;
      }
    }
    return new Output(output, state);
  }

  /** One time step s (processing order) for the whole batch. */
  private void step(int s, int b, int t, int h) {
    final int g = 3 * h;
    final int tau = config.goBackwards() ? t - 1 - s : s;
    final float[] w = values();
    final int uOff = offsetOf(RECURRENT);
    final int hOff = s * b * h;      // hPrev/rh block of step s, rows of h
    final int gOff = s * b * g;      // hp/pre/gates block of step s, rows of g
    final boolean resetAfter = config.resetAfter();

    // Recurrent projections: hp_s = h̃ · U (+ recurrent bias); the candidate column block waits
    // for r when the reset gate comes first.
    int recurrentGates = resetAfter ? 3 : 2;
    if (recurrentMaskCount == 0) {
      Blas.gemm(false, false, b, recurrentGates * h, h, 1f, hPrev, hOff, h, w, uOff, g, 0f, hp, gOff, g);
    } else {
      for (int gate = 0; gate < recurrentGates; gate++) {
        maskRows(hPrev, hOff, h, recurrentMasks[gate], stepTmp, b, h);
        Blas.gemm(false, false, b, h, h, 1f, stepTmp, 0, h, w, uOff + gate * h, g, 0f, hp, gOff + gate * h, g);
      }
    }
    if (kernels != null) {
      stepRows(s, tau, b, t, h);
      return;
    }
    if (config.useBias() && resetAfter) {
      int rb = offsetOf(BIAS) + g;
      for (int i = 0; i < b; i++) {
        int row = gOff + i * g;
        for (int j = 0; j < g; j++) {
          hp[row + j] += w[rb + j];
        }
      }
    }

    // Gates z and r.
    for (int i = 0; i < b; i++) {
      int row = gOff + i * g;
      int xRow = (tau * b + i) * g;
      for (int j = 0; j < 2 * h; j++) {
        pre[row + j] = xp[xRow + j] + hp[row + j];
      }
      ract.applyAll(pre, row, gates, row, 2 * h);
    }

    if (!resetAfter) {
      // rh = r ⊙ h̃_h, then the candidate's recurrent term (r ⊙ h̃_h) · U_h.
      float[] recMask = recurrentMaskCount == 0 ? null : recurrentMasks[2];
      for (int i = 0; i < b; i++) {
        int row = gOff + i * g;
        int hRow = hOff + i * h;
        for (int j = 0; j < h; j++) {
          float hv = hPrev[hRow + j];
          if (recMask != null) {
            hv *= recMask[i * h + j];
          }
          rh[hRow + j] = gates[row + h + j] * hv;
        }
      }
      Blas.gemm(false, false, b, h, h, 1f, rh, hOff, h, w, uOff + 2 * h, g, 0f, hp, gOff + 2 * h, g);
    }

    // Candidate, new state, masking and outputs.
    final boolean returnSequences = config.returnSequences();
    for (int i = 0; i < b; i++) {
      int row = gOff + i * g;
      int xRow = (tau * b + i) * g;
      int hRow = hOff + i * h;
      int nextOff = hRow + b * h;
      boolean real = stepMask == null || stepMask[i * t + tau];
      int outOff = returnSequences ? i * t * h + s * h : i * h;
      for (int j = 0; j < h; j++) {
        float recurrentH = hp[row + 2 * h + j];
        pre[row + 2 * h + j] = resetAfter ? xp[xRow + 2 * h + j] + gates[row + h + j] * recurrentH
            : xp[xRow + 2 * h + j] + recurrentH;
      }
      act.applyAll(pre, row + 2 * h, gates, row + 2 * h, h);
      for (int j = 0; j < h; j++) {
        float cand = gates[row + 2 * h + j];
        float z = gates[row + j];
        float prev = hPrev[hRow + j];
        float hNew = Math.fma(prev - cand, z, cand); // z prev + (1 - z) ĥ, as the fused kernel computes it
        hPrev[nextOff + j] = real ? hNew : prev;
        if (real) {
          out[outOff + j] = hNew;
        } else if (returnSequences && s > 0) {
          out[outOff + j] = out[outOff - h + j];
        }
      }
    }
  }

  /** The gates, new state and outputs of step s: three fused kernels over the batch, then masking. */
  private void stepRows(int s, int tau, int b, int t, int h) {
    final int g = 3 * h;
    final float[] rb = config.useBias() ? values() : null;
    final int rbo = config.useBias() ? offsetOf(BIAS) + g : 0;
    final int gOff = s * b * g;
    final int hOff = s * b * h;
    final int nextOff = hOff + b * h;
    kernels.gruGates(b, h, xp, tau * b * g, g, hp, gOff, g, rb, rbo, gates, gOff);
    kernels.gruCandidate(b, h, xp, tau * b * g, g, hp, gOff, g, rb, rbo, gates, gOff);
    kernels.gruState(b, h, gates, gOff, g, hPrev, hOff, h, hPrev, nextOff, h);
    final boolean returnSequences = config.returnSequences();
    for (int i = 0; i < b; i++) {
      int outOff = returnSequences ? i * t * h + s * h : i * h;
      if (stepMask == null || stepMask[i * t + tau]) {
        System.arraycopy(hPrev, nextOff + i * h, out, outOff, h);
      } else {
        System.arraycopy(hPrev, hOff + i * h, hPrev, nextOff + i * h, h);
        if (returnSequences && s > 0) {
          System.arraycopy(out, outOff - h, out, outOff, h);
        }
      }
    }
  }

  /** Backward through the gates of step s, one fused kernel call per real batch row. */
  private void backStepRows(int s, int tau, int b, int t, int h, float[] dOut) {
    final int g = 3 * h;
    final boolean returnSequences = config.returnSequences();
    for (int i = 0; i < b; i++) {
      int row = (s * b + i) * g;
      int xRow = (tau * b + i) * g;
      int k = i * h;
      int outOff = i * t * h + s * h;
      if (stepMask == null || stepMask[i * t + tau]) {
        kernels.gruBackwardRow(dH, dOutCarry, k, returnSequences ? dOut : null, outOff, gates, row,
            hPrev, (s * b + i) * h, hp, row, dXp, xRow, dHp, row, dHNext, h);
      } else {
        // A masked step passes its state gradient through and carries its output's gradient
        // back to the previous real step.
        if (returnSequences) {
          for (int j = 0; j < h; j++) {
            dOutCarry[k + j] += dOut[outOff + j];
          }
        }
        Arrays.fill(dXp, xRow, xRow + g, 0f);
        Arrays.fill(dHp, row, row + g, 0f);
        System.arraycopy(dH, k, dHNext, k, h);
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
    if (x == null) {
      throw new IllegalStateException(label() + " backward needs a forward pass first");
    }
    final int b = batch;
    final int t = steps;
    final int d = inputDim;
    final int h = config.units();
    final int g = 3 * h;
    final boolean returnSequences = config.returnSequences();
    final boolean resetAfter = config.resetAfter();
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
    Arrays.fill(dH, 0, b * h, 0f);
    if (gradState != null) {
      System.arraycopy(gradState.data(), 0, dH, 0, b * h);
    }
    Regularizer activity = config.activityRegularizer();
    if (activity != null) {
      dOutWork = ensure(dOutWork, outSize);
      System.arraycopy(dOut, 0, dOutWork, 0, outSize);
      activity.addGradient(out, 0, outSize, dOutWork, 0, 1.0 / b);
      dOut = dOutWork;
      if (config.returnState()) {
        activity.addGradient(finalState, 0, b * h, dH, 0, 1.0 / b);
      }
    }
    if (returnSequences) {
      Arrays.fill(dOutCarry, 0, b * h, 0f);
    } else {
      System.arraycopy(dOut, 0, dOutCarry, 0, b * h);
    }

    // Small layers copy Uᵀ [3H, H] once per batch: each step's dHp · Uᵀ then runs as a plain
    // (NN) GEMM, which OpenBLAS does ~25 % faster than the transposed form at 64 units; from
    // 256 units on both forms run alike and the copy would only cost.
    boolean copyUT = h <= TRANSPOSED_RECURRENT_MAX_UNITS;
    if (copyUT) {
      uT = ensure(uT, g * h);
      transposeMatrix(values(), offsetOf(RECURRENT), h, g, uT);
    }
    final float[] u = copyUT ? uT : values();
    final int uOff = copyUT ? 0 : offsetOf(RECURRENT);
    for (int s = t - 1; s >= 0; s--) {
      final int tau = config.goBackwards() ? t - 1 - s : s;
      final int gOff = s * b * g;
      final int hOff = s * b * h;
      if (kernels != null) {
        backStepRows(s, tau, b, t, h, dOut);
      } else {
        backStepGeneral(s, tau, b, t, h, dOut);
      }
      if (!resetAfter) {
        // d(rh) = dah · U_hᵀ; then dr = d(rh) ⊙ h̃_h and dh += d(rh) ⊙ r ⊙ mask_h.
        Blas.gemm(false, !copyUT, b, h, h, 1f, dHp, gOff + 2 * h, g, u, uOff + (copyUT ? 2 * h * h : 2 * h),
            copyUT ? h : g, 0f, dRh, 0, h);
        float[] recMask = recurrentMaskCount == 0 ? null : recurrentMasks[2];
        for (int i = 0; i < b; i++) {
          int row = gOff + i * g;
          int xRow = (tau * b + i) * g;
          int hRow = hOff + i * h;
          for (int j = 0; j < h; j++) {
            int k = i * h + j;
            float m = recMask == null ? 1f : recMask[k];
            float r = gates[row + h + j];
            float dar = dRh[k] * hPrev[hRow + j] * m * ract.derivative(pre[row + h + j], r);
            dXp[xRow + h + j] = dar;
            dHp[row + h + j] = dar;
            dHNext[k] += dRh[k] * r * m;
          }
        }
      }
      // dh += dHp_s · Uᵀ over the gates whose recurrent term uses h directly.
      int recurrentGates = resetAfter ? 3 : 2;
      if (recurrentMaskCount == 0) {
        Blas.gemm(false, !copyUT, b, h, recurrentGates * h, 1f, dHp, gOff, g, u, uOff, copyUT ? h : g, 1f, dHNext, 0, h);
      } else {
        for (int gate = 0; gate < recurrentGates; gate++) {
          Blas.gemm(false, !copyUT, b, h, h, 1f, dHp, gOff + gate * h, g, u, uOff + (copyUT ? gate * h * h : gate * h),
              copyUT ? h : g, 0f, stepTmp, 0, h);
          float[] m = recurrentMasks[gate];
          for (int k = 0; k < b * h; k++) {
            dHNext[k] += stepTmp[k] * m[k];
          }
        }
      }
      float[] swap = dH;
      dH = dHNext;
      dHNext = swap;
    }

    accumulateWeightGradients(b, t, d, h);
    Tensor dInput = inputGradient ? inputGradient(b, t, d, h) : null;
    return new InputGradients(dInput, Tensor.view(dH, null, b, h));
  }

  /** Backward through the gates of step s for any activations, element by element. */
  private void backStepGeneral(int s, int tau, int b, int t, int h, float[] dOut) {
    final int g = 3 * h;
    final int gOff = s * b * g;
    final int hOff = s * b * h;
    final boolean returnSequences = config.returnSequences();
    final boolean resetAfter = config.resetAfter();
    for (int i = 0; i < b; i++) {
      int row = gOff + i * g;
      int xRow = (tau * b + i) * g;
      int hRow = hOff + i * h;
      boolean real = stepMask == null || stepMask[i * t + tau];
      int outOff = i * t * h + s * h;
      for (int j = 0; j < h; j++) {
        int k = i * h + j;
        float dO = dOutCarry[k] + (returnSequences ? dOut[outOff + j] : 0f);
        float dNew;
        if (real) {
          dNew = dH[k] + dO;
          dOutCarry[k] = 0f;
        } else {
          dNew = 0f;
          dOutCarry[k] = dO;
        }
        float z = gates[row + j];
        float r = gates[row + h + j];
        float cand = gates[row + 2 * h + j];
        float prev = hPrev[hRow + j];
        float daz = dNew * (prev - cand) * ract.derivative(pre[row + j], z);
        float dah = dNew * (1f - z) * act.derivative(pre[row + 2 * h + j], cand);
        dXp[xRow + j] = daz;
        dHp[row + j] = daz;
        dXp[xRow + 2 * h + j] = dah;
        if (resetAfter) {
          float dar = dah * hp[row + 2 * h + j] * ract.derivative(pre[row + h + j], r);
          dXp[xRow + h + j] = dar;
          dHp[row + h + j] = dar;
          dHp[row + 2 * h + j] = dah * r;
        } else {
          dHp[row + 2 * h + j] = dah;
        }
        dHNext[k] = real ? dNew * z : dH[k];
      }
    }
  }

  private void accumulateWeightGradients(int b, int t, int d, int h) {
    final int g = 3 * h;
    final int n = b * t;
    float[] grad = gradients();
    int kOff = offsetOf(KERNEL);
    int uOff = offsetOf(RECURRENT);
    // Kernel: dW += x̃ᵀ · dXp.
    if (inputMaskCount == 3) {
      for (int gate = 0; gate < 3; gate++) {
        Blas.gemm(true, false, d, h, n, 1f, maskedInputs[gate], 0, d, dXp, gate * h, g, 1f, grad, kOff + gate * h, g);
      }
    } else {
      float[] xIn = inputMaskCount == 1 ? maskedInputs[0] : xT;
      Blas.gemm(true, false, d, g, n, 1f, xIn, 0, d, dXp, 0, g, 1f, grad, kOff, g);
    }
    // Recurrent kernel: dU += h̃ᵀ · dHp over all steps (and rhᵀ · dHp_h when reset comes first).
    boolean resetAfter = config.resetAfter();
    int directGates = resetAfter ? 3 : 2;
    if (recurrentMaskCount == 0) {
      Blas.gemm(true, false, h, directGates * h, n, 1f, hPrev, 0, h, dHp, 0, g, 1f, grad, uOff, g);
    } else {
      for (int gate = 0; gate < directGates; gate++) {
        float[] m = recurrentMasks[gate];
        for (int s = 0; s < t; s++) {
          for (int i = 0; i < b; i++) {
            int off = (s * b + i) * h;
            for (int j = 0; j < h; j++) {
              bigTmp[off + j] = hPrev[off + j] * m[i * h + j];
            }
          }
        }
        Blas.gemm(true, false, h, h, n, 1f, bigTmp, 0, h, dHp, gate * h, g, 1f, grad, uOff + gate * h, g);
      }
    }
    if (!resetAfter) {
      Blas.gemm(true, false, h, h, n, 1f, rh, 0, h, dHp, 2 * h, g, 1f, grad, uOff + 2 * h, g);
    }
    if (config.useBias()) {
      int bOff = offsetOf(BIAS);
      addColumnSums(dXp, n, g, grad, bOff);
      if (resetAfter) {
        addColumnSums(dHp, n, g, grad, bOff + g);
      }
    }
  }

  private Tensor inputGradient(int b, int t, int d, int h) {
    final int g = 3 * h;
    final int n = b * t;
    float[] w = values();
    int kOff = offsetOf(KERNEL);
    if (inputMaskCount == 3) {
      Arrays.fill(dXT, 0, n * d, 0f);
      for (int gate = 0; gate < 3; gate++) {
        Blas.gemm(false, true, n, d, h, 1f, dXp, gate * h, g, w, kOff + gate * h, g, 0f, bigTmp, 0, d);
        float[] m = inputMasks[gate];
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
      Blas.gemm(false, true, n, d, g, 1f, dXp, 0, g, w, kOff, g, 0f, dXT, 0, d);
      if (inputMaskCount == 1) {
        maskInputs(dXT, inputMasks[0], b, t, d);
      }
    }
    transpose(dXT, t, b, d, dX);
    return Tensor.view(dX, stepMask, b, t, d);
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

  /**
   * Sizes the buffers. Buffers whose column blocks are GEMM operands get one row of slack:
   * netlib's argument check wants offset + rows * ld to fit, past the last element touched.
   */
  private void allocate(int b, int t, int d, int h) {
    int g = 3 * h;
    xT = ensure(xT, b * t * d);
    xp = ensure(xp, b * t * g + g);
    hp = ensure(hp, b * t * g + g);
    if (kernels == null) {
      pre = ensure(pre, b * t * g);
    }
    gates = ensure(gates, b * t * g);
    hPrev = ensure(hPrev, (t + 1) * b * h);
    if (!config.resetAfter()) {
      rh = ensure(rh, b * t * h);
    }
    out = ensure(out, config.returnSequences() ? b * t * h : b * h);
    finalState = ensure(finalState, b * h);
    stepTmp = ensure(stepTmp, b * h);
    dXp = ensure(dXp, b * t * g + g);
    dHp = ensure(dHp, b * t * g + g);
    dH = ensure(dH, b * h);
    dHNext = ensure(dHNext, b * h);
    dOutCarry = ensure(dOutCarry, b * h);
    dRh = ensure(dRh, b * h);
    dXT = ensure(dXT, b * t * d);
    dX = ensure(dX, b * t * d);
  }

  private void drawMasks(boolean training, int b, int d, int h) {
    inputMaskCount = 0;
    recurrentMaskCount = 0;
    if (!training) {
      return;
    }
    boolean recurrentDrop = config.recurrentDropout() > 0;
    if (config.dropout() > 0) {
      inputMaskCount = recurrentDrop ? 3 : 1;
      for (int k = 0; k < inputMaskCount; k++) {
        inputMasks[k] = ensure(inputMasks[k], b * d);
        drawDropoutMask(inputMasks[k], b * d, config.dropout(), random);
        maskedInputs[k] = ensure(maskedInputs[k], b * steps * d);
      }
    }
    if (recurrentDrop) {
      recurrentMaskCount = 3;
      for (int k = 0; k < 3; k++) {
        recurrentMasks[k] = ensure(recurrentMasks[k], b * h);
        drawDropoutMask(recurrentMasks[k], b * h, config.recurrentDropout(), random);
      }
    }
    if (inputMaskCount == 3 || recurrentMaskCount == 3) {
      bigTmp = ensure(bigTmp, b * steps * Math.max(h, d));
    }
  }

  /** dst[t, b, :] = xT[t, b, :] ⊙ mask[b, :] (dst may be the input gradient dXT, masked in place). */
  private void maskInputs(float[] dst, float[] mask, int b, int t, int d) {
    float[] src = dst == dXT ? dXT : xT;
    for (int s = 0; s < t; s++) {
      for (int i = 0; i < b; i++) {
        int off = (s * b + i) * d;
        for (int j = 0; j < d; j++) {
          dst[off + j] = src[off + j] * mask[i * d + j];
        }
      }
    }
  }

  /** dst[i, :] = src[off + i * ld, :] ⊙ mask[i, :] for a [b, h] block. */
  private static void maskRows(float[] src, int off, int ld, float[] mask, float[] dst, int b, int h) {
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < h; j++) {
        dst[i * h + j] = src[off + i * ld + j] * mask[i * h + j];
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

  /** dst[j, i] = src[off + i * cols + j] for a row-major [rows, cols] matrix. */
  private static void transposeMatrix(float[] src, int off, int rows, int cols, float[] dst) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        dst[j * rows + i] = src[off + i * cols + j];
      }
    }
  }

  /** dst[dOff + j] += sum over rows of m[r, j] for m [rows, cols]: one GEMV with a vector of ones. */
  private void addColumnSums(float[] m, int rows, int cols, float[] dst, int dOff) {
    if (ones == null || ones.length < rows) {
      ones = new float[rows];
      Arrays.fill(ones, 1f);
    }
    Blas.gemv(true, rows, cols, 1f, m, 0, cols, ones, 0, 1f, dst, dOff);
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
