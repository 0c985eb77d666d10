package org.vivit4j.reference;

import java.util.Arrays;

/**
 * Two-dimensional convolution of one sample with PyTorch's {@code Conv2d} semantics
 * (cross-correlation, zero padding, stride, dilation, groups = 1):
 *
 * <pre>
 *   y[o, i, j] = Σ_{c, a, b} W[o, c, a, b] · x[c, i·s_h − p_h + a·d_h, j·s_w − p_w + b·d_w]
 * </pre>
 *
 * with out-of-range input positions read as zero, {@code x: [C, H, W]}, {@code W: [O, C, k_h,
 * k_w]}, {@code y: [O, H_out, W_out]} and {@code H_out = ⌊(H + 2p_h − d_h(k_h − 1) − 1)/s_h⌋ + 1}
 * (likewise for the width).
 *
 * <p>{@code y} is bilinear in {@code (x, W)}. Writing the sum over all valid "taps" {@code
 * (y-index, W-index, x-index)} gives three operations that are adjoint to each other:
 *
 * <ul>
 *   <li>{@link #conv2d}: {@code y = Σ_taps W·x};
 *   <li>{@link #convTranspose}: {@code x̄ = Σ_taps W·ȳ} (the input adjoint);
 *   <li>{@link #weightGrad}: {@code W̄ = Σ_taps ȳ·x} (the weight adjoint).
 * </ul>
 *
 * Each one's vector-Jacobian product is expressed through the other two, so convolutions can be
 * differentiated any number of times.
 */
public final class ConvOps {
  private ConvOps() {}

  /** Shapes, hyper-parameters and the list of valid taps of one convolution. */
  static final class Geometry {
    final int[] xShape;
    final int[] wShape;
    final int[] yShape;
    final int[] tapY;
    final int[] tapW;
    final int[] tapX;

