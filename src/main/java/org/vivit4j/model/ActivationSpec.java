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
}
