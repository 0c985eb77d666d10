package org.vivit4j.layers;

import org.vivit4j.backend.DeviceMatrix;

/**
 * The identity {@code z = a}: PyTorch's {@code nn.Identity}, and {@code nn.Dropout} in evaluation
 * mode (curvature is measured at evaluation, where dropout passes its input through unchanged).
 * Jacobian {@code I}, so {@code B_in = B_out} and {@code δ_in = δ_out}: no device work, no kernel.
 */
public final class IdentityLayer extends Layer {
  private final String label;

  /**
   * @param label how {@link #toString()} names the layer, e.g. {@code "Dropout(p=0.5, eval)"}
   */
  public IdentityLayer(int size, String label) {
    super(size, size);
    this.label = label;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    return in.clone();
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return deltaOut.clone();
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    return ctx.factorOut();
  }

  @Override
  public String toString() {
    return label + "(" + inSize + ")";
  }
}
