package sparkgru.engine.linalg;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import sparkgru.engine.optim.Adam;

/**
 * Deterministic inputs for every fused kernel of {@link VectorKernels}, the kernels run on them,
 * and a {@code main} that writes the outputs' bits to a file: {@link VectorKernelsTest} compares
 * those files across JVMs (interpreted and compiled, several vector widths).
 *
 * <p>The GRU arrays follow {@code GruCell}'s layout for b rows of h units, row-major: {@code xp},
 * {@code hp}, {@code gates}, {@code dXp} and {@code dHp} are {@code [b, 3h]} with the gate blocks
 * z | r | h, {@code rb} is {@code [3h]}, the rest {@code [b, h]}.
 */
final class KernelCases {
  /** Batch rows and units of the GRU cases: 2h = 74 and h = 37 leave a scalar tail at 4, 8 and 16 lanes. */
  static final int ROWS = 3;
  static final int UNITS = 37;
  /** Batch rows of the forked JVMs' GRU step. */
  static final int FORKED_ROWS = 32;
  /**
   * Length of the forked JVMs' activation and Adam cases, a tail at 4, 8 and 16 lanes: enough
   * values that the API's own EXP, whose C2 intrinsic and Java fallback disagree in about one
   * value in a few hundred, would show.
   */
  static final int LENGTH = 4099;

  /** Values where the activations saturate, change branch (tanh at 0.5) or round to subnormals. */
  private static final float[] EDGES = {0f, -0f, 0.5f, -0.5f, Math.nextDown(0.5f), 9f, -9f, 17f, -17f, 20f,
      -88f, 88f, 100f, -100f, 1e30f, -1e30f, Float.MIN_VALUE, -Float.MIN_NORMAL};

  private KernelCases() {}

  /** The fused GRU kernels, each run over all rows of a {@link Step}, in place. */
  enum GruKernel {
    GATES {
      @Override void run(VectorKernels k, Step s) {
        k.gruGates(s.b, s.h, s.xp, 0, 3 * s.h, s.hp, 0, 3 * s.h, s.rb, 0, s.gates, 0);
      }
    },
    CANDIDATE {
      @Override void run(VectorKernels k, Step s) {
        k.gruCandidate(s.b, s.h, s.xp, 0, 3 * s.h, s.hp, 0, 3 * s.h, s.rb, 0, s.gates, 0);
      }
    },
    STATE {
      @Override void run(VectorKernels k, Step s) {
        k.gruState(s.b, s.h, s.gates, 0, 3 * s.h, s.prev, 0, s.h, s.next, 0, s.h);
      }
    },
    BACKWARD_ROW {
      @Override void run(VectorKernels k, Step s) {
        int g = 3 * s.h;
        for (int i = 0; i < s.b; i++) {
          k.gruBackwardRow(s.dH, s.carry, i * s.h, s.dOut, i * s.h, s.gates, i * g, s.prev, i * s.h, s.hp, i * g,
              s.dXp, i * g, s.dHp, i * g, s.dHNext, s.h);
        }
      }
    };

    abstract void run(VectorKernels k, Step s);
  }

  /** The arrays of one GRU step, inputs and outputs of every {@link GruKernel}. */
  static final class Step {
    static final String[] NAMES = {"xp", "hp", "rb", "gates", "prev", "next", "dH", "carry", "dOut", "dXp", "dHp",
        "dHNext"};
    final int b;
    final int h;
    final float[] xp;
    final float[] hp;
    final float[] rb;
    final float[] gates;
    final float[] prev;
    final float[] next;
    final float[] dH;
    final float[] carry;
    final float[] dOut;
    final float[] dXp;
    final float[] dHp;
    final float[] dHNext;

    private Step(int b, int h, float[][] a) {
      this.b = b;
      this.h = h;
      xp = a[0];
      hp = a[1];
      rb = a[2];
      gates = a[3];
      prev = a[4];
      next = a[5];
      dH = a[6];
      carry = a[7];
      dOut = a[8];
      dXp = a[9];
      dHp = a[10];
      dHNext = a[11];
    }

    /** The length of array k for b rows of h units: {@code [3h]} for rb, {@code [b, 3h]} or {@code [b, h]}. */
    static int length(int k, int b, int h) {
      return k == 2 ? 3 * h : switch (NAMES[k]) {
        case "xp", "hp", "gates", "dXp", "dHp" -> 3 * b * h;
        default -> b * h;
      };
    }

    /** The arrays in the order of {@link #NAMES}. */
    float[][] arrays() {
      return new float[][] {xp, hp, rb, gates, prev, next, dH, carry, dOut, dXp, dHp, dHNext};
    }

    /**
     * Random pre-activations and gradients from {@link #value}; gates z and r are sigmoids and the
     * candidate a tanh of such values (in double), so they reach 0, 1 and ±1 exactly.
     */
    static Step random(int b, int h, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      float[][] a = new float[NAMES.length][];
      for (int k = 0; k < NAMES.length; k++) {
        a[k] = new float[length(k, b, h)];
        for (int i = 0; i < a[k].length; i++) {
          a[k][i] = value(r);
        }
      }
      float[] gates = a[3];
      for (int i = 0; i < gates.length; i++) {
        double x = gates[i];
        gates[i] = (float) (i % (3 * h) < 2 * h ? 1 / (1 + Math.exp(-x)) : Math.tanh(x));
      }
      return new Step(b, h, a);
    }

