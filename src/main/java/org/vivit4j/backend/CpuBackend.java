package org.vivit4j.backend;

import dev.ludovic.netlib.blas.NativeBLAS;
import org.vivit4j.blas.NativeBlas;
import org.vivit4j.model.Activation;

/**
 * Backend on the host. In {@link Precision#FLOAT32} mode every stored value is a float32 and every
 * product and sum is computed in float32 (values are held in {@code double[]} but each operation
 * rounds through {@code float}; the BLAS products convert their operands to {@code float[]} and run
 * {@code sgemm}), which is what a float32 device computes.
 *
 * <p>The matrix products ({@link #mul}, {@link #mulTransB}) run on the plain loops or on the native
 * BLAS ({@link Gemm}); the element-wise operations are loops over rows (split over the cores for
 * large matrices) in both cases.
 */
public final class CpuBackend implements Backend {
  private final Precision precision;
  private final Gemm gemm;
  private final NativeBLAS blas;
  private final String deviceName;

  /** The plain-loop backend (the reference implementation). */
  public CpuBackend(Precision precision) {
    this(precision, Gemm.PLAIN);
  }

  /**
   * @throws BlasUnavailableException when {@code gemm} is {@link Gemm#BLAS} and the native BLAS
   *     cannot be loaded
   */
  public CpuBackend(Precision precision, Gemm gemm) {
    this.precision = precision;
    this.gemm = gemm;
    this.blas = gemm == Gemm.BLAS ? requireNativeBlas() : null;
    int cores = Runtime.getRuntime().availableProcessors();
    this.deviceName =
        gemm == Gemm.BLAS
            ? "host CPU (" + NativeBlas.description() + ", " + cores + " cores)"
            : "host CPU (plain Java, " + cores + " cores)";
  }

  /**
   * The native BLAS, asked for explicitly: its absence is an error saying how to install it, never
   * a silent fall back to the loops.
   */
  private static NativeBLAS requireNativeBlas() {
    NativeBLAS blas = NativeBlas.orNull();
    if (blas == null) {
      RuntimeException failure = NativeBlas.failure();
      throw new BlasUnavailableException(
          "the native BLAS ("
              + NativeBlas.requestedLibrary()
              + ") could not be loaded: "
              + failure.getMessage()
              + ". Install OpenBLAS (tornado-env/setup, or apt-get install libopenblas0) or use"
              + " --gemm plain",
          failure);
    }
    return blas;
  }

  /** How the matrix products are computed. */
  public Gemm gemm() {
    return gemm;
  }

  /** A host matrix. */
  static final class HostMatrix implements DeviceMatrix {
    final int rows;
    final int cols;
    final double[] data;

