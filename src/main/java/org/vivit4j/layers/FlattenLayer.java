package org.vivit4j.layers;

import org.vivit4j.backend.DeviceMatrix;

/** Flatten: a reshape, so every map is the identity on the sample-major flat layout. */
public final class FlattenLayer extends Layer {
  public FlattenLayer(int size) {
    super(size, size);
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
    return "Flatten(" + inSize + ")";
  }
}
