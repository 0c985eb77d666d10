package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CpuBackend#accumulateFactorGram} (row blocks of {@code b bᵀ}, no {@code G × G} temporary)
 * against the unfused sequence {@code p = b bᵀ; acc += p ⊙ (q ⊗ 1); acc += p}: bit-identical with
 * the plain loops (same arithmetic), within the inner-product rounding bound with BLAS. Sizes cross
 * the row-block edge {@link CpuBackend#GRAM_ROW_BLOCK}.
 */
class CpuFactorGramTest {

  static Stream<Arguments> cases() {
    return Stream.of(Precision.FLOAT64, Precision.FLOAT32)
        .flatMap(
            p ->
                Stream.of(
                    Arguments.of(p, 1, 1, 1),
                    Arguments.of(p, 7, 7, 3),
                    Arguments.of(p, 30, 10, 13),
                    Arguments.of(p, 513, 1, 5),
                    Arguments.of(p, 260, 4, 64)));
  }

  private static double[] random(SplittableRandom rng, int n, Precision p) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      double v = rng.nextDouble(-1, 1);
      a[i] = p == Precision.FLOAT32 ? (float) v : v;
    }
    return a;
  }

  private static double[] unfused(
      CpuBackend b,
      double[] acc,
      double[] f,
      double[] q,
      int g,
      int k,
      int block,
      boolean w,
      boolean bias) {
    DeviceMatrix dacc = b.upload(acc, g, g);
    DeviceMatrix df = b.upload(f, g, k);
    DeviceMatrix p = b.mulTransB(df, df);
    if (w) {
      b.accumulateHadamardExpanded(dacc, p, b.upload(q, g / block, g / block), block, block);
    }
    if (bias) {
      b.accumulateHadamardExpanded(dacc, p, null, block, block);
    }
    return b.download(dacc);
  }

  private static double[] fused(
      CpuBackend b,
      double[] acc,
      double[] f,
      double[] q,
      int g,
      int k,
      int block,
      boolean w,
      boolean bias) {
    DeviceMatrix dacc = b.upload(acc, g, g);
    b.accumulateFactorGram(
        dacc, b.upload(f, g, k), w ? b.upload(q, g / block, g / block) : null, w, bias, block);
    return b.download(dacc);
  }

  @ParameterizedTest(name = "{0} G={1} block={2} k={3}")
  @MethodSource("cases")
  void fusedMatchesUnfused(Precision p, int g, int block, int k) {
    SplittableRandom rng = new SplittableRandom(g * 1000L + block * 10L + k);
    double[] acc = random(rng, g * g, p);
    double[] f = random(rng, g * k, p);
    double[] q = random(rng, (g / block) * (g / block), p);
    double u = p == Precision.FLOAT32 ? 0x1p-24 : 0x1p-53;
    double gamma = (k + 3) * u / (1 - (k + 3) * u);
    boolean[][] terms = {{true, true}, {true, false}, {false, true}};
    for (boolean[] t : terms) {
      try (CpuBackend plain = new CpuBackend(p, Gemm.PLAIN)) {
        assertArrayEquals(
            unfused(plain, acc, f, q, g, k, block, t[0], t[1]),
            fused(plain, acc, f, q, g, k, block, t[0], t[1]),
            "plain weight=" + t[0] + " bias=" + t[1]);
      }
      try (CpuBackend blas = new CpuBackend(p, Gemm.BLAS)) {
        double[] want = unfused(blas, acc, f, q, g, k, block, t[0], t[1]);
        double[] got = fused(blas, acc, f, q, g, k, block, t[0], t[1]);
        for (int i = 0; i < g; i++) {
          for (int j = 0; j < g; j++) {
            double abs = 0;
            for (int l = 0; l < k; l++) {
              abs += Math.abs(f[i * k + l] * f[j * k + l]);
            }
            double qv = Math.abs(q[(i / block) * (g / block) + j / block]);
            double scale = abs * ((t[0] ? qv : 0) + (t[1] ? 1 : 0)) + Math.abs(acc[i * g + j]);
            double diff = Math.abs(want[i * g + j] - got[i * g + j]);
            assertTrue(
                diff <= 4 * gamma * scale,
                "blas weight=" + t[0] + " bias=" + t[1] + " at " + i + "," + j + ": " + diff);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} G={1} block={2} k={3}")
  @MethodSource("cases")
  void takeHandsOverTheMatrix(Precision p, int g, int block, int k) {
    try (CpuBackend b = new CpuBackend(p, Gemm.PLAIN)) {
      double[] data = random(new SplittableRandom(g), g * k, p);
      assertArrayEquals(data, b.take(b.upload(data, g, k)));
      assertEquals(g * k, data.length);
    }
  }
}
