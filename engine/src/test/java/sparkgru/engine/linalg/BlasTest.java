package sparkgru.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The BLAS wrapper: which implementation loaded, and row-major GEMM with offsets and strides. */
class BlasTest {

  /** Where Debian and Ubuntu put the libblas.so.3 that netlib's JNIBLAS loads. */
  static boolean systemBlasInstalled() {
    return Stream.of("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3",
        "/usr/lib64/libblas.so.3", "/usr/lib/libblas.so.3").anyMatch(p -> Files.exists(Path.of(p)));
  }

  @Test
  void nativeBlasLoadsWhenTheSystemLibraryIsPresent() {
    if (systemBlasInstalled() || "1".equals(System.getenv(Blas.REQUIRE_NATIVE_ENV))) {
      assertTrue(Blas.isNative(), "libblas.so.3 is installed but netlib loaded " + Blas.implementationName()
          + "; is net.sourceforge.f2j:arpack_combined_all on the class path?");
      assertEquals("JNIBLAS", Blas.implementationName());
    } else {
      assertTrue(!Blas.implementationName().isEmpty());
    }
  }

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void gemmMatchesTheDefinitionWithOffsetsAndLeadingDimensions(boolean transA, boolean transB) {
    int m = 5;
    int n = 7;
    int k = 3;
    SplittableRandom random = new SplittableRandom(1);
    // A is stored as [m, k] (or [k, m] when transposed) inside a wider matrix, at an offset.
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int lda = aCols + 2;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    int ldb = bCols + 1;
    int ldc = n + 3;
    float[] a = random(random, 4 + aRows * lda);
    float[] b = random(random, 2 + bRows * ldb);
    float[] c = random(random, 1 + m * ldc);
    float[] c0 = c.clone();
    Blas.gemm(transA, transB, m, n, k, 0.5f, a, 4, lda, b, 2, ldb, 2f, c, 1, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[4 + p * lda + i] : a[4 + i * lda + p];
          float bv = transB ? b[2 + j * ldb + p] : b[2 + p * ldb + j];
          sum += (double) av * bv;
        }
        double expected = 0.5 * sum + 2 * c0[1 + i * ldc + j];
        assertEquals(expected, c[1 + i * ldc + j], 1e-5, "C[" + i + "," + j + "]");
      }
      for (int j = n; j < ldc && 1 + i * ldc + j < c.length; j++) {
        assertEquals(c0[1 + i * ldc + j], c[1 + i * ldc + j], 0f, "padding columns are untouched");
      }
    }
  }

  private static float[] random(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextDouble() - 0.5);
    }
    return v;
  }
}
