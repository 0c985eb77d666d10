package org.vivit4j.backend;

import java.util.stream.IntStream;

/**
 * The pooling Jacobians of {@link CpuBackend} (formulas in {@link Backend}): index/scale passes
 * over each row's contiguous memory, rows in parallel. Float32 matrices are computed in {@code
 * float} on their {@code float[]} storage (every sum rounded to float32) and give float32 results.
 */
final class CpuPoolOps {
  private CpuPoolOps() {}

  static HostMatrix maxPoolJacT(HostMatrix y, HostMatrix argmax, int block, ConvGeometry g) {
    int t = g.positions();
    int c = g.channels();
    if (block < 1
        || y.cols != c * t
        || argmax.cols != c * t
        || (long) argmax.rows * block != y.rows) {
      throw new IllegalArgumentException("maxPoolJacT: shapes do not match the geometry");
    }
    y.samePrecision(argmax, "maxPoolJacT");
    int hw = g.height() * g.width();
    int n = CpuConvOps.size(y.rows, c, hw);
    boolean f32 = y.isFloat32();
    double[] x = f32 ? null : new double[n];
    float[] x32 = f32 ? new float[n] : null;
    IntStream.range(0, y.rows)
        .parallel()
        .forEach(
            r -> {
              int ao = (r / block) * argmax.cols;
              int xo = r * c * hw;
              int yo = r * y.cols;
              for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < t; p++) {
                  int a = (int) argmax.get(ao + ch * t + p);
                  if (a < 0 || a >= hw) {
                    throw new IllegalArgumentException(
                        "maxPoolJacT: arg-max " + a + " is outside the " + hw + " positions");
                  }
                  int dst = xo + ch * hw + a;
                  if (f32) {
                    x32[dst] += y.data32[yo + ch * t + p];
                  } else {
                    x[dst] += y.data[yo + ch * t + p];
                  }
                }
              }
            });
    return f32 ? new HostMatrix(y.rows, c * hw, x32) : new HostMatrix(y.rows, c * hw, x);
  }

  static HostMatrix avgPoolJacT(HostMatrix y, ConvGeometry g) {
    int t = g.positions();
    int c = g.channels();
    if (y.cols != c * t || g.dilH() != 1 || g.dilW() != 1) {
      throw new IllegalArgumentException("avgPoolJacT: shapes do not match the geometry");
    }
    int hw = g.height() * g.width();
    int n = CpuConvOps.size(y.rows, c, hw);
    boolean f32 = y.isFloat32();
    double inv = 1.0 / (g.kernelH() * g.kernelW());
    float inv32 = (float) inv;
    double[] x = f32 ? null : new double[n];
    float[] x32 = f32 ? new float[n] : null;
    IntStream.range(0, y.rows)
        .parallel()
        .forEach(
            r -> {
              int xo = r * c * hw;
              for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < g.outH(); i++) {
                  for (int j = 0; j < g.outW(); j++) {
                    int yi = r * y.cols + ch * t + i * g.outW() + j;
                    double share = f32 ? 0.0 : y.data[yi] * inv;
                    float share32 = f32 ? y.data32[yi] * inv32 : 0f;
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
                        if (f32) {
                          x32[dst] += share32;
                        } else {
                          x[dst] += share;
                        }
                      }
                    }
                  }
                }
              }
            });
    return f32 ? new HostMatrix(y.rows, c * hw, x32) : new HostMatrix(y.rows, c * hw, x);
  }
}
