package sparkgru.engine.linalg;

import java.util.logging.Logger;

/**
 * Array kernels for the activations that dominate a GRU step (sigmoid and tanh), vectorised with
 * the JDK's Vector API when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * ({@code bin/spark-gru}, the tests and the Spark executors do), else the scalar loops of
 * {@link Activation}. Both are within 1e-6 relative of the exact values wherever the result is
 * a normal float (tested; below that, sigmoid's subnormal results, within Float.MIN_NORMAL). The
 * vector implementation lives in {@code src/main/vector}, compiled apart because javac's
 * incubator warning is only silenced by {@code -Xlint:none}; which one runs is logged once.
 */
interface FastActivations {
  /** {@code dst[d + i] = sigmoid(src[s + i])} for {@code i < n}. */
  void sigmoid(float[] src, int s, float[] dst, int d, int n);

  /** {@code dst[d + i] = tanh(src[s + i])} for {@code i < n}. */
  void tanh(float[] src, int s, float[] dst, int d, int n);

  /** The vector kernels, or null when the Vector API is not available. */
  FastActivations VECTOR = Loader.load();

  /** Loads the vector kernels by name, so that this class never links against the incubator module. */
  final class Loader {
    private Loader() {}

    static FastActivations load() {
      Logger log = Logger.getLogger(FastActivations.class.getName());
      try {
        FastActivations k = (FastActivations) Class.forName("sparkgru.engine.linalg.VectorActivations")
            .getDeclaredConstructor().newInstance();
        log.info("activations: Vector API kernels loaded");
        return k;
      } catch (ReflectiveOperationException | LinkageError e) {
        log.info("activations: scalar (run the JVM with --add-modules jdk.incubator.vector for vector kernels: "
            + e + ")");
        return null;
      }
    }
  }
}
