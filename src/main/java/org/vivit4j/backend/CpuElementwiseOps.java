package org.vivit4j.backend;

import org.vivit4j.model.Activation;

/**
 * The element-wise operations of {@link CpuBackend} (formulas in {@link Backend}), one loop per
 * precision: float64 matrices in {@code double}, float32 matrices in {@code float} on their {@code
 * float[]} storage, every product and sum rounded to float32 as a float32 device computes it. Rows
 * are independent and split over the cores for large matrices ({@link Rows}).
 */
final class CpuElementwiseOps {
  private CpuElementwiseOps() {}

  /** {@code acc[i, j] += p[i, j] · q[i / rowBlock, j / colBlock]}, or {@code acc += p}. */
  static void accumulateHadamardExpanded(
      HostMatrix acc, HostMatrix p, HostMatrix q, int rowBlock, int colBlock) {
    if (acc.rows != p.rows || acc.cols != p.cols) {
      throw new IllegalArgumentException("accumulateHadamardExpanded: shapes differ");
    }
    if (q != null && (q.rows * rowBlock != p.rows || q.cols * colBlock != p.cols)) {
      throw new IllegalArgumentException(
          "accumulateHadamardExpanded: q is " + q.rows + "×" + q.cols + ", blocks do not tile p");
    }
    acc.samePrecision(p, "accumulateHadamardExpanded");
    acc.samePrecision(q, "accumulateHadamardExpanded");
    int cols = p.cols;
    if (acc.isFloat32()) {
      Rows.forEach(
          p.rows,
          cols,
          i ->
              accumulateRow(
                  acc.data32,
                  i * cols,
                  p.data32,
                  i * cols,
                  q,
                  i / rowBlock,
                  cols,
                  colBlock,
                  false));
    } else {
      Rows.forEach(
          p.rows,
          cols,
          i ->
              accumulateRow(acc.data, i * cols, p.data, i * cols, q, i / rowBlock, cols, colBlock));
    }
  }

  /**
   * One float64 row of {@code acc += p ⊙ (q ⊗ 1)} ({@code acc += p} without q): walks the row one
   * column block at a time, so each {@code q} entry is read once per block and no index is divided
   * per entry.
   *
   * @param qRowIndex the row of {@code q} that this row expands
   */
  static void accumulateRow(
      double[] acc,
      int accOffset,
      double[] p,
      int pOffset,
      HostMatrix q,
      int qRowIndex,
      int cols,
      int colBlock) {
    if (q == null) {
      for (int j = 0; j < cols; j++) {
        acc[accOffset + j] += p[pOffset + j];
      }
      return;
    }
    int qRow = qRowIndex * q.cols;
    for (int jb = 0; jb < q.cols; jb++) {
      double qv = q.data[qRow + jb];
      int end = (jb + 1) * colBlock;
      for (int j = jb * colBlock; j < end; j++) {
        acc[accOffset + j] += p[pOffset + j] * qv;
      }
    }
  }

  /**
   * One float64 row of {@code acc += p ⊙ (q ⊗ 1)} followed by {@code acc += p}, in one pass over
   * the row with the same two roundings per entry as two {@link #accumulateRow} passes.
   */
  static void accumulateRowBoth(
      double[] acc,
      int accOffset,
      double[] p,
      int pOffset,
      HostMatrix q,
      int qRowIndex,
      int cols,
      int colBlock) {
    int qRow = qRowIndex * q.cols;
    for (int jb = 0; jb < q.cols; jb++) {
      double qv = q.data[qRow + jb];
      int end = (jb + 1) * colBlock;
      for (int j = jb * colBlock; j < end; j++) {
        double pv = p[pOffset + j];
        acc[accOffset + j] = (acc[accOffset + j] + pv * qv) + pv;
      }
    }
  }

