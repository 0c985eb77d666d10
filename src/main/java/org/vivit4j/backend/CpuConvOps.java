package org.vivit4j.backend;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.stream.IntStream;

/**
 * The convolution operations of {@link CpuBackend} (formulas in {@link Backend}; pooling in {@link
 * CpuPoolOps}). Rows are independent and run in parallel. The precision is the operands' storage
 * ({@link HostMatrix}): float32 matrices are computed in {@code float} on their {@code float[]}
 * arrays ({@code sgemm}), every product and sum rounded to float32 as on a float32 device (the
 * summation order may differ), and give float32 results.
 */
final class CpuConvOps {
  private CpuConvOps() {}

  /** {@code a·b·c} entries, at most {@code 2³¹ − 1} (a Java array), else a clear error. */
  static int size(int a, int b, int c) {
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
    if (m.isFloat32()) {
      return new HostMatrix(
          to - from, m.cols, java.util.Arrays.copyOfRange(m.data32, from * m.cols, to * m.cols));
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
    boolean f32 = x.isFloat32();
    double[] u = f32 ? null : new double[size(x.rows, t, k)];
    float[] u32 = f32 ? new float[size(x.rows, t, k)] : null;
    IntStream.range(0, x.rows * t)
        .parallel()
        .forEach(
            row -> {
              if (f32) {
                unfoldRow(x.data32, row, t, k, x.cols, g, u32);
              } else {
                unfoldRow(x.data, row, t, k, x.cols, g, u);
              }
            });
    return f32 ? new HostMatrix(x.rows * t, k, u32) : new HostMatrix(x.rows * t, k, u);
  }

  /**
   * Where row {@code row = n·T + (i, j)} of {@link #convUnfold} reads: its sample's input from
   * {@code src} (at the window's tap (0, 0), which may lie in the padding), its row of the result
   * from {@code dst}, and the taps {@code a0 ≤ a < a1}, {@code b0 ≤ b < b1} that lie inside the
   * input (the rest stay 0). Found once per window, so the copy has no bounds test per tap (with
   * one, and the geometry read through its record per tap, the unfold took about 3 % of
   * fmnist_2c2d's float32 run at N = 128).
   */
  private record UnfoldWindow(int src, int dst, int a0, int a1, int b0, int b1) {
    static UnfoldWindow of(int row, int t, int k, int cols, ConvGeometry g) {
      int pos = row % t;
      int h0 = (pos / g.outW()) * g.strideH() - g.padH();
      int w0 = (pos % g.outW()) * g.strideW() - g.padW();
      return new UnfoldWindow(
          (row / t) * cols + h0 * g.width() + w0,
          row * k,
          ConvGeometry.firstTapInside(h0, g.dilH()),
          ConvGeometry.endTapInside(h0, g.dilH(), g.kernelH(), g.height()),
          ConvGeometry.firstTapInside(w0, g.dilW()),
          ConvGeometry.endTapInside(w0, g.dilW(), g.kernelW(), g.width()));
    }
  }

  /** Row {@code row} of {@link #convUnfold} ({@link UnfoldWindow}). */
  private static void unfoldRow(
      double[] x, int row, int t, int k, int cols, ConvGeometry g, double[] u) {
    UnfoldWindow win = UnfoldWindow.of(row, t, k, cols, g);
    int kw = g.kernelW();
    int dilW = g.dilW();
    int rowStep = g.dilH() * g.width();
    int hw = g.height() * g.width();
    for (int c = 0; c < g.channels(); c++) {
      for (int a = win.a0(); a < win.a1(); a++) {
        int dst = win.dst() + (c * g.kernelH() + a) * kw;
        int src = win.src() + c * hw + a * rowStep;
        for (int b = win.b0(); b < win.b1(); b++) {
          u[dst + b] = x[src + b * dilW];
        }
      }
    }
  }

  /** The float32 {@link #unfoldRow(double[], int, int, int, int, ConvGeometry, double[])}. */
  private static void unfoldRow(
      float[] x, int row, int t, int k, int cols, ConvGeometry g, float[] u) {
    UnfoldWindow win = UnfoldWindow.of(row, t, k, cols, g);
    int kw = g.kernelW();
    int dilW = g.dilW();
    int rowStep = g.dilH() * g.width();
    int hw = g.height() * g.width();
    for (int c = 0; c < g.channels(); c++) {
      for (int a = win.a0(); a < win.a1(); a++) {
        int dst = win.dst() + (c * g.kernelH() + a) * kw;
        int src = win.src() + c * hw + a * rowStep;
        for (int b = win.b0(); b < win.b1(); b++) {
          u[dst + b] = x[src + b * dilW];
        }
      }
    }
  }

  /**
   * The transposed convolution of every row, lowered ({@link ConvLowering}): for a chunk of rows,
   * {@code U = Wᵀ·Y} ({@code [K × b·T]}, one product) and {@link ConvLowering#col2im}; the chunk is
   * sized to {@code chunkEntries}.
   */
  static HostMatrix convTranspose(
      HostMatrix y, HostMatrix w, ConvGeometry g, NativeBLAS blas, int chunkEntries) {
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
    ConvLowering.Chunks chunks =
        ConvLowering.Chunks.of(y.rows, ConvLowering.chunkSamples(g, o, chunkEntries));
    int chunk = chunks.maxSize();
    y.samePrecision(w, "convTranspose");
    if (y.isFloat32()) {
      float[] x = new float[size(y.rows, in, 1)];
      float[] yc = new float[size(chunk, o, t)];
      float[] u = new float[size(chunk, k, t)];
      chunks.forEach(
          (r0, rows) -> {
            ConvLowering.gatherChannels(y.data32, r0, rows, o, t, yc);
            CpuConvGemm.mul(blas, true, false, w.data32, 0, yc, 0, u, 0, k, o, rows * t);
            ConvLowering.col2im(u, r0, rows, g, x);
          });
      return new HostMatrix(y.rows, in, x);
    }
    double[] x = new double[size(y.rows, in, 1)];
    double[] yc = new double[size(chunk, o, t)];
    double[] u = new double[size(chunk, k, t)];
    chunks.forEach(
        (r0, rows) -> {
          ConvLowering.gatherChannels(y.data, r0, rows, o, t, yc);
          CpuConvGemm.mul(blas, true, false, w.data, 0, yc, 0, u, 0, k, o, rows * t);
          ConvLowering.col2im(u, r0, rows, g, x);
        });
    return new HostMatrix(y.rows, in, x);
  }

  /**
   * {@code c[r, i·q + j] = Σ_s a[r, i·t + s] b[(r / block)·t + s, j]}: for each group of {@code
   * block} rows, its rows read as one {@code [block·p × t]} matrix times the group's {@code [t ×
   * q]} rows of {@code b}, one product per group.
   */
  static HostMatrix batchedMul(HostMatrix a, HostMatrix b, int block, int p, NativeBLAS blas) {
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
    a.samePrecision(b, "batchedMul");
    if (a.isFloat32()) {
      float[] c = new float[size(a.rows, p, q)];
      for (int gi = 0; gi < groups; gi++) {
        CpuConvGemm.mul(
            blas, false, false, a.data32, gi * m * t, b.data32, gi * t * q, c, gi * m * q, m, t, q);
      }
      return new HostMatrix(a.rows, p * q, c);
    }
    double[] c = new double[size(a.rows, p, q)];
    for (int gi = 0; gi < groups; gi++) {
      CpuConvGemm.mul(
          blas, false, false, a.data, gi * m * t, b.data, gi * t * q, c, gi * m * q, m, t, q);
    }
    return new HostMatrix(a.rows, p * q, c);
  }

  static HostMatrix sumGroups(HostMatrix a, int p) {
    if (p < 1 || a.cols % p != 0) {
      throw new IllegalArgumentException("sumGroups: " + a.cols + " columns, p " + p);
    }
    int t = a.cols / p;
    int n = size(a.rows, p, 1);
    // rows in parallel, each writing only its own p sums (a Conv2d bias factor reads every entry
    // of the factor once: memory-bound, one core could not stream it)
    if (a.isFloat32()) {
      float[] c = new float[n];
      Rows.forEach(
          a.rows,
          a.cols,
          r -> {
            for (int i = 0; i < p; i++) {
              c[r * p + i] = (float) sum(a.data32, r * a.cols + i * t, t);
            }
          });
      return new HostMatrix(a.rows, p, c);
    }
    double[] c = new double[n];
    Rows.forEach(
        a.rows,
        a.cols,
        r -> {
          for (int i = 0; i < p; i++) {
            c[r * p + i] = sum(a.data, r * a.cols + i * t, t);
          }
        });
    return new HostMatrix(a.rows, p, c);
  }

  /**
   * {@code Σ x[from … from + len − 1]} in four interleaved partial sums: a single running sum is a
   * chain of dependent additions (the JIT does not reorder floating-point sums), four hide the
   * adder's latency. In fmnist_2c2d's factor pass at N = 128 the single sum took about 2 % of the
   * run.
   */
  private static double sum(double[] x, int from, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < len; k += 4) {
      s0 += x[from + k];
      s1 += x[from + k + 1];
      s2 += x[from + k + 2];
      s3 += x[from + k + 3];
    }
    for (; k < len; k++) {
      s0 += x[from + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The float32 {@link #sum(double[], int, int)}, accumulated in float64 and rounded once. */
  private static double sum(float[] x, int from, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < len; k += 4) {
      s0 += x[from + k];
      s1 += x[from + k + 1];
      s2 += x[from + k + 2];
      s3 += x[from + k + 3];
    }
    for (; k < len; k++) {
      s0 += x[from + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  static void accumulateBlock(
      HostMatrix acc, HostMatrix p, int row0, int col0, boolean transposed) {
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
    acc.samePrecision(p, "accumulateBlock");
    if (acc.isFloat32()) {
      addBlock(acc.data32, acc.cols, p.data32, p.cols, rows, cols, row0, col0, transposed);
      return;
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = transposed ? p.data[j * p.cols + i] : p.data[i * p.cols + j];
        acc.data[(row0 + i) * acc.cols + col0 + j] += v;
      }
    }
  }

  /** The float32 {@link #accumulateBlock} on arrays: {@code p [·×pCols]} into {@code acc}. */
  private static void addBlock(
      float[] acc,
      int accCols,
      float[] p,
      int pCols,
      int rows,
      int cols,
      int row0,
      int col0,
      boolean transposed) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float v = transposed ? p[j * pCols + i] : p[i * pCols + j];
        acc[(row0 + i) * accCols + col0 + j] += v;
      }
    }
  }

  /**
   * The structured Conv2d Gram per pair of sample blocks, as two products: with {@code R_m} the
   * right block's rows read as {@code [rBlock·O × T]} and {@code Q_nm} the block pair's {@code [T ×
   * T]} patch inner products, {@code M = R_m Q_nmᵀ} ({@code [rBlock·O × T]}, read as {@code [rBlock
   * × O·T]}) and {@code acc[L_n, R_m] += L_n Mᵀ}. That is {@code n_L·n_R·(c_R·O·T² + c_L·c_R·O·T)}
   * multiply-adds instead of the {@code c_L·c_R·O·T²} per row pair of the direct sum. When the left
   * blocks are smaller ({@code lBlock < rBlock}: the gradient cross terms, one row per sample) the
   * left side goes first, {@code X = L_n Q_nm} ({@code [lBlock·O × T]}) and {@code acc[L_n, R_m] +=
   * X R_mᵀ}: {@code c_L·O·T²} per pair instead of {@code c_R·O·T²}. When both sides are the same
   * factor with the same blocks and {@code q} is the symmetric {@code U Uᵀ}, only block pairs
   * {@code m ≤ n} are computed and mirrored: the result is exactly symmetric.
   */
  static void accumulateConvGramStructured(
      HostMatrix acc,
      HostMatrix l,
      HostMatrix r,
      HostMatrix q,
      int lBlock,
      int rBlock,
      int positions,
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
    acc.samePrecision(l, "accumulateConvGramStructured");
    acc.samePrecision(r, "accumulateConvGramStructured");
    acc.samePrecision(q, "accumulateConvGramStructured");
    int o = l.cols / t;
    int nL = l.rows / lBlock;
    int nR = r.rows / rBlock;
    boolean symmetric = l == r && lBlock == rBlock && exactlySymmetric(q);
    boolean leftFirst = lBlock < rBlock;
    int mRows = (leftFirst ? lBlock : rBlock) * o;
    boolean f32 = acc.isFloat32();
    double[] qnm = f32 ? null : new double[t * t];
    double[] mm = f32 ? null : new double[mRows * t];
    double[] p = f32 ? null : new double[lBlock * rBlock];
    float[] qf = f32 ? new float[t * t] : null;
    float[] mf = f32 ? new float[mRows * t] : null;
    float[] pf = f32 ? new float[lBlock * rBlock] : null;
    for (int n = 0; n < nL; n++) {
      for (int m = 0; m < (symmetric ? n + 1 : nR); m++) {
        for (int i = 0; i < t; i++) {
          int src = (n * t + i) * q.cols + m * t;
          if (f32) {
            System.arraycopy(q.data32, src, qf, i * t, t);
          } else {
            System.arraycopy(q.data, src, qnm, i * t, t);
          }
        }
        int rOff = m * rBlock * r.cols;
        int lOff = n * lBlock * l.cols;
        if (leftFirst && f32) {
          CpuConvGemm.mul(blas, false, false, l.data32, lOff, qf, 0, mf, 0, mRows, t, t);
          CpuConvGemm.mul(blas, false, true, mf, 0, r.data32, rOff, pf, 0, lBlock, o * t, rBlock);
        } else if (leftFirst) {
          CpuConvGemm.mul(blas, false, false, l.data, lOff, qnm, 0, mm, 0, mRows, t, t);
          CpuConvGemm.mul(blas, false, true, mm, 0, r.data, rOff, p, 0, lBlock, o * t, rBlock);
        } else if (f32) {
          CpuConvGemm.mul(blas, false, true, r.data32, rOff, qf, 0, mf, 0, rBlock * o, t, t);
          CpuConvGemm.mul(blas, false, true, l.data32, lOff, mf, 0, pf, 0, lBlock, o * t, rBlock);
        } else {
          CpuConvGemm.mul(blas, false, true, r.data, rOff, qnm, 0, mm, 0, rBlock * o, t, t);
          CpuConvGemm.mul(blas, false, true, l.data, lOff, mm, 0, p, 0, lBlock, o * t, rBlock);
        }
        HostMatrix block =
            f32 ? new HostMatrix(lBlock, rBlock, pf) : new HostMatrix(lBlock, rBlock, p);
        accumulateBlock(acc, block, n * lBlock, m * rBlock, false);
        if (symmetric && m != n) {
          accumulateBlock(acc, block, m * rBlock, n * lBlock, true);
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
        if (q.get(i * q.cols + j) != q.get(j * q.cols + i)) {
          return false;
        }
      }
    }
    return true;
  }
}