    HostMatrix(int rows, int cols, double[] data) {
      this.rows = rows;
      this.cols = cols;
      this.data = data;
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int cols() {
      return cols;
    }

    @Override
    public void close() {
      // host memory is reclaimed by the garbage collector
    }
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String deviceName() {
    return deviceName;
  }

  @Override
  public Precision precision() {
    return precision;
  }

  private boolean f32() {
    return precision == Precision.FLOAT32;
  }

  private static HostMatrix host(DeviceMatrix m) {
    if (!(m instanceof HostMatrix h)) {
      throw new IllegalArgumentException("matrix does not belong to the CPU backend");
    }
    return h;
  }

  @Override
  public DeviceMatrix upload(double[] data, int rows, int cols) {
    if (data.length != rows * cols) {
      throw new IllegalArgumentException(
          "data has " + data.length + " entries, expected " + rows + "×" + cols);
    }
    double[] copy = data.clone();
    if (f32()) {
      for (int i = 0; i < copy.length; i++) {
        copy[i] = (float) copy[i];
      }
    }
    return new HostMatrix(rows, cols, copy);
  }

  @Override
  public DeviceMatrix zeros(int rows, int cols) {
    return new HostMatrix(rows, cols, new double[rows * cols]);
  }

  @Override
  public double[] download(DeviceMatrix m) {
    return host(m).data.clone();
  }

  @Override
  public DeviceMatrix mul(DeviceMatrix am, DeviceMatrix bm) {
    HostMatrix a = host(am);
    HostMatrix b = host(bm);
    if (a.cols != b.rows) {
      throw new IllegalArgumentException(
          "mul: a is " + a.rows + "×" + a.cols + ", b is " + b.rows + "×" + b.cols);
    }
    int m = a.rows;
    int k = a.cols;
    int n = b.cols;
    if (useBlas(m, k, n)) {
      return new HostMatrix(m, n, blasMul(a, b, m, k, n));
    }
    double[] c = new double[m * n];
    if (f32()) {
      float[] row = new float[n];
      for (int i = 0; i < m; i++) {
        java.util.Arrays.fill(row, 0f);
        for (int p = 0; p < k; p++) {
          float aip = (float) a.data[i * k + p];
          int bo = p * n;
          for (int j = 0; j < n; j++) {
            row[j] += aip * (float) b.data[bo + j];
          }
        }
        for (int j = 0; j < n; j++) {
          c[i * n + j] = row[j];
        }
      }
    } else {
      for (int i = 0; i < m; i++) {
        int co = i * n;
        for (int p = 0; p < k; p++) {
          double aip = a.data[i * k + p];
          int bo = p * n;
          for (int j = 0; j < n; j++) {
            c[co + j] += aip * b.data[bo + j];
          }
        }
      }
    }
    return new HostMatrix(m, n, c);
  }

  @Override
  public DeviceMatrix mulTransB(DeviceMatrix am, DeviceMatrix bm) {
    HostMatrix a = host(am);
    HostMatrix b = host(bm);
    if (a.cols != b.cols) {
      throw new IllegalArgumentException(
          "mulTransB: a is " + a.rows + "×" + a.cols + ", b is " + b.rows + "×" + b.cols);
    }
    int m = a.rows;
    int k = a.cols;
    int n = b.rows;
    if (useBlas(m, k, n)) {
      return new HostMatrix(m, n, blasMulTransB(a, b, m, k, n));
    }
    double[] c = new double[m * n];
    boolean f32 = f32();
    for (int i = 0; i < m; i++) {
      int ao = i * k;
      for (int j = 0; j < n; j++) {
        int bo = j * k;
        if (f32) {
          float s = 0f;
          for (int p = 0; p < k; p++) {
            s += (float) a.data[ao + p] * (float) b.data[bo + p];
          }
          c[i * n + j] = s;
        } else {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += a.data[ao + p] * b.data[bo + p];
          }
          c[i * n + j] = s;
        }
      }
    }
    return new HostMatrix(m, n, c);
  }

  /**
   * Products below this many multiply-adds run in the loops even with BLAS: a JNI call and the
   * float32 conversions cost about a microsecond, more than such a product (the seed network's are
   * 4×5×7).
   */
  static final long BLAS_MIN_MULTIPLY_ADDS = 32 * 32 * 32;

  private boolean useBlas(int m, int k, int n) {
    return blas != null && (long) m * k * n >= BLAS_MIN_MULTIPLY_ADDS;
  }

  private double[] blasMul(HostMatrix a, HostMatrix b, int m, int k, int n) {
    if (f32()) {
      float[] c = new float[m * n];
      BlasGemm.mul(blas, toFloat(a.data), toFloat(b.data), c, m, k, n);
      return toDouble(c);
    }
    double[] c = new double[m * n];
    BlasGemm.mul(blas, a.data, b.data, c, m, k, n);
    return c;
  }

