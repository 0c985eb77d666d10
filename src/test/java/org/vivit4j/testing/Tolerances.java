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
}
