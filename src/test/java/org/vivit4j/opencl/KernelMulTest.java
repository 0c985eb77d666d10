package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.DeviceMatrix;

/**
 * Kernels {@code mul} and {@code mul_trans_b} against their twins on awkward sizes, in both {@link
 * ProductKernels} forms on this machine's device (the tiled form is the GPUs'; CI has PoCL only).
 */
class KernelMulTest {
  private static final Map<ProductKernels, OpenClBackend> BY_FORM =
      new EnumMap<>(ProductKernels.class);

  @BeforeAll
  static void open() {
    for (ProductKernels form : ProductKernels.values()) {
      BY_FORM.put(form, new OpenClBackend(null, form));
    }
  }

  @AfterAll
  static void close() {
    BY_FORM.values().forEach(OpenClBackend::close);
    BY_FORM.clear();
  }

  @Test
  void eachBackendLaunchesTheFormItWasGiven() {
    for (ProductKernels form : ProductKernels.values()) {
      OpenClBackend backend = BY_FORM.get(form);
      assertEquals(form, backend.productKernels());
      assertTrue(
          backend.deviceName().endsWith("; " + form.label() + " products)"), backend.deviceName());
      backend.resetKernelStats();
      try (DeviceMatrix a = backend.upload(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
          DeviceMatrix b = backend.upload(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
          DeviceMatrix c = backend.mul(a, b);
          DeviceMatrix a2 = backend.upload(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
          DeviceMatrix p = backend.mulTransB(a, a2);
          DeviceMatrix g = backend.mulTransB(a, a)) {
        assertArrayEquals(new double[] {4, 5, 10, 11}, backend.download(c));
        assertArrayEquals(new double[] {14, 32, 32, 77}, backend.download(p));
        assertArrayEquals(new double[] {14, 32, 32, 77}, backend.download(g));
      }
      Map<String, KernelStats> stats = backend.kernelStats();
      assertEquals(1, stats.get(form.kernel("mul")).launches(), stats.keySet().toString());
      // a Gram of one buffer: gram_vector in the vector form, mul_trans_b in the tiled one
      boolean vector = form == ProductKernels.VECTOR;
      assertEquals(
          vector ? 1 : 2,
          stats.get(form.kernel("mul_trans_b")).launches(),
          stats.keySet().toString());
      assertEquals(vector, stats.containsKey("gram_vector"), stats.keySet().toString());
      String other =
          (form == ProductKernels.TILED ? ProductKernels.VECTOR : ProductKernels.TILED)
              .kernel("mul");
      assertFalse(stats.containsKey(other), other + " ran on the " + form.label() + " backend");
    }
  }

  /** One product size {@code c [m×n]} with inner dimension k. */
  record Size(int m, int k, int n) {
    @Override
    public String toString() {
      return "m=" + m + " k=" + k + " n=" + n;
    }
  }

  /**
   * 1, primes, tile multiples ± 1 (tile 64, k-slice 16; vector blocks 12 × 16 and 4 × 4), and one
   * moderately large case; each in both forms.
   */
  static Stream<Arguments> sizes() {
    return Stream.of(ProductKernels.values()).flatMap(f -> sizeList().map(s -> Arguments.of(s, f)));
  }

  private static Stream<Size> sizeList() {
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
        new Size(12, 16, 16),
        new Size(25, 31, 33),
        new Size(300, 257, 129));
  }

  @ParameterizedTest(name = "{0}, {1} products")
  @MethodSource("sizes")
  void mulMatchesTwin(Size s, ProductKernels form) {
    OpenClBackend backend = BY_FORM.get(form);
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
          "mul " + s + ", " + form.label());
      assertArrayEquals(a, backend.download(da), "mul must not modify a");
      assertArrayEquals(b, backend.download(db), "mul must not modify b");
    }
  }

  @ParameterizedTest(name = "{0}, {1} products")
  @MethodSource("sizes")
  void mulTransBMatchesTwin(Size s, ProductKernels form) {
    OpenClBackend backend = BY_FORM.get(form);
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
          "mul_trans_b " + s + ", " + form.label());
      assertArrayEquals(a, backend.download(da), "mul_trans_b must not modify a");
      assertArrayEquals(b, backend.download(db), "mul_trans_b must not modify b");
    }
  }

  @ParameterizedTest(name = "{0}, {1} products")
  @MethodSource("sizes")
  void gramOfSameBufferMatchesTwin(Size s, ProductKernels form) {
    OpenClBackend backend = BY_FORM.get(form);
    // B Bᵀ with the same buffer as both operands, the way the Gram contractions use it
    SplittableRandom rng = new SplittableRandom(31L * s.m() + s.k());
    double[] a = KernelTwins.randomFloats(rng, s.m() * s.k(), 1.0);
    try (DeviceMatrix da = backend.upload(a, s.m(), s.k());
        DeviceMatrix dg = backend.mulTransB(da, da)) {
      double[] g = backend.download(dg);
      if (form == ProductKernels.VECTOR) { // gram_vector writes each pair once, mirrored
        for (int i = 0; i < s.m(); i++) {
          for (int j = 0; j < i; j++) {
            assertEquals(g[i * s.m() + j], g[j * s.m() + i], "gram_vector (" + i + ", " + j + ")");
          }
        }
      }
      KernelAssertions.assertMatchesTwin(
          KernelTwins.mulTransB(a, a, s.m(), s.k(), s.m()),
          g,
          s.m(),
          KernelTolerances.dot(s.k()),
          "mul_trans_b(a, a) " + s + ", " + form.label());
    }
  }
}
