package org.vivit4j.layers;

import org.vivit4j.backend.ActivationMath;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.Activation;

/**
 * Element-wise activation {@code z = φ(a)}; Jacobian {@code diag(φ'(a))}, so {@code B_in = φ'(a) ⊙
 * B_out} (each factor row scaled by its sample's derivative) and {@code δ_in = φ'(a) ⊙ δ_out}.
 */
public final class ActivationLayer extends Layer {
  private final Activation activation;

  public ActivationLayer(Activation activation, int size) {
    super(size, size);
    this.activation = activation;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = ActivationMath.value(activation, in[i]);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = deltaOut[i] * ActivationMath.derivative(activation, in[i], false);
    }
    return out;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    // In place: the engine hands B_out over and does not read it again.
    ctx.backend()
        .scaleByActivationDerivative(
            ctx.factorOut(), ctx.inputGgn(), activation, ctx.factorColumns());
    return ctx.factorOut();
  }

  @Override
  public String toString() {
    return activation.typeName() + "(" + inSize + ")";
  }
}
