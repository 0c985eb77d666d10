package org.vivit4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  /** The input's shape, whose trailing dimensions must equal {@code normalized_shape}. */
  @Override
  public int[] outputShape(int[] in, String where) {
    int[] ns = normalizedShape;
    boolean suffix = ns.length >= 1 && ns.length <= in.length;
    for (int d = 0; suffix && d < ns.length; d++) {
      suffix = ns[d] == in[in.length - ns.length + d];
    }
    if (!suffix) {
      throw new InvalidInputException(
          where + ".normalized_shape",
          "is "
              + Arrays.toString(ns)
              + " but must equal the trailing dimensions of the layer's input "
              + Arrays.toString(in));
    }
    return in.clone();
  }

  @Override
  public List<LayerParam> params() {
    List<LayerParam> out = new ArrayList<>();
    if (weight != null) {
      out.add(new LayerParam("weight", normalizedShape.clone(), weight));
    }
    if (bias != null) {
      out.add(new LayerParam("bias", normalizedShape.clone(), bias));
    }
    return out;
  }

  /**
   * {@code eps > 0} and finite, γ and β of {@code prod(normalized_shape)} values, β only with γ.
   */
  @Override
  public void checkHyperParameters(String where) {
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw new InvalidInputException(where + ".eps", "is " + eps + " but must be > 0");
    }
    int m = groupSize();
    if (weight != null && weight.length != m) {
      throw new InvalidInputException(
          where + ".weight", "has " + weight.length + " values, expected " + m);
    }
    if (bias != null && (weight == null || bias.length != m)) {
      throw new InvalidInputException(
          where + ".bias",
          weight == null
              ? "needs a weight (elementwise_affine)"
              : "has " + bias.length + " values, expected " + m);
    }
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
