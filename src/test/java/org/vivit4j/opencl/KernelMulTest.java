package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.DeviceMatrix;

/** Kernels {@code mul} and {@code mul_trans_b} against their twins on awkward sizes. */
class KernelMulTest {
  private static OpenClBackend backend;

  @BeforeAll
  static void open() {
    backend = new OpenClBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** One product size {@code c [m×n]} with inner dimension k. */
  record Size(int m, int k, int n) {
    @Override
    public String toString() {
      return "m=" + m + " k=" + k + " n=" + n;
    }
  }

  /** 1, primes, tile multiples ± 1 (tile 64, k-slice 16), and one moderately large case. */
  static Stream<Size> sizes() {
    return Stream.of(
        new Size(1, 1, 1),
        new Size(1, 7, 1),
        new Size(7, 13, 37),
        new Size(13, 1, 7),
        new Size(37, 37, 37),
        new Size(64, 16, 64),
        new Size(65, 17, 129),
        new Size(129, 65, 1),
        new Size(1, 129, 65),
        new Size(63, 15, 65),
        new Size(300, 257, 129));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sizes")
  void mulMatchesTwin(Size s) {
    SplittableRandom rng = new SplittableRandom(1000L * s.m() + 10L * s.k() + s.n());
    double[] a = KernelTwins.randomFloats(rng, s.m() * s.k(), 1.0);
    double[] b = KernelTwins.randomFloats(rng, s.k() * s.n(), 1.0);
    try (DeviceMatrix da = backend.upload(a, s.m(), s.k());
        DeviceMatrix db = backend.upload(b, s.k(), s.n());
        DeviceMatrix dc = backend.mul(da, db)) {
      assertEquals(s.m(), dc.rows());
      assertEquals(s.n(), dc.cols());
      KernelAssertions.assertMatchesTwin(
          KernelTwins.mul(a, b, s.m(), s.k(), s.n()),
          backend.download(dc),
          s.n(),
          KernelTolerances.dot(s.k()),
          "mul " + s);
      assertArrayEquals(a, backend.download(da), "mul must not modify a");
      assertArrayEquals(b, backend.download(db), "mul must not modify b");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sizes")
  void mulTransBMatchesTwin(Size s) {
    SplittableRandom rng = new SplittableRandom(7000L * s.m() + 30L * s.k() + s.n());
    double[] a = KernelTwins.randomFloats(rng, s.m() * s.k(), 1.0);
    double[] b = KernelTwins.randomFloats(rng, s.n() * s.k(), 1.0);
    try (DeviceMatrix da = backend.upload(a, s.m(), s.k());
        DeviceMatrix db = backend.upload(b, s.n(), s.k());
        DeviceMatrix dc = backend.mulTransB(da, db)) {
      assertEquals(s.m(), dc.rows());
      assertEquals(s.n(), dc.cols());
      KernelAssertions.assertMatchesTwin(
          KernelTwins.mulTransB(a, b, s.m(), s.k(), s.n()),
          backend.download(dc),
          s.n(),
          KernelTolerances.dot(s.k()),
          "mul_trans_b " + s);
      assertArrayEquals(a, backend.download(da), "mul_trans_b must not modify a");
      assertArrayEquals(b, backend.download(db), "mul_trans_b must not modify b");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sizes")
  void gramOfSameBufferMatchesTwin(Size s) {
    // B Bᵀ with the same buffer as both operands, the way the Gram contractions use it
    SplittableRandom rng = new SplittableRandom(31L * s.m() + s.k());
    double[] a = KernelTwins.randomFloats(rng, s.m() * s.k(), 1.0);
    try (DeviceMatrix da = backend.upload(a, s.m(), s.k());
        DeviceMatrix dg = backend.mulTransB(da, da)) {
      double[] g = backend.download(dg);
      KernelAssertions.assertMatchesTwin(
          KernelTwins.mulTransB(a, a, s.m(), s.k(), s.m()),
          g,
          s.m(),
          KernelTolerances.dot(s.k()),
          "mul_trans_b(a, a) " + s);
    }
  }
}
