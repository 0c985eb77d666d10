package org.vivit4j.backend;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.stream.IntStream;
import org.vivit4j.backend.CpuBackend.HostMatrix;

/**
 * The convolution and pooling operations of {@link CpuBackend} (formulas in {@link Backend}). Rows
 * are independent and run in parallel. With {@code f32} every stored value is a float32 and every
 * product and sum is rounded to float32, as on a float32 device (the summation order may differ).
 */
final class CpuConvOps {
  private CpuConvOps() {}

  /** {@code a·b·c} entries, at most {@code 2³¹ − 1} (a Java array), else a clear error. */
  private static int size(int a, int b, int c) {
    long n = (long) a * b * c;
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a " + a + "×" + b + "×" + c + " result does not fit a Java array (2^31 − 1 entries)");
    }
    return (int) n;
  }

  static HostMatrix copyRows(HostMatrix m, int from, int to) {
    if (from < 0 || to < from || to > m.rows) {
      throw new IllegalArgumentException(
          "copyRows: [" + from + ", " + to + ") is outside the " + m.rows + " rows");
    }
    double[] out = java.util.Arrays.copyOfRange(m.data, from * m.cols, to * m.cols);
    return new HostMatrix(to - from, m.cols, out);
  }

  static HostMatrix convUnfold(HostMatrix x, ConvGeometry g) {
    if (x.cols != g.inputSize()) {
      throw new IllegalArgumentException(
          "convUnfold: x has " + x.cols + " columns, the geometry needs " + g.inputSize());
    }
    int t = g.positions();
    int k = g.patchSize();
    int kk = g.kernelH() * g.kernelW();
    int hw = g.height() * g.width();
    double[] u = new double[size(x.rows, t, k)];
    IntStream.range(0, x.rows * t)
        .parallel()
        .forEach(
            row -> {
              int n = row / t;
              int pos = row % t;
              int i = pos / g.outW();
              int j = pos % g.outW();
              for (int c = 0; c < g.channels(); c++) {
                for (int a = 0; a < g.kernelH(); a++) {
                  int h = i * g.strideH() - g.padH() + a * g.dilH();
                  for (int b = 0; b < g.kernelW(); b++) {
                    int w = j * g.strideW() - g.padW() + b * g.dilW();
                    if (h >= 0 && h < g.height() && w >= 0 && w < g.width()) {
                      u[row * k + c * kk + a * g.kernelW() + b] =
                          x.data[n * x.cols + c * hw + h * g.width() + w];
                    }
                  }
                }
              }
            });
    return new HostMatrix(x.rows * t, k, u);
  }

  /**
   * The transposed convolution of every row, lowered ({@link ConvLowering}): for a chunk of rows,
   * {@code U = Wᵀ·Y} ({@code [K × b·T]}, one product) and {@link ConvLowering#col2im}; the chunk is
   * sized to {@code chunkEntries}.
   */
  static HostMatrix convTranspose(
      HostMatrix y, HostMatrix w, ConvGeometry g, boolean f32, NativeBLAS blas, int chunkEntries) {
    int t = g.positions();
    int o = w.rows;
    if (w.cols != g.patchSize() || y.cols != o * t) {
      throw new IllegalArgumentException(
          "convTranspose: y is "
              + y.rows
              + "×"
              + y.cols
              + ", w is "
              + w.rows
              + "×"
              + w.cols
              + "; expected y [R × O·T] with T = "
              + t
              + " and w [O × "
              + g.patchSize()
              + "]");
    }
    int in = g.inputSize();
    int k = g.patchSize();
    int chunk = Math.min(Math.max(1, y.rows), ConvLowering.chunkSamples(g, o, chunkEntries));
    if (f32) {
      float[] x = new float[size(y.rows, in, 1)];
      float[] wf = CpuBackend.toFloat(w.data);
      float[] yc = new float[size(chunk, o, t)];
      float[] u = new float[size(chunk, k, t)];
      for (int r0 = 0; r0 < y.rows; r0 += chunk) {
        int rows = Math.min(chunk, y.rows - r0);
        ConvLowering.gatherChannels(y.data, r0, rows, o, t, yc);
        CpuConvGemm.mul(blas, true, false, wf, 0, yc, 0, u, 0, k, o, rows * t);
        ConvLowering.col2im(u, r0, rows, g, x);
      }
      return new HostMatrix(y.rows, in, CpuBackend.toDouble(x));
    }
    double[] x = new double[size(y.rows, in, 1)];
    double[] yc = new double[size(chunk, o, t)];
    double[] u = new double[size(chunk, k, t)];
    for (int r0 = 0; r0 < y.rows; r0 += chunk) {
      int rows = Math.min(chunk, y.rows - r0);
      ConvLowering.gatherChannels(y.data, r0, rows, o, t, yc);
      CpuConvGemm.mul(blas, true, false, w.data, 0, yc, 0, u, 0, k, o, rows * t);
      ConvLowering.col2im(u, r0, rows, g, x);
    }
    return new HostMatrix(y.rows, in, x);
  }

  /**
   * {@code c[r, i·q + j] = Σ_s a[r, i·t + s] b[(r / block)·t + s, j]}: for each group of {@code
   * block} rows, its rows read as one {@code [block·p × t]} matrix times the group's {@code [t ×
   * q]} rows of {@code b}, one product per group.
   */
  static HostMatrix batchedMul(
      HostMatrix a, HostMatrix b, int block, int p, boolean f32, NativeBLAS blas) {
    if (block < 1 || p < 1 || a.cols % p != 0 || a.rows % block != 0) {
      throw new IllegalArgumentException(
          "batchedMul: a is " + a.rows + "×" + a.cols + ", block " + block + ", p " + p);
    }
    int t = a.cols / p;
    int groups = a.rows / block;
    if (b.rows != groups * t) {
      throw new IllegalArgumentException(
          "batchedMul: b has " + b.rows + " rows, expected (R / block)·t = " + groups * t);
    }
    int q = b.cols;
    int m = block * p;
    if (f32) {
      float[] af = CpuBackend.toFloat(a.data);
      float[] bf = CpuBackend.toFloat(b.data);
      float[] c = new float[size(a.rows, p, q)];
      for (int gi = 0; gi < groups; gi++) {
        CpuConvGemm.mul(blas, false, false, af, gi * m * t, bf, gi * t * q, c, gi * m * q, m, t, q);
      }
      return new HostMatrix(a.rows, p * q, CpuBackend.toDouble(c));
    }
    double[] c = new double[size(a.rows, p, q)];
    for (int gi = 0; gi < groups; gi++) {
      CpuConvGemm.mul(
          blas, false, false, a.data, gi * m * t, b.data, gi * t * q, c, gi * m * q, m, t, q);
    }
    return new HostMatrix(a.rows, p * q, c);
  }

  static HostMatrix sumGroups(HostMatrix a, int p, boolean f32) {
    if (p < 1 || a.cols % p != 0) {
      throw new IllegalArgumentException("sumGroups: " + a.cols + " columns, p " + p);
    }
    int t = a.cols / p;
    double[] c = new double[a.rows * p];
    for (int r = 0; r < a.rows; r++) {
      for (int i = 0; i < p; i++) {
        double s = 0;
        float sf = 0f;
        for (int k = 0; k < t; k++) {
          double v = a.data[r * a.cols + i * t + k];
          s += v;
          sf += (float) v;
        }
        c[r * p + i] = f32 ? sf : s;
      }
    }
    return new HostMatrix(a.rows, p, c);
  }

  static void accumulateBlock(
      HostMatrix acc, HostMatrix p, int row0, int col0, boolean transposed, boolean f32) {
    int rows = transposed ? p.cols : p.rows;
    int cols = transposed ? p.rows : p.cols;
    if (row0 < 0 || col0 < 0 || row0 + rows > acc.rows || col0 + cols > acc.cols) {
      throw new IllegalArgumentException(
          "accumulateBlock: a "
              + rows
              + "×"
              + cols
              + " block at ("
              + row0
              + ", "
              + col0
              + ") does not fit "
              + acc.rows
              + "×"
              + acc.cols);
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = transposed ? p.data[j * p.cols + i] : p.data[i * p.cols + j];
        int d = (row0 + i) * acc.cols + col0 + j;
        acc.data[d] = f32 ? (double) ((float) acc.data[d] + (float) v) : acc.data[d] + v;
      }
    }
  }

  /**
   * The structured Conv2d Gram per pair of sample blocks, as two products: with {@code R_m} the
   * right block's rows read as {@code [rBlock·O × T]} and {@code Q_nm} the block pair's {@code [T ×
   * T]} patch inner products, {@code M = R_m Q_nmᵀ} ({@code [rBlock·O × T]}, read as {@code [rBlock
   * × O·T]}) and {@code acc[L_n, R_m] += L_n Mᵀ}. That is {@code n_L·n_R·(c_R·O·T² + c_L·c_R·O·T)}
   * multiply-adds instead of the {@code c_L·c_R·O·T²} per row pair of the direct sum. When both
   * sides are the same factor with the same blocks and {@code q} is the symmetric {@code U Uᵀ},
   * only block pairs {@code m ≤ n} are computed and mirrored: the result is exactly symmetric.
   */
  static void accumulateConvGramStructured(
      HostMatrix acc,
      HostMatrix l,
      HostMatrix r,
      HostMatrix q,
      int lBlock,
      int rBlock,
      int positions,
      boolean f32,
      NativeBLAS blas) {
    int t = positions;
    if (t < 1
        || l.cols != r.cols
        || l.cols % t != 0
        || lBlock < 1
        || rBlock < 1
        || l.rows % lBlock != 0
        || r.rows % rBlock != 0
        || acc.rows != l.rows
        || acc.cols != r.rows
        || q.rows != (l.rows / lBlock) * t
        || q.cols != (r.rows / rBlock) * t) {
      throw new IllegalArgumentException("accumulateConvGramStructured: shapes do not match");
    }
    int o = l.cols / t;
    int nL = l.rows / lBlock;
    int nR = r.rows / rBlock;
    boolean symmetric = l == r && lBlock == rBlock && exactlySymmetric(q);
    double[] qnm = new double[t * t];
    double[] mm = new double[rBlock * o * t];
    double[] p = new double[lBlock * rBlock];
    float[] lf = f32 ? CpuBackend.toFloat(l.data) : null;
    float[] rf = f32 ? (symmetric ? lf : CpuBackend.toFloat(r.data)) : null;
    float[] qf = f32 ? new float[t * t] : null;
    float[] mf = f32 ? new float[rBlock * o * t] : null;
    float[] pf = f32 ? new float[lBlock * rBlock] : null;
    for (int n = 0; n < nL; n++) {
      for (int m = 0; m < (symmetric ? n + 1 : nR); m++) {
        for (int i = 0; i < t; i++) {
          int src = (n * t + i) * q.cols + m * t;
          if (f32) {
            for (int j = 0; j < t; j++) {
              qf[i * t + j] = (float) q.data[src + j];
            }
          } else {
            System.arraycopy(q.data, src, qnm, i * t, t);
          }
        }
        int rOff = m * rBlock * r.cols;
        int lOff = n * lBlock * l.cols;
        if (f32) {
          CpuConvGemm.mul(blas, false, true, rf, rOff, qf, 0, mf, 0, rBlock * o, t, t);
          CpuConvGemm.mul(blas, false, true, lf, lOff, mf, 0, pf, 0, lBlock, o * t, rBlock);
          for (int i = 0; i < p.length; i++) {
            p[i] = pf[i];
          }
        } else {
          CpuConvGemm.mul(blas, false, true, r.data, rOff, qnm, 0, mm, 0, rBlock * o, t, t);
          CpuConvGemm.mul(blas, false, true, l.data, lOff, mm, 0, p, 0, lBlock, o * t, rBlock);
        }
        HostMatrix block = new HostMatrix(lBlock, rBlock, p);
        accumulateBlock(acc, block, n * lBlock, m * rBlock, false, f32);
        if (symmetric && m != n) {
          accumulateBlock(acc, block, m * rBlock, n * lBlock, true, f32);
        }
      }
    }
  }

  private static boolean exactlySymmetric(HostMatrix q) {
    if (q.rows != q.cols) {
      return false;
    }
    for (int i = 0; i < q.rows; i++) {
      for (int j = 0; j < i; j++) {
        if (q.data[i * q.cols + j] != q.data[j * q.cols + i]) {
          return false;
        }
      }
    }
    return true;
  }

  static HostMatrix maxPoolJacT(
      HostMatrix y, HostMatrix argmax, int block, ConvGeometry g, boolean f32) {
    int t = g.positions();
    int c = g.channels();
    if (block < 1
        || y.cols != c * t
        || argmax.cols != c * t
        || (long) argmax.rows * block != y.rows) {
      throw new IllegalArgumentException("maxPoolJacT: shapes do not match the geometry");
    }
    int hw = g.height() * g.width();
    double[] x = new double[size(y.rows, c, hw)];
    IntStream.range(0, y.rows)
        .parallel()
        .forEach(
            r -> {
              int ao = (r / block) * argmax.cols;
              int xo = r * c * hw;
              for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < t; p++) {
                  int a = (int) argmax.data[ao + ch * t + p];
                  if (a < 0 || a >= hw) {
                    throw new IllegalArgumentException(
                        "maxPoolJacT: arg-max " + a + " is outside the " + hw + " positions");
                  }
                  int dst = xo + ch * hw + a;
                  double v = y.data[r * y.cols + ch * t + p];
                  x[dst] = f32 ? (double) ((float) x[dst] + (float) v) : x[dst] + v;
                }
              }
            });
    return new HostMatrix(y.rows, c * hw, x);
  }

  static HostMatrix avgPoolJacT(HostMatrix y, ConvGeometry g, boolean f32) {
    int t = g.positions();
    int c = g.channels();
    if (y.cols != c * t || g.dilH() != 1 || g.dilW() != 1) {
      throw new IllegalArgumentException("avgPoolJacT: shapes do not match the geometry");
    }
    int hw = g.height() * g.width();
    double inv = 1.0 / (g.kernelH() * g.kernelW());
    double[] x = new double[size(y.rows, c, hw)];
    IntStream.range(0, y.rows)
        .parallel()
        .forEach(
            r -> {
              int xo = r * c * hw;
              for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < g.outH(); i++) {
                  for (int j = 0; j < g.outW(); j++) {
                    double v = y.data[r * y.cols + ch * t + i * g.outW() + j];
                    double share = f32 ? (double) ((float) v * (float) inv) : v * inv;
                    for (int a = 0; a < g.kernelH(); a++) {
                      int h = i * g.strideH() - g.padH() + a;
                      if (h < 0 || h >= g.height()) {
                        continue;
                      }
                      for (int b = 0; b < g.kernelW(); b++) {
                        int w = j * g.strideW() - g.padW() + b;
                        if (w < 0 || w >= g.width()) {
                          continue;
                        }
                        int dst = xo + ch * hw + h * g.width() + w;
                        x[dst] = f32 ? (double) ((float) x[dst] + (float) share) : x[dst] + share;
                      }
                    }
                  }
                }
              }
            });
    return new HostMatrix(y.rows, c * hw, x);
  }
}
