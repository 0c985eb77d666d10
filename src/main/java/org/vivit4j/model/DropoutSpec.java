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

  /** Element-wise: the output has the input's shape. */
  @Override
  public int[] outputShape(int[] in, String where) {
    return in.clone();
  }

  @Override
  public void checkHyperParameters(String where) {
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidInputException(where + ".p", "is " + p + " but must lie in [0, 1]");
    }
  }
}
