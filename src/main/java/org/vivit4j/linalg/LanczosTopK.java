package org.vivit4j.linalg;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The largest eigenpairs of a symmetric {@code n × n} matrix {@code A} from block products {@code Y
 * = X·A} only: a block Krylov (block Lanczos) iteration with full reorthogonalisation,
 * Rayleigh–Ritz on the projected matrix and thick restarts.
 *
 * <p>The basis {@code Q [m × n]} (orthonormal rows) and {@code W = Q·A} are kept; the projected
 * matrix is {@code T = Q·Wᵀ = Q A Qᵀ [m × m]}, its eigenpairs {@code (θ_i, s_i)} give Ritz pairs
 * {@code (θ_i, y_i = Qᵀ s_i)} with residuals {@code r_i = A y_i − θ_i y_i = Wᵀ s_i − θ_i Qᵀ s_i},
 * computed exactly from the stored {@code W} (no extra product). Each step appends the products of
 * the last block, orthogonalised twice against the basis (block classical Gram-Schmidt twice): the
 * block Krylov space {@code K_j(A, X₀)} grows by one block per product. Rayleigh–Ritz and the
 * convergence check run every {@link #CHECK_BLOCKS} blocks. When the basis is full, it restarts
 * from the top Ritz vectors (whose {@code W} rows are {@code Sᵀ W}) and continues with the
 * residuals of the top unconverged Ritz pairs, which span the same continuation.
 *
 * <p>A pair is returned only when {@code ‖A y − θ y‖ ≤ tol · ‖A‖}, with {@code ‖A‖} estimated by
 * the largest |Ritz value|, and then {@code |θ − λ| ≤ ‖r‖} and the angle to the eigenvector is
 * {@code ≤ ‖r‖/gap}. The residual of every returned pair is reported; a run that does not converge
 * in the allowed products throws {@link ArithmeticException} saying how far it got.
 *
 * <p>A solver object keeps its last Ritz vectors: asking again for more pairs ({@link #top}) starts
 * from them (used to find every eigenvalue above a threshold).
 */
public final class LanczosTopK {

  /** {@code y = x·A} for {@code count} row vectors {@code x [count × n]}, {@code y [count × n]}. */
  @FunctionalInterface
  public interface Operator {
    void apply(double[] x, double[] y, int count);
  }

  /**
   * @param blockSize vectors per block, or 0 for {@code clamp(wanted, 8, 64)}
   * @param maxBasis basis vectors before a thick restart, or 0 for {@code max(2·wanted + 4·block,
   *     96)}; both are capped at n
   * @param tolerance relative residual {@code ‖A y − θ y‖ / ‖A‖} every returned pair must reach
   * @param maxProducts matrix–vector products allowed (block products count their vectors), or 0
   *     for {@code max(20·n, 4000)}
   * @param seed seed of the random start block
   */
  public record Options(
      int blockSize, int maxBasis, double tolerance, long maxProducts, long seed) {
    public static Options defaults() {
      return new Options(0, 0, 1e-12, 0, 0x5eed);
    }

    /** These options with the relative residual {@code tol}. */
    public Options withTolerance(double tol) {
      return new Options(blockSize, maxBasis, tol, maxProducts, seed);
    }
  }

  /**
   * @param values {@code [k]} eigenvalues, ascending
   * @param vectors {@code [k][n]} unit eigenvectors, {@code vectors[i]} for {@code values[i]}
   * @param residuals {@code [k]} {@code ‖A v − λ v‖ / ‖A‖} of each pair
   * @param norm the estimate of {@code ‖A‖₂} the residuals are relative to
   * @param products matrix–vector products used (cumulative over this solver's calls)
   * @param restarts thick restarts (cumulative)
   * @param nextValue the (k+1)-th largest Ritz value, an estimate of the next eigenvalue below the
   *     returned ones that need not have converged ({@code NaN} when k = n)
   * @param nextResidual its relative residual: an eigenvalue lies within {@code nextResidual·norm}
   *     of {@code nextValue}
   */
  public record Result(
      double[] values,
      double[][] vectors,
      double[] residuals,
      double norm,
      long products,
      int restarts,
      double nextValue,
      double nextResidual) {
    public double maxResidual() {
      double r = 0;
      for (double x : residuals) {
        r = Math.max(r, x);
      }
      return r;
    }
  }

  private final Operator op;
  private final int n;
  private final Options options;
  private final SplittableRandom random;
  private long products;
  private int restarts;
  private double[] warm;
  private int warmCount;

  public LanczosTopK(Operator op, int n, Options options) {
    if (n < 1) {
      throw new IllegalArgumentException("matrix size must be >= 1, got " + n);
    }
    if (!(options.tolerance() > 0)) {
      throw new IllegalArgumentException("tolerance must be > 0, got " + options.tolerance());
    }
    this.op = op;
    this.n = n;
    this.options = options;
    this.random = new SplittableRandom(options.seed());
  }

  /** A solver for the dense row-major symmetric matrix {@code a} ({@code n × n}; not modified). */
  public static LanczosTopK dense(double[] a, int n, Options options) {
    if (a.length != (long) n * n) {
      throw new IllegalArgumentException("expected a " + n + "×" + n + " matrix, got " + a.length);
    }
    // A is symmetric, so x·A = (A·xᵀ)ᵀ: one row-major dgemm reads A once per block.
    return new LanczosTopK(
        (x, y, count) -> HostProducts.mul(1, x, a, 0, y, count, n, n), n, options);
  }

  public int size() {
    return n;
  }

  /**
   * The {@code k} largest eigenpairs.
   *
   * @throws ArithmeticException when they do not converge within the allowed products
   */
  public Result top(int k) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
    }
    int block = Math.min(n, options.blockSize() > 0 ? options.blockSize() : clamp(k, 8, 64));
    int maxBasis =
        Math.min(n, options.maxBasis() > 0 ? options.maxBasis() : Math.max(2 * k + 4 * block, 96));
    if (maxBasis < Math.min(n, k + block)) {
      throw new IllegalArgumentException(
          "maxBasis " + maxBasis + " is too small for k = " + k + " and block " + block);
    }
    long maxProducts = options.maxProducts() > 0 ? options.maxProducts() : Math.max(20L * n, 4000L);
    long budget = products + maxProducts;

    double[] q = new double[maxBasis * n];
    double[] w = new double[maxBasis * n];
    double[] t = new double[maxBasis * maxBasis];
    int m = 0;

    double[] x;
    int count;
    if (warm != null) {
      x = warm;
      count = Math.min(warmCount, maxBasis - 1);
    } else {
      x = randomRows(block);
      count = block;
    }
    double norm = 0;
    int lastCheck = 0;
    double[] y = null;
    while (true) {
      count = orthonormalise(x, count, q, m);
      if (count == 0 && m < n) {
        // The basis spans an invariant subspace: continue with fresh random directions so that
        // eigenvalues outside it (the start block missed them) can still be found.
        x = randomRows(Math.min(block, n - m));
        count = orthonormalise(x, x.length / n, q, m);
      }
      if (count > 0) {
        y = new double[count * n];
        op.apply(x, y, count);
        products += count;
        System.arraycopy(x, 0, q, m * n, count * n);
        System.arraycopy(y, 0, w, m * n, count * n);
        // New columns of T = Q·Wᵀ; T is symmetric, the new diagonal block is averaged with its
        // transpose so that rounding cannot make it asymmetric.
        double[] cols = new double[(m + count) * count];
        HostProducts.mulTransB(1, q, y, 0, cols, m + count, n, count);
        for (int i = 0; i < m + count; i++) {
          for (int j = 0; j < count; j++) {
            double v = cols[i * count + j];
            if (i >= m) {
              v = 0.5 * (v + cols[(m + j) * count + (i - m)]);
            }
            t[i * maxBasis + m + j] = v;
            t[(m + j) * maxBasis + i] = v;
          }
        }
        m += count;
      }
      boolean full = m + block > maxBasis || m >= n;
      if (!full && (m < k || m - lastCheck < CHECK_BLOCKS * block) && count > 0) {
        // A plain block Lanczos step: the next block is the last block's products, made
        // orthogonal to the basis at the top of the loop. Rayleigh–Ritz waits for the check.
        x = y;
        continue;
      }
      lastCheck = m;

      Ritz ritz = ritz(t, maxBasis, m);
      // Ritz vectors and residuals of the top k (+1 for the next-eigenvalue estimate), and of a
      // block more when restarting (their residuals continue the Krylov space).
      int r = Math.min(m, full ? k + block : k + 1);
      double[] s = ritz.topVectors(r); // [r × m], descending θ
      double[] theta = ritz.topValues(r);
      double[] ys = new double[r * n];
      double[] res = new double[r * n];
      HostProducts.mul(1, s, q, 0, ys, r, m, n);
      HostProducts.mul(1, s, w, 0, res, r, m, n);
      norm = Math.max(norm, ritz.maxAbs());
      double scale = Math.max(norm, Double.MIN_NORMAL);
      double[] rel = new double[r];
      boolean done = m >= k;
      for (int i = 0; i < r; i++) {
        double r2 = 0;
        for (int j = 0; j < n; j++) {
          double v = res[i * n + j] - theta[i] * ys[i * n + j];
          res[i * n + j] = v;
          r2 += v * v;
        }
        rel[i] = Math.sqrt(r2) / scale;
        if (i < k && !(rel[i] <= options.tolerance())) {
          done = false;
        }
      }
      if (done) {
        warm = ys;
        warmCount = r;
        return result(k, theta, ys, rel, norm);
      }
      if (m >= n || products >= budget) {
        throw notConverged(k, rel, m);
      }
      if (!full) {
        x = y;
        continue;
      }

      // Thick restart: keep the top Ritz vectors y = s·Q with their products s·W (the projected
      // matrix becomes diag(θ)); the next block is the residuals of the top unconverged Ritz
      // pairs (those beyond k help the k-th converge through the gap).
      int next = Math.min(block, n - Math.min(r, maxBasis - block));
      x = new double[Math.max(1, next) * n];
      count = 0;
      for (int i = 0; i < r && count < next; i++) {
        if (!(rel[i] <= options.tolerance()) || i >= k) {
          System.arraycopy(res, i * n, x, count * n, n);
          count++;
        }
      }
      int keep = Math.min(r, maxBasis - count);
      double[] wKeep = new double[keep * n];
      HostProducts.mul(1, s, w, 0, wKeep, keep, m, n);
      Arrays.fill(t, 0);
      System.arraycopy(ys, 0, q, 0, keep * n);
      System.arraycopy(wKeep, 0, w, 0, keep * n);
      for (int i = 0; i < keep; i++) {
        t[i * maxBasis + i] = theta[i];
      }
      m = keep;
      lastCheck = m;
      restarts++;
    }
  }

  /** Blocks added between two Rayleigh–Ritz convergence checks. */
  static final int CHECK_BLOCKS = 2;

  private Result result(int k, double[] theta, double[] ys, double[] rel, double norm) {
    // theta/ys are in descending order; return the top k ascending.
    double[] values = new double[k];
    double[][] vectors = new double[k][];
    double[] residuals = new double[k];
    for (int i = 0; i < k; i++) {
      int src = k - 1 - i;
      values[i] = theta[src];
      vectors[i] = Arrays.copyOfRange(ys, src * n, (src + 1) * n);
      double nrm = 0;
      for (double v : vectors[i]) {
        nrm += v * v;
      }
      nrm = Math.sqrt(nrm);
      for (int j = 0; j < n; j++) {
        vectors[i][j] /= nrm;
      }
      residuals[i] = rel[src];
    }
    boolean next = theta.length > k;
    return new Result(
        values,
        vectors,
        residuals,
        norm,
        products,
        restarts,
        next ? theta[k] : Double.NaN,
        next ? rel[k] : Double.NaN);
  }

  private ArithmeticException notConverged(int k, double[] rel, int m) {
    int worst = 0;
    for (int i = 0; i < Math.min(k, rel.length); i++) {
      if (!(rel[i] <= rel[worst])) {
        worst = i;
      }
    }
    return new ArithmeticException(
        String.format(
            Locale.ROOT,
            "Lanczos did not converge: after %d matrix-vector products (%d restarts, basis %d of"
                + " a %d×%d matrix) the residual of eigenpair %d of the top %d is %.3g, above the"
                + " tolerance %.3g; use the dense eigensolver",
            products,
            restarts,
            m,
            n,
            n,
            worst + 1,
            k,
            rel.length == 0 ? Double.NaN : rel[worst],
            options.tolerance()));
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private double[] randomRows(int count) {
    double[] x = new double[count * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble(-1, 1);
    }
    return x;
  }

  /**
   * Orthonormalises the first {@code count} rows of {@code x} against {@code q[0..m)} and each
   * other: two passes of block classical Gram-Schmidt against the basis, each followed by modified
   * Gram-Schmidt within the block and normalisation ("twice is enough": the second pass starts from
   * unit vectors, so whatever the first pass lost to cancellation is removed at full relative
   * accuracy). Rows that vanish in the first pass (norm below {@code 1e-10} of what they had) or
   * shrink below {@code 1/2} in the second are numerically in the span and are dropped.
   *
   * @return the number of rows kept (moved to the front of {@code x})
   */
  private int orthonormalise(double[] x, int count, double[] q, int m) {
    count = Math.min(count, n - m);
    if (count <= 0) {
      return 0;
    }
    double[] before = new double[count];
    for (int i = 0; i < count; i++) {
      before[i] = norm(x, i);
    }
    count = projectAndNormalise(x, count, q, m, before, 1e-10);
    Arrays.fill(before, 0, count, 1.0);
    return projectAndNormalise(x, count, q, m, before, 0.5);
  }

  /** One pass: {@code X ← X − (X Qᵀ) Q}, then modified Gram-Schmidt within X and normalisation. */
  private int projectAndNormalise(
      double[] x, int count, double[] q, int m, double[] before, double dropBelow) {
    if (m > 0 && count > 0) {
      double[] c = new double[count * m];
      HostProducts.mulTransB(1, x, q, 0, c, count, n, m);
      HostProducts.mul(-1, c, q, 1, x, count, m, n);
    }
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (kept != i) {
        System.arraycopy(x, i * n, x, kept * n, n);
      }
      for (int j = 0; j < kept; j++) {
        double d = 0;
        for (int l = 0; l < n; l++) {
          d += x[kept * n + l] * x[j * n + l];
        }
        for (int l = 0; l < n; l++) {
          x[kept * n + l] -= d * x[j * n + l];
        }
      }
      double nrm = norm(x, kept);
      if (nrm > dropBelow * before[i] && nrm > 0) {
        for (int l = 0; l < n; l++) {
          x[kept * n + l] /= nrm;
        }
        kept++;
      }
    }
    return kept;
  }

  private double norm(double[] x, int row) {
    double s = 0;
    for (int l = 0; l < n; l++) {
      double v = x[row * n + l];
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** Eigenpairs of the projected matrix {@code T[0..m, 0..m)}. */
  private record Ritz(SymmetricEigen.Decomposition eig, int m) {
    double[] topValues(int r) {
      double[] out = new double[r];
      for (int i = 0; i < r; i++) {
        out[i] = eig.values()[m - 1 - i];
      }
      return out;
    }

    /** {@code [r × m]}: row i is {@code s} of the i-th largest θ. */
    double[] topVectors(int r) {
      double[] out = new double[r * m];
      for (int i = 0; i < r; i++) {
        System.arraycopy(eig.vectors()[m - 1 - i], 0, out, i * m, m);
      }
      return out;
    }

    double maxAbs() {
      return Math.max(Math.abs(eig.values()[0]), Math.abs(eig.values()[m - 1]));
    }
  }

  private static Ritz ritz(double[] t, int stride, int m) {
    double[] tm = new double[m * m];
    for (int i = 0; i < m; i++) {
      System.arraycopy(t, i * stride, tm, i * m, m);
    }
    return new Ritz(SymmetricEigen.decompose(tm, m), m);
  }
}
