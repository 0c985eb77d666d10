package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vivit4j.blas.NativeBlas;
import org.vivit4j.testing.Tolerances;

/**
 * The symmetric shortcut of the lowered structured Conv2d Gram: with one factor on both sides and
 * the symmetric {@code Q = U Uᵀ}, only block pairs {@code m ≤ n} are computed and mirrored. Checked
 * against the general path (the same factor passed as a distinct copy, which computes every block
 * pair and is itself checked against the direct-sum twin in {@code KernelConvTest}); entries of
 * different sample blocks must be exactly symmetric (mirrored), those of one block to round-off.
 */
class CpuConvGramStructuredTest {
  private static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble(-1, 1);
    }
    return v;
  }

  @ParameterizedTest(name = "samples {0}, rows per sample {1}, O {2}, T {3}, blas {4}, f32 {5}")
  @CsvSource({
    "1, 1, 1, 1, false, false",
    "3, 2, 5, 7, false, false",
    "4, 10, 3, 13, true, false",
    "5, 3, 4, 9, true, true",
    "2, 7, 2, 6, false, true",
  })
  void symmetricShortcutMatchesEveryBlockPair(
      int n, int c, int o, int t, boolean useBlas, boolean f32) {
    NativeBLAS blas = useBlas ? NativeBlas.orNull() : null;
    assertTrue(!useBlas || blas != null, "the native BLAS must load: " + NativeBlas.failure());
    SplittableRandom rng = new SplittableRandom(31L * n + c);
    int k = 6;
    double[] u = random(rng, n * t * k);
    double[] q = new double[n * t * n * t];
    for (int i = 0; i < n * t; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += u[i * k + p] * u[j * k + p];
        }
        q[i * n * t + j] = s;
        q[j * n * t + i] = s;
      }
    }
    double[] f = random(rng, n * c * o * t);
    HostMatrix factor = HostMatrix.of(n * c, o * t, f, f32);
    HostMatrix copy = HostMatrix.of(n * c, o * t, f, f32);
    HostMatrix qm = HostMatrix.of(n * t, n * t, q, f32);
    HostMatrix symm = HostMatrix.zeros(n * c, n * c, f32);
    HostMatrix allm = HostMatrix.zeros(n * c, n * c, f32);
    CpuConvOps.accumulateConvGramStructured(symm, factor, factor, qm, c, c, t, blas);
    CpuConvOps.accumulateConvGramStructured(allm, factor, copy, qm, c, c, t, blas);
    double[] sym = symm.toDoubles();
    double[] all = allm.toDoubles();
    double scale = 0;
    for (double v : all) {
      scale = Math.max(scale, Math.abs(v));
    }
    // both sum the same o·t·(t + 1) products per entry, blocked differently
    double bound =
        f32 ? Tolerances.F32_RESULTS : Tolerances.f64ReorderedSum((long) o * t * (t + 1) * k);
    for (int i = 0; i < n * c; i++) {
      for (int j = 0; j < n * c; j++) {
        double mirror = i / c == j / c ? bound * scale : 0.0;
        assertEquals(sym[i * n * c + j], sym[j * n * c + i], mirror, "symmetry at " + i + ", " + j);
        assertEquals(
            all[i * n * c + j], sym[i * n * c + j], bound * scale, "entry " + i + ", " + j);
      }
    }
  }
}
