package org.vivit4j.backend;

import org.vivit4j.model.Activation;

/**
 * Plain-Java backend on the host. In {@link Precision#FLOAT32} mode every stored value is a float32
 * and every product and sum is computed in float32 (values are held in {@code double[]} but each
 * operation rounds through {@code float}), which is what a float32 device computes.
 */
public final class CpuBackend implements Backend {
  private final Precision precision;

  public CpuBackend(Precision precision) {
    this.precision = precision;
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
    return "host CPU (plain Java, " + Runtime.getRuntime().availableProcessors() + " cores)";
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
    for (int i = 0; i < p.rows; i++) {
      for (int j = 0; j < p.cols; j++) {
        int ij = i * p.cols + j;
        double term = p.data[ij];
        if (q != null) {
          double qv = q.data[(i / rowBlock) * q.cols + j / colBlock];
          term = f32 ? (double) ((float) term * (float) qv) : term * qv;
        }
        acc.data[ij] = f32 ? (double) ((float) acc.data[ij] + (float) term) : acc.data[ij] + term;
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
    for (int i = 0; i < b.rows; i++) {
      int zo = (i / block) * z.cols;
      for (int f = 0; f < b.cols; f++) {
        double d = ActivationMath.derivative(act, param, z.data[zo + f], f32);
        double v = b.data[i * b.cols + f] * d;
        b.data[i * b.cols + f] = f32 ? (float) v : v;
      }
    }
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
    return CpuConvOps.convTranspose(host(y), host(w), g, f32());
  }

  @Override
  public DeviceMatrix batchedMul(DeviceMatrix a, DeviceMatrix b, int block, int p) {
    return CpuConvOps.batchedMul(host(a), host(b), block, p, f32());
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
  public void accumulateConvGramStructured(
      DeviceMatrix acc,
      DeviceMatrix l,
      DeviceMatrix r,
      DeviceMatrix q,
      int lBlock,
      int rBlock,
      int positions) {
    CpuConvOps.accumulateConvGramStructured(
        host(acc), host(l), host(r), host(q), lBlock, rBlock, positions, f32());
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
