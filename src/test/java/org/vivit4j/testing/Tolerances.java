package org.vivit4j.testing;

/**
 * Every tolerance of the test suite, named by what it compares, each with its reason. Metrics are
 * normwise relative, {@code max|a − b| / max|b|}, unless noted.
 */
public final class Tolerances {
  private Tolerances() {}

  /**
   * Loss, gradient, per-sample losses in float64: a handful of roundings per entry; the golden
   * README measured ViViT vs autograd at ≤ 2.1e-14, so 1e-12 leaves two orders for summation order.
   */
  public static final double F64_FIRST_ORDER = 1e-12;

  /**
   * An imported ONNX model's float64 forward pass against PyTorch's float64 outputs of the same
   * float32 weights, relative to max(1, |value|): both sum the same products in different orders
   * (BLAS blocking against PyTorch's kernels), a few ulps per layer over a handful of layers.
   */
  public static final double F64_ONNX_FORWARD = 1e-12;

  /**
   * One layer's float64 forward pass (fast path or reference) against PyTorch's float64 output of
   * the same weights ({@code src/test/resources/layers}), relative to max(1, |value|): the same
   * products summed in another order, a few ulps over at most a few dozen terms.
   */
  public static final double F64_LAYER_FORWARD = 1e-12;

  /**
   * Per-channel mean and unbiased variance of a BatchNorm output over the calibration batch whose
   * statistics it was given, against 0 and {@code σ²/(σ² + eps)}: the stored statistics are rounded
   * to float32 (relative 6e-8), which moves the mean by {@code 6e-8·|μ|/σ} standard deviations, and
   * {@code |μ|/σ} stays below 100 on these inputs; 1e-4 leaves an order of magnitude.
   */
  public static final double CALIBRATED_BATCH_NORM = 1e-4;

  /**
   * A training-mode gradient against central differences of the training-mode loss with step 1e-5
   * on a smooth network (tanh, no kinks): truncation {@code h²·|L'''|/6} about 1e-10, rounding
   * {@code ε·|L|/h} about 1e-11; normwise relative, 1e-7 leaves two orders.
   */
  public static final double TRAINING_FINITE_DIFFERENCES = 1e-7;

  /**
   * Packed symmetric storage against dense, per unit of n (the length of each dot product, entries
   * and vector components of magnitude ≤ 1): float64 sums in another order differ by a few ulps per
   * term; float32 storage rounds every entry by at most 2⁻²⁴ relative before the double
   * accumulation.
   */
  public static final double PACKED_F64_PER_TERM = 4 * Math.ulp(1.0);

  public static final double PACKED_F32_PER_TERM = 0x1p-24;

  /**
   * A Gram (or cross terms) assembled from chunk-pair passes against the plain pass in float64,
   * normwise: each entry is the same sum of products, summed in another order where a contraction
   * blocks by the rows it is given (BLAS tiles, Conv2d sample blocks); a few ulps of the largest
   * entry, 1e-13 leaves two orders.
   */
  public static final double F64_REORDERED_GRAM = 1e-13;

  /**
   * {@code V·w} in float64 by two contractions that sum the same products in different orders (a
   * Conv2d weight's kept {@code V_W} times {@code w}, or {@code w} folded into the factor first and
   * contracted with the unfolded inputs), relative to the largest entry: a few ulps per term of
   * sums of a few hundred terms.
   */
  public static final double F64_REORDERED_APPLY = 1e-12;

  /**
   * A loss's rank-reduced Hessian factor {@code R Rᵀ} against the full factor's {@code S Sᵀ}, both
   * in float64, relative to the largest entry: R is S times a Householder reflection (two more
   * roundings per entry), and each of the C ≤ 10 products sums C terms; 1e-14 is about 50 ulps.
   */
  public static final double F64_REDUCED_FACTOR = 1e-14;

  /**
   * Gram eigenvalues in float64 (golden README: 1e-10): the eigensolver's backward error is ~1e-16
   * of the largest eigenvalue; long reductions over the Gram contractions add a few ulps.
   */
  public static final double F64_EVALS = 1e-10;

  /**
   * γ and λ in float64 (golden README: 1e-9): γ divides by √λ_k and eigenvectors carry an error of
   * about {@code eps·λ_max/gap}, so these lose a little more than the eigenvalues.
   */
  public static final double F64_DIRECTIONAL = 1e-9;

  /**
   * Eigenvalues closer than this (relative to the largest) are compared as a cluster in float64:
   * individual eigenvectors within it are ill-conditioned ({@code eps/gap} ≈ 1e-10 at this gap),
   * while the cluster sums of γ² and λ are invariant.
   */
  public static final double F64_CLUSTER_GAP = 1e-6;

