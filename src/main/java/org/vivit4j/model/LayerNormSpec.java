package org.vivit4j.model;

/**
 * PyTorch's {@code nn.LayerNorm(normalized_shape, eps, elementwise_affine)}: each sample's trailing
 * dimensions {@code normalized_shape} (M entries) are normalised to zero mean and unit (biased)
 * variance, then scaled and shifted entry-wise:
 *
 * <pre>
 *   μ = (1/M) Σ_j a_j,  v = (1/M) Σ_j (a_j − μ)²,  r = 1/√(v + eps),  x̂_j = (a_j − μ)·r,
 *   z_j = γ_j x̂_j + β_j.
 * </pre>
 *
 * When the sample has more entries than M (e.g. {@code [C, H, W]} normalised over {@code [H, W]}),
 * each of its {@code G = numel/M} contiguous blocks is normalised separately with the same γ, β.
 *
 * @param normalizedShape the trailing per-sample shape that is normalised
 * @param eps added to the variance
 * @param weight γ, shaped {@code normalizedShape}, or {@code null} without elementwise affine
 * @param bias β, shaped {@code normalizedShape}, or {@code null} (no affine, or {@code bias=False})
 */
public record LayerNormSpec(int[] normalizedShape, double eps, double[] weight, double[] bias)
    implements LayerSpec {
  @Override
  public String type() {
    return "layernorm";
  }

  @Override
  public int numParamTensors() {
    return (weight == null ? 0 : 1) + (bias == null ? 0 : 1);
  }

  /**
   * M, the number of entries normalised together. {@link NetworkSpec} checks that {@code
   * normalized_shape} is the trailing part of a shape whose product fits an int.
   *
   * @throws ArithmeticException when the product does not fit an int (a spec no network accepts)
   */
  public int groupSize() {
    int m = 1;
    for (int s : normalizedShape) {
      m = Math.multiplyExact(m, s);
    }
    return m;
  }
}
