package org.vivit4j.core;

import java.util.List;
import org.vivit4j.linalg.CanonicalSigns;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.linalg.LanczosTopK;
import org.vivit4j.linalg.SymmetricEigen;
import org.vivit4j.model.InvalidInputException;

/**
 * The host-side math on one group's Gram matrix {@code Ĝ = VᵀV} (MATH.md §3–5), in float64:
 * eigendecomposition, selection, directional derivatives and the Gram-space weights that map to
 * parameter-space eigenvectors.
 *
 * <p>The eigensolver ({@link EigenSolver}) may compute only the top of the spectrum: {@link
 * #evals()} then holds the {@code spectrumSize() − offset()} largest eigenvalues, ascending, and
 * indices into the spectrum (selections) always count from the smallest eigenvalue of the whole
 * spectrum, so that index {@code i} is {@code evals()[i − offset()]}.
 */
public final class GramSpace {
  private final GramStore gram;
  private final int size;
  private final int spectrumSize;
  private final SymmetricEigen.Decomposition eig;
  private final double[] values;
  private final double[][] vectors;
  private final int offset;
  private final EigenSolver solver;
  private final double residual;
  private final long products;
  private final double seconds;
  private final double nextBelow;
  private final double nextBelowError;

  /**
   * Decomposes {@code gram} ({@code size × size}, row-major; made exactly symmetric in place, see
   * below) densely.
   */
  public GramSpace(double[] gram, int size) {
    this(gram, size, EigenSolver.DENSE, SpectrumNeed.all());
  }

  /**
   * Decomposes {@code gram} ({@code size × size}, row-major) with {@code solver}, computing at
   * least the part of the spectrum {@code need} asks for. {@code gram} is first made exactly
   * symmetric in place ({@link GramStore#symmetrize}).
   *
   * @throws IllegalArgumentException when {@code solver} is {@link EigenSolver#LANCZOS} and {@code
   *     need} is the whole spectrum
   * @throws ArithmeticException when the eigensolver does not converge
   */
  public GramSpace(double[] gram, int size, EigenSolver solver, SpectrumNeed need) {
    this(GramStore.dense(gram, size), solver, need);
  }

  /**
   * Decomposes {@code gram} (dense or packed; a dense one made exactly symmetric in place, {@link
   * GramStore#symmetrize}) with {@code solver}, computing at least the part of the spectrum {@code
   * need} asks for. A packed Gram is copied to one dense array for the dense eigensolver; one too
   * large for that is solved by Lanczos.
   *
   * @throws IllegalArgumentException when {@code solver} is {@link EigenSolver#LANCZOS} and {@code
   *     need} is the whole spectrum, or the dense eigensolver is needed for a Gram too large for
   *     one array
   * @throws ArithmeticException when the eigensolver does not converge
   */
  public GramSpace(GramStore gram, EigenSolver solver, SpectrumNeed need) {
    this(gram, solver, need, gram.size());
  }

  /**
   * As above, for a Gram from a rank-reduced factor ({@link
   * org.vivit4j.loss.Loss#reducedSqrtHessian}): the whole spectrum has {@code spectrumSize ≥
   * gram.size()} eigenvalues, the Gram's and {@code spectrumSize − gram.size()} zeros below them
   * that the reduced factor drops. Indices ({@link #offset()}, selections) count in that whole
   * spectrum.
   *
   * @throws IllegalArgumentException as above, or when {@code spectrumSize < gram.size()}
   */
  public GramSpace(GramStore gram, EigenSolver solver, SpectrumNeed need, int spectrumSize) {
    this(gram, solver, need, spectrumSize, LANCZOS_TOLERANCE_FLOAT64);
  }

  /**
   * Lanczos's relative residual {@code ‖Ĝv − λv‖ / ‖Ĝ‖} for a Gram computed in float64: the
   * round-off of the float64 arithmetic that solves it, a thousandth of what any result compares.
   */
  public static final double LANCZOS_TOLERANCE_FLOAT64 = 1e-12;

