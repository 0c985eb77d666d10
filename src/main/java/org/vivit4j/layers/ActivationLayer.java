package org.vivit4j.layers;

import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.Activation;

/**
 * Element-wise activation {@code z = φ(a)} (relu, sigmoid, tanh, leaky_relu, elu, selu, gelu,
 * softplus, silu, logsigmoid; formulas in {@link Activation}); Jacobian {@code diag(φ'(a))}, so
 * {@code B_in = φ'(a) ⊙ B_out} (each factor row scaled by its sample's derivative, kernel {@code
 * scale_by_activation_derivative}) and {@code δ_in = φ'(a) ⊙ δ_out}.
 */
public final class ActivationLayer extends Layer {
  private final Activation activation;
  private final double param;

  public ActivationLayer(Activation activation, int size) {
    this(activation, activation.defaultParam(), size);
  }

  /**
   * @param param the hyper-parameter ({@code negative_slope}, {@code alpha}); ignored by
   *     activations without one
   */
  public ActivationLayer(Activation activation, double param, int size) {
    super(size, size);
    this.activation = activation;
    this.param = param;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = activation.value(in[i], param);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = deltaOut[i] * activation.derivative(in[i], param);
    }
    return out;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    // In place: the engine hands B_out over and does not read it again.
    ctx.backend()
        .scaleByActivationDerivative(
            ctx.factorOut(), ctx.inputGgn(), activation, param, ctx.factorColumns());
    return ctx.factorOut();
  }

  @Override
  public String toString() {
    String p =
        activation.paramName() == null
            ? ""
            : ", " + activation.paramName() + "=" + activation.paramText(param);
    return activation.typeName() + "(" + inSize + p + ")";
  }
}
