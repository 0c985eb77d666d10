package org.vivit4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.golden.GoldenComparison;

/**
 * Comparisons that respect what eigenvectors can and cannot be compared by (MATH.md §3, golden
 * README "How to compare"): signs are aligned by dot product, and inside a degenerate cluster only
 * the per-row sums {@code Σ_k γ²} and {@code Σ_k λ} are compared.
 */
public final class Compare {
  private Compare() {}

  /** {@code max|a − b| / max|b|} (absolute when {@code b} is all zero). */
  public static double normwise(double[] a, double[] b) {
    assertEquals(b.length, a.length, "lengths differ");
    return GoldenComparison.normwise(a, b);
  }

  public static double[] flatten(double[][] a) {
    return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  public static void assertClose(String what, double[] actual, double[] expected, double tol) {
    double e = normwise(actual, expected);
    assertTrue(e <= tol, what + ": normwise relative error " + e + " > " + tol);
  }

  public static void assertClose(String what, double[][] actual, double[][] expected, double tol) {
    assertEquals(expected.length, actual.length, what + ": row count");
    assertClose(what, flatten(actual), flatten(expected), tol);
  }

  /**
   * Clusters of positions of {@code evalsAsc} whose consecutive gaps are below {@code relGap·max}.
   */
  public static List<int[]> clusters(double[] evalsAsc, double relGap) {
    double max = 0;
    for (double v : evalsAsc) {
      max = Math.max(max, Math.abs(v));
    }
    return GoldenComparison.clusters(evalsAsc, relGap * max);
  }

  /**
   * Compares directional derivatives of the selected directions.
   *
   * @param evalsRef reference selected eigenvalues, ascending
   * @param largestUnselected the largest eigenvalue the criterion left out (or -inf): a cluster
   *     that the criterion cuts through has an ambiguous selection, so its vector quantities are
   *     not compared
   * @param gammas {@code [rows][K]} or null to skip γ
   */
  public static void assertDirectional(
      String what,
      double[] evalsRef,
      double largestUnselected,
      double[][] gammas,
      double[][] gammasRef,
      double[][] lambdas,
      double[][] lambdasRef,
      double relGap,
      double tol) {
    assertDirectional(
        what,
        evalsRef,
        largestUnselected,
        gammas,
        gammasRef,
        lambdas,
        lambdasRef,
        relGap,
        tol,
        0.0);
  }

  /**
   * As above; when every compared reference γ is at most {@code gammaZero} (a numerical zero, e.g.
   * {@code 1e-10·max‖g‖}), the fast path's γ must be at most {@code gammaZero} too, because a
   * normwise relative error of round-off against round-off means nothing.
   */
  public static void assertDirectional(
      String what,
      double[] evalsRef,
      double largestUnselected,
      double[][] gammas,
      double[][] gammasRef,
      double[][] lambdas,
      double[][] lambdasRef,
      double relGap,
      double tol,
      double gammaZero) {
    double max = 0;
    for (double v : evalsRef) {
      max = Math.max(max, Math.abs(v));
    }
    List<int[]> clusters = clusters(evalsRef, relGap);
    List<double[]> gCols = new ArrayList<>();
    List<double[]> gColsRef = new ArrayList<>();
    List<double[]> lCols = new ArrayList<>();
    List<double[]> lColsRef = new ArrayList<>();
    for (int[] c : clusters) {
      boolean cut = c[0] == 0 && evalsRef[0] - largestUnselected <= relGap * max;
      if (cut) {
        // The criterion cuts through this cluster: which of its members were kept is arbitrary.
        continue;
      }
      if (c.length == 1) {
        int k = c[0];
        if (gammas != null) {
          double[] a = column(gammas, k);
          double[] b = column(gammasRef, k);
          double dot = 0;
          for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
          }
          if (dot < 0) {
            for (int i = 0; i < a.length; i++) {
              a[i] = -a[i];
            }
          }
          gCols.add(a);
          gColsRef.add(b);
        }
        lCols.add(column(lambdas, k));
        lColsRef.add(column(lambdasRef, k));
      } else {
        if (gammas != null) {
          gCols.add(clusterSum(gammas, c, true));
          gColsRef.add(clusterSum(gammasRef, c, true));
        }
        lCols.add(clusterSum(lambdas, c, false));
        lColsRef.add(clusterSum(lambdasRef, c, false));
      }
    }
    if (gammas != null) {
      assertEquals(gammasRef.length, gammas.length, what + ": γ rows");
      double[] mine = concat(gCols);
      double[] ref = concat(gColsRef);
      if (ref.length > 0 && maxAbs(ref) <= gammaZero) {
        assertTrue(
            maxAbs(mine) <= gammaZero,
            what
                + " γ: the reference is a numerical zero (≤ "
                + gammaZero
                + ") but max|γ| is "
                + maxAbs(mine));
      } else {
        assertClose(what + " γ", mine, ref, tol);
      }
    }
    assertEquals(lambdasRef.length, lambdas.length, what + ": λ rows");
    assertClose(what + " λ", concat(lCols), concat(lColsRef), tol);
  }

  private static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static double[] column(double[][] m, int k) {
    double[] c = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i][k];
    }
    return c;
  }

  private static double[] clusterSum(double[][] m, int[] cluster, boolean squares) {
    double[] s = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      for (int k : cluster) {
        s[i] += squares ? m[i][k] * m[i][k] : m[i][k];
      }
    }
    return s;
  }

  private static double[] concat(List<double[]> parts) {
    return parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
  }
}