  /**
   * Lanczos's relative residual for a Gram computed in float32 (MATH.md §9): its entries carry
   * relative errors of at least float32's round-off {@code 2⁻²⁴ ≈ 6e-8} (each is a float32 inner
   * product), so its eigenvectors are those of the exact Gram only to about {@code 6e-8 · ‖Ĝ‖/gap};
   * a residual of 1e-9 adds at most a sixtieth of that, while solving to 1e-12 would refine the
   * round-off (the 784-128-64-10 MLP at N = 512: 220 products instead of 290, each reading the
   * whole Gram).
   */
  public static final double LANCZOS_TOLERANCE_FLOAT32 = 1e-9;

  /** The Lanczos tolerance of a Gram computed in float32 or in float64. */
  public static double lanczosTolerance(boolean float32) {
    return float32 ? LANCZOS_TOLERANCE_FLOAT32 : LANCZOS_TOLERANCE_FLOAT64;
  }

  /**
   * As above, Lanczos stopping at the relative residual {@code lanczosTolerance} ({@link
   * #lanczosTolerance}; the dense eigensolver ignores it).
   */
  public GramSpace(
      GramStore gram,
      EigenSolver solver,
      SpectrumNeed need,
      int spectrumSize,
      double lanczosTolerance) {
    if (spectrumSize < gram.size()) {
      throw new IllegalArgumentException(
          "spectrum size " + spectrumSize + " is below the Gram size " + gram.size());
    }
    this.gram = gram;
    this.size = gram.size();
    this.spectrumSize = spectrumSize;
    long start = System.nanoTime();
    gram.symmetrize();
    EigenSolver used = choose(solver, need, size, gram.denseFits());
    if (used == EigenSolver.DENSE) {
      this.eig = SymmetricEigen.decompose(gram.toDense(), size);
      this.values = eig.values();
      this.vectors = eig.vectors();
      this.offset = spectrumSize - size;
      this.residual = eig.residual();
      this.products = 0;
      this.nextBelow = Double.NaN;
      this.nextBelowError = Double.NaN;
    } else {
      LanczosTopK.Result r = lanczos(gram, size, need, lanczosTolerance);
      this.eig = null;
      this.values = r.values();
      this.vectors = r.vectors();
      this.offset = spectrumSize - r.values().length;
      this.residual = r.maxResidual();
      this.products = r.products();
      this.nextBelow = r.nextValue();
      this.nextBelowError = r.nextResidual() * r.norm();
    }
    this.solver = used;
    this.seconds = (System.nanoTime() - start) * 1e-9;
  }

  /**
   * {@code tr G = tr Ĝ = Σ_i Ĝ_ii}: {@code G = V Vᵀ} and {@code Ĝ = Vᵀ V} share their non-zero
   * eigenvalues, so the GGN block's trace is read off the Gram diagonal.
   */
  public double trace() {
    return gram.trace();
  }

  /**
   * {@code ‖G‖_F = ‖Ĝ‖_F = √(Σ_ij Ĝ_ij²)}: both equal {@code √(Σ λ²)} over the shared eigenvalues
   * (equivalently {@code tr(VVᵀVVᵀ) = tr(VᵀVVᵀV)}).
   */
  public double frobeniusNorm() {
    // Scaled by the largest entry, as BLAS's nrm2: squaring entries above ~1e154 would overflow
    // although the norm itself is finite.
    double max = gram.maxAbs();
    if (max == 0 || !Double.isFinite(max)) {
      return max;
    }
    return max * Math.sqrt(gram.scaledSquares(max));
  }

  /**
   * The solver a Gram of {@code size} gets for {@code need} (also sizes {@link MemoryEstimate}).
   */
  public static EigenSolver choose(
      EigenSolver solver, SpectrumNeed need, int size, boolean denseFits) {
    boolean all = need.kind() == SpectrumNeed.Kind.ALL;
    if (!denseFits && (solver == EigenSolver.DENSE || all)) {
      throw new IllegalArgumentException(
          (all ? "this criterion needs the whole Gram spectrum, which" : "the dense eigensolver")
              + " needs the Gram ("
              + size
              + " rows) in one array, more than a Java array holds; use a top_k or threshold"
              + " criterion with the lanczos or auto eigensolver");
    }
    if (!denseFits) {
      return EigenSolver.LANCZOS;
    }
    return switch (solver) {
      case DENSE -> EigenSolver.DENSE;
      case LANCZOS -> {
        if (all) {
          throw new IllegalArgumentException(
              "the lanczos eigensolver computes the top of the Gram spectrum, but this criterion"
                  + " needs all of it; use the dense or auto eigensolver");
        }
        yield EigenSolver.LANCZOS;
      }
      case AUTO ->
          all
                  || size <= EigenSolver.AUTO_DENSE_MAX_SIZE
                  || (need.kind() == SpectrumNeed.Kind.TOP && need.count() > size / 4)
              ? EigenSolver.DENSE
              : EigenSolver.LANCZOS;
    };
  }