  /**
   * One float32 row of {@code acc += p ⊙ (q ⊗ 1)} (when q is given) then {@code acc += p} (when
   * {@code bias}, or always without q), each product and sum rounded to float32: the roundings of
   * two float32 {@link #accumulateHadamardExpanded} calls, in one pass.
   */
  static void accumulateRow(
      float[] acc,
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
        acc[accOffset + j] += p[pOffset + j];
      }
      return;
    }
    int qRow = qRowIndex * q.cols;
    for (int jb = 0; jb < q.cols; jb++) {
      float qv = q.data32[qRow + jb];
      int end = (jb + 1) * colBlock;
      if (bias) {
        for (int j = jb * colBlock; j < end; j++) {
          float pv = p[pOffset + j];
          acc[accOffset + j] = (acc[accOffset + j] + pv * qv) + pv;
        }
      } else {
        for (int j = jb * colBlock; j < end; j++) {
          acc[accOffset + j] += p[pOffset + j] * qv;
        }
      }
    }
  }

  /** {@code b[i, f] *= φ'(z[i / block, f])}; float32 evaluates {@link Activation#derivativeF32}. */
  static void scaleByActivationDerivative(
      HostMatrix b, HostMatrix z, Activation act, double param, int block) {
    if (z.cols != b.cols || z.rows * block != b.rows) {
      throw new IllegalArgumentException("scaleByActivationDerivative: shapes do not match");
    }
    b.samePrecision(z, "scaleByActivationDerivative");
    int cols = b.cols;
    // φ'(z) of a sample is evaluated once and applied to its `block` factor rows.
    if (b.isFloat32()) {
      float paramF32 = (float) param;
      Rows.forEach(
          z.rows,
          cols * block,
          s -> {
            float[] d = new float[cols];
            for (int f = 0; f < cols; f++) {
              d[f] = (float) act.derivativeF32(z.data32[s * cols + f], paramF32);
            }
            for (int i = s * block; i < (s + 1) * block; i++) {
              int row = i * cols;
              for (int f = 0; f < cols; f++) {
                b.data32[row + f] *= d[f];
              }
            }
          });
      return;
    }
    Rows.forEach(
        z.rows,
        cols * block,
        s -> {
          double[] d = new double[cols];
          for (int f = 0; f < cols; f++) {
            d[f] = act.derivative(z.data[s * cols + f], param);
          }
          for (int i = s * block; i < (s + 1) * block; i++) {
            int row = i * cols;
            for (int f = 0; f < cols; f++) {
              b.data[row + f] *= d[f];
            }
          }
        });
  }

  /** LayerNorm's Jacobian-transposed product in place (formula in {@link Backend}). */
  static void layerNormJacT(
      HostMatrix b, HostMatrix xhat, HostMatrix rstd, HostMatrix gamma, int block) {
    int groups = rstd.cols;
    int size = gamma.cols;
    if (gamma.rows != 1
        || b.cols != groups * size
        || xhat.cols != b.cols
        || xhat.rows * block != b.rows
        || rstd.rows != xhat.rows) {
      throw new IllegalArgumentException("layerNormJacT: shapes do not match");
    }
    b.samePrecision(xhat, "layerNormJacT");
    b.samePrecision(rstd, "layerNormJacT");
    b.samePrecision(gamma, "layerNormJacT");
    if (b.isFloat32()) {
      layerNormJacT32(b, xhat.data32, rstd.data32, gamma.data32, groups, size, block);
      return;
    }
    double[] u = new double[size];
    for (int i = 0; i < b.rows; i++) {
      int s = i / block;
      for (int g = 0; g < groups; g++) {
        int bo = i * b.cols + g * size;
        int xo = s * xhat.cols + g * size;
        double su = 0;
        double sxu = 0;
        for (int j = 0; j < size; j++) {
          u[j] = gamma.data[j] * b.data[bo + j];
          su += u[j];
          sxu += xhat.data[xo + j] * u[j];
        }
        double mu = su / size;
        double mxu = sxu / size;
        double r = rstd.data[s * groups + g];
        for (int j = 0; j < size; j++) {
          b.data[bo + j] = r * ((u[j] - mu) - xhat.data[xo + j] * mxu);
        }
      }
    }
  }

  private static void layerNormJacT32(
      HostMatrix b, float[] xhat, float[] rstd, float[] gamma, int groups, int size, int block) {
    float[] u = new float[size];
    for (int i = 0; i < b.rows; i++) {
      int s = i / block;
      for (int g = 0; g < groups; g++) {
        int bo = i * b.cols + g * size;
        int xo = s * b.cols + g * size;
        float su = 0f;
        float sxu = 0f;
        for (int j = 0; j < size; j++) {
          u[j] = gamma[j] * b.data32[bo + j];
          su += u[j];
          sxu += xhat[xo + j] * u[j];
        }
        float mu = su / size;
        float mxu = sxu / size;
        float r = rstd[s * groups + g];
        for (int j = 0; j < size; j++) {
          b.data32[bo + j] = r * ((u[j] - mu) - xhat[xo + j] * mxu);
        }
      }
    }
  }

  /** {@code out[i, j] = Σ_g b[i, g·M + j] · x̂[i / block, g·M + j]} ({@code x̂ ≡ 1} when null). */
  static HostMatrix layerNormParamJacT(HostMatrix b, HostMatrix xhat, int groupSize, int block) {
    if (groupSize < 1 || b.cols % groupSize != 0) {
      throw new IllegalArgumentException("layerNormParamJacT: M does not divide the features");
    }
    if (xhat != null && (xhat.cols != b.cols || xhat.rows * block != b.rows)) {
      throw new IllegalArgumentException("layerNormParamJacT: x̂ does not match b");
    }
    b.samePrecision(xhat, "layerNormParamJacT");
    int groups = b.cols / groupSize;
    int n = Math.multiplyExact(b.rows, groupSize);
    if (b.isFloat32()) {
      float[] out = new float[n];
      for (int i = 0; i < b.rows; i++) {
        for (int j = 0; j < groupSize; j++) {
          float acc = 0f;
          for (int g = 0; g < groups; g++) {
            int f = g * groupSize + j;
            float term = b.data32[i * b.cols + f];
            if (xhat != null) {
              term *= xhat.data32[(i / block) * xhat.cols + f];
            }
            acc += term;
          }
          out[i * groupSize + j] = acc;
        }
      }
      return new HostMatrix(b.rows, groupSize, out);
    }
    double[] out = new double[n];
    for (int i = 0; i < b.rows; i++) {
      for (int j = 0; j < groupSize; j++) {
        double acc = 0;
        for (int g = 0; g < groups; g++) {
          int f = g * groupSize + j;
          double term = b.data[i * b.cols + f];
          if (xhat != null) {
            term *= xhat.data[(i / block) * xhat.cols + f];
          }
          acc += term;
        }
        out[i * groupSize + j] = acc;
      }
    }
    return new HostMatrix(b.rows, groupSize, out);
  }
}
