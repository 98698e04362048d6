package sparkgru.engine.linalg;

import java.util.logging.Logger;

/**
 * The element-wise kernels that dominate a GRU step, vectorised with the JDK's Vector API when
 * the JVM runs with {@code --add-modules jdk.incubator.vector} ({@code bin/spark-gru}, the tests
 * and the Spark executors do); {@link #VECTOR} is null otherwise and callers use their scalar
 * loops. Sigmoid and tanh are within 1e-6 relative of the exact values wherever the result is a
 * normal float (tested; below that, sigmoid's subnormal results, within Float.MIN_NORMAL). The
 * implementation lives in {@code src/main/vector}, compiled apart because javac's incubator
 * warning is only silenced by {@code -Xlint:none}; which one runs is logged once.
 *
 * <p>The GRU kernels fuse the element-wise work of one time step for Keras' default cell
 * (sigmoid gates, tanh candidate, {@code reset_after=true}), gate columns z | r | h, with exactly
 * the operation order of {@code GruCell}'s scalar loops, so that both give the same bits for
 * the vectorised lanes. Arguments are arrays with offsets and row strides, BLAS style. Each
 * forward kernel evaluates one activation: C2 stops inlining a method at about 18,000 IR nodes,
 * and a Vector API call left out of line boxes its vectors on the heap, many times slower; a
 * sigmoid or tanh with its loads fits, two do not.
 */
public interface VectorKernels {
  /** {@code dst[d + i] = sigmoid(src[s + i])} for {@code i < n}. */
  void sigmoid(float[] src, int s, float[] dst, int d, int n);

  /** {@code dst[d + i] = tanh(src[s + i])} for {@code i < n}. */
  void tanh(float[] src, int s, float[] dst, int d, int n);

  /**
   * The sigmoid gates z | r of one forward step, {@code reset_after=true}, for b batch rows: row i
   * of {@code xp}, {@code hp} and {@code gates} starts at its offset plus i times its stride
   * ({@code gates} shares {@code hp}'s); for {@code j < 2h} adds the recurrent bias {@code rb}
   * (null for none) into {@code hp} in place and sets {@code gates = σ(xp + hp)}.
   */
  void gruGates(int b, int h, float[] xp, int xo, int xs, float[] hp, int ho, int hs, float[] rb, int rbo,
      float[] gates, int go);

  /**
   * The candidate of one forward step after {@link #gruGates}, for b batch rows (offsets and
   * strides as there): for {@code j < h} adds the candidate's recurrent bias into {@code hp} and
   * sets {@code ĥ = tanh(xp_h + r hp_h)} into the gates' third block.
   */
  void gruCandidate(int b, int h, float[] xp, int xo, int xs, float[] hp, int ho, int hs, float[] rb, int rbo,
      float[] gates, int go);

  /**
   * The new state after {@link #gruCandidate}, for b batch rows with their own strides:
   * {@code next = z prev + (1 - z) ĥ}, {@code j < h}.
   */
  void gruState(int b, int h, float[] gates, int go, int gs, float[] prev, int po, int ps,
      float[] next, int no, int ns);

  /**
   * One row of a backward step, {@code reset_after=true}, for a real (unmasked) step, {@code j < h}:
   * {@code dNew = dH + (carry + dOut)} (dOut null for none) and the carry cleared, then the gate
   * pre-activation gradients into {@code dXp} (input order) and {@code dHp} (processing order,
   * the candidate's times r) and {@code dHNext = dNew z}. {@code hp} holds the recurrent
   * projections with their bias, as the forward row left them.
   */
  void gruBackwardRow(float[] dH, float[] carry, int k, float[] dOut, int oo, float[] gates, int go,
      float[] prev, int po, float[] hp, int ho, float[] dXp, int xo, float[] dHp, int ro, float[] dHNext, int h);

  /**
   * One Adam step over the first weights of n, as many as fill whole vectors, the moments m and
   * v in {@code state[0, n)} and {@code state[n, 2n)}: {@code m += (g - m) b1},
   * {@code v += (g² - v) b2}, {@code w -= m a / (sqrt(v) + eps)}, in this order of float
   * operations (the same bits as {@code Adam}'s scalar loop: every operation is correctly
   * rounded in both). Returns how many weights it updated; the caller does the rest.
   */
  int adam(float[] w, float[] g, float[] state, int n, float a, float b1, float b2, float eps);

  /** The vector kernels, or null when the Vector API is not available. */
  VectorKernels VECTOR = Loader.load();

  /** Loads the vector kernels by name, so that this class never links against the incubator module. */
  final class Loader {
    private Loader() {}

    static VectorKernels load() {
      Logger log = Logger.getLogger(VectorKernels.class.getName());
      try {
        VectorKernels k = (VectorKernels) Class.forName("sparkgru.engine.linalg.VectorApiKernels")
            .getDeclaredConstructor().newInstance();
        log.info("kernels: Vector API kernels loaded");
        return k;
      } catch (ReflectiveOperationException | LinkageError e) {
        log.info("kernels: scalar (run the JVM with --add-modules jdk.incubator.vector for vector kernels: "
            + e + ")");
        return null;
      }
    }
  }
}
