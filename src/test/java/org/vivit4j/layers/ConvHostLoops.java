package org.vivit4j.layers;

import java.util.stream.IntStream;
import org.vivit4j.backend.ConvGeometry;

/**
 * The plain-Java twin of {@link ConvHost}: the direct (unlowered) float64 loops of Conv2d for the
 * forward pass and the per-sample gradient (the {@code O(N·D)} part of a computation). {@code x [N
 * × C·H·W]}, {@code W [O × C·k_h·k_w]}, {@code z, δ [N × O·T]}, all row-major; the tap of output
 * {@code (i, j)} at {@code (a, b)} reads input {@code (i·s_h − p_h + a·d_h, j·s_w − p_w + b·d_w)}
 * (zero outside).
 */
final class ConvHostLoops {
  private ConvHostLoops() {}

  /** {@code z[n, o, i, j] = bias[o] + Σ_{c,a,b} W[o,c,a,b] · x[n, c, h, w]}. */
  static double[] forward(double[] x, double[] w, double[] bias, int o, ConvGeometry g, int n) {
    int t = g.positions();
    int in = g.inputSize();
    double[] z = new double[n * o * t];
    IntStream.range(0, n * o)
        .parallel()
        .forEach(
            no -> {
              int s = no / o;
              int oc = no % o;
              int zo = no * t;
              if (bias != null) {
                java.util.Arrays.fill(z, zo, zo + t, bias[oc]);
              }
              forEachTap(
                  g,
                  (c, a, b, zi, xi, len, xStride) -> {
                    double wv = w[((oc * g.channels() + c) * g.kernelH() + a) * g.kernelW() + b];
                    int xs = s * in + xi;
                    for (int k = 0; k < len; k++) {
                      z[zo + zi + k] += wv * x[xs + k * xStride];
                    }
                  });
            });
    return z;
  }

  /** {@code dx[n, c, h, w] = Σ_{o,a,b} W[o,c,a,b] · δ[n, o, i, j]} (the transposed convolution). */
  static double[] inputGradient(double[] delta, double[] w, int o, ConvGeometry g, int n) {
    int t = g.positions();
    int in = g.inputSize();
    double[] dx = new double[n * in];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            s -> {
              for (int oc = 0; oc < o; oc++) {
                int d0 = (s * o + oc) * t;
                int occ = oc;
                forEachTap(
                    g,
                    (c, a, b, zi, xi, len, xStride) -> {
                      double wv = w[((occ * g.channels() + c) * g.kernelH() + a) * g.kernelW() + b];
                      int xs = s * in + xi;
                      for (int k = 0; k < len; k++) {
                        dx[xs + k * xStride] += wv * delta[d0 + zi + k];
                      }
                    });
              }
            });
    return dx;
  }

  /**
   * {@code gW[o, c, a, b] = scale · Σ_n Σ_{i,j} δ[n, o, i, j] · x[n, c, h, w]} and {@code gb[o] =
   * scale · Σ_n Σ_t δ[n, o, t]}.
   */
  static double[][] paramGradients(
      double[] x, double[] delta, int o, ConvGeometry g, int n, double scale) {
    int t = g.positions();
    int in = g.inputSize();
    int kc = g.patchSize();
    double[] gw = new double[o * kc];
    double[] gb = new double[o];
    IntStream.range(0, o)
        .parallel()
        .forEach(
            oc -> {
              for (int s = 0; s < n; s++) {
                int d0 = (s * o + oc) * t;
                double sum = 0;
                for (int p = 0; p < t; p++) {
                  sum += delta[d0 + p];
                }
                gb[oc] += scale * sum;
                int ss = s;
                forEachTap(
                    g,
                    (c, a, b, zi, xi, len, xStride) -> {
                      int xs = ss * in + xi;
                      double acc = 0;
                      for (int k = 0; k < len; k++) {
                        acc += delta[d0 + zi + k] * x[xs + k * xStride];
                      }
                      gw[oc * kc + (c * g.kernelH() + a) * g.kernelW() + b] += scale * acc;
                    });
              }
            });
    return new double[][] {gw, gb};
  }

  /**
   * A run of taps along one output row: outputs {@code zi .. zi + len − 1} (offsets within a
   * channel plane of the output) read inputs {@code xi, xi + xStride, …} (offsets within a sample).
   */
  interface TapRun {
    void run(int c, int a, int b, int zi, int xi, int len, int xStride);
  }

  /** Calls {@code run} for every channel, tap and output row, clipped to the input. */
  static void forEachTap(ConvGeometry g, TapRun run) {
    for (int c = 0; c < g.channels(); c++) {
      for (int a = 0; a < g.kernelH(); a++) {
        for (int b = 0; b < g.kernelW(); b++) {
          int off = b * g.dilW() - g.padW();
          // output columns j with 0 <= j·s_w + off < W
          int j0 = off >= 0 ? 0 : (-off + g.strideW() - 1) / g.strideW();
          int j1 = Math.min(g.outW(), (g.width() - 1 - off) / g.strideW() + 1);
          if (g.width() - 1 - off < 0 || j1 <= j0) {
            continue;
          }
          for (int i = 0; i < g.outH(); i++) {
            int h = i * g.strideH() - g.padH() + a * g.dilH();
            if (h < 0 || h >= g.height()) {
              continue;
            }
            int xi = (c * g.height() + h) * g.width() + j0 * g.strideW() + off;
            run.run(c, a, b, i * g.outW() + j0, xi, j1 - j0, g.strideW());
          }
        }
      }
    }
  }
}
