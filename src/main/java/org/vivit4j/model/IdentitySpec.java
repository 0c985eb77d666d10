package org.vivit4j.model;

/** PyTorch's {@code nn.Identity}: {@code z = a}. */
public record IdentitySpec() implements LayerSpec {
  @Override
  public String type() {
    return "identity";
  }
}
