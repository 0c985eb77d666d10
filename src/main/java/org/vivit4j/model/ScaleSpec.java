package org.vivit4j.model;

/**
 * Multiplication by a constant, {@code z = s·a} (BackPACK's {@code ScaleModule}, what {@code
 * torch.fx} records for {@code x * 0.5}): no parameters, the output has the input's shape.
 *
 * @param scale the finite factor {@code s}
 */
public record ScaleSpec(double scale) implements LayerSpec {
  @Override
  public String type() {
    return "scale";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    return in.clone();
  }

  @Override
  public void checkHyperParameters(String where) {
    if (!Double.isFinite(scale)) {
      throw new InvalidInputException(where + ".scale", "is " + scale + "; it must be finite");
    }
  }
}