  /** {@code a·bᵀ}; {@code a·aᵀ} (the Gram shape) goes to {@code syrk}. */
  private double[] blasMulTransB(HostMatrix a, HostMatrix b, int m, int k, int n) {
    boolean gram = a == b;
    if (f32()) {
      float[] af = toFloat(a.data);
      float[] c = new float[m * n];
      if (gram) {
        BlasGemm.gram(blas, af, c, m, k);
      } else {
        BlasGemm.mulTransB(blas, af, toFloat(b.data), c, m, k, n);
      }
      return toDouble(c);
    }
    double[] c = new double[m * n];
    if (gram) {
      BlasGemm.gram(blas, a.data, c, m, k);
    } else {
      BlasGemm.mulTransB(blas, a.data, b.data, c, m, k, n);
    }
    return c;
  }

  static float[] toFloat(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }

  static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  /**
   * Row blocks of {@code b bᵀ} computed at a time by {@link #accumulateFactorGram}: a block of
   * {@value} rows of a Gram of size G holds {@code 8·G·}{@value} bytes (64 MB at G = 32768).
   */
  static final int GRAM_ROW_BLOCK = 256;

  /**
   * {@code b bᵀ} a block of {@link #GRAM_ROW_BLOCK} rows at a time ({@code P_r = b[r] bᵀ}, a
   * product of the same shape as {@link #mulTransB}), each block added to its rows of {@code acc}
   * at once: no {@code G × G} temporary, and {@code acc} is read and written once.
   */
  @Override
  public void accumulateFactorGram(
      DeviceMatrix accm,
      DeviceMatrix bm,
      DeviceMatrix qm,
      boolean weight,
      boolean bias,
      int block) {
    HostMatrix acc = host(accm);
    HostMatrix b = host(bm);
    if (weight == (qm == null)) {
      throw new IllegalArgumentException("q must be given exactly when the weight term is added");
    }
    int g = b.rows;
    int k = b.cols;
    if (acc.rows != g || acc.cols != g) {
      throw new IllegalArgumentException("accumulateFactorGram: acc must be " + g + "×" + g);
    }
    HostMatrix q = qm == null ? null : host(qm);
    if (q != null && (q.rows * block != g || q.cols * block != g)) {
      throw new IllegalArgumentException(
          "accumulateFactorGram: q is " + q.rows + "×" + q.cols + ", blocks do not tile " + g);
    }
    if (!weight && !bias) {
      return;
    }
    boolean f32 = f32();
    float[] bf = f32 && blas != null ? toFloat(b.data) : null;
    // one row block's buffers for the whole call: the blocks are large (64 MB at G = 32768) and
    // allocating one per block would leave gigabytes of garbage between collections
    int blockEntries = Math.min(GRAM_ROW_BLOCK, g) * g;
    double[] pBuf = blas != null && !f32 ? new double[blockEntries] : null;
    float[] pfBuf = bf != null ? new float[blockEntries] : null;
    for (int r0 = 0; r0 < g; r0 += GRAM_ROW_BLOCK) {
      int rows = Math.min(GRAM_ROW_BLOCK, g - r0);
      double[] blockRows = java.util.Arrays.copyOfRange(b.data, r0 * k, (r0 + rows) * k);
      double[] p;
      if (blas != null && f32) {
        BlasGemm.mulTransB(
            blas, java.util.Arrays.copyOfRange(bf, r0 * k, (r0 + rows) * k), bf, pfBuf, rows, k, g);
        int base = r0;
        Rows.forEach(
            rows,
            g,
            i ->
                accumulateRowFloat(
                    acc.data,
                    (base + i) * g,
                    pfBuf,
                    i * g,
                    weight ? q : null,
                    (base + i) / block,
                    g,
                    block,
                    bias));
        continue;
      } else if (blas != null) {
        BlasGemm.mulTransB(blas, blockRows, b.data, pBuf, rows, k, g);
        p = pBuf;
      } else {
        p = host(mulTransB(new HostMatrix(rows, k, blockRows), b)).data;
      }
      int base = r0;
      Rows.forEach(
          rows,
          g,
          i -> {
            int dst = (base + i) * g;
            if (weight && bias) {
              accumulateRowBoth(acc.data, dst, p, i * g, q, (base + i) / block, g, block, f32);
            } else if (weight) {
              accumulateRowAt(acc.data, dst, p, i * g, q, (base + i) / block, g, block, f32);
            } else {
              accumulateRowAt(acc.data, dst, p, i * g, null, 0, g, block, f32);
            }
          });
    }
  }

