package org.vivit4j.opencl;

import org.vivit4j.backend.ConvGeometry;

/**
 * Plain-Java twins of the layout kernels around the products-bound Conv2d operations ({@code
 * channels_last}, {@code gather_channels}, {@code conv_fold}, {@code copy_columns}, {@code
 * flag_asymmetric}, {@code accumulate_block_mirrored}), accumulating in double, written from the
 * formulas in index notation: where a kernel gathers, the twin scatters over the forward taps. Each
 * returns the exact result on its (float32-representable) inputs and the magnitude its float32
 * rounding error scales with.
 */
final class ConvGemmKernelTwins {
  private ConvGemmKernelTwins() {}

  /** {@code yt[r·T + t, o] = y[r0 + r, o·T + t]}; a copy, magnitude |yt|. */
  static KernelTwins.Twin channelsLast(double[] y, int r0, int rows, int o, int t) {
    double[] out = new double[rows * t * o];
    for (int r = 0; r < rows; r++) {
      for (int oc = 0; oc < o; oc++) {
        for (int s = 0; s < t; s++) {
          out[(r * t + s) * o + oc] = y[(r0 + r) * o * t + oc * t + s];
        }
      }
    }
    return new KernelTwins.Twin(out, abs(out));
  }

  /** {@code ys[o, r·T + t] = y[r0 + r, o·T + t]}; a copy, magnitude |ys|. */
  static KernelTwins.Twin gatherChannels(double[] y, int r0, int rows, int o, int t) {
    double[] out = new double[o * rows * t];
    for (int oc = 0; oc < o; oc++) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(y, (r0 + r) * o * t + oc * t, out, oc * rows * t + r * t, t);
      }
    }
    return new KernelTwins.Twin(out, abs(out));
  }

  /**
   * {@code x} with rows {@code r0 …} replaced by the fold of {@code u [K × rows·T]}: {@code x[r0 +
   * r, c, h, w] = Σ u[(c, a, b), r·T + t]} over the forward taps reading {@code (h, w)}, scattered;
   * magnitude {@code Σ |u|} there, {@code |x|} elsewhere.
   */
  static KernelTwins.Twin convFold(double[] u, int rows, ConvGeometry g, double[] x, int r0) {
    int t = g.positions();
    int k = g.patchSize();
    int in = g.inputSize();
    double[] out = x.clone();
    double[] mag = abs(x);
    java.util.Arrays.fill(out, r0 * in, (r0 + rows) * in, 0.0);
    java.util.Arrays.fill(mag, r0 * in, (r0 + rows) * in, 0.0);
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < g.outH(); i++) {
        for (int j = 0; j < g.outW(); j++) {
          for (int c = 0; c < g.channels(); c++) {
            for (int a = 0; a < g.kernelH(); a++) {
              for (int b = 0; b < g.kernelW(); b++) {
                int h = i * g.strideH() - g.padH() + a * g.dilH();
                int w = j * g.strideW() - g.padW() + b * g.dilW();
                if (h < 0 || h >= g.height() || w < 0 || w >= g.width()) {
                  continue;
                }
                int tap = (c * g.kernelH() + a) * g.kernelW() + b;
                double v = u[tap * rows * t + r * t + i * g.outW() + j];
                int dst = (r0 + r) * in + (c * g.height() + h) * g.width() + w;
                out[dst] += v;
                mag[dst] += Math.abs(v);
              }
            }
          }
        }
      }
    }
    return new KernelTwins.Twin(out, mag);
  }

  /** {@code out[i, j] = src[i, col0 + j]}; a copy, magnitude |out|. */
  static KernelTwins.Twin copyColumns(double[] src, int srcCols, int rows, int col0, int width) {
    double[] out = new double[rows * width];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(src, i * srcCols + col0, out, i * width, width);
    }
    return new KernelTwins.Twin(out, abs(out));
  }

  /** Whether {@code q [n × n]} equals its transpose entry by entry ({@code NaN ≠ NaN}). */
  static boolean exactlySymmetric(double[] q, int n) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (!(q[i * n + j] == q[j * n + i])) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code acc[row0 + i, j] += p[i, j]} and, for {@code j < mirrorCols}, {@code acc[j, row0 + i] +=
   * p[i, j]}; magnitude {@code |acc| + |p|}.
   */
  static KernelTwins.Twin accumulateBlockMirrored(
      double[] acc, int accCols, double[] p, int pRows, int pCols, int row0, int mirrorCols) {
    double[] out = acc.clone();
    double[] mag = abs(acc);
    for (int i = 0; i < pRows; i++) {
      for (int j = 0; j < pCols; j++) {
        double v = p[i * pCols + j];
        out[(row0 + i) * accCols + j] += v;
        mag[(row0 + i) * accCols + j] += Math.abs(v);
        if (j < mirrorCols) {
          out[j * accCols + row0 + i] += v;
          mag[j * accCols + row0 + i] += Math.abs(v);
        }
      }
    }
    return new KernelTwins.Twin(out, mag);
  }

  private static double[] abs(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return out;
  }
}
