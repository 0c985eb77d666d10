package org.vivit4j.layers;

import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.AvgPool2dSpec;

/**
 * AvgPool2d (PyTorch's {@code count_include_pad = true}, {@code ceil_mode = false}): {@code z_n[c,
 * i, j] = (1/(k_h k_w)) Σ_{a,b} a_n[c, i·s_h − p_h + a, j·s_w − p_w + b]}, padding counting as
 * zero. Linear, so {@code B_in} spreads each entry of {@code B_out} evenly over its window: {@code
 * B_in[r, c, h, w] = (1/(k_h k_w)) Σ_{windows ∋ (h,w)} B_out[r, c, i, j]}. Activations {@code [N ×
 * C·H·W] → [N × C·T]}.
 */
public final class AvgPool2dLayer extends Layer {
  private final ConvGeometry g;

  public AvgPool2dLayer(AvgPool2dSpec spec, int[] inShape) {
    this(
        ConvGeometry.of(
            inShape, spec.kernelSize(), spec.stride(), spec.padding(), new int[] {1, 1}));
  }

  private AvgPool2dLayer(ConvGeometry g) {
    super(g.inputSize(), g.channels() * g.positions());
    this.g = g;
  }

  /** {@code f(q_in, q_out)} for every (input entry, output entry) pair of a window, per sample. */
  private interface Tap {
    void apply(int in, int out);
  }

  private void forEachTap(int n, Tap tap) {
    int hw = g.height() * g.width();
    int t = g.positions();
    for (int s = 0; s < n * g.channels(); s++) {
      for (int i = 0; i < g.outH(); i++) {
        for (int j = 0; j < g.outW(); j++) {
          int q = s * t + i * g.outW() + j;
          for (int a = 0; a < g.kernelH(); a++) {
            int h = i * g.strideH() - g.padH() + a;
            if (h < 0 || h >= g.height()) {
              continue;
            }
            for (int b = 0; b < g.kernelW(); b++) {
              int w = j * g.strideW() - g.padW() + b;
              if (w >= 0 && w < g.width()) {
                tap.apply(s * hw + h * g.width() + w, q);
              }
            }
          }
        }
      }
    }
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * outSize];
    forEachTap(n, (qi, qo) -> out[qo] += in[qi]);
    double inv = 1.0 / (g.kernelH() * g.kernelW());
    for (int q = 0; q < out.length; q++) {
      out[q] *= inv;
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] dIn = new double[n * inSize];
    double inv = 1.0 / (g.kernelH() * g.kernelW());
    forEachTap(n, (qi, qo) -> dIn[qi] += inv * deltaOut[qo]);
    return dIn;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    return ctx.backend().avgPoolJacT(ctx.factorOut(), g);
  }

  @Override
  public String toString() {
    return "AvgPool2d(" + g.kernelH() + "×" + g.kernelW() + ")";
  }
}
