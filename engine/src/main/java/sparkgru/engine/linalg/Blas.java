package sparkgru.engine.linalg;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The one wrapper around {@code dev.ludovic.netlib} BLAS, in row-major terms.
 *
 * <p>Every matrix is a row-major block of a {@code float[]}: element (i, j) of a matrix that
 * starts at {@code off} with leading dimension {@code ld} is {@code a[off + i * ld + j]}. A
 * leading dimension larger than the column count selects a column block of a wider matrix, or
 * every T-th row of a {@code [batch, time, features]} tensor (ld = T * features), which is how
 * the GRU runs one GEMM per time step without copying.
 *
 * <p>The implementation is chosen once, when this class loads: native {@code JNIBLAS} (OpenBLAS
 * through {@code libblas.so.3}) when it loads, else netlib's pure-Java fallback. Which one loaded
 * is logged, and the fallback is logged as a warning because it is several times slower. Set the
 * environment variable {@value #REQUIRE_NATIVE_ENV}{@code =1} to fail instead of falling back.
 */
public final class Blas {

  /** Environment variable that turns a fallback to pure-Java BLAS into an error. */
  public static final String REQUIRE_NATIVE_ENV = "SPARKGRU_REQUIRE_NATIVE_BLAS";

  private static final Logger LOG = System.getLogger(Blas.class.getName());
  private static final dev.ludovic.netlib.blas.BLAS BLAS = load();

  private Blas() {}

  private static dev.ludovic.netlib.blas.BLAS load() {
    // netlib logs each implementation it fails to load (VectorBLAS fails without the incubator
    // module even when JNIBLAS then loads). Keep those records and show them only if we end up
    // on the Java fallback, where they explain why native loading failed.
    java.util.logging.Logger netlib = java.util.logging.Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
    List<LogRecord> failures = new ArrayList<>();
    Handler capture = new Handler() {
      @Override public void publish(LogRecord r) { failures.add(r); }
      @Override public void flush() { }
      @Override public void close() { }
    };
    boolean useParent = netlib.getUseParentHandlers();
    netlib.setUseParentHandlers(false);
    netlib.addHandler(capture);
    dev.ludovic.netlib.blas.BLAS blas;
    try {
      blas = dev.ludovic.netlib.blas.BLAS.getInstance();
    } finally {
      netlib.removeHandler(capture);
      netlib.setUseParentHandlers(useParent);
    }
    String name = blas.getClass().getSimpleName();
    if (blas instanceof dev.ludovic.netlib.blas.NativeBLAS) {
      LOG.log(Level.INFO, "BLAS: native implementation " + name + " loaded");
      return blas;
    }
    StringBuilder causes = new StringBuilder();
    for (LogRecord r : failures) {
      causes.append("\n  ").append(r.getMessage());
      if (r.getThrown() != null) {
        causes.append(": ").append(r.getThrown());
      }
    }
    String message = "BLAS: native BLAS did not load, using the pure-Java " + name
        + " (several times slower). Install OpenBLAS (Debian/Ubuntu: apt-get install -y libopenblas0-pthread) and "
        + "keep net.sourceforge.f2j:arpack_combined_all on the class path." + causes;
    if ("1".equals(System.getenv(REQUIRE_NATIVE_ENV))) {
      throw new IllegalStateException(message + "\n(" + REQUIRE_NATIVE_ENV + "=1 forbids the fallback)");
    }
    LOG.log(Level.WARNING, message);
    return blas;
  }

  /** Simple class name of the loaded implementation, e.g. {@code JNIBLAS} or {@code VectorBLAS}. */
  public static String implementationName() {
    return BLAS.getClass().getSimpleName();
  }

  /** Whether the native (JNI) implementation loaded. */
  public static boolean isNative() {
    return BLAS instanceof dev.ludovic.netlib.blas.NativeBLAS;
  }

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C} with {@code op(A)} of shape [m, k], {@code op(B)}
   * of shape [k, n] and C of shape [m, n], all row-major. {@code op(X)} is X or its transpose.
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T over the same memory.
    BLAS.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
        b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }

  /**
   * {@code y = alpha * op(A) * x + beta * y} with A row-major [m, n] (leading dimension lda),
   * {@code op(A)} A or its transpose, x and y contiguous.
   */
  public static void gemv(boolean transA, int m, int n, float alpha, float[] a, int aOff, int lda,
      float[] x, int xOff, float beta, float[] y, int yOff) {
    if (m == 0 || n == 0) {
      return;
    }
    // Row-major A [m, n] is column-major A^T [n, m] over the same memory.
    BLAS.sgemv(transA ? "N" : "T", n, m, alpha, a, aOff, lda, x, xOff, 1, beta, y, yOff, 1);
  }
}
