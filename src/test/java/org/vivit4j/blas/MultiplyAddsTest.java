package org.vivit4j.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.bench.BenchCase;
import org.vivit4j.bench.BenchConfig;
import org.vivit4j.bench.EndToEndBench;
import org.vivit4j.linalg.HostProducts;

/**
 * The count behind a bench run's achieved GFLOP/s: every product of the CPU backend (BLAS or Java
 * loops, both dtypes) and of the host linear algebra adds exactly its multiply-adds, a Gram on
 * {@code ?syrk} its triangle's.
 */
class MultiplyAddsTest {

  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble(-1, 1);
    }
    return x;
  }

  @ParameterizedTest
  @CsvSource({"BLAS, FLOAT64", "BLAS, FLOAT32", "PLAIN, FLOAT64", "PLAIN, FLOAT32"})
  void everyBackendProductAddsItsMultiplyAdds(Gemm gemm, Precision precision) throws Exception {
    // awkward sizes, above the BLAS backend's smallest BLAS call
    int m = 37;
    int k = 53;
    int n = 41;
    try (Backend b = BenchConfig.cpu(gemm, precision).open();
        DeviceMatrix a = b.upload(random(m * k, 1), m, k);
        DeviceMatrix c = b.upload(random(k * n, 2), k, n);
        DeviceMatrix d = b.upload(random(n * k, 3), n, k)) {
      long before = MultiplyAdds.total();
      b.mul(a, c).close();
      assertEquals((long) m * k * n, MultiplyAdds.total() - before, "a·c");

      before = MultiplyAdds.total();
      b.mulTransB(a, d).close();
      assertEquals((long) m * k * n, MultiplyAdds.total() - before, "a·dᵀ");

      // a·aᵀ: BLAS computes one triangle (syrk), the loops the whole square
      before = MultiplyAdds.total();
      b.mulTransB(a, a).close();
      long gram = gemm == Gemm.BLAS ? (long) m * (m + 1) / 2 * k : (long) m * k * m;
      assertEquals(gram, MultiplyAdds.total() - before, "a·aᵀ");
    }
  }

  @Test
  void hostProductsAddTheirMultiplyAdds() {
    long before = MultiplyAdds.total();
    HostProducts.mul(1, random(7 * 9, 4), random(9 * 5, 5), 0, new double[7 * 5], 7, 9, 5);
    HostProducts.mulTransA(1, random(9 * 7, 6), random(9 * 5, 7), 0, new double[7 * 5], 7, 9, 5);
    HostProducts.mulTransB(1, random(7 * 9, 8), random(5 * 9, 9), 0, new double[7 * 5], 7, 9, 5);
    assertEquals(3L * 7 * 9 * 5, MultiplyAdds.total() - before);
  }

  /** A bench timing's count is one run's, the same for every run of the case. */
  @Test
  void aTimingCountsOneRunsProducts() throws Exception {
    BenchCase c = BenchCase.mlp784(16);
    try (Backend b = BenchConfig.cpu(Gemm.BLAS, Precision.FLOAT64).open()) {
      ComputationOptions o = ComputationOptions.defaults();
      EndToEndBench.Timing one =
          EndToEndBench.time(c, BenchConfig.cpu(Gemm.BLAS, Precision.FLOAT64), b, o, 1, 0, 1, "x");
      EndToEndBench.Timing three =
          EndToEndBench.time(c, BenchConfig.cpu(Gemm.BLAS, Precision.FLOAT64), b, o, 1, 0, 3, "x");
      // the forward alone multiplies 16 samples by the first layer's 784 × 128 weights
      assertTrue(one.multiplyAdds() > 16L * 784 * 128, Long.toString(one.multiplyAdds()));
      assertEquals(one.multiplyAdds(), three.multiplyAdds());
      assertEquals(2e-9 * one.multiplyAdds() / one.median(), one.gflops(), 1e-12 * one.gflops());
    }
  }
}