  /**
   * Cluster gap in float64 with the Lanczos eigensolver: it returns pairs whose residual is at most
   * {@code 1e-12·‖A‖} (the default of {@code LanczosTopK}), so an eigenvector's error is bounded by
   * {@code 1e-12·λ_max/gap} (Davis–Kahan). For γ and λ within {@link #F64_DIRECTIONAL} one by one
   * the gap must be at least {@code 1e-12/1e-9 = 1e-3} of the largest eigenvalue; closer
   * eigenvalues are compared as clusters, whose sums of γ² and λ the residual bound does determine.
   */
  public static final double F64_LANCZOS_CLUSTER_GAP = 1e-3;

  /** A float64 Gram eigenvalue below this times the largest counts as a numerical zero. */
  public static final double F64_ZERO_EVAL = 1e-10;

  /**
   * Float32 computations against float64 references (MATH.md §9, ViViT's own example): about 1e-4
   * relative for well-separated eigenvalues. The factor and Gram contractions are float32 sums of
   * up to a few hundred products.
   */
  public static final double F32_RESULTS = 1e-4;

  /**
   * Cluster gap in float32: eigenvector errors are about {@code 1e-7·λ_max/gap}, so directions
   * closer than 1e-2 of the largest eigenvalue are compared as clusters.
   */
  public static final double F32_CLUSTER_GAP = 1e-2;

  /** Float32 numerical zeros are about 1e-7 of the largest eigenvalue (golden README). */
  public static final double F32_ZERO_EVAL = 1e-4;

  /**
   * A γ block whose reference is below this times {@code max_r ‖g_{t_r}|P‖} is a numerical zero in
   * float64 (e.g. ReLU structure makes a gradient exactly orthogonal to the eigenvectors, and the
   * reference then holds round-off of order 1e-30): normwise relative errors are meaningless there,
   * so the fast path must be a numerical zero on the same scale. {@code |γ| ≤ ‖g‖} bounds the
   * natural scale; round-off is about {@code eps·‖g‖·√(λ_max/λ_k)}.
   */
  public static final double F64_ZERO_GAMMA = 1e-10;

  /**
   * As {@link #F64_ZERO_GAMMA} in float32, where γ's round-off is about {@code 1e-7·‖g‖·√(λ_max/
   * λ_k)} and the eligible {@code λ_k} are at least {@code 1e-3·λ_max}.
   */
  public static final double F32_ZERO_GAMMA = 1e-4;

  /**
   * Relative residual {@code ‖Ĝv − λv‖} a result may report (fuzzing suite): Lanczos returns only
   * pairs below 1e-12 of {@code ‖Ĝ‖₂}; the dense solver's backward error is a few {@code eps·n} for
   * the Gram sizes of the fuzzed problems (n ≤ a few hundred), about 1e-13 at most.
   */
  public static final double FUZZ_EIGEN_RESIDUAL = 1e-10;

  /**
   * Directions whose eigenvalue is above this times the largest are checked by the fuzzing suite's
   * identities ({@code mean_n λ_nk = λ_k}, orthonormality, {@code mean_n γ_nk = ∇L·e_k}): their
   * eigenvector error is about {@code eps·λ_max/λ_k ≤ 1e-10}, within {@link #F64_DIRECTIONAL}.
   * Smaller selected eigenvalues are numerical zeros the result must warn about instead.
   */
  public static final double FUZZ_RESOLVED_EVAL = 1e-6;

  /**
   * {@code |e_jᵀe_k − δ_jk|} for resolved directions (see {@link #FUZZ_RESOLVED_EVAL}): the error
   * {@code eps·λ_max/λ_k} is at most about 1e-10, plus the rounding of a dot product of length
   * {@code dim ≤ 1e4}.
   */
  public static final double FUZZ_ORTHONORMAL = 1e-9;

  /**
   * An SNR is compared with its definition only where the mean and the standard deviation of the
   * written rows exceed this times their largest magnitude: the library and the check sum the same
   * doubles in a different order, which changes {@code s²} by about {@code n·eps·max²}, i.e. by
   * {@code n·1e-8} relative at this level.
   */
  public static final double FUZZ_SNR_RESOLVED = 1e-4;

  /** Relative agreement of a resolved SNR with its definition (see {@link #FUZZ_SNR_RESOLVED}). */
  public static final double FUZZ_SNR = 1e-6;

  /**
   * Bound on {@code |a − b|} for two float64 sums of the same {@code n} products in different
   * orders (a lowered, BLAS-blocked convolution against its direct loop), relative to {@code
   * Σ|products|}: each side is within {@code γ_n = n·u/(1 − n·u)} of the exact sum ({@code u =
   * 2⁻⁵³}), so twice that. The bound is rigorous, not a fudge: a wrong index breaks it by orders of
   * magnitude.
   */
  public static double f64ReorderedSum(long n) {
    double nu = n * 0x1p-53;
    return 2 * nu / (1 - nu);
  }
}