    Geometry(int[] xShape, int[] wShape, int[] stride, int[] padding, int[] dilation) {
      if (xShape.length != 3 || wShape.length != 4 || xShape[0] != wShape[1]) {
        throw new IllegalArgumentException(
            "conv2d of input "
                + Arrays.toString(xShape)
                + " with weight "
                + Arrays.toString(wShape)
                + " (expected [C, H, W] and [O, C, kh, kw])");
      }
      for (int d = 0; d < 2; d++) {
        if (stride[d] < 1 || dilation[d] < 1 || padding[d] < 0 || wShape[2 + d] < 1) {
          throw new IllegalArgumentException(
              "conv2d needs stride >= 1, dilation >= 1, padding >= 0 and a non-empty kernel");
        }
      }
      int c = xShape[0];
      int h = xShape[1];
      int w = xShape[2];
      int o = wShape[0];
      int kh = wShape[2];
      int kw = wShape[3];
      int spanH = dilation[0] * (kh - 1) + 1;
      int spanW = dilation[1] * (kw - 1) + 1;
      if (h + 2 * padding[0] < spanH || w + 2 * padding[1] < spanW) {
        throw new IllegalArgumentException("conv2d kernel does not fit the padded input");
      }
      int ho = (h + 2 * padding[0] - spanH) / stride[0] + 1;
      int wo = (w + 2 * padding[1] - spanW) / stride[1] + 1;
      this.xShape = xShape.clone();
      this.wShape = wShape.clone();
      this.yShape = new int[] {o, ho, wo};

      int max = o * c * kh * kw * ho * wo;
      int[] ty = new int[max];
      int[] tw = new int[max];
      int[] tx = new int[max];
      int n = 0;
      for (int oo = 0; oo < o; oo++) {
        for (int cc = 0; cc < c; cc++) {
          for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kw; b++) {
              int wIdx = ((oo * c + cc) * kh + a) * kw + b;
              for (int i = 0; i < ho; i++) {
                int row = i * stride[0] - padding[0] + a * dilation[0];
                if (row < 0 || row >= h) {
                  continue;
                }
                for (int j = 0; j < wo; j++) {
                  int col = j * stride[1] - padding[1] + b * dilation[1];
                  if (col < 0 || col >= w) {
                    continue;
                  }
                  ty[n] = (oo * ho + i) * wo + j;
                  tw[n] = wIdx;
                  tx[n] = (cc * h + row) * w + col;
                  n++;
                }
              }
            }
          }
        }
      }
      this.tapY = Arrays.copyOf(ty, n);
      this.tapW = Arrays.copyOf(tw, n);
      this.tapX = Arrays.copyOf(tx, n);
    }
  }

  /**
   * {@code y = conv2d(x, W)} for one sample, without bias.
   *
   * @param x {@code [C, H, W]}
   * @param w {@code [O, C, kh, kw]}
   * @param stride {@code [s_h, s_w]}
   * @param padding {@code [p_h, p_w]}
   * @param dilation {@code [d_h, d_w]}
   */
  public static Node conv2d(Node x, Node w, int[] stride, int[] padding, int[] dilation) {
    return conv2d(x, w, new Geometry(x.shapeRef(), w.shapeRef(), stride, padding, dilation));
  }

  /**
   * {@code y = Σ_taps W·x}. VJP: {@code x̄ = convTranspose(ū, W)}, {@code W̄ = weightGrad(ū, x)}.
   */
  static Node conv2d(Node x, Node w, Geometry g) {
    check(x, g.xShape, "input");
    check(w, g.wShape, "weight");
    double[] y = new double[Node.numel(g.yShape)];
    double[] xd = x.data();
    double[] wd = w.data();
    for (int t = 0; t < g.tapY.length; t++) {
      y[g.tapY[t]] += wd[g.tapW[t]] * xd[g.tapX[t]];
    }
    return x.tape()
        .record(
            y,
            g.yShape,
            new Node[] {x, w},
            u -> new Node[] {convTranspose(u, w, g), weightGrad(u, x, g)});
  }

  /**
   * {@code x̄ = Σ_taps W·ȳ}, the adjoint of conv2d in its input. VJP for an adjoint {@code ū} of
   * the input's shape: {@code ȳ-bar = conv2d(ū, W)}, {@code W̄ = weightGrad(ȳ, ū)}.
   */
  static Node convTranspose(Node ybar, Node w, Geometry g) {
    check(ybar, g.yShape, "output adjoint");
    check(w, g.wShape, "weight");
    double[] xbar = new double[Node.numel(g.xShape)];
    double[] yd = ybar.data();
    double[] wd = w.data();
    for (int t = 0; t < g.tapY.length; t++) {
      xbar[g.tapX[t]] += wd[g.tapW[t]] * yd[g.tapY[t]];
    }
    return ybar.tape()
        .record(
            xbar,
            g.xShape,
            new Node[] {ybar, w},
            u -> new Node[] {conv2d(u, w, g), weightGrad(ybar, u, g)});
  }

  /**
   * {@code W̄ = Σ_taps ȳ·x}, the adjoint of conv2d in its weight. VJP for an adjoint {@code ū} of
   * the weight's shape: {@code ȳ-bar = conv2d(x, ū)}, {@code x̄ = convTranspose(ȳ, ū)}.
   */
  static Node weightGrad(Node ybar, Node x, Geometry g) {
    check(ybar, g.yShape, "output adjoint");
    check(x, g.xShape, "input");
    double[] wbar = new double[Node.numel(g.wShape)];
    double[] yd = ybar.data();
    double[] xd = x.data();
    for (int t = 0; t < g.tapY.length; t++) {
      wbar[g.tapW[t]] += yd[g.tapY[t]] * xd[g.tapX[t]];
    }
    return ybar.tape()
        .record(
            wbar,
            g.wShape,
            new Node[] {ybar, x},
            u -> new Node[] {conv2d(x, u, g), convTranspose(ybar, u, g)});
  }

  /** {@code y[o, i, j] + b[o]} for {@code y: [O, H, W]} and {@code b: [O]}. */
  public static Node addChannelBias(Node y, Node b) {
    int[] s = y.shapeRef();
    if (s.length != 3 || b.numel() != s[0]) {
      throw new IllegalArgumentException(
          "channel bias of " + b.numel() + " for output " + Arrays.toString(s));
    }
    return Ops.add(y, Ops.reshape(Ops.expandRows(b, s[1] * s[2]), s));
  }

  private static void check(Node n, int[] shape, String what) {
    if (!Arrays.equals(n.shapeRef(), shape)) {
      throw new IllegalArgumentException(
          "conv2d "
              + what
              + " has shape "
              + Arrays.toString(n.shapeRef())
              + ", expected "
              + Arrays.toString(shape));
    }
  }
}
