package org.vivit4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.vivit4j.api.GroupResult;
import org.vivit4j.reference.ReferenceGroup;

/**
 * The quantities beyond ViViT against their definitions on the reference: the GGN block's trace and
 * Frobenius norm from the dense GGN, and the per-direction signal-to-noise ratios from the
 * reference's γ and λ. The definitions are written out here, independently of the library.
 */
public final class StatisticsCheck {
  private StatisticsCheck() {}

  /** {@code tr G = Σ_i G_ii} and {@code ‖G‖_F = √(Σ_ij G_ij²)} of the dense reference GGN. */
  public static void assertTraceAndNorm(
      String what, GroupResult mine, ReferenceGroup rg, double tol) {
    double[][] g = rg.ggn();
    double trace = 0;
    double sq = 0;
    for (int i = 0; i < g.length; i++) {
      trace += g[i][i];
      for (double v : g[i]) {
        sq += v * v;
      }
    }
    Compare.assertClose(
        what + " GGN trace", new double[] {mine.ggnTrace()}, new double[] {trace}, tol);
    Compare.assertClose(
        what + " GGN Frobenius norm",
        new double[] {mine.ggnFrobeniusNorm()},
        new double[] {Math.sqrt(sq)},
        tol);
  }

  /**
   * {@code SNR_k = x̄_k² / s_k²} with {@code s_k² = Σ_r (x_rk − x̄_k)² / (n − 1)}, compared on the
   * directions that are not part of a cluster (where single directions are basis-dependent) and not
   * cut by the criterion. A ratio of a squared mean and a variance amplifies the error ε of the
   * values: {@code |ΔSNR|/SNR ≲ 2ε·max|x|·(1/|x̄| + 1/s)}, which is the bound used (times 4). When
   * {@code |x̄|} or {@code s} is below that noise ({@code 8ε·max|x|}) only the matching upper or
   * lower bound of the SNR is checked; directions with {@code x̄ = 0}, {@code s = 0} or values
   * below {@code zero} (numerical zeros) are skipped.
   *
   * @param mine {@code [K]}, or {@code null} (then there must be fewer than 2 rows)
   * @param ref {@code [rows][K]} the reference γ or λ
   */
  public static void assertSnr(
      String what,
      double[] mine,
      double[][] ref,
      double[] evalsRef,
      double largestUnselected,
      double relGap,
      double tol,
      double zero) {
    if (ref.length < 2) {
      assertNull(mine, what + ": no SNR from fewer than two rows");
      return;
    }
    assertEquals(evalsRef.length, mine.length, what + ": one SNR per direction");
    double max = 0;
    for (double v : evalsRef) {
      max = Math.max(max, Math.abs(v));
    }
    List<int[]> clusters = Compare.clusters(evalsRef, relGap);
    for (int[] c : clusters) {
      boolean cut = c[0] == 0 && evalsRef[0] - largestUnselected <= relGap * max;
      if (c.length != 1 || cut) {
        continue;
      }
      int k = c[0];
      int n = ref.length;
      double mean = 0;
      double maxAbs = 0;
      for (double[] row : ref) {
        mean += row[k] / n;
        maxAbs = Math.max(maxAbs, Math.abs(row[k]));
      }
      double ss = 0;
      for (double[] row : ref) {
        ss += (row[k] - mean) * (row[k] - mean);
      }
      double var = ss / (n - 1);
      if (mean == 0 || var == 0 || maxAbs <= zero) {
        continue;
      }
      double snr = mean * mean / var;
      double noise = 8 * tol * maxAbs; // what values accurate to tol resolve, with a margin
      boolean meanResolved = Math.abs(mean) > noise;
      boolean varResolved = Math.sqrt(var) > noise;
      if (!meanResolved && !varResolved) {
        continue;
      }
      if (!varResolved) {
        // e.g. every λ_nk equal: the SNR is only known to exceed what a variance of noise² gives
        double floor = mean * mean / (noise * noise);
        assertTrue(
            mine[k] >= floor,
            what
                + " direction "
                + k
                + ": SNR "
                + mine[k]
                + " of an unresolved variance must be"
                + " at least "
                + floor);
        continue;
      }
      if (!meanResolved) {
        // γ̄ ≈ 0 within the noise: the SNR is only known to lie below noise² / s²
        double ceiling = noise * noise / var;
        assertTrue(
            mine[k] <= ceiling,
            what
                + " direction "
                + k
                + ": SNR "
                + mine[k]
                + " of an unresolved mean must be at"
                + " most "
                + ceiling);
        continue;
      }
      double rel = noise * (1 / Math.abs(mean) + 1 / Math.sqrt(var));
      double allowed = rel * snr;
      assertTrue(
          Math.abs(mine[k] - snr) <= allowed + 1e-300,
          what
              + " direction "
              + k
              + ": SNR "
              + mine[k]
              + ", definition "
              + snr
              + " (allowed "
              + allowed
              + ")");
    }
  }
}
