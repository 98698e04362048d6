package sparkgru.engine.layers;

import sparkgru.engine.linalg.Activation;
import sparkgru.engine.linalg.Blas;
import sparkgru.engine.linalg.Buffers;
import sparkgru.engine.linalg.VectorKernels;

/**
 * One GRU time step for a whole batch, forward and backward: Keras' cell.
 *
 * <p>With gate columns in Keras' order z | r | h, {@code σ} the recurrent activation, {@code φ}
 * the activation, {@code x̃} the input and {@code h̃} the previous state (each times its dropout
 * mask for that gate, when there is one):
 * <pre>
 *   z  = σ(x̃·W_z + b_z + h̃·U_z + b'_z)
 *   r  = σ(x̃·W_r + b_r + h̃·U_r + b'_r)
 *   ĥ  = φ(x̃·W_h + b_h + r ⊙ (h̃·U_h + b'_h))      reset_after = true  (bias [2, 3*units]: b; b')
 *   ĥ  = φ(x̃·W_h + b_h + (r ⊙ h̃)·U_h)             reset_after = false (bias [3*units]: b only)
 *   h' = z ⊙ h + (1 − z) ⊙ ĥ
 * </pre>
 * Weights ({@link Weights}): {@code kernel} W [input_dim, 3*units], {@code recurrent_kernel} U
 * [units, 3*units], {@code bias}, exactly Keras' shapes and layout, row-major.
 *
 * <p>The step reads and writes the {@link GruWorkspace}: for step {@code s} (processing order) of
 * input time {@code tau}, with B the batch and H the units, the rows {@code [B, 3H]} of block tau
 * of {@code xp} (the input projections x̃·W + b, computed for all steps at once by the layer),
 * block s of {@code hp} (h̃·U + b'), {@code pre} (pre-activations) and {@code gates} (z | r | ĥ),
 * and the rows {@code [B, H]} of block s of {@code hPrev} (the state before) and of {@code rh}
 * (r ⊙ h̃, reset_after = false). Forward writes the new state of every row into block s + 1 of
 * {@code hPrev}; masking (which rows keep their state) is the layer's. Backward turns the gradient
 * of the new state into the gate pre-activation gradients {@code dXp} (input order, for W and the
 * input) and {@code dHp} (processing order, for U) and the gradient of the previous state.
 *
 * <p>Two implementations give the same bits: Keras' default cell (sigmoid gates, tanh candidate,
 * reset_after = true) runs on the fused {@link VectorKernels} when the Vector API is present;
 * every other cell runs the scalar loops here, which evaluate the same float operations in the
 * same order. Each step runs one recurrent GEMM (two for reset_after = false, one per gate under
 * recurrent dropout).
 */
final class GruCell {

  /** Up to this many units backward steps multiply by a transposed copy of the recurrent kernel. */
  private static final int TRANSPOSED_RECURRENT_MAX_UNITS = 128;

  /**
   * Where a layer's weights lie in the model's flat array: the offsets of the kernel W, the
   * recurrent kernel U and the bias (-1 without bias; the recurrent bias b' follows b at
   * {@code bias + 3 * units} when reset_after = true).
   */
  record Weights(float[] values, int kernel, int recurrent, int bias) {}

  private final int units;
  private final Activation act;
  private final Activation ract;
  private final boolean resetAfter;
  private final boolean useBias;
  private final boolean returnSequences;
  /** The fused row kernels for Keras' default cell, or null for the scalar loops. */
  private final VectorKernels kernels;
  /** Whether backward steps multiply by the copy of Uᵀ that {@link #beginBackward} makes. */
  private final boolean transposedRecurrent;

  /** The cell of a layer with this configuration. */
  GruCell(GruConfig config) {
    this.units = config.units();
    this.act = config.activation();
    this.ract = config.recurrentActivation();
    this.resetAfter = config.resetAfter();
    this.useBias = config.useBias();
    this.returnSequences = config.returnSequences();
    this.kernels = act == Activation.TANH && ract == Activation.SIGMOID && resetAfter ? VectorKernels.VECTOR : null;
    // Small layers copy Uᵀ [3H, H] once per batch: each step's dHp · Uᵀ then runs as a plain
    // (NN) GEMM, which OpenBLAS does ~25 % faster than the transposed form at 64 units; from
    // 256 units on both forms run alike and the copy would only cost.
    this.transposedRecurrent = units <= TRANSPOSED_RECURRENT_MAX_UNITS;
  }

  /** Whether the fused kernels run this cell (then the workspace keeps no pre-activations). */
  boolean fused() {
    return kernels != null;
  }

