package org.vivit4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link HostProducts} against naive float64 twins, {@code c = α·op(a)·op(b) + β·c}, on sizes that
 * run in the loops (below {@link HostProducts#BLAS_MIN_MULTIPLY_ADDS}) and through BLAS.
 */
class HostProductsTest {

  private static double[] random(SplittableRandom rnd, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextDouble(-1, 1);
    }
    return x;
  }

  /** Error bound of a length-k inner product, {@code γ_k Σ|terms|} (Higham §3.1), and β·c. */
  private static void assertClose(double want, double got, double abs, int k, String what) {
    double gamma = (k + 2) * 0x1p-53 / (1 - (k + 2) * 0x1p-53);
    assertEquals(want, got, 2 * gamma * abs + 1e-300, what);
  }

  @ParameterizedTest(name = "m={0} k={1} n={2}")
  @CsvSource({"1,1,1", "3,5,7", "17,31,13", "64,64,64", "129,257,65", "1,4099,17"})
  void productsMatchTwins(int m, int k, int n) {
    SplittableRandom rnd = new SplittableRandom(m * 7919L + k * 31L + n);
    double alpha = 0.75;
    double beta = -0.5;
    double[] a = random(rnd, m * k);
    double[] at = new double[k * m];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        at[p * m + i] = a[i * k + p];
      }
    }
    double[] b = random(rnd, k * n);
    double[] bt = new double[n * k];
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < n; j++) {
        bt[j * k + p] = b[p * n + j];
      }
    }
    double[] c0 = random(rnd, m * n);
    double[] c1 = c0.clone();
    double[] c2 = c0.clone();
    double[] c3 = c0.clone();
    // the offset form writes only its slice of a longer array
    int off = 3;
    double[] c4 = new double[off + m * n + 2];
    java.util.Arrays.fill(c4, 42.0);
    System.arraycopy(c0, 0, c4, off, m * n);
    HostProducts.mulTransA(alpha, at, b, beta, c4, off, m, k, n);
    assertEquals(42.0, c4[off - 1]);
    assertEquals(42.0, c4[off + m * n]);
    HostProducts.mul(alpha, a, b, beta, c1, m, k, n);
    HostProducts.mulTransA(alpha, at, b, beta, c2, m, k, n);
    HostProducts.mulTransB(alpha, a, bt, beta, c3, m, k, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double abs = Math.abs(beta * c0[i * n + j]);
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
          abs += Math.abs(alpha * a[i * k + p] * b[p * n + j]);
        }
        double want = alpha * s + beta * c0[i * n + j];
        assertClose(want, c1[i * n + j], abs, k, "mul " + i + "," + j);
        assertClose(want, c2[i * n + j], abs, k, "mulTransA " + i + "," + j);
        assertClose(want, c3[i * n + j], abs, k, "mulTransB " + i + "," + j);
        assertClose(want, c4[off + i * n + j], abs, k, "mulTransA at an offset " + i + "," + j);
      }
    }
  }
}
