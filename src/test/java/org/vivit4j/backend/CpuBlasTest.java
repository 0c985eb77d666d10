package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BLAS products of {@link CpuBackend} against the plain loops (its twin) on awkward sizes, in
 * both precisions. The native BLAS is required: without it these tests fail with the loader's
 * message, they are never skipped.
 */
class CpuBlasTest {

  /** One product size {@code c [m×n]} with inner dimension k. */
  record Size(int m, int k, int n) {
    @Override
    public String toString() {
      return "m=" + m + " k=" + k + " n=" + n;
    }
  }

  /**
   * 1, primes, around BLAS block sizes, an empty inner dimension and Gram shapes; the small ones
   * run in the loops ({@link CpuBackend#BLAS_MIN_MULTIPLY_ADDS}), the degenerate shapes with a long
   * dimension reach BLAS.
   */
  static Stream<Size> sizes() {
    return Stream.of(
        new Size(1, 4099, 17),
        new Size(33, 1, 1031),
        new Size(1031, 37, 1),
        new Size(2, 20011, 1),
        new Size(1, 1, 1),
        new Size(1, 7, 1),
        new Size(7, 13, 37),
        new Size(13, 1, 7),
        new Size(37, 37, 37),
        new Size(4, 0, 5),
        new Size(65, 17, 129),
        new Size(129, 65, 1),
        new Size(1, 129, 65),
        new Size(257, 255, 97),
        new Size(300, 784, 40),
        new Size(509, 128, 509));
  }

  static Stream<Arguments> cases() {
    return sizes()
        .flatMap(s -> Stream.of(Precision.FLOAT64, Precision.FLOAT32).map(p -> Arguments.of(s, p)));
  }

