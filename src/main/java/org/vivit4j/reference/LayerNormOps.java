package org.vivit4j.reference;

import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;

/**
 * LayerNorm written with the tape operations of {@link Ops}, so it is differentiated by the tape.
 */
final class LayerNormOps {
  private LayerNormOps() {}

  /**
   * LayerNorm of one sample by its definition: the sample is viewed as {@code [G, M]} (M = the
   * entries of {@code normalized_shape}), and each row is normalised, {@code x̂ = (x − mean x) /
   * √(mean (x − mean x)² + eps)}, then {@code y = x̂ ⊙ γ + β} with γ, β tiled over the G rows.
   */
  static Node layerNorm(Node a, LayerNormSpec ln, Node weight, Node bias) {
    int[] shape = a.shape();
    int m = 1;
    for (int s : ln.normalizedShape()) {
      m *= s;
    }
    int g = a.numel() / m;
    Node x = Ops.reshape(a, g, m);
    Node mean = Ops.affine(Ops.sumRows(x), 1.0 / m, 0.0);
    Node centered = Ops.sub(x, Ops.expandRows(mean, m));
    Node varEps = Ops.affine(Ops.sumRows(Ops.mul(centered, centered)), 1.0 / m, ln.eps());
    Node y = Ops.mul(centered, Ops.expandRows(Ops.rsqrt(varEps), m));
    if (weight != null) {
      y = Ops.mul(y, Ops.transpose(Ops.expandRows(weight, g)));
    }
    if (bias != null) {
      y = Ops.add(y, Ops.transpose(Ops.expandRows(bias, g)));
    }
    return Ops.reshape(y, shape);
  }
}