  /**
   * Top-count: the {@code count} largest pairs. Above a threshold: 16, 32, 64, … of the largest
   * pairs (each run starts from the previous Ritz vectors) until the smallest computed eigenvalue
   * is at or below the threshold or the whole spectrum is computed.
   */
  private static LanczosTopK.Result lanczos(
      GramStore gram, int size, SpectrumNeed need, double tolerance) {
    LanczosTopK solver = gram.lanczos(LanczosTopK.Options.defaults().withTolerance(tolerance));
    if (need.kind() == SpectrumNeed.Kind.TOP) {
      return solver.top(Math.min(need.count(), size));
    }
    int count = Math.min(size, THRESHOLD_FIRST_COUNT);
    while (true) {
      LanczosTopK.Result r = solver.top(count);
      if (r.values()[0] <= need.threshold() || count == size) {
        return r;
      }
      count = Math.min(size, 2 * count);
    }
  }

  /** Eigenpairs a threshold search with Lanczos computes first. */
  static final int THRESHOLD_FIRST_COUNT = 16;

  /** The computed Gram eigenvalues, ascending: all of them, or the top {@code size − offset()}. */
  public double[] evals() {
    return values.clone();
  }

  /** Index of {@code evals()[0]} in the whole ascending spectrum (0 when all were computed). */
  public int offset() {
    return offset;
  }

  /** The Gram size {@code N·C̃}. */
  public int size() {
    return size;
  }

  /**
   * Eigenvalues in the whole spectrum: {@link #size()}, or more for a Gram from a rank-reduced
   * factor (its dropped zeros count).
   */
  public int spectrumSize() {
    return spectrumSize;
  }

  /** The eigensolver that ran: {@link EigenSolver#DENSE} or {@link EigenSolver#LANCZOS}. */
  public EigenSolver solver() {
    return solver;
  }

  /**
   * Relative residual of the computed pairs: dense, {@code max ‖Ĝv − λv‖ / max|Ĝ|} over the 64
   * largest pairs ({@link SymmetricEigen}); Lanczos, {@code max ‖Ĝv − λv‖ / ‖Ĝ‖₂} over every
   * returned pair ({@link LanczosTopK}).
   */
  public double residual() {
    return residual;
  }

  /** Matrix–vector products the Lanczos solver used (0 for dense). */
  public long products() {
    return products;
  }

  /**
   * With a partial spectrum: an estimate (a Ritz value, not necessarily converged) of the largest
   * eigenvalue below {@link #evals()}; {@code NaN} when the whole spectrum was computed or none is
   * available.
   */
  public double nextBelow() {
    return nextBelow;
  }

  /** An eigenvalue lies within this distance of {@link #nextBelow()} ({@code ‖r‖}). */
  public double nextBelowError() {
    return nextBelowError;
  }

  /** Wall time of the eigensolve. */
  public double seconds() {
    return seconds;
  }

  /**
   * The dense decomposition.
   *
   * @throws IllegalStateException when a partial eigensolver ran
   */
  public SymmetricEigen.Decomposition decomposition() {
    if (eig == null) {
      throw new IllegalStateException(
          "the " + solver.optionName() + " eigensolver ran: no dense decomposition");
    }
    return eig;
  }

  private double value(int index) {
    return values[index - offset];
  }

