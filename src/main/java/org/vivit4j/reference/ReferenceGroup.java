package org.vivit4j.reference;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The dense GGN block of one parameter group and its eigen-decomposition, built by definition:
 *
 * <pre>
 *   G = (1/|S|) Σ_{m} G_{s_m}|P ,   G_n|P = J_n|Pᵀ H_n J_n|P ,
 * </pre>
 *
 * where {@code J_n|P} holds the columns of the Jacobian that belong to the group (in the group's
 * order) and {@code H_n = ∂²L_n/∂f²}. The eigen-decomposition is EJML's symmetric one on the {@code
 * dim × dim} matrix; the directional derivatives of {@link #topK} are evaluated from their
 * definitions in parameter space, {@code γ = g|P · e} and {@code λ = eᵀ G_n|P e = (J_n|P e)ᵀ H_n
 * (J_n|P e)}, without any Gram matrix.
 */
public final class ReferenceGroup {
  /**
   * Largest group for which the dense {@code dim × dim} GGN is formed. The symmetric
   * eigen-decomposition costs {@code O(dim³)}: about 25 s for {@code dim = 2646} on one core.
   */
  static final int MAX_DIM = 4096;

  private final int dim;
  private final double[][] ggn;
  private final double[][][] jacobians; // [|S|][C][dim]
  private final double[][][] hessians; // [|S|][C][C]
  private final double[][] gradRows; // [N_grad][dim]
  private final double[] evals; // ascending
  private final double[][] evecs; // [dim][dim], evecs[i] belongs to evals[i]

  /**
   * @param columns the group's positions in θ, in the group's order
   * @param ggnSamples the samples {@code s_0, s_1, …} that define the GGN
   * @param gradRows full per-sample gradients {@code g_{t_r}} for the rows of γ
   */
  ReferenceGroup(
      int[] columns, List<ReferenceComputation.SampleDerivatives> ggnSamples, double[][] gradRows) {
    this.dim = columns.length;
    if (dim > MAX_DIM) {
      throw new IllegalArgumentException(
          "group of "
              + dim
              + " parameters is too large for the dense reference (max "
              + MAX_DIM
              + ")");
    }
    int s = ggnSamples.size();
    this.jacobians = new double[s][][];
    this.hessians = new double[s][][];
    for (int m = 0; m < s; m++) {
      double[][] full = ggnSamples.get(m).jacobian();
      double[][] j = new double[full.length][dim];
      for (int c = 0; c < full.length; c++) {
        for (int i = 0; i < dim; i++) {
          j[c][i] = full[c][columns[i]];
        }
      }
      jacobians[m] = j;
      hessians[m] = ggnSamples.get(m).hessian();
    }
    this.gradRows = new double[gradRows.length][dim];
    for (int r = 0; r < gradRows.length; r++) {
      for (int i = 0; i < dim; i++) {
        this.gradRows[r][i] = gradRows[r][columns[i]];
      }
    }
    this.ggn = buildGgn();
    for (double[] row : ggn) {
      ReferenceComputation.requireFinite(row, "GGN");
    }
    this.evals = new double[dim];
    this.evecs = new double[dim][];
    decompose();
  }

  /** {@code G = (1/|S|) Σ_m J_mᵀ (H_m J_m)}, upper triangle computed and mirrored. */
  private double[][] buildGgn() {
    double[][] g = new double[dim][dim];
    int s = jacobians.length;
    for (int m = 0; m < s; m++) {
      double[][] j = jacobians[m];
      double[][] h = hessians[m];
      int c = j.length;
      double[][] hj = new double[c][dim];
      for (int a = 0; a < c; a++) {
        for (int b = 0; b < c; b++) {
          double hab = h[a][b];
          if (hab == 0.0) {
            continue;
          }
          for (int i = 0; i < dim; i++) {
            hj[a][i] += hab * j[b][i];
          }
        }
      }
      for (int a = 0; a < c; a++) {
        double[] ja = j[a];
        double[] hja = hj[a];
        for (int i = 0; i < dim; i++) {
          double jai = ja[i];
          if (jai == 0.0) {
            continue;
          }
          double[] gi = g[i];
          for (int k = i; k < dim; k++) {
            gi[k] += jai * hja[k];
          }
        }
      }
    }
    for (int i = 0; i < dim; i++) {
      for (int k = i; k < dim; k++) {
        g[i][k] /= s;
        g[k][i] = g[i][k];
      }
    }
    return g;
  }

  /**
   * Eigen-decomposition of the GGN. Parameters whose row (and column) is exactly zero (no sample's
   * output depends on them, e.g. behind a dead ReLU) are eigenvectors {@code e_i} of eigenvalue 0
   * exactly, so only the principal submatrix of the other parameters goes to EJML's symmetric QR:
   * exact, smaller, and it avoids that solver's failures to converge on large, mostly zero,
   * low-rank matrices (a 227-parameter Monte-Carlo GGN of rank ≤ 12 with 93 % zeros was one).
   */
  private void decompose() {
    int[] active =
        java.util.stream.IntStream.range(0, dim)
            .filter(i -> Arrays.stream(ggn[i]).anyMatch(v -> v != 0.0))
            .toArray();
    int m = active.length;
    double[] values = new double[dim];
    double[][] vectors = new double[dim][];
    if (m > 0) {
      double[][] sub = new double[m][m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          sub[i][j] = ggn[active[i]][active[j]];
        }
      }
      EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
      if (!eig.decompose(new DMatrixRMaj(sub))) {
        throw new IllegalStateException("EJML symmetric eigen-decomposition did not converge");
      }
      for (int i = 0; i < m; i++) {
        values[i] = eig.getEigenvalue(i).getReal();
        DMatrixRMaj v = eig.getEigenVector(i);
        double[] e = new double[dim];
        for (int k = 0; k < m; k++) {
          e[active[k]] = v.get(k, 0);
        }
        vectors[i] = e;
      }
    }
    boolean[] isActive = new boolean[dim];
    for (int i : active) {
      isActive[i] = true;
    }
    for (int i = 0, next = m; i < dim; i++) {
      if (!isActive[i]) {
        double[] e = new double[dim];
        e[i] = 1.0;
        vectors[next++] = e;
      }
    }
    Integer[] order = new Integer[dim];
    for (int i = 0; i < dim; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
    for (int i = 0; i < dim; i++) {
      int src = order[i];
      evals[i] = values[src];
      double[] e = vectors[src];
      double norm = 0.0;
      for (double v : e) {
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < dim; k++) {
        e[k] /= norm;
      }
      evecs[i] = canonicalSign(e);
    }
    ReferenceComputation.requireFinite(evals, "eigenvalues");
  }

  /**
   * Flips {@code e} so that its largest-magnitude entry is positive; entries within {@code 1e-12}
   * (relative) of the largest magnitude tie, and the first of them (lowest index) decides.
   */
  static double[] canonicalSign(double[] e) {
    double max = 0.0;
    for (double v : e) {
      max = Math.max(max, Math.abs(v));
    }
    for (double v : e) {
      if (Math.abs(v) >= max * (1.0 - 1e-12)) {
        if (v < 0) {
          for (int k = 0; k < e.length; k++) {
            e[k] = -e[k];
          }
        }
        break;
      }
    }
    return e;
  }

  /** Number of scalar parameters in the group. */
  public int dim() {
    return dim;
  }

  /** The dense {@code [dim][dim]} group GGN {@code G} (a copy). */
  public double[][] ggn() {
    double[][] copy = new double[dim][];
    for (int i = 0; i < dim; i++) {
      copy[i] = ggn[i].clone();
    }
    return copy;
  }

  /** All {@code dim} eigenvalues of {@code G}, ascending. */
  public double[] evalsAscending() {
    return evals.clone();
  }

  /**
   * The eigenvalues above {@code relTol · max(evals)}, ascending (the nonzero spectrum for {@code
   * relTol = 1e-10}).
   */
  public double[] nonzeroEvals(double relTol) {
    if (dim == 0) {
      return new double[0];
    }
    double cut = relTol * evals[dim - 1];
    return Arrays.stream(evals).filter(v -> v > cut).toArray();
  }

  /**
   * The top-{@code k} eigenpairs of {@code G} and the directional derivatives by definition:
   *
   * <ul>
   *   <li>{@code evals [K]} ascending and {@code evecs [K][dim]} unit, canonical sign ({@link
   *       #canonicalSign});
   *   <li>{@code gammas[r][k] = g_{t_r}|P · e_k}, {@code [N_grad][K]};
   *   <li>{@code lambdas[m][k] = e_kᵀ G_{s_m}|P e_k}, {@code [N_ggn][K]}.
   * </ul>
   *
   * @throws IllegalArgumentException unless {@code 1 <= k <= dim}
   */
  public Directional topK(int k) {
    if (k < 1 || k > dim) {
      throw new IllegalArgumentException("k = " + k + " must lie in [1, " + dim + "]");
    }
    double[] ev = Arrays.copyOfRange(evals, dim - k, dim);
    double[][] vecs = new double[k][];
    for (int i = 0; i < k; i++) {
      vecs[i] = evecs[dim - k + i].clone();
    }
    double[][] gammas = new double[gradRows.length][k];
    for (int r = 0; r < gradRows.length; r++) {
      for (int i = 0; i < k; i++) {
        gammas[r][i] = dot(gradRows[r], vecs[i]);
      }
    }
    double[][] lambdas = new double[jacobians.length][k];
    for (int m = 0; m < jacobians.length; m++) {
      double[][] j = jacobians[m];
      double[][] h = hessians[m];
      for (int i = 0; i < k; i++) {
        double[] u = new double[j.length];
        for (int c = 0; c < j.length; c++) {
          u[c] = dot(j[c], vecs[i]);
        }
        double q = 0.0;
        for (int a = 0; a < u.length; a++) {
          for (int b = 0; b < u.length; b++) {
            q += u[a] * h[a][b] * u[b];
          }
        }
        lambdas[m][i] = q;
      }
    }
    return new Directional(ev, vecs, gammas, lambdas);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0.0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * Top-K eigenpairs and directional derivatives of a group.
   *
   * @param evals {@code [K]} ascending
   * @param evecs {@code [K][dim]} unit eigenvectors, canonical sign
   * @param gammas {@code [N_grad][K]} first-order directional derivatives
   * @param lambdas {@code [N_ggn][K]} second-order directional derivatives
   */
  public record Directional(
      double[] evals, double[][] evecs, double[][] gammas, double[][] lambdas) {}
}