  @Override
  public double[] take(DeviceMatrix m) {
    // the matrix is given up: its array changes hands without a copy
    return host(m).data;
  }

  @Override
  public void accumulateHadamardExpanded(
      DeviceMatrix accm, DeviceMatrix pm, DeviceMatrix qm, int rowBlock, int colBlock) {
    HostMatrix acc = host(accm);
    HostMatrix p = host(pm);
    if (acc.rows != p.rows || acc.cols != p.cols) {
      throw new IllegalArgumentException("accumulateHadamardExpanded: shapes differ");
    }
    HostMatrix q = qm == null ? null : host(qm);
    if (q != null && (q.rows * rowBlock != p.rows || q.cols * colBlock != p.cols)) {
      throw new IllegalArgumentException(
          "accumulateHadamardExpanded: q is " + q.rows + "×" + q.cols + ", blocks do not tile p");
    }
    boolean f32 = f32();
    Rows.forEach(
        p.rows,
        p.cols,
        i ->
            accumulateRowAt(
                acc.data, i * p.cols, p.data, i * p.cols, q, i / rowBlock, p.cols, colBlock, f32));
  }

  /**
   * One row of {@code acc += p ⊙ (q ⊗ 1)} ({@code acc += p} without q): walks the row one column
   * block at a time, so each {@code q} entry is read once per block and no index is divided per
   * entry. Float32 rounds the product and the sum, as the device does.
   *
   * @param qRowIndex the row of {@code q} that this row expands
   */
  private static void accumulateRowAt(
      double[] acc,
      int accOffset,
      double[] p,
      int pOffset,
      HostMatrix q,
      int qRowIndex,
      int cols,
      int colBlock,
      boolean f32) {
    if (q == null) {
      for (int j = 0; j < cols; j++) {
        int a = accOffset + j;
        double pv = p[pOffset + j];
        acc[a] = f32 ? (double) ((float) acc[a] + (float) pv) : acc[a] + pv;
      }
      return;
    }
    int qRow = qRowIndex * q.cols;
    for (int jb = 0; jb < q.cols; jb++) {
      double qv = q.data[qRow + jb];
      int start = jb * colBlock;
      int end = start + colBlock;
      if (f32) {
        float qf = (float) qv;
        for (int j = start; j < end; j++) {
          float term = (float) p[pOffset + j] * qf;
          acc[accOffset + j] = (float) acc[accOffset + j] + term;
        }
      } else {
        for (int j = start; j < end; j++) {
          acc[accOffset + j] += p[pOffset + j] * qv;
        }
      }
    }
  }

  /**
   * Float32 row of {@code acc += p ⊙ (q ⊗ 1)} (when q is given) then {@code acc += p} (when {@code
   * bias}), from a float32 block of {@code b bᵀ}, in one pass with the roundings of {@link
   * #accumulateRowAt} and {@link #accumulateRowBoth}.
   */
  private static void accumulateRowFloat(
      double[] acc,
      int accOffset,
      float[] p,
      int pOffset,
      HostMatrix q,
      int qRowIndex,
      int cols,
      int colBlock,
      boolean bias) {
    if (q == null) {
      for (int j = 0; j < cols; j++) {
        acc[accOffset + j] = (float) acc[accOffset + j] + p[pOffset + j];
      }
      return;
    }
    int qRow = qRowIndex * q.cols;
    for (int jb = 0; jb < q.cols; jb++) {
      float qf = (float) q.data[qRow + jb];
      int start = jb * colBlock;
      int end = start + colBlock;
      if (bias) {
        for (int j = start; j < end; j++) {
          float pv = p[pOffset + j];
          float sum = (float) acc[accOffset + j] + pv * qf;
          acc[accOffset + j] = sum + pv;
        }
      } else {
        for (int j = start; j < end; j++) {
          acc[accOffset + j] = (float) acc[accOffset + j] + p[pOffset + j] * qf;
        }
      }
    }
  }

