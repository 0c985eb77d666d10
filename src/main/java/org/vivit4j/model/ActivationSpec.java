package org.vivit4j.model;

/**
 * An element-wise activation layer without parameters.
 *
 * @param activation the function
 * @param param its hyper-parameter ({@code negative_slope} of leaky_relu, {@code alpha} of elu);
 *     ignored by activations without one
 */
public record ActivationSpec(Activation activation, double param) implements LayerSpec {

  /** The activation with PyTorch's default hyper-parameter. */
  public ActivationSpec(Activation activation) {
    this(activation, activation.defaultParam());
  }

  @Override
  public String type() {
    return activation.typeName();
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  public int[] outputShape(int[] in, String where) {
    return in.clone();
  }

  /** The hyper-parameter is finite, or the index of one of its named choices. */
  @Override
  public void checkHyperParameters(String where) {
    String problem = activation.paramProblem(param);
    if (problem != null) {
      throw new InvalidInputException(where + "." + activation.paramName(), problem);
    }
  }
}
