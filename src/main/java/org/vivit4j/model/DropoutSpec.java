package org.vivit4j.model;

/**
 * PyTorch's {@code nn.Dropout(p)}. Curvature is measured in evaluation mode, where dropout is the
 * identity {@code z = a}; {@code p} only documents the training-time layer.
 *
 * @param p the drop probability, in {@code [0, 1]}
 */
public record DropoutSpec(double p) implements LayerSpec {
  @Override
  public String type() {
    return "dropout";
  }
}