  /**
   * Step s of input time tau, forward: the recurrent projections, the gates and the new state of
   * every batch row into block s + 1 of {@code hPrev}.
   */
  void forward(GruWorkspace ws, Weights w, int s, int tau) {
    final int b = ws.batch;
    final int h = units;
    final int g = 3 * h;
    final int hOff = s * b * h;      // hPrev/rh block of step s, rows of h
    final int gOff = s * b * g;      // hp/pre/gates block of step s, rows of g
    final float[] hPrev = ws.hPrev;
    final float[] hp = ws.hp;
    final float[] v = w.values();

    // Recurrent projections: hp_s = h̃ · U (+ recurrent bias); the candidate column block waits
    // for r when the reset gate comes first.
    int recurrentGates = resetAfter ? 3 : 2;
    if (ws.recurrentMaskCount == 0) {
      Blas.gemm(false, false, b, recurrentGates * h, h, 1f, hPrev, hOff, h, v, w.recurrent(), g, 0f, hp, gOff, g);
    } else {
      for (int gate = 0; gate < recurrentGates; gate++) {
        maskRows(hPrev, hOff, h, ws.recurrentMasks[gate], ws.stepTmp, b, h);
        Blas.gemm(false, false, b, h, h, 1f, ws.stepTmp, 0, h, v, w.recurrent() + gate * h, g, 0f,
            hp, gOff + gate * h, g);
      }
    }
    if (kernels != null) {
      forwardFused(ws, w, s, tau);
    } else {
      forwardScalar(ws, w, s, tau);
    }
  }

  /** The gates and new state of step s: three fused kernels over the batch. */
  private void forwardFused(GruWorkspace ws, Weights w, int s, int tau) {
    final int b = ws.batch;
    final int h = units;
    final int g = 3 * h;
    final float[] rb = useBias ? w.values() : null;
    final int rbo = useBias ? w.bias() + g : 0;
    final int gOff = s * b * g;
    final int hOff = s * b * h;
    kernels.gruGates(b, h, ws.xp, tau * b * g, g, ws.hp, gOff, g, rb, rbo, ws.gates, gOff);
    kernels.gruCandidate(b, h, ws.xp, tau * b * g, g, ws.hp, gOff, g, rb, rbo, ws.gates, gOff);
    kernels.gruState(b, h, ws.gates, gOff, g, ws.hPrev, hOff, h, ws.hPrev, hOff + b * h, h);
  }

