package org.vivit4j.layers;

import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.ConvLowering;
import org.vivit4j.linalg.HostProducts;

/**
 * Host float64 Conv2d for the forward pass and the gradient (the {@code O(N·D)} part of a
 * computation), lowered to matrix products ({@link ConvLowering}) on chunks of samples: {@code x [N
 * × C·H·W]}, {@code W [O × K]} ({@code K = C·k_h·k_w}), {@code z, δ [N × O·T]}, all row-major. The
 * products run on {@link HostProducts} (the native BLAS when it loads); a chunk's lowered input
 * holds at most {@link ConvLowering#CHUNK_BYTES}. The test twin is the direct loop.
 */
final class ConvHost {
  private ConvHost() {}

  private static ConvLowering.Chunks chunks(ConvGeometry g, int o, int n) {
    return ConvLowering.Chunks.of(
        n, ConvLowering.chunkSamples(g, o, ConvLowering.chunkEntries(false)));
  }

  /**
   * {@code z[n, o, t] = bias[o] + Σ_k W[o, k] · u_{n,t}[k]}: per chunk {@code Z = W·U} with {@code
   * U [K × b·T]} the lowered input.
   */
  static double[] forward(double[] x, double[] w, double[] bias, int o, ConvGeometry g, int n) {
    int t = g.positions();
    int k = g.patchSize();
    double[] z = new double[Math.multiplyExact(n, Math.multiplyExact(o, t))];
    ConvLowering.Chunks chunks = chunks(g, o, n);
    int chunk = chunks.maxSize();
    double[] u = new double[chunk * k * t];
    double[] zc = new double[chunk * o * t];
    chunks.forEach(
        (s0, b) -> {
          ConvLowering.im2col(x, s0, b, g, u);
          HostProducts.mul(1.0, w, u, 0.0, zc, o, k, b * t);
          ConvLowering.scatterChannels(zc, s0, b, o, t, bias, z);
        });
    return z;
  }

  /**
   * {@code dx = Σ_{o,t} δ[n, o, t] · ∂z[n, o, t]/∂x} (the transposed convolution): per chunk {@code
   * U = Wᵀ·Δ}, then {@link ConvLowering#col2im}.
   */
  static double[] inputGradient(double[] delta, double[] w, int o, ConvGeometry g, int n) {
    int t = g.positions();
    int k = g.patchSize();
    double[] dx = new double[Math.multiplyExact(n, g.inputSize())];
    ConvLowering.Chunks chunks = chunks(g, o, n);
    int chunk = chunks.maxSize();
    double[] u = new double[chunk * k * t];
    double[] dc = new double[chunk * o * t];
    chunks.forEach(
        (s0, b) -> {
          ConvLowering.gatherChannels(delta, s0, b, o, t, dc);
          HostProducts.mulTransA(1.0, w, dc, 0.0, u, k, o, b * t);
          ConvLowering.col2im(u, s0, b, g, dx);
        });
    return dx;
  }

  /**
   * {@code gW[o, k] = scale · Σ_{n,t} δ[n, o, t] · u_{n,t}[k]} ({@code gW += scale·Δ·Uᵀ} per chunk)
   * and {@code gb[o] = scale · Σ_{n,t} δ[n, o, t]}.
   */
  static double[][] paramGradients(
      double[] x, double[] delta, int o, ConvGeometry g, int n, double scale) {
    int t = g.positions();
    int k = g.patchSize();
    double[] gw = new double[o * k];
    double[] gb = new double[o];
    ConvLowering.Chunks chunks = chunks(g, o, n);
    int chunk = chunks.maxSize();
    double[] u = new double[chunk * k * t];
    double[] dc = new double[chunk * o * t];
    chunks.forEach(
        (s0, b) -> {
          ConvLowering.im2col(x, s0, b, g, u);
          ConvLowering.gatherChannels(delta, s0, b, o, t, dc);
          HostProducts.mulTransB(scale, dc, u, 1.0, gw, o, b * t, k);
        });
    for (int s = 0; s < n; s++) {
      for (int oc = 0; oc < o; oc++) {
        int d0 = (s * o + oc) * t;
        double sum = 0;
        for (int p = 0; p < t; p++) {
          sum += delta[d0 + p];
        }
        gb[oc] += scale * sum;
      }
    }
    return new double[][] {gw, gb};
  }
}
