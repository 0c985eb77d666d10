package org.vivit4j.reference;

import java.util.Arrays;

/**
 * Two-dimensional pooling of one sample {@code x: [C, H, W]} with PyTorch's semantics ({@code
 * ceil_mode = false}), as fixed sparse linear maps on the tape:
 *
 * <ul>
 *   <li>{@link #maxPool2d}: {@code y[c, i, j] = x[c, h*, w*]}, where {@code (h*, w*)} is the first
 *       position (window order {@code a} outer, {@code b} inner) holding the window's maximum over
 *       {@code (i·s_h − p_h + a·d_h, j·s_w − p_w + b·d_w)} inside the input; padding never wins.
 *       The arg-max is chosen from the values at recording time and then held fixed, as autograd
 *       does, so the derivative routes {@code ȳ} to the arg-max.
 *   <li>{@link #adaptiveAvgPool2d}: PyTorch's adaptive average pooling, windows {@code [⌊iH/O⌋,
 *       ⌈(i+1)H/O⌉)} per axis;
 *   <li>{@link #avgPool2d}: {@code y[c, i, j] = (1/(k_h k_w)) Σ_{a, b} x[c, i·s_h − p_h + a, j·s_w
 *       − p_w + b]}, padded positions counting as zero ({@code count_include_pad = true}).
 * </ul>
 *
 * Both are {@code y = M x} with a sparse {@code M} given as taps {@code (y-index, x-index,
 * coefficient)}; the VJP of {@code M x} is {@code Mᵀ ȳ} and the VJP of {@code Mᵀ u} is {@code M ū},
 * so pooled networks can be differentiated any number of times.
 */
public final class PoolOps {
  private PoolOps() {}

  /** The taps of a sparse map {@code y[ty[k]] += coef[k] · x[tx[k]]}. */
  record Taps(int[] xShape, int[] yShape, int[] ty, int[] tx, double[] coef) {}

  /**
   * Max pooling of one sample.
   *
   * @param x {@code [C, H, W]}
   * @param kernel {@code [k_h, k_w]}
   * @param stride {@code [s_h, s_w]}
   * @param padding {@code [p_h, p_w]}
   * @param dilation {@code [d_h, d_w]}
   */
  public static Node maxPool2d(Node x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    int[] s = shape3(x);
    int[] out = outputShape(s, kernel, stride, padding, dilation);
    int n = Node.numel(out);
    int[] ty = new int[n];
    int[] tx = new int[n];
    double[] coef = new double[n];
    double[] xd = x.data();
    for (int c = 0; c < s[0]; c++) {
      for (int i = 0; i < out[1]; i++) {
        for (int j = 0; j < out[2]; j++) {
          int best = -1;
          for (int a = 0; a < kernel[0]; a++) {
            int h = i * stride[0] - padding[0] + a * dilation[0];
            for (int b = 0; b < kernel[1]; b++) {
              int w = j * stride[1] - padding[1] + b * dilation[1];
              if (h < 0 || h >= s[1] || w < 0 || w >= s[2]) {
                continue;
              }
              int idx = (c * s[1] + h) * s[2] + w;
              // strictly greater: the first maximum in window order wins ties
              if (best < 0 || xd[idx] > xd[best]) {
                best = idx;
              }
            }
          }
          if (best < 0) {
            throw new IllegalArgumentException("max-pooling window covers padding only");
          }
          int k = (c * out[1] + i) * out[2] + j;
          ty[k] = k;
          tx[k] = best;
          coef[k] = 1.0;
        }
      }
    }
    return apply(x, new Taps(s, out, ty, tx, coef));
  }

  /** Average pooling of one sample ({@code count_include_pad = true}). */
  public static Node avgPool2d(Node x, int[] kernel, int[] stride, int[] padding) {
    int[] s = shape3(x);
    int[] out = outputShape(s, kernel, stride, padding, new int[] {1, 1});
    int max = Node.numel(out) * kernel[0] * kernel[1];
    int[] ty = new int[max];
    int[] tx = new int[max];
    double[] coef = new double[max];
    double weight = 1.0 / (kernel[0] * kernel[1]);
    int t = 0;
    for (int c = 0; c < s[0]; c++) {
      for (int i = 0; i < out[1]; i++) {
        for (int j = 0; j < out[2]; j++) {
          for (int a = 0; a < kernel[0]; a++) {
            int h = i * stride[0] - padding[0] + a;
            for (int b = 0; b < kernel[1]; b++) {
              int w = j * stride[1] - padding[1] + b;
              if (h < 0 || h >= s[1] || w < 0 || w >= s[2]) {
                continue;
              }
              ty[t] = (c * out[1] + i) * out[2] + j;
              tx[t] = (c * s[1] + h) * s[2] + w;
              coef[t] = weight;
              t++;
            }
          }
        }
      }
    }
    return apply(
        x, new Taps(s, out, Arrays.copyOf(ty, t), Arrays.copyOf(tx, t), Arrays.copyOf(coef, t)));
  }