  /** The gates and new state of step s for any activations, element by element. */
  private void forwardScalar(GruWorkspace ws, Weights w, int s, int tau) {
    final int b = ws.batch;
    final int h = units;
    final int g = 3 * h;
    final int hOff = s * b * h;
    final int gOff = s * b * g;
    final float[] xp = ws.xp;
    final float[] hp = ws.hp;
    final float[] pre = ws.pre;
    final float[] gates = ws.gates;
    final float[] hPrev = ws.hPrev;
    if (useBias && resetAfter) {
      final float[] v = w.values();
      int rb = w.bias() + g;
      for (int i = 0; i < b; i++) {
        int row = gOff + i * g;
        for (int j = 0; j < g; j++) {
          hp[row + j] += v[rb + j];
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
      final float[] rh = ws.rh;
      float[] recMask = ws.recurrentMaskCount == 0 ? null : ws.recurrentMasks[2];
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
      Blas.gemm(false, false, b, h, h, 1f, rh, hOff, h, w.values(), w.recurrent() + 2 * h, g, 0f, hp, gOff + 2 * h, g);
    }

    // Candidate and new state.
    for (int i = 0; i < b; i++) {
      int row = gOff + i * g;
      int xRow = (tau * b + i) * g;
      int hRow = hOff + i * h;
      int nextOff = hRow + b * h;
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
        hPrev[nextOff + j] = Math.fma(prev - cand, z, cand); // z prev + (1 - z) ĥ, as the fused kernel computes it
      }
    }
  }

  /** Before the backward steps of a batch: for small layers, copies Uᵀ into the workspace. */
  void beginBackward(GruWorkspace ws, Weights w) {
    if (transposedRecurrent) {
      int h = units;
      ws.uT = Buffers.ensure(ws.uT, 3 * h * h);
      transposeMatrix(w.values(), w.recurrent(), h, 3 * h, ws.uT);
    }
  }

  /**
   * Backward through the gates of batch row i at step s (input time tau), a real (unmasked)
   * step: {@code dNew = dH + dOutCarry + dOut} (the output's gradient, return_sequences only),
   * the carry cleared, the row's pre-activation gradients into {@code dXp} and {@code dHp}, and
   * {@code dHNext = dNew ⊙ z}, the part of the previous state's gradient through {@code z ⊙ h}.
   * For reset_after = false the reset gate's gradient waits for {@link #backwardRecurrent}.
   */
  void backwardRow(GruWorkspace ws, int s, int tau, int i) {
    final int b = ws.batch;
    final int h = units;
    final int g = 3 * h;
    final int row = (s * b + i) * g;
    final int xRow = (tau * b + i) * g;
    final int hRow = (s * b + i) * h;
    final int k = i * h;
    final int outOff = i * ws.steps * h + s * h;
    if (kernels != null) {
      kernels.gruBackwardRow(ws.dH, ws.dOutCarry, k, returnSequences ? ws.dOut : null, outOff, ws.gates, row,
          ws.hPrev, hRow, ws.hp, row, ws.dXp, xRow, ws.dHp, row, ws.dHNext, h);
    } else {
      backwardRowScalar(ws, row, xRow, hRow, k, outOff);
    }
  }

  /** {@link #backwardRow} for any activations, element by element. */
  private void backwardRowScalar(GruWorkspace ws, int row, int xRow, int hRow, int k0, int outOff) {
    final int h = units;
    final float[] dH = ws.dH;
    final float[] dOutCarry = ws.dOutCarry;
    final float[] dOut = ws.dOut;
    final float[] gates = ws.gates;
    final float[] pre = ws.pre;
    final float[] hPrev = ws.hPrev;
    final float[] hp = ws.hp;
    final float[] dXp = ws.dXp;
    final float[] dHp = ws.dHp;
    final float[] dHNext = ws.dHNext;
    for (int j = 0; j < h; j++) {
      int k = k0 + j;
      float dO = dOutCarry[k] + (returnSequences ? dOut[outOff + j] : 0f);
      float dNew = dH[k] + dO;
      dOutCarry[k] = 0f;
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
      dHNext[k] = dNew * z;
    }
  }

  /**
   * Completes backward step s (input time tau) once every row has its gate gradients: for
   * reset_after = false the reset gate's gradient through {@code (r ⊙ h̃)·U_h}, then
   * {@code dHNext += dHp_s · Uᵀ} (times the recurrent masks) over the gates whose recurrent term
   * multiplies h̃ directly.
   */
  void backwardRecurrent(GruWorkspace ws, Weights w, int s, int tau) {
    final int b = ws.batch;
    final int h = units;
    final int g = 3 * h;
    final int gOff = s * b * g;
    final int hOff = s * b * h;
    final boolean copyUT = transposedRecurrent;
    final float[] u = copyUT ? ws.uT : w.values();
    final int uOff = copyUT ? 0 : w.recurrent();
    final float[] dHp = ws.dHp;
    final float[] dHNext = ws.dHNext;
    if (!resetAfter) {
      // d(rh) = dah · U_hᵀ; then dr = d(rh) ⊙ h̃_h and dh += d(rh) ⊙ r ⊙ mask_h.
      final float[] dRh = ws.dRh;
      final float[] gates = ws.gates;
      final float[] pre = ws.pre;
      final float[] hPrev = ws.hPrev;
      final float[] dXp = ws.dXp;
      Blas.gemm(false, !copyUT, b, h, h, 1f, dHp, gOff + 2 * h, g, u, uOff + (copyUT ? 2 * h * h : 2 * h),
          copyUT ? h : g, 0f, dRh, 0, h);
      float[] recMask = ws.recurrentMaskCount == 0 ? null : ws.recurrentMasks[2];
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
    if (ws.recurrentMaskCount == 0) {
      Blas.gemm(false, !copyUT, b, h, recurrentGates * h, 1f, dHp, gOff, g, u, uOff, copyUT ? h : g, 1f, dHNext, 0, h);
    } else {
      final float[] stepTmp = ws.stepTmp;
      for (int gate = 0; gate < recurrentGates; gate++) {
        Blas.gemm(false, !copyUT, b, h, h, 1f, dHp, gOff + gate * h, g, u, uOff + (copyUT ? gate * h * h : gate * h),
            copyUT ? h : g, 0f, stepTmp, 0, h);
        float[] m = ws.recurrentMasks[gate];
        for (int k = 0; k < b * h; k++) {
          dHNext[k] += stepTmp[k] * m[k];
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

  /** dst[j, i] = src[off + i * cols + j] for a row-major [rows, cols] matrix. */
  private static void transposeMatrix(float[] src, int off, int rows, int cols, float[] dst) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        dst[j * rows + i] = src[off + i * cols + j];
      }
    }
  }
}
