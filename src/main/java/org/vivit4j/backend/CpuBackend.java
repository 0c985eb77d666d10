package org.vivit4j.backend;

import dev.ludovic.netlib.blas.NativeBLAS;
import org.vivit4j.blas.NativeBlas;
import org.vivit4j.model.Activation;

/**
 * Backend on the host. In {@link Precision#FLOAT32} mode every matrix is stored as {@code float[]}
 * ({@link HostMatrix}) and every product and sum is computed in float32, which is what a float32
 * device computes: the BLAS products run {@code sgemm}/{@code ssyrk} on the stored arrays and the
 * element-wise loops read and write floats. Values are converted only at the boundary: {@link
 * #upload} rounds to float32 once, {@link #download} and {@link #take} widen to float64 once.
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

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public boolean matricesInHeap() {
    return true;
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

  /** The backend's own matrix, stored in its precision. */
  private HostMatrix host(DeviceMatrix m) {
    if (!(m instanceof HostMatrix h)) {
      throw new IllegalArgumentException("matrix does not belong to the CPU backend");
    }
    if (h.isFloat32() != f32()) {
      throw new IllegalArgumentException(
          "matrix is stored in "
              + (h.isFloat32() ? "float32" : "float64")
              + ", the backend computes in "
              + precision.typeName());
    }
    return h;
  }

  private HostMatrix hostOrNull(DeviceMatrix m) {
    return m == null ? null : host(m);
  }

  /** {@code rows·cols} entries, at most {@code 2³¹ − 1} (a Java array), else a clear error. */
  private static int size(int rows, int cols) {
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a " + rows + "×" + cols + " result does not fit a Java array (2^31 − 1 entries)");
    }
    return (int) n;
  }

  /** Copies {@code data} once, rounded to float32 storage in float32 mode. */
  @Override
  public DeviceMatrix upload(double[] data, int rows, int cols) {
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "data has " + data.length + " entries, expected " + rows + "×" + cols);
    }
    return HostMatrix.of(rows, cols, data, f32());
  }

  @Override
  public DeviceMatrix zeros(int rows, int cols) {
    return HostMatrix.zeros(rows, cols, f32());
  }

  @Override
  public double[] download(DeviceMatrix m) {
    return host(m).toDoubles();
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
    boolean blasCall = useBlas(m, k, n);
    if (f32()) {
      float[] c = new float[size(m, n)];
      if (blasCall) {
        BlasGemm.mul(blas, a.data32, b.data32, c, m, k, n);
      } else {
        PlainGemm.mul(a.data32, b.data32, c, m, k, n);
      }
      return new HostMatrix(m, n, c);
    }
    double[] c = new double[size(m, n)];
    if (blasCall) {
      BlasGemm.mul(blas, a.data, b.data, c, m, k, n);
    } else {
      PlainGemm.mul(a.data, b.data, c, m, k, n);
    }
    return new HostMatrix(m, n, c);
  }

  /** {@code a·bᵀ}; with BLAS, {@code a·aᵀ} (the Gram shape) goes to {@code syrk}. */
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
    boolean blasCall = useBlas(m, k, n);
    boolean gram = a == b;
    if (f32()) {
      float[] c = new float[size(m, n)];
      if (blasCall && gram) {
        BlasGemm.gram(blas, a.data32, c, m, k);
      } else if (blasCall) {
        BlasGemm.mulTransB(blas, a.data32, b.data32, c, m, k, n);
      } else {
        PlainGemm.mulTransB(a.data32, b.data32, c, m, k, n);
      }
      return new HostMatrix(m, n, c);
    }
    double[] c = new double[size(m, n)];
    if (blasCall && gram) {
      BlasGemm.gram(blas, a.data, c, m, k);
    } else if (blasCall) {
      BlasGemm.mulTransB(blas, a.data, b.data, c, m, k, n);
    } else {
      PlainGemm.mulTransB(a.data, b.data, c, m, k, n);
    }
    return new HostMatrix(m, n, c);
  }

  /**
   * Products below this many multiply-adds run in the loops even with BLAS: a JNI call costs about
   * a microsecond, more than such a product (the seed network's are 4×5×7).
   */
  static final long BLAS_MIN_MULTIPLY_ADDS = 32 * 32 * 32;

  private boolean useBlas(int m, int k, int n) {
    return blas != null && (long) m * k * n >= BLAS_MIN_MULTIPLY_ADDS;
  }

  /**
   * Row blocks of {@code b bᵀ} computed at a time by {@link #accumulateFactorGram}: a block of
   * {@value} rows of a Gram of size G holds {@code 8·G·}{@value} bytes in float64 (64 MB at G =
   * 32768; half in float32).
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
    HostMatrix q = hostOrNull(qm);
    if (q != null && (q.rows * block != g || q.cols * block != g)) {
      throw new IllegalArgumentException(
          "accumulateFactorGram: q is " + q.rows + "×" + q.cols + ", blocks do not tile " + g);
    }
    if (!weight && !bias) {
      return;
    }
    // one row block's buffer for the whole call: the blocks are large (64 MB at G = 32768) and
    // allocating one per block would leave gigabytes of garbage between collections
    int blockEntries = Math.min(GRAM_ROW_BLOCK, g) * g;
    if (f32()) {
      float[] p = new float[blockEntries];
      for (int r0 = 0; r0 < g; r0 += GRAM_ROW_BLOCK) {
        int rows = Math.min(GRAM_ROW_BLOCK, g - r0);
        float[] blockRows = java.util.Arrays.copyOfRange(b.data32, r0 * k, (r0 + rows) * k);
        if (blas != null) {
          BlasGemm.mulTransB(blas, blockRows, b.data32, p, rows, k, g);
        } else {
          PlainGemm.mulTransB(blockRows, b.data32, p, rows, k, g);
        }
        int base = r0;
        Rows.forEach(
            rows,
            g,
            i ->
                CpuElementwiseOps.accumulateRow(
                    acc.data32,
                    (base + i) * g,
                    p,
                    i * g,
                    weight ? q : null,
                    (base + i) / block,
                    g,
                    block,
                    bias));
      }
      return;
    }
    double[] p = new double[blockEntries];
    for (int r0 = 0; r0 < g; r0 += GRAM_ROW_BLOCK) {
      int rows = Math.min(GRAM_ROW_BLOCK, g - r0);
      double[] blockRows = java.util.Arrays.copyOfRange(b.data, r0 * k, (r0 + rows) * k);
      if (blas != null) {
        BlasGemm.mulTransB(blas, blockRows, b.data, p, rows, k, g);
      } else {
        PlainGemm.mulTransB(blockRows, b.data, p, rows, k, g);
      }
      int base = r0;
      Rows.forEach(
          rows,
          g,
          i -> {
            int dst = (base + i) * g;
            int qRow = (base + i) / block;
            if (weight && bias) {
              CpuElementwiseOps.accumulateRowBoth(acc.data, dst, p, i * g, q, qRow, g, block);
            } else {
              CpuElementwiseOps.accumulateRow(
                  acc.data, dst, p, i * g, weight ? q : null, qRow, g, block);
            }
          });
    }
  }

  /**
   * The matrix is given up: a float64 array changes hands without a copy; a float32 one is
   * converted once.
   */
  @Override
  public double[] take(DeviceMatrix m) {
    HostMatrix h = host(m);
    return h.isFloat32() ? HostMatrix.toDouble(h.data32) : h.data;
  }

  @Override
  public void accumulateHadamardExpanded(
      DeviceMatrix acc, DeviceMatrix p, DeviceMatrix q, int rowBlock, int colBlock) {
    CpuElementwiseOps.accumulateHadamardExpanded(
        host(acc), host(p), hostOrNull(q), rowBlock, colBlock);
  }

  @Override
  public void scaleByActivationDerivative(
      DeviceMatrix b, DeviceMatrix z, Activation act, double param, int block) {
    CpuElementwiseOps.scaleByActivationDerivative(host(b), host(z), act, param, block);
  }

  @Override
  public void layerNormJacT(
      DeviceMatrix b, DeviceMatrix xhat, DeviceMatrix rstd, DeviceMatrix gamma, int block) {
    CpuElementwiseOps.layerNormJacT(host(b), host(xhat), host(rstd), host(gamma), block);
  }

  @Override
  public DeviceMatrix layerNormParamJacT(
      DeviceMatrix b, DeviceMatrix xhat, int groupSize, int block) {
    return CpuElementwiseOps.layerNormParamJacT(host(b), hostOrNull(xhat), groupSize, block);
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
    HostMatrix yh = host(y);
    return CpuConvOps.convTranspose(
        yh, host(w), g, blas, ConvLowering.chunkEntries(yh.isFloat32()));
  }

  @Override
  public DeviceMatrix batchedMul(DeviceMatrix a, DeviceMatrix b, int block, int p) {
    return CpuConvOps.batchedMul(host(a), host(b), block, p, blas);
  }

  @Override
  public DeviceMatrix sumGroups(DeviceMatrix a, int p) {
    return CpuConvOps.sumGroups(host(a), p);
  }

  @Override
  public void accumulateBlock(
      DeviceMatrix acc, DeviceMatrix p, int row0, int col0, boolean transposed) {
    CpuConvOps.accumulateBlock(host(acc), host(p), row0, col0, transposed);
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
        host(acc), host(l), host(r), host(q), lBlock, rBlock, positions, blas);
  }

  @Override
  public DeviceMatrix maxPoolJacT(DeviceMatrix y, DeviceMatrix argmax, int block, ConvGeometry g) {
    return CpuPoolOps.maxPoolJacT(host(y), host(argmax), block, g);
  }

  @Override
  public DeviceMatrix avgPoolJacT(DeviceMatrix y, ConvGeometry g) {
    return CpuPoolOps.avgPoolJacT(host(y), g);
  }

  @Override
  public void close() {
    // nothing to release
  }
}
