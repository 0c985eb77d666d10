package org.vivit4j.opencl;

import org.vivit4j.backend.ConvGeometry;

/**
 * Plain-Java twins of the convolution and pooling kernels, accumulating in double, written from the
 * formulas in index notation independently of the kernels: where a kernel gathers (one output entry
 * per work item), the twin scatters over the forward taps, so a wrong tap inversion in either shows
 * up. Each returns the exact result on its (float32-representable) inputs and the magnitude its
 * float32 rounding error scales with.
 */
final class ConvKernelTwins {
  private ConvKernelTwins() {}

  /** Input position of tap (a) at output (i) along one dimension, or −1 outside the input. */
  private static int tap(int i, int a, int s, int p, int d, int size) {
    int h = i * s - p + a * d;
    return h >= 0 && h < size ? h : -1;
  }

  /** {@code u[n·T + t, (c·kh + a)·kw + b] = x[n, c, h, w]} (0 outside); exact, magnitude |u|. */
  static KernelTwins.Twin convUnfold(double[] x, int n, ConvGeometry g) {
    int t = g.positions();
    int k = g.patchSize();
    double[] u = new double[n * t * k];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < g.outH(); i++) {
        for (int j = 0; j < g.outW(); j++) {
          for (int c = 0; c < g.channels(); c++) {
            for (int a = 0; a < g.kernelH(); a++) {
              for (int b = 0; b < g.kernelW(); b++) {
                int h = tap(i, a, g.strideH(), g.padH(), g.dilH(), g.height());
                int w = tap(j, b, g.strideW(), g.padW(), g.dilW(), g.width());
                if (h >= 0 && w >= 0) {
                  u[((s * t) + i * g.outW() + j) * k + (c * g.kernelH() + a) * g.kernelW() + b] =
                      x[s * g.inputSize() + (c * g.height() + h) * g.width() + w];
                }
              }
            }
          }
        }
      }
    }
    return new KernelTwins.Twin(u, abs(u));
  }

  /**
   * {@code x[r, c, h, w] = Σ W[o, c, a, b] y[r, o, i, j]}, scattered over the forward taps;
   * magnitude {@code Σ |W y|}.
   */
  static KernelTwins.Twin convTranspose(double[] y, double[] wt, int rows, int o, ConvGeometry g) {
    int t = g.positions();
    int in = g.inputSize();
    double[] x = new double[rows * in];
    double[] mag = new double[rows * in];
    for (int r = 0; r < rows; r++) {
      for (int oc = 0; oc < o; oc++) {
        for (int i = 0; i < g.outH(); i++) {
          for (int j = 0; j < g.outW(); j++) {
            double yv = y[r * o * t + oc * t + i * g.outW() + j];
            for (int c = 0; c < g.channels(); c++) {
              for (int a = 0; a < g.kernelH(); a++) {
                for (int b = 0; b < g.kernelW(); b++) {
                  int h = tap(i, a, g.strideH(), g.padH(), g.dilH(), g.height());
                  int w = tap(j, b, g.strideW(), g.padW(), g.dilW(), g.width());
                  if (h >= 0 && w >= 0) {
                    double term =
                        wt[((oc * g.channels() + c) * g.kernelH() + a) * g.kernelW() + b] * yv;
                    int dst = r * in + (c * g.height() + h) * g.width() + w;
                    x[dst] += term;
                    mag[dst] += Math.abs(term);
                  }
                }
              }
            }
          }
        }
      }
    }
    return new KernelTwins.Twin(x, mag);
  }

  /** {@code c[r, i·q + j] = Σ_s a[r, i·t + s] b[(r / block)·t + s, j]}; magnitude Σ|products|. */
  static KernelTwins.Twin batchedMul(
      double[] a, double[] b, int rows, int block, int p, int t, int q) {
    double[] c = new double[rows * p * q];
    double[] mag = new double[rows * p * q];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < q; j++) {
          double s = 0;
          double m = 0;
          for (int k = 0; k < t; k++) {
            double prod = a[r * p * t + i * t + k] * b[((r / block) * t + k) * q + j];
            s += prod;
            m += Math.abs(prod);
          }
          c[(r * p + i) * q + j] = s;
          mag[(r * p + i) * q + j] = m;
        }
      }
    }
    return new KernelTwins.Twin(c, mag);
  }

  /** {@code c[r, i] = Σ_s a[r, i·t + s]}; magnitude {@code Σ |a|}. */
  static KernelTwins.Twin sumGroups(double[] a, int rows, int p, int t) {
    double[] c = new double[rows * p];
    double[] mag = new double[rows * p];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < p; i++) {
        for (int k = 0; k < t; k++) {
          c[r * p + i] += a[r * p * t + i * t + k];
          mag[r * p + i] += Math.abs(a[r * p * t + i * t + k]);
        }
      }
    }
    return new KernelTwins.Twin(c, mag);
  }

  /** {@code acc} with {@code p} (or {@code pᵀ}) added at (row0, col0); magnitude |acc| + |p|. */
  static KernelTwins.Twin accumulateBlock(
      double[] acc,
      int accCols,
      double[] p,
      int pRows,
      int pCols,
      int row0,
      int col0,
      boolean transposed) {
    double[] out = acc.clone();
    double[] mag = abs(acc);
    for (int i = 0; i < pRows; i++) {
      for (int j = 0; j < pCols; j++) {
        int dst = transposed ? (row0 + j) * accCols + col0 + i : (row0 + i) * accCols + col0 + j;
        out[dst] += p[i * pCols + j];
        mag[dst] += Math.abs(p[i * pCols + j]);
      }
    }
    return new KernelTwins.Twin(out, mag);
  }

  /**
   * {@code acc[i, j] + Σ_{t,t'} (Σ_o l[i,o,t] r[j,o,t']) q[(i/lb)·T + t, (j/rb)·T + t']}; magnitude
   * {@code |acc| + Σ |l r q|}.
   */
  static KernelTwins.Twin convGramStructured(
      double[] acc,
      double[] l,
      double[] r,
      double[] q,
      int rowsL,
      int rowsR,
      int o,
      int t,
      int lBlock,
      int rBlock) {
    int qCols = (rowsR / rBlock) * t;
    double[] out = acc.clone();
    double[] mag = abs(acc);
    for (int i = 0; i < rowsL; i++) {
      for (int j = 0; j < rowsR; j++) {
        for (int oc = 0; oc < o; oc++) {
          for (int s = 0; s < t; s++) {
            for (int s2 = 0; s2 < t; s2++) {
              double term =
                  l[i * o * t + oc * t + s]
                      * r[j * o * t + oc * t + s2]
                      * q[((i / lBlock) * t + s) * qCols + (j / rBlock) * t + s2];
              out[i * rowsR + j] += term;
              mag[i * rowsR + j] += Math.abs(term);
            }
          }
        }
      }
    }
    return new KernelTwins.Twin(out, mag);
  }

  /**
   * In-plane arg-max {@code h·W + w} (first maximum in window order) of every window of {@code x [n
   * × C·H·W]}, as doubles {@code [n × C·T]}.
   */
  static double[] argmax(double[] x, int n, ConvGeometry g) {
    int t = g.positions();
    double[] out = new double[n * g.channels() * t];
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < g.channels(); c++) {
        for (int i = 0; i < g.outH(); i++) {
          for (int j = 0; j < g.outW(); j++) {
            int best = -1;
            for (int a = 0; a < g.kernelH(); a++) {
              for (int b = 0; b < g.kernelW(); b++) {
                int h = tap(i, a, g.strideH(), g.padH(), g.dilH(), g.height());
                int w = tap(j, b, g.strideW(), g.padW(), g.dilW(), g.width());
                if (h < 0 || w < 0) {
                  continue;
                }
                int hw = h * g.width() + w;
                int base = s * g.inputSize() + c * g.height() * g.width();
                if (best < 0 || x[base + hw] > x[base + best]) {
                  best = hw;
                }
              }
            }
            out[(s * g.channels() + c) * t + i * g.outW() + j] = best;
          }
        }
      }
    }
    return out;
  }

  /** {@code x[r, c, argmax] += y[r, c, t]}; magnitude {@code Σ |y|}. */
  static KernelTwins.Twin maxPoolJacT(
      double[] y, double[] argmax, int rows, int block, ConvGeometry g) {
    int t = g.positions();
    int hw = g.height() * g.width();
    double[] x = new double[rows * g.channels() * hw];
    double[] mag = new double[x.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < g.channels(); c++) {
        for (int p = 0; p < t; p++) {
          int a = (int) argmax[((r / block) * g.channels() + c) * t + p];
          int dst = (r * g.channels() + c) * hw + a;
          double v = y[(r * g.channels() + c) * t + p];
          x[dst] += v;
          mag[dst] += Math.abs(v);
        }
      }
    }
    return new KernelTwins.Twin(x, mag);
  }

  /**
   * {@code x[r, c, h, w] = Σ_{windows ∋ (h,w)} y[r, c, i, j] / (kh kw)}; magnitude Σ|y|/(kh kw).
   */
  static KernelTwins.Twin avgPoolJacT(double[] y, int rows, ConvGeometry g) {
    int t = g.positions();
    int hw = g.height() * g.width();
    double k = g.kernelH() * g.kernelW();
    double[] x = new double[rows * g.channels() * hw];
    double[] mag = new double[x.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < g.channels(); c++) {
        for (int i = 0; i < g.outH(); i++) {
          for (int j = 0; j < g.outW(); j++) {
            double v = y[(r * g.channels() + c) * t + i * g.outW() + j] / k;
            for (int a = 0; a < g.kernelH(); a++) {
              for (int b = 0; b < g.kernelW(); b++) {
                int h = tap(i, a, g.strideH(), g.padH(), 1, g.height());
                int w = tap(j, b, g.strideW(), g.padW(), 1, g.width());
                if (h >= 0 && w >= 0) {
                  int dst = (r * g.channels() + c) * hw + h * g.width() + w;
                  x[dst] += v;
                  mag[dst] += Math.abs(v);
                }
              }
            }
          }
        }
      }
    }
    return new KernelTwins.Twin(x, mag);
  }

  private static double[] abs(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return out;
  }
}
