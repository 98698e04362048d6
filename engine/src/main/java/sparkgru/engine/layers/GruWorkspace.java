package sparkgru.engine.layers;

import static sparkgru.engine.linalg.Buffers.ensure;

/**
 * The arrays of one {@link GruLayer}'s last forward pass and of its backward pass, shared by the
 * layer (sequence loop, masking, dropout, projection GEMMs) and its {@link GruCell} (one step).
 *
 * <p>Buffers are time-major, {@code [steps, batch, ...]} row-major, so that one step's rows are
 * contiguous for its GEMM and its element-wise kernels. {@code s} is the processing step,
 * {@code tau} the input time index ({@code s} or {@code steps - 1 - s} under go_backwards);
 * blocks indexed by {@code tau} follow the input, blocks indexed by {@code s} the processing
 * order. B is the batch, T the steps, D the input features, H the units.
 *
 * <p>Every buffer is kept between calls and grows only when a larger batch or longer sequence
 * arrives, so a training loop allocates nothing per batch. The fields are package-private and
 * read directly: the hot loops take arrays with offsets, which the JIT compiles to plain loads.
 */
final class GruWorkspace {

  private final int units;
  private final boolean preActivations;
  private final boolean resetAfter;
  private final boolean returnSequences;

  /** The shape the buffers hold now, set by {@link #allocate}; steps is 0 before the first pass. */
  int batch;
  int steps;
  int features;

  // Dropout masks, drawn by the layer once per batch and reused at every step.
  /** Input masks in use: 0, 1 (one for all gates) or 3 (one per gate, z | r | h). */
  int inputMaskCount;
  /** Recurrent masks in use: 0 or 3 (one per gate, z | r | h). */
  int recurrentMaskCount;
  final float[][] inputMasks = new float[3][];     // [B, D] each, scaled by 1/(1-rate)
  final float[][] recurrentMasks = new float[3][]; // [B, H] each, scaled by 1/(1-rate)
  final float[][] maskedInputs = new float[3][];   // [T, B, D] the input times each input mask

  // Forward.
  float[] xT;         // [T, B, D] the input
  float[] xp;         // [T, B, 3H] input projections (+ input bias), input order
  float[] hp;         // [T, B, 3H] recurrent projections (+ recurrent bias), processing order
  float[] pre;        // [T, B, 3H] gate pre-activations z | r | h (scalar cell only)
  float[] gates;      // [T, B, 3H] z | r | ĥ
  float[] hPrev;      // [T + 1, B, H] state before step s; block T is the final state
  float[] rh;         // [T, B, H] r ⊙ h (⊙ recurrent mask), reset_after = false only
  float[] out;        // [B, T, H] or [B, H], the layer's output layout
  float[] finalState; // [B, H]
  float[] stepTmp;    // [B, H]

  // Backward.
  /** The output gradient of the backward pass under way: the caller's array, or {@link #dOutWork}. */
  float[] dOut;
  float[] dOutWork;   // activity-regularised copy of the output gradient
  float[] dXp;        // [T, B, 3H] input order
  float[] dHp;        // [T, B, 3H] processing order
  float[] dH;         // [B, H] dLoss/d(state after step s)
  float[] dHNext;     // [B, H] dLoss/d(state before step s), accumulated by the step
  float[] dOutCarry;  // [B, H] output gradient of masked steps, carried to the previous real step
  float[] dRh;        // [B, H]
  float[] dXT;        // [T, B, D]
  float[] dX;         // [B, T, D]
  float[] bigTmp;     // [T, B, max(H, D)]
  float[] ones;       // [B * T] of 1, for bias gradients as column sums
  float[] uT;         // [3H, H] the recurrent kernel transposed

  /**
   * Buffers for a layer with this configuration; {@code preActivations} keeps the gate
   * pre-activations (the scalar cell's backward pass needs them, the fused one works from the
   * gates alone).
   */
  GruWorkspace(GruConfig config, boolean preActivations) {
    this.units = config.units();
    this.preActivations = preActivations;
    this.resetAfter = config.resetAfter();
    this.returnSequences = config.returnSequences();
  }

  /**
   * Sizes the buffers for a batch of {@code b} sequences of {@code t} steps with {@code d}
   * features. Buffers whose column blocks are GEMM operands get one row of slack: netlib's
   * argument check wants offset + rows * ld to fit, past the last element touched.
   */
  void allocate(int b, int t, int d) {
    batch = b;
    steps = t;
    features = d;
    int h = units;
    int g = 3 * h;
    xT = ensure(xT, b * t * d);
    xp = ensure(xp, b * t * g + g);
    hp = ensure(hp, b * t * g + g);
    if (preActivations) {
      pre = ensure(pre, b * t * g);
    }
    gates = ensure(gates, b * t * g);
    hPrev = ensure(hPrev, (t + 1) * b * h);
    if (!resetAfter) {
      rh = ensure(rh, b * t * h);
    }
    out = ensure(out, returnSequences ? b * t * h : b * h);
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

  /**
   * Sizes the dropout masks of the current shape: {@code inputCount} input masks and
   * {@code recurrentCount} recurrent masks; their values are the caller's to draw.
   */
  void allocateMasks(int inputCount, int recurrentCount) {
    inputMaskCount = inputCount;
    recurrentMaskCount = recurrentCount;
    int b = batch;
    int d = features;
    int h = units;
    for (int k = 0; k < inputCount; k++) {
      inputMasks[k] = ensure(inputMasks[k], b * d);
      maskedInputs[k] = ensure(maskedInputs[k], b * steps * d);
    }
    for (int k = 0; k < recurrentCount; k++) {
      recurrentMasks[k] = ensure(recurrentMasks[k], b * h);
    }
    if (inputCount == 3 || recurrentCount == 3) {
      bigTmp = ensure(bigTmp, b * steps * Math.max(h, d));
    }
  }

  /** After a backward step: the gradient it accumulated becomes the next step's incoming one. */
  void swapStateGradients() {
    float[] swap = dH;
    dH = dHNext;
    dHNext = swap;
  }
}