  private double[] vector(int index) {
    return vectors[index - offset];
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
      if (selected[i] < offset || selected[i] >= spectrumSize) {
        throw new InvalidInputException(
            field,
            "selected index "
                + selected[i]
                + " is outside the computed Gram spectrum ["
                + offset
                + ", "
                + spectrumSize
                + ")");
      }
      if (i > 0 && selected[i] <= selected[i - 1]) {
        throw new InvalidInputException(field, "selected indices must be ascending and unique");
      }
      double lambda = value(selected[i]);
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
      out[k] = value(selected[k]);
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
      double[] v = vector(selected[k]);
      double inv = 1 / Math.sqrt(value(selected[k]));
      for (int r = 0; r < nGrad; r++) {
        double s = 0;
        int base = r * size;
        for (int i = 0; i < size; i++) {
          s += cross[base + i] * v[i];
        }
        out[r][k] = s * inv;
      }
    }
    return out;
  }

  /**
   * {@code Ĝ g̃_k} for every selected k at once, row-major {@code [K × size]}: the rows of {@code
   * g̃ᵀ Ĝ} ({@code Ĝ} is symmetric). {@link #lambdas} and {@link #gammasFromGram} read them; one
   * product with the Gram serves both.
   */
  public double[] gramTimesVectors(int[] selected) {
    int kk = selected.length;
    double[] v = new double[kk * size];
    for (int k = 0; k < kk; k++) {
      System.arraycopy(vector(selected[k]), 0, v, k * size, size);
    }
    double[] gv = new double[kk * size];
    if (kk > 0) {
      gram.multiply(v, gv, kk);
    }
    return gv;
  }

  /**
   * Second-order directional derivatives {@code λ[m][k] = |S| · Σ_c (Ĝ g̃_k)[m·C̃ + c]² / λ_k}
   * (MATH.md §5, §7).
   *
   * @param gv {@link #gramTimesVectors} of {@code selected}
   */
  public double[][] lambdas(
      double[] gv, int nGgn, int factorColumns, double lambdaFactor, int[] selected) {
    int kk = selected.length;
    double[][] out = new double[nGgn][kk];
    for (int k = 0; k < kk; k++) {
      double lambda = value(selected[k]);
      for (int m = 0; m < nGgn; m++) {
        double s = 0;
        for (int c = 0; c < factorColumns; c++) {
          double x = gv[k * size + m * factorColumns + c];
          s += x * x;
        }
        out[m][k] = lambdaFactor * s / lambda;
      }
    }
    return out;
  }

  /**
   * First-order directional derivatives from the Gram rows of each gradient sample, {@code γ[r][k]
   * = Σ_c coef[r·C̃ + c] · (Ĝ g̃_k)[p_r·C̃ + c] / √λ_k} with {@code p_r = positions[r]}, where
   * {@code ∇L_r = V_{p_r} coef_r} (MATH.md §5, {@link GradientCoefficients}): no gradient cross
   * terms.
   *
   * @param gv {@link #gramTimesVectors} of {@code selected}
   */
  public double[][] gammasFromGram(
      double[] gv, GradientCoefficients.Coefficients coef, int[] selected) {
    int ct = coef.columns();
    int[] positions = coef.positions();
    double[][] out = new double[positions.length][selected.length];
    for (int k = 0; k < selected.length; k++) {
      double inv = 1 / Math.sqrt(value(selected[k]));
      for (int r = 0; r < positions.length; r++) {
        double s = 0;
        int base = k * size + positions[r] * ct;
        for (int c = 0; c < ct; c++) {
          s += coef.values()[r * ct + c] * gv[base + c];
        }
        out[r][k] = s * inv;
      }
    }
    return out;
  }

  /** Gram-space weights {@code w_k = g̃_k / √λ_k}, so that {@code e_k = V w_k} is a unit vector. */
  public double[][] eigenvectorWeights(int[] selected) {
    double[][] w = new double[selected.length][];
    for (int k = 0; k < selected.length; k++) {
      double inv = 1 / Math.sqrt(value(selected[k]));
      double[] v = vector(selected[k]);
      w[k] = new double[size];
      for (int i = 0; i < size; i++) {
        w[k][i] = v[i] * inv;
      }
    }
    return w;
  }

  /**
   * The canonical sign of a parameter-space vector: {@code +1} when its largest-magnitude entry is
   * positive. Entries within {@link CanonicalSigns#TIE} (relative) of the largest magnitude are
   * ties; the first of them decides (the golden cases' convention). {@link CanonicalSigns} is its
   * streaming twin, for vectors offered in pieces.
   */
  public static double canonicalSign(double[] e) {
    double max = 0;
    for (double v : e) {
      double a = Math.abs(v); // not Math.max: its NaN and −0 rules cost a branch per entry
      if (a > max) {
        max = a;
      }
    }
    for (double v : e) {
      if (Math.abs(v) >= max * (1 - CanonicalSigns.TIE)) {
        return v >= 0 ? 1 : -1;
      }
    }
    return 1;
  }
}
