package org.vivit4j.model;

/** PyTorch's {@code nn.Identity}: {@code z = a}. */
public record IdentitySpec() implements LayerSpec {
  @Override
  public String type() {
    return "identity";
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  public int[] outputShape(int[] in, String where) {
    return in.clone();
  }
}
