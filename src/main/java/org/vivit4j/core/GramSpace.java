package org.vivit4j.core;

import java.util.List;
import org.vivit4j.linalg.SymmetricEigen;
import org.vivit4j.model.InvalidInputException;

/**
 * The host-side math on one group's Gram matrix {@code Ĝ = VᵀV} (MATH.md §3–5), in float64:
 * eigendecomposition, selection, directional derivatives and the Gram-space weights that map to
 * parameter-space eigenvectors.
 */
public final class GramSpace {
  private final double[] gram;
  private final int size;
  private final SymmetricEigen.Decomposition eig;

  /** Decomposes {@code gram} ({@code size × size}, row-major; not modified). */
  public GramSpace(double[] gram, int size) {
    this.gram = gram;
    this.size = size;
    this.eig = SymmetricEigen.decompose(gram, size);
  }

  /**
   * {@code tr G = tr Ĝ = Σ_i Ĝ_ii}: {@code G = V Vᵀ} and {@code Ĝ = Vᵀ V} share their non-zero
   * eigenvalues, so the GGN block's trace is read off the Gram diagonal.
   */
  public double trace() {
    double t = 0;
    for (int i = 0; i < size; i++) {
      t += gram[i * size + i];
    }
    return t;
  }

  /**
   * {@code ‖G‖_F = ‖Ĝ‖_F = √(Σ_ij Ĝ_ij²)}: both equal {@code √(Σ λ²)} over the shared eigenvalues
   * (equivalently {@code tr(VVᵀVVᵀ) = tr(VᵀVVᵀV)}).
   */
  public double frobeniusNorm() {
    double s = 0;
    for (double v : gram) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** All Gram eigenvalues, ascending. */
  public double[] evals() {
    return eig.values().clone();
  }

  public SymmetricEigen.Decomposition decomposition() {
    return eig;
  }

  /**
   * Checks a criterion's answer: ascending, unique, in range, and every selected eigenvalue
   * positive (a zero or negative one has no eigenvector, MATH.md §3). Eigenvalues below {@code
   * warnBelow} add a warning.
   *
   * @param field the criterion's field for error messages
   */
  public int[] checkSelection(
      int[] selected, String field, double warnBelow, List<String> warnings) {
    for (int i = 0; i < selected.length; i++) {
      if (selected[i] < 0 || selected[i] >= size) {
        throw new InvalidInputException(
            field,
            "selected index " + selected[i] + " is outside the Gram spectrum [0, " + size + ")");
      }
      if (i > 0 && selected[i] <= selected[i - 1]) {
        throw new InvalidInputException(field, "selected indices must be ascending and unique");
      }
      double lambda = eig.values()[selected[i]];
      if (!(lambda > 0)) {
        throw new InvalidInputException(
            field,
            "selects eigenvalue "
                + lambda
                + " (index "
                + selected[i]
                + "), which is not positive and has no eigenvector; raise the threshold or lower k");
      }
      if (lambda < warnBelow) {
        warnings.add(
            field
                + ": selected eigenvalue "
                + lambda
                + " (index "
                + selected[i]
                + ") is below "
                + warnBelow
                + "; its directional derivatives are dominated by round-off");
      }
    }
    return selected.clone();
  }

  /** Selected eigenvalues, ascending. */
  public double[] selectedEvals(int[] selected) {
    double[] out = new double[selected.length];
    for (int k = 0; k < selected.length; k++) {
      out[k] = eig.values()[selected[k]];
    }
    return out;
  }

  /**
   * First-order directional derivatives {@code γ[r][k] = (X g̃_k)[r] / √λ_k}.
   *
   * @param cross gradient cross terms {@code X = G_grad V}, {@code [N_grad × size]}
   */
  public double[][] gammas(double[] cross, int nGrad, int[] selected) {
    double[][] out = new double[nGrad][selected.length];
    for (int k = 0; k < selected.length; k++) {
      double[] v = eig.vectors()[selected[k]];
      double inv = 1 / Math.sqrt(eig.values()[selected[k]]);
      for (int r = 0; r < nGrad; r++) {
        double s = 0;
        for (int i = 0; i < size; i++) {
          s += cross[r * size + i] * v[i];
        }
        out[r][k] = s * inv;
      }
    }
    return out;
  }

  /**
   * Second-order directional derivatives {@code λ[m][k] = |S| · Σ_c (Ĝ g̃_k)[m·C̃ + c]² / λ_k}
   * (MATH.md §5, §7).
   */
  public double[][] lambdas(int nGgn, int factorColumns, double lambdaFactor, int[] selected) {
    double[][] out = new double[nGgn][selected.length];
    for (int k = 0; k < selected.length; k++) {
      double[] v = eig.vectors()[selected[k]];
      double lambda = eig.values()[selected[k]];
      double[] gv = new double[size];
      for (int i = 0; i < size; i++) {
        double s = 0;
        for (int j = 0; j < size; j++) {
          s += gram[i * size + j] * v[j];
        }
        gv[i] = s;
      }
      for (int m = 0; m < nGgn; m++) {
        double s = 0;
        for (int c = 0; c < factorColumns; c++) {
          double x = gv[m * factorColumns + c];
          s += x * x;
        }
        out[m][k] = lambdaFactor * s / lambda;
      }
    }
    return out;
  }

  /** Gram-space weights {@code w_k = g̃_k / √λ_k}, so that {@code e_k = V w_k} is a unit vector. */
  public double[][] eigenvectorWeights(int[] selected) {
    double[][] w = new double[selected.length][];
    for (int k = 0; k < selected.length; k++) {
      double inv = 1 / Math.sqrt(eig.values()[selected[k]]);
      double[] v = eig.vectors()[selected[k]];
      w[k] = new double[size];
      for (int i = 0; i < size; i++) {
        w[k][i] = v[i] * inv;
      }
    }
    return w;
  }

  /**
   * The canonical sign of a parameter-space vector: {@code +1} when its largest-magnitude entry is
   * positive. Entries within {@code 1e-12} (relative) of the largest magnitude are ties; the first
   * of them decides (the golden cases' convention).
   */
  public static double canonicalSign(double[] e) {
    double max = 0;
    for (double v : e) {
      max = Math.max(max, Math.abs(v));
    }
    for (double v : e) {
      if (Math.abs(v) >= max * (1 - 1e-12)) {
        return v >= 0 ? 1 : -1;
      }
    }
    return 1;
  }
}