  /**
   * One row of {@code acc += p ⊙ (q ⊗ 1)} followed by {@code acc += p}, in one pass over the row
   * with the same two roundings per entry as two {@link #accumulateRowAt} passes.
   */
  private static void accumulateRowBoth(
      double[] acc,
      int accOffset,
      double[] p,
      int pOffset,
      HostMatrix q,
      int qRowIndex,
      int cols,
      int colBlock,
      boolean f32) {
    int qRow = qRowIndex * q.cols;
    for (int jb = 0; jb < q.cols; jb++) {
      double qv = q.data[qRow + jb];
      int start = jb * colBlock;
      int end = start + colBlock;
      if (f32) {
        float qf = (float) qv;
        for (int j = start; j < end; j++) {
          float pv = (float) p[pOffset + j];
          float sum = (float) acc[accOffset + j] + pv * qf;
          acc[accOffset + j] = sum + pv;
        }
      } else {
        for (int j = start; j < end; j++) {
          double pv = p[pOffset + j];
          acc[accOffset + j] = (acc[accOffset + j] + pv * qv) + pv;
        }
      }
    }
  }

  @Override
  public void scaleByActivationDerivative(
      DeviceMatrix bm, DeviceMatrix zm, Activation act, double param, int block) {
    HostMatrix b = host(bm);
    HostMatrix z = host(zm);
    if (z.cols != b.cols || z.rows * block != b.rows) {
      throw new IllegalArgumentException("scaleByActivationDerivative: shapes do not match");
    }
    boolean f32 = f32();
    float paramF32 = (float) param;
    int cols = b.cols;
    // φ'(z) of a sample is evaluated once and applied to its `block` factor rows.
    Rows.forEach(
        z.rows,
        cols * block,
        s -> {
          double[] d = new double[cols];
          for (int f = 0; f < cols; f++) {
            double x = z.data[s * cols + f];
            d[f] = f32 ? act.derivativeF32((float) x, paramF32) : act.derivative(x, param);
          }
          for (int i = s * block; i < (s + 1) * block; i++) {
            int row = i * cols;
            for (int f = 0; f < cols; f++) {
              double v = b.data[row + f] * d[f];
              b.data[row + f] = f32 ? (float) v : v;
            }
          }
        });
  }

  @Override
  public void layerNormJacT(
      DeviceMatrix bm, DeviceMatrix xm, DeviceMatrix rm, DeviceMatrix gm, int block) {
    HostMatrix b = host(bm);
    HostMatrix xhat = host(xm);
    HostMatrix rstd = host(rm);
    HostMatrix gamma = host(gm);
    int groups = rstd.cols;
    int size = gamma.cols;
    if (gamma.rows != 1
        || b.cols != groups * size
        || xhat.cols != b.cols
        || xhat.rows * block != b.rows
        || rstd.rows != xhat.rows) {
      throw new IllegalArgumentException("layerNormJacT: shapes do not match");
    }
    boolean f32 = f32();
    double[] u = new double[size];
    for (int i = 0; i < b.rows; i++) {
      int s = i / block;
      for (int g = 0; g < groups; g++) {
        int bo = i * b.cols + g * size;
        int xo = s * xhat.cols + g * size;
        double su = 0;
        double sxu = 0;
        for (int j = 0; j < size; j++) {
          u[j] = round(gamma.data[j] * b.data[bo + j], f32);
          su = round(su + u[j], f32);
          sxu = round(sxu + round(xhat.data[xo + j] * u[j], f32), f32);
        }
        double mu = round(su / size, f32);
        double mxu = round(sxu / size, f32);
        double r = rstd.data[s * groups + g];
        for (int j = 0; j < size; j++) {
          double t = round(round(u[j] - mu, f32) - round(xhat.data[xo + j] * mxu, f32), f32);
          b.data[bo + j] = round(r * t, f32);
        }
      }
    }
  }

