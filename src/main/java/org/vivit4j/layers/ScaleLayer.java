package org.vivit4j.layers;

import org.vivit4j.backend.DeviceMatrix;

/**
 * {@code z = s·a}: Jacobian {@code s I}, so {@code B_in = s B_out} (one backend product per entry,
 * {@link JoinLayer#scaled}; {@code B_out} itself for {@code s = 1}) and {@code δ_in = s δ_out}.
 */
public final class ScaleLayer extends Layer {
  private final double scale;

  public ScaleLayer(double scale, int size) {
    super(size, size);
    this.scale = scale;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = scale * in[i];
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return forwardImpl(deltaOut, n);
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    return scale == 1.0 ? b : JoinLayer.scaled(ctx.backend(), b, scale);
  }

  @Override
  public String toString() {
    return "Scale(" + scale + ", " + inSize + ")";
  }
}
