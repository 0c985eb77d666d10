package org.vivit4j.layers;

import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.Pad2dSpec;

/**
 * ZeroPad2d / ConstantPad2d on {@code [C, H, W]} samples: {@code z[c, t + h, l + w] = a[c, h, w]},
 * the other entries of {@code [C, H + t + b, W + l + r]} the constant. The Jacobian selects: {@code
 * B_in[i, (c, h, w)] = B_out[i, (c, t + h, l + w)]} (the crop of each factor row) and {@code δ_in}
 * likewise; no parameters.
 *
 * <p>The crop runs on the host (download, crop, upload: {@code O(rows · out)} copies); no backend
 * operation expresses it, and it moves no more data than the layer's factor itself.
 */
public final class Pad2dLayer extends Layer {
  private final int channels;
  private final int height;
  private final int width;
  private final int top;
  private final int left;
  private final int outH;
  private final int outW;
  private final double value;

  /**
   * @param in the per-sample input shape {@code [C, H, W]}
   */
  public Pad2dLayer(Pad2dSpec spec, int[] in) {
    super(
        in[0] * in[1] * in[2],
        in[0] * (in[1] + spec.top() + spec.bottom()) * (in[2] + spec.left() + spec.right()));
    this.channels = in[0];
    this.height = in[1];
    this.width = in[2];
    this.top = spec.top();
    this.left = spec.left();
    this.outH = in[1] + spec.top() + spec.bottom();
    this.outW = in[2] + spec.left() + spec.right();
    this.value = spec.value();
  }

  /** The output index of input entry {@code (c, h, w)} within a sample. */
  private int outIndex(int c, int h, int w) {
    return (c * outH + top + h) * outW + left + w;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * outSize];
    java.util.Arrays.fill(out, value);
    for (int s = 0; s < n; s++) {
      copy(in, s * inSize, out, s * outSize, true);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return crop(deltaOut, n);
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    int rows = b.rows();
    return ctx.backend().upload(crop(ctx.backend().download(b), rows), rows, inSize);
  }

  /** The input-shaped part of each of the {@code rows} rows of {@code padded}. */
  private double[] crop(double[] padded, int rows) {
    double[] out = new double[rows * inSize];
    for (int r = 0; r < rows; r++) {
      copy(out, r * inSize, padded, r * outSize, false);
    }
    return out;
  }

  /**
   * Copies one sample between its input layout (at {@code a}) and its place in the padded layout
   * (at {@code z}): input to padded when {@code toPadded}, else back.
   */
  private void copy(double[] a, int ao, double[] z, int zo, boolean toPadded) {
    for (int c = 0; c < channels; c++) {
      for (int h = 0; h < height; h++) {
        int from = ao + (c * height + h) * width;
        int to = zo + outIndex(c, h, 0);
        if (toPadded) {
          System.arraycopy(a, from, z, to, width);
        } else {
          System.arraycopy(z, to, a, from, width);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Pad2d(" + channels + "×" + height + "×" + width + " → " + outH + "×" + outW + ")";
  }
}