  @Override
  public DeviceMatrix layerNormParamJacT(
      DeviceMatrix bm, DeviceMatrix xm, int groupSize, int block) {
    HostMatrix b = host(bm);
    HostMatrix xhat = xm == null ? null : host(xm);
    if (groupSize < 1 || b.cols % groupSize != 0) {
      throw new IllegalArgumentException("layerNormParamJacT: M does not divide the features");
    }
    if (xhat != null && (xhat.cols != b.cols || xhat.rows * block != b.rows)) {
      throw new IllegalArgumentException("layerNormParamJacT: x̂ does not match b");
    }
    boolean f32 = f32();
    int groups = b.cols / groupSize;
    double[] out = new double[b.rows * groupSize];
    for (int i = 0; i < b.rows; i++) {
      for (int j = 0; j < groupSize; j++) {
        double acc = 0;
        for (int g = 0; g < groups; g++) {
          int f = g * groupSize + j;
          double term = b.data[i * b.cols + f];
          if (xhat != null) {
            term = round(term * xhat.data[(i / block) * xhat.cols + f], f32);
          }
          acc = round(acc + term, f32);
        }
        out[i * groupSize + j] = acc;
      }
    }
    return new HostMatrix(b.rows, groupSize, out);
  }

  /** {@code v}, rounded to float32 when {@code f32}. */
  private static double round(double v, boolean f32) {
    return f32 ? (float) v : v;
  }

  @Override
  public DeviceMatrix copyRows(DeviceMatrix m, int from, int to) {
    return CpuConvOps.copyRows(host(m), from, to);
  }

  @Override
  public DeviceMatrix convUnfold(DeviceMatrix x, ConvGeometry g) {
    return CpuConvOps.convUnfold(host(x), g);
  }

  @Override
  public DeviceMatrix convTranspose(DeviceMatrix y, DeviceMatrix w, ConvGeometry g) {
    return CpuConvOps.convTranspose(host(y), host(w), g, f32(), blas, ConvLowering.CHUNK_ENTRIES);
  }

  @Override
  public DeviceMatrix batchedMul(DeviceMatrix a, DeviceMatrix b, int block, int p) {
    return CpuConvOps.batchedMul(host(a), host(b), block, p, f32(), blas);
  }

  @Override
  public DeviceMatrix sumGroups(DeviceMatrix a, int p) {
    return CpuConvOps.sumGroups(host(a), p, f32());
  }

  @Override
  public void accumulateBlock(
      DeviceMatrix acc, DeviceMatrix p, int row0, int col0, boolean transposed) {
    CpuConvOps.accumulateBlock(host(acc), host(p), row0, col0, transposed, f32());
  }

  @Override
  public boolean convGramStructuredByBlocks() {
    return true;
  }

  @Override
  public void accumulateConvGramStructured(
      DeviceMatrix acc,
      DeviceMatrix l,
      DeviceMatrix r,
      DeviceMatrix q,
      int lBlock,
      int rBlock,
      int positions) {
    CpuConvOps.accumulateConvGramStructured(
        host(acc), host(l), host(r), host(q), lBlock, rBlock, positions, f32(), blas);
  }

  @Override
  public DeviceMatrix maxPoolJacT(DeviceMatrix y, DeviceMatrix argmax, int block, ConvGeometry g) {
    return CpuConvOps.maxPoolJacT(host(y), host(argmax), block, g, f32());
  }

  @Override
  public DeviceMatrix avgPoolJacT(DeviceMatrix y, ConvGeometry g) {
    return CpuConvOps.avgPoolJacT(host(y), g, f32());
  }

  @Override
  public void close() {
    // nothing to release
  }
}