  /**
   * PyTorch's {@code adaptive_avg_pool2d} of {@code x: [C, H, W]} to {@code [C, O_h, O_w]} in its
   * general form: output cell {@code i} of an axis of size {@code H → O} averages the input window
   * {@code [⌊iH/O⌋, ⌈(i+1)H/O⌉)} (windows may overlap and differ in size). An output size 0 keeps
   * the input's.
   */
  public static Node adaptiveAvgPool2d(Node x, int[] outputSize) {
    int[] s = shape3(x);
    int oh = outputSize[0] == 0 ? s[1] : outputSize[0];
    int ow = outputSize[1] == 0 ? s[2] : outputSize[1];
    int[] h0 = new int[oh];
    int[] h1 = new int[oh];
    int[] w0 = new int[ow];
    int[] w1 = new int[ow];
    int perChannel = 0;
    for (int i = 0; i < oh; i++) {
      h0[i] = Math.floorDiv(i * s[1], oh);
      h1[i] = Math.floorDiv((i + 1) * s[1] + oh - 1, oh);
    }
    for (int j = 0; j < ow; j++) {
      w0[j] = Math.floorDiv(j * s[2], ow);
      w1[j] = Math.floorDiv((j + 1) * s[2] + ow - 1, ow);
    }
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        perChannel += (h1[i] - h0[i]) * (w1[j] - w0[j]);
      }
    }
    int[] ty = new int[s[0] * perChannel];
    int[] tx = new int[ty.length];
    double[] coef = new double[ty.length];
    int t = 0;
    for (int c = 0; c < s[0]; c++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double weight = 1.0 / ((h1[i] - h0[i]) * (w1[j] - w0[j]));
          for (int h = h0[i]; h < h1[i]; h++) {
            for (int w = w0[j]; w < w1[j]; w++) {
              ty[t] = (c * oh + i) * ow + j;
              tx[t] = (c * s[1] + h) * s[2] + w;
              coef[t++] = weight;
            }
          }
        }
      }
    }
    return apply(x, new Taps(s, new int[] {s[0], oh, ow}, ty, tx, coef));
  }

  /** {@code y = M x}. VJP: {@code Mᵀ ū}. */
  static Node apply(Node x, Taps m) {
    check(x, m.xShape());
    double[] y = new double[Node.numel(m.yShape())];
    for (int k = 0; k < m.ty().length; k++) {
      y[m.ty()[k]] += m.coef()[k] * x.data()[m.tx()[k]];
    }
    return x.tape().record(y, m.yShape(), new Node[] {x}, u -> new Node[] {applyTransposed(u, m)});
  }

  /** {@code x = Mᵀ y}. VJP: {@code M ū}. */
  static Node applyTransposed(Node y, Taps m) {
    check(y, m.yShape());
    double[] x = new double[Node.numel(m.xShape())];
    for (int k = 0; k < m.ty().length; k++) {
      x[m.tx()[k]] += m.coef()[k] * y.data()[m.ty()[k]];
    }
    return y.tape().record(x, m.xShape(), new Node[] {y}, u -> new Node[] {apply(u, m)});
  }

  /** {@code [C, H_out, W_out]} with {@code H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1}. */
  static int[] outputShape(int[] s, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    int[] out = {s[0], 0, 0};
    for (int d = 0; d < 2; d++) {
      if (kernel[d] < 1 || stride[d] < 1 || dilation[d] < 1 || padding[d] < 0) {
        throw new IllegalArgumentException(
            "pooling needs kernel >= 1, stride >= 1, dilation >= 1, padding >= 0");
      }
      if (2 * padding[d] > kernel[d]) {
        throw new IllegalArgumentException("pooling padding must be at most half the kernel");
      }
      int len = s[d + 1] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1;
      if (len < 0) {
        throw new IllegalArgumentException("pooling window does not fit the padded input");
      }
      out[d + 1] = len / stride[d] + 1;
    }
    return out;
  }

  private static int[] shape3(Node x) {
    int[] s = x.shapeRef();
    if (s.length != 3) {
      throw new IllegalArgumentException("pooling needs [C, H, W], got " + Arrays.toString(s));
    }
    return s.clone();
  }

  private static void check(Node n, int[] shape) {
    if (!Arrays.equals(n.shapeRef(), shape)) {
      throw new IllegalArgumentException(
          "pooling operand has shape "
              + Arrays.toString(n.shapeRef())
              + ", expected "
              + Arrays.toString(shape));
    }
  }
}