  private static double[] random(SplittableRandom rng, int n, Precision p) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      double v = rng.nextDouble(-1, 1);
      a[i] = p == Precision.FLOAT32 ? (float) v : v;
    }
    return a;
  }

  /**
   * Both results are inner products of length k in some summation order, each within {@code γ_k Σ_p
   * |a_p b_p|} of the exact value (Higham §3.1), so they differ by at most twice that. A lost or
   * misplaced term changes an entry by about {@code Σ|products|/k}, far above the bound.
   */
  private static void assertClose(
      double[] plain, double[] blas, double[] absProducts, int k, Precision p, String what) {
    double u = p == Precision.FLOAT32 ? 0x1p-24 : 0x1p-53;
    double gamma = (k + 1) * u / (1 - (k + 1) * u);
    assertEquals(plain.length, blas.length, what);
    for (int i = 0; i < plain.length; i++) {
      double bound = 2 * gamma * absProducts[i];
      assertTrue(
          Math.abs(plain[i] - blas[i]) <= bound,
          what + ": entry " + i + " plain " + plain[i] + " blas " + blas[i] + " bound " + bound);
      if (p == Precision.FLOAT32) {
        assertEquals((double) (float) blas[i], blas[i], what + ": not a float32 value");
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void mulMatchesPlain(Size s, Precision p) {
    SplittableRandom rng = new SplittableRandom(31L * s.m() + 7L * s.k() + s.n());
    double[] a = random(rng, s.m() * s.k(), p);
    double[] b = random(rng, s.k() * s.n(), p);
    double[] abs = new double[s.m() * s.n()];
    for (int i = 0; i < s.m(); i++) {
      for (int j = 0; j < s.n(); j++) {
        for (int q = 0; q < s.k(); q++) {
          abs[i * s.n() + j] += Math.abs(a[i * s.k() + q] * b[q * s.n() + j]);
        }
      }
    }
    try (CpuBackend plain = new CpuBackend(p, Gemm.PLAIN);
        CpuBackend blas = new CpuBackend(p, Gemm.BLAS)) {
      double[] want =
          plain.download(plain.mul(plain.upload(a, s.m(), s.k()), plain.upload(b, s.k(), s.n())));
      DeviceMatrix da = blas.upload(a, s.m(), s.k());
      DeviceMatrix db = blas.upload(b, s.k(), s.n());
      DeviceMatrix dc = blas.mul(da, db);
      assertEquals(s.m(), dc.rows());
      assertEquals(s.n(), dc.cols());
      assertClose(want, blas.download(dc), abs, s.k(), p, "mul " + s);
      assertArrayEquals(a, blas.download(da), "mul must not modify a");
      assertArrayEquals(b, blas.download(db), "mul must not modify b");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void mulTransBMatchesPlain(Size s, Precision p) {
    SplittableRandom rng = new SplittableRandom(17L * s.m() + 3L * s.k() + s.n());
    double[] a = random(rng, s.m() * s.k(), p);
    double[] b = random(rng, s.n() * s.k(), p);
    double[] abs = new double[s.m() * s.n()];
    for (int i = 0; i < s.m(); i++) {
      for (int j = 0; j < s.n(); j++) {
        for (int q = 0; q < s.k(); q++) {
          abs[i * s.n() + j] += Math.abs(a[i * s.k() + q] * b[j * s.k() + q]);
        }
      }
    }
    try (CpuBackend plain = new CpuBackend(p, Gemm.PLAIN);
        CpuBackend blas = new CpuBackend(p, Gemm.BLAS)) {
      double[] want =
          plain.download(
              plain.mulTransB(plain.upload(a, s.m(), s.k()), plain.upload(b, s.n(), s.k())));
      DeviceMatrix da = blas.upload(a, s.m(), s.k());
      DeviceMatrix dc = blas.mulTransB(da, blas.upload(b, s.n(), s.k()));
      assertEquals(s.m(), dc.rows());
      assertEquals(s.n(), dc.cols());
      assertClose(want, blas.download(dc), abs, s.k(), p, "mulTransB " + s);
      assertArrayEquals(a, blas.download(da), "mulTransB must not modify a");
    }
  }

  /** {@code a·aᵀ} with the same matrix twice takes the {@code syrk} path: exactly symmetric. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void gramMatchesPlainAndIsSymmetric(Size s, Precision p) {
    SplittableRandom rng = new SplittableRandom(5L * s.m() + 11L * s.k());
    int m = s.m();
    int k = s.k();
    double[] a = random(rng, m * k, p);
    double[] abs = new double[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        for (int q = 0; q < k; q++) {
          abs[i * m + j] += Math.abs(a[i * k + q] * a[j * k + q]);
        }
      }
    }
    try (CpuBackend plain = new CpuBackend(p, Gemm.PLAIN);
        CpuBackend blas = new CpuBackend(p, Gemm.BLAS)) {
      DeviceMatrix pa = plain.upload(a, m, k);
      double[] want = plain.download(plain.mulTransB(pa, pa));
      DeviceMatrix da = blas.upload(a, m, k);
      double[] got = blas.download(blas.mulTransB(da, da));
      assertClose(want, got, abs, k, p, "gram " + s);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < i; j++) {
          assertEquals(
              got[i * m + j], got[j * m + i], "gram " + s + " not symmetric at " + i + "," + j);
        }
      }
      assertArrayEquals(a, blas.download(da), "gram must not modify a");
    }
  }

  @Test
  void deviceNameSaysWhichGemmRuns() {
    try (CpuBackend plain = new CpuBackend(Precision.FLOAT64, Gemm.PLAIN);
        CpuBackend blas = new CpuBackend(Precision.FLOAT32, Gemm.BLAS)) {
      assertTrue(plain.deviceName().contains("plain Java"), plain.deviceName());
      assertTrue(blas.deviceName().contains("BLAS"), blas.deviceName());
      assertTrue(blas.deviceName().contains("openblas"), blas.deviceName());
      assertEquals(Gemm.BLAS, blas.gemm());
    }
  }

  @Test
  void autoChoosesBlasWhereItLoads() {
    assertEquals(Gemm.BLAS, Gemm.fastestAvailable());
    try (Backend b = Backends.create("cpu", null, Precision.FLOAT64)) {
      assertTrue(b.deviceName().contains("BLAS"), b.deviceName());
    }
  }
}
