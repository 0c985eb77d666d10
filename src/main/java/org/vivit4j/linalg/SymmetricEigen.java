package org.vivit4j.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.eig.SymmetricQRAlgorithmDecomposition_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The one wrapper around EJML's symmetric eigensolver. EJML's {@code decompose} returns {@code
 * false} on failure, returns eigenvalues unsorted and may modify its input; this class checks the
 * input, works on a symmetrised copy, fails loudly, sorts ascending and reports the residual.
 */
public final class SymmetricEigen {
  /** How many of the largest eigenpairs the residual is measured on. */
  public static final int RESIDUAL_PAIRS = 64;

  /** Lower bound of the QR iteration cap handed to EJML. */
  static final int MIN_QR_ITERATIONS = 1000;

  private SymmetricEigen() {}

  /**
   * Eigen-decomposition {@code A = Σ_k λ_k v_k v_kᵀ} of a symmetric matrix.
   *
   * @param values {@code [n]} eigenvalues, ascending
   * @param vectors {@code [n][n]}: {@code vectors[k]} is the unit eigenvector of {@code values[k]}
   * @param residual {@code max_k ‖A v_k − λ_k v_k‖ / max(‖A‖_max, tiny)} measured on the input,
   *     over the {@link #RESIDUAL_PAIRS} largest eigenpairs (the ones criteria select; all pairs
   *     would cost {@code O(n³)})
   * @param asymmetry {@code max|A − Aᵀ| / max|A|} of the input (0 for an exactly symmetric input)
   */
  public record Decomposition(
      double[] values, double[][] vectors, double residual, double asymmetry) {}

  /**
   * Decomposes the symmetric matrix {@code a} ({@code n × n}, row-major; not modified). The
   * decomposition is of {@code (A + Aᵀ)/2}.
   *
   * @throws IllegalArgumentException if {@code a} has the wrong size or a non-finite entry
   * @throws ArithmeticException if EJML fails to converge
   */
  public static Decomposition decompose(double[] a, int n) {
    if (n < 1 || a.length != n * n) {
      throw new IllegalArgumentException("expected a " + n + "×" + n + " matrix, got " + a.length);
    }
    double maxAbs = 0;
    for (int i = 0; i < a.length; i++) {
      double v = a[i];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "matrix entry (" + i / n + ", " + i % n + ") is " + v + "; cannot eigendecompose");
      }
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    // A matrix with entries beyond ~1e150 (or below ~1e-150) is decomposed as A·2^-e: squares and
    // sums inside the solver would overflow (underflow) although the spectrum is representable.
    // A power of two scales exactly; ordinary matrices (e = 0) are decomposed as they are.
    int e = maxAbs > 0x1p500 || (maxAbs > 0 && maxAbs < 0x1p-500) ? Math.getExponent(maxAbs) : 0;
    double down = Math.scalb(1.0, -e);
    double maxAsym = 0;
    DMatrixRMaj m = new DMatrixRMaj(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = a[i * n + j] * down;
        double w = a[j * n + i] * down;
        maxAsym = Math.max(maxAsym, Math.abs(v - w));
        m.set(i, j, 0.5 * (v + w));
      }
    }
    double maxScaled = maxAbs * down;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (eig instanceof SymmetricQRAlgorithmDecomposition_DDRM qr) {
      // EJML's default iteration cap of the symmetric QR algorithm is too small for Gram spectra
      // from n ≈ 600 on (measured: decompose returns false on 640×640 Wishart matrices). A
      // larger cap changes nothing where the default suffices: it only lets the iteration finish.
      qr.setMaxIterations(Math.max(MIN_QR_ITERATIONS, 10 * n));
    }
    if (!eig.decompose(m)) {
      throw new ArithmeticException(
          "EJML symmetric eigensolver failed on a " + n + "×" + n + " matrix");
    }
    Integer[] order = new Integer[n];
    double[] raw = new double[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
      raw[k] = eig.getEigenvalue(k).real;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(raw[x], raw[y]));
    double[] values = new double[n];
    double[][] vectors = new double[n][];
    for (int k = 0; k < n; k++) {
      values[k] = raw[order[k]];
      DMatrixRMaj v = eig.getEigenVector(order[k]);
      double[] vec = new double[n];
      double norm = 0;
      for (int i = 0; i < n; i++) {
        vec[i] = v.get(i, 0);
        norm += vec[i] * vec[i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        vec[i] /= norm;
      }
      vectors[k] = vec;
    }
    // measured on the (scaled) input, relative to its largest entry: the same number unscaled
    double scale = Math.max(maxScaled, Double.MIN_NORMAL);
    double residual = 0;
    for (int k = Math.max(0, n - RESIDUAL_PAIRS); k < n; k++) {
      double r2 = 0;
      for (int i = 0; i < n; i++) {
        double s = -values[k] * vectors[k][i];
        for (int j = 0; j < n; j++) {
          s += a[i * n + j] * down * vectors[k][j];
        }
        r2 += s * s;
      }
      residual = Math.max(residual, Math.sqrt(r2) / scale);
    }
    for (int k = 0; k < n; k++) {
      values[k] = Math.scalb(values[k], e);
    }
    return new Decomposition(values, vectors, residual, maxAbs == 0 ? 0 : maxAsym / maxScaled);
  }
}
