package org.vivit4j.layers;

import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.MaxPool2dSpec;

/**
 * MaxPool2d (PyTorch semantics, {@code ceil_mode = false}): {@code z_n[c, t] = a_n[c, h*, w*]}, the
 * first maximum (window order {@code a} outer, {@code b} inner) among the window's positions inside
 * the input; padding never wins. Activations {@code [N × C·H·W] → [N × C·T]}.
 *
 * <p>The Jacobian is a 0/1 routing matrix, so {@code B_in[r, c, h, w] = Σ_{t : argmax(n_r, c, t) =
 * (h, w)} B_out[r, c, t]} with {@code n_r} the sample of factor row {@code r}; the arg-max comes
 * from the float64 forward pass on the host (recomputed from the layer input), so every backend
 * routes exactly as the forward pass chose.
 */
public final class MaxPool2dLayer extends Layer {
  private final ConvGeometry g;

  public MaxPool2dLayer(MaxPool2dSpec spec, int[] inShape) {
    this(
        ConvGeometry.of(
            inShape, spec.kernelSize(), spec.stride(), spec.padding(), spec.dilation()));
  }

  private MaxPool2dLayer(ConvGeometry g) {
    super(g.inputSize(), g.channels() * g.positions());
    if ((long) g.height() * g.width() >= 1L << 24) {
      throw new IllegalArgumentException("max pooling needs H·W < 2^24 (exact float32 indices)");
    }
    this.g = g;
  }

  /**
   * In-plane index {@code h·W + w} of each window's first maximum, {@code [n × C·T]} for the
   * samples {@code rows} of {@code in}.
   */
  int[] argmax(double[] in, int[] rows) {
    int t = g.positions();
    int c = g.channels();
    int hw = g.height() * g.width();
    int[] out = new int[rows.length * c * t];
    for (int r = 0; r < rows.length; r++) {
      int xo = rows[r] * inSize;
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < g.outH(); i++) {
          for (int j = 0; j < g.outW(); j++) {
            int best = -1;
            double max = 0;
            for (int a = 0; a < g.kernelH(); a++) {
              int h = i * g.strideH() - g.padH() + a * g.dilH();
              if (h < 0 || h >= g.height()) {
                continue;
              }
              for (int b = 0; b < g.kernelW(); b++) {
                int w = j * g.strideW() - g.padW() + b * g.dilW();
                if (w < 0 || w >= g.width()) {
                  continue;
                }
                double v = in[xo + ch * hw + h * g.width() + w];
                if (best < 0 || v > max) {
                  best = h * g.width() + w;
                  max = v;
                }
              }
            }
            out[(r * c + ch) * t + i * g.outW() + j] = best;
          }
        }
      }
    }
    return out;
  }

  private static int[] all(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    int[] am = argmax(in, all(n));
    int hw = g.height() * g.width();
    int t = g.positions();
    double[] out = new double[n * outSize];
    for (int q = 0; q < out.length; q++) {
      int sc = q / t; // sample·C + channel
      out[q] = in[sc * hw + am[q]];
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    int[] am = argmax(in, all(n));
    int hw = g.height() * g.width();
    int t = g.positions();
    double[] dIn = new double[n * inSize];
    for (int q = 0; q < deltaOut.length; q++) {
      dIn[(q / t) * hw + am[q]] += deltaOut[q];
    }
    return dIn;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    int[] am = argmax(ctx.input(), ctx.ggnRows());
    double[] amd = new double[am.length];
    for (int i = 0; i < am.length; i++) {
      amd[i] = am[i];
    }
    try (DeviceMatrix dev = ctx.backend().upload(amd, ctx.ggnRows().length, outSize)) {
      return ctx.backend().maxPoolJacT(ctx.factorOut(), dev, ctx.factorColumns(), g);
    }
  }

  @Override
  public String toString() {
    return "MaxPool2d(" + g.kernelH() + "×" + g.kernelW() + ")";
  }
}