    Step copy() {
      float[][] a = arrays();
      for (int k = 0; k < a.length; k++) {
        a[k] = a[k].clone();
      }
      return new Step(b, h, a);
    }

    /** Column j of row i alone: a step of one row and one unit, which every kernel computes in its scalar tail. */
    Step column(int i, int j) {
      float[][] a = arrays();
      float[][] c = new float[a.length][];
      for (int k = 0; k < a.length; k++) {
        c[k] = new float[length(k, 1, 1)];
        for (int p = 0; p < c[k].length; p++) {
          c[k][p] = a[k][index(k, i, j, p)];
        }
      }
      return new Step(1, 1, c);
    }

    /** Where element p of array k of {@code column(i, j)} sits in this step. */
    int index(int k, int i, int j, int p) {
      int row = k == 2 ? 0 : i * length(k, 1, h);
      return row + p * h + j;
    }
  }

  /**
   * A pre-activation or gradient: magnitudes from 1e-6 to 1e3, both signs, and one value in eight
   * taken from {@link #EDGES}.
   */
  static float value(SplittableRandom r) {
    if (r.nextInt(8) == 0) {
      return EDGES[r.nextInt(EDGES.length)];
    }
    float magnitude = (float) Math.pow(10, -6 + 9 * r.nextDouble());
    return r.nextBoolean() ? magnitude : -magnitude;
  }

  /** The inputs of every kernel, made once. */
  static final class Inputs {
    final Step step = Step.random(FORKED_ROWS, UNITS, 11);
    final float[] x = new float[LENGTH];
    final float[][] grads = new float[3][LENGTH];
    final float[] weights = new float[LENGTH];

    Inputs() {
      SplittableRandom r = new SplittableRandom(12);
      for (int i = 0; i < LENGTH; i++) {
        x[i] = value(r);
        weights[i] = value(r);
        for (float[] g : grads) {
          g[i] = value(r);
        }
      }
    }
  }

  /**
   * Every kernel's outputs, by name, from {@link VectorKernels#VECTOR}: each GRU kernel on a fresh copy of the step (all its arrays
   * afterwards), sigmoid and tanh, and three steps of {@link Adam} (Keras' defaults at rate 0.001),
   * whose kernel updates the whole vectors and its own loop the rest, with its moments.
   */
  static Map<String, float[]> outputs(Inputs in) {
    VectorKernels k = VectorKernels.VECTOR;
    Map<String, float[]> out = new LinkedHashMap<>();
    for (GruKernel kernel : GruKernel.values()) {
      Step s = in.step.copy();
      kernel.run(k, s);
      float[][] a = s.arrays();
      for (int i = 0; i < a.length; i++) {
        out.put(kernel + "." + Step.NAMES[i], a[i]);
      }
    }
    float[] y = new float[LENGTH];
    k.sigmoid(in.x, 0, y, 0, LENGTH);
    out.put("sigmoid", y);
    y = new float[LENGTH];
    k.tanh(in.x, 0, y, 0, LENGTH);
    out.put("tanh", y);
    float[] w = in.weights.clone();
    Adam adam = new Adam(0.001);
    for (float[] g : in.grads) {
      adam.apply(w, g.clone(), new int[] {0, LENGTH});
    }
    out.put("adam.w", w);
    out.put("adam.state", adam.state());
    return out;
  }

  /**
   * The float lanes of the Vector API's preferred species in this JVM, found by reflection: test
   * code that names the incubator module would not compile warning-free.
   */
  static int lanes() {
    try {
      Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
      return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the Vector API is not available: " + e, e);
    }
  }

  /** Writes the lane count and, for each output, its name, length and float bits. */
  static void write(int lanes, Map<String, float[]> outputs, OutputStream to) throws IOException {
    DataOutputStream d = new DataOutputStream(to);
    d.writeInt(lanes);
    d.writeInt(outputs.size());
    for (Map.Entry<String, float[]> e : outputs.entrySet()) {
      d.writeUTF(e.getKey());
      d.writeInt(e.getValue().length);
      for (float v : e.getValue()) {
        d.writeInt(Float.floatToRawIntBits(v));
      }
    }
    d.flush();
  }

  /**
   * Runs every kernel {@code args[1]} times on the same inputs (the warm-up that gets them
   * compiled), then once more, and writes that last run to the file {@code args[0]} with the
   * preferred species' lane count.
   */
  public static void main(String[] args) throws IOException {
    if (VectorKernels.VECTOR == null) {
      throw new IllegalStateException("the Vector API kernels did not load: run with --add-modules jdk.incubator.vector");
    }
    Inputs in = new Inputs();
    int warmUp = Integer.parseInt(args[1]);
    for (int i = 0; i < warmUp; i++) {
      outputs(in);
    }
    try (OutputStream o = Files.newOutputStream(Path.of(args[0]))) {
      write(lanes(), outputs(in), o);
    }
  }
}
