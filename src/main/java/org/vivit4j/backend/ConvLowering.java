package org.vivit4j.backend;

import java.util.stream.IntStream;

/**
 * The copies that turn a Conv2d into matrix products ("lowering", im2col/col2im) for a chunk of
 * {@code b} consecutive samples, in the column layout {@code [K × b·T]} with {@code K = C·k_h·k_w}
 * (order {@code (c, a, b)}) and {@code T = H_out·W_out}: column {@code s·T + t} holds the input
 * patch {@code u_{s,t}} that output position {@code t} of sample {@code s} reads. With it
 *
 * <ul>
 *   <li>forward: {@code Z [O × b·T] = W [O × K] · U}, one product for the whole chunk;
 *   <li>transposed convolution (input gradient, factor Jᵀ): {@code U' = Wᵀ · Y}, then {@link
 *       #col2im} adds each column back onto the input positions it was read from;
 *   <li>weight gradient: {@code gW += Δ · Uᵀ}.
 * </ul>
 *
 * <p>The copies cost {@code O(b·T·K)}, a factor {@code O} (the output channels) less than the
 * products; rows of the {@code [O × b·T]} side are gathered from and scattered to the per-sample
 * layout {@code [O·T]} by {@link #gatherChannels} / {@link #scatterChannels}. Every method splits
 * its work over the cores so that no two threads write the same entry.
 */
public final class ConvLowering {
  private ConvLowering() {}

  /**
   * Largest lowered chunk {@code [K × b·T]}, in bytes: 8 MiB, so that a chunk and the product
   * reading it stay in the last-level cache (32 MiB on the 2-core EPYC) instead of streaming
   * through memory. With 32 MiB chunks (the earlier budget of 2²² float64 entries) the host forward
   * of fmnist_2c2d's conv2 took 14 ms at N = 32 and 48 ms at N = 128; with 8 MiB, 11 and 41–44 ms,
   * and its float32 transposed convolution of 1152 factor rows 190–200 ms instead of 210–240 ms.
   */
  public static final int CHUNK_BYTES = 8 << 20;

  /**
   * Largest {@code b·T·max(K, O)} a chunk of the OpenCL backend's lowered transposed convolution
   * holds (2²⁴ floats, 64 MiB): the patch matrix {@code [K × b·T]} of {@code b} factor rows at
   * once, beside their gathered channels {@code [O × b·T]}. Larger than {@link #CHUNK_BYTES}: a
   * device has no last-level cache to fit, and fewer, larger launches keep it busy.
   */
  public static final int DEVICE_CHUNK_ENTRIES = 1 << 24;

  /**
   * Entries of the two chunk matrices of a lowered transposed convolution of {@code rows} factor
   * rows in chunks of at most {@code entries} ({@link #chunkSamples}): {@code b·T·(K + O)}.
   */
  public static long transposeWorkspace(ConvGeometry g, int o, long rows, int entries) {
    long b = Math.min(rows, chunkSamples(g, o, entries));
    return b * g.positions() * (g.patchSize() + o);
  }

  /** {@link #CHUNK_BYTES} in entries of float32 or float64. */
  public static int chunkEntries(boolean float32) {
    return CHUNK_BYTES / (float32 ? Float.BYTES : Double.BYTES);
  }

  /**
   * Samples per chunk so that {@code [K × b·T]} and {@code [O × b·T]} stay within {@code entries}
   * (at least 1).
   */
  public static int chunkSamples(ConvGeometry g, int o, int entries) {
    long perSample = (long) Math.max(g.patchSize(), o) * g.positions();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, entries / Math.max(1, perSample)));
  }

  /**
   * {@code n} samples split into as few chunks of at most {@code maxChunk} as possible, of sizes
   * that differ by at most one: chunk {@code i} holds samples {@link #start}{@code (i)} to {@code
   * start(i + 1)}. No short last chunk, whose small products run far below the BLAS's rate (N = 32
   * in chunks of 6 would end with a product of 2 samples; balanced, the chunks are 5 or 6).
   */
  public record Chunks(int n, int count) {
    public static Chunks of(int n, int maxChunk) {
      if (n < 0 || maxChunk < 1) {
        throw new IllegalArgumentException("chunks of " + n + " samples, at most " + maxChunk);
      }
      return new Chunks(n, n == 0 ? 0 : (n + maxChunk - 1) / maxChunk);
    }

    /** First sample of chunk {@code i} ({@code 0 ≤ i ≤ count}; {@code start(count) = n}). */
    public int start(int i) {
      return count == 0 ? 0 : (int) ((long) i * n / count);
    }

    /** The largest chunk, {@code ⌈n / count⌉} (buffers are sized to it). */
    public int maxSize() {
      return count == 0 ? 0 : (n + count - 1) / count;
    }

    /** Calls {@code body} with each chunk's first sample and size, in order. */
    public void forEach(Body body) {
      for (int i = 0; i < count; i++) {
        body.run(start(i), start(i + 1) - start(i));
      }
    }

    /** One chunk's work: samples {@code [first, first + size)}. */
    public interface Body {
      void run(int first, int size);
    }
  }

  /** Input row of tap {@code a} at output row {@code i}, or −1 outside the input. */
  private static int inputRow(ConvGeometry g, int i, int a) {
    int h = i * g.strideH() - g.padH() + a * g.dilH();
    return h >= 0 && h < g.height() ? h : -1;
  }

  /** First output column {@code j} whose tap {@code b} lies in the input ({@code ≥ 0}). */
  private static int firstColumn(ConvGeometry g, int b) {
    int off = b * g.dilW() - g.padW();
    return off >= 0 ? 0 : Math.min(g.outW(), (-off + g.strideW() - 1) / g.strideW());
  }

  /** One past the last output column whose tap {@code b} lies in the input. */
  private static int endColumn(ConvGeometry g, int b) {
    int off = b * g.dilW() - g.padW();
    if (g.width() - 1 - off < 0) {
      return 0;
    }
    return Math.min(g.outW(), (g.width() - 1 - off) / g.strideW() + 1);
  }

  /**
   * {@code u[k, s·T + t] = x[(s0 + s)·inputSize + (c, h, w)]} for the tap {@code k = (c, a, b)} of
   * output {@code t} (0 outside the input), {@code s < b}; {@code u} holds at least {@code K·b·T}
   * entries.
   */
  public static void im2col(double[] x, int s0, int samples, ConvGeometry g, double[] u) {
    int t = g.positions();
    int ld = samples * t;
    int kk = g.kernelH() * g.kernelW();
    IntStream.range(0, g.patchSize())
        .parallel()
        .forEach(
            k -> {
              int c = k / kk;
              int a = (k % kk) / g.kernelW();
              int b = k % g.kernelW();
              int j0 = firstColumn(g, b);
              int j1 = Math.max(j0, endColumn(g, b));
              int col0 = b * g.dilW() - g.padW();
              for (int s = 0; s < samples; s++) {
                int xs = (s0 + s) * g.inputSize() + c * g.height() * g.width();
                for (int i = 0; i < g.outH(); i++) {
                  int dst = k * ld + s * t + i * g.outW();
                  int h = inputRow(g, i, a);
                  if (h < 0) {
                    java.util.Arrays.fill(u, dst, dst + g.outW(), 0.0);
                    continue;
                  }
                  java.util.Arrays.fill(u, dst, dst + j0, 0.0);
                  int src = xs + h * g.width() + col0;
                  for (int j = j0; j < j1; j++) {
                    u[dst + j] = x[src + j * g.strideW()];
                  }
                  java.util.Arrays.fill(u, dst + j1, dst + g.outW(), 0.0);
                }
              }
            });
  }

  /**
   * {@code x[(s0 + s)·inputSize + (c, h, w)] += u[k, s·T + t]} over every tap {@code k} and output
   * {@code t} that reads input {@code (c, h, w)}: the adjoint of {@link #im2col}.
   */
  public static void col2im(double[] u, int s0, int samples, ConvGeometry g, double[] x) {
    int sw = g.strideW();
    int ow = g.outW();
    forEachCol2imTap(
        s0,
        samples,
        g,
        (src, dst, step, i0, i1, j0, j1) -> {
          for (int i = i0; i < i1; i++) {
            int from = src + i * ow;
            int to = dst + i * step;
            if (sw == 1) {
              // unit stride: a plain vectorisable sum over the row
              for (int j = j0; j < j1; j++) {
                x[to + j] += u[from + j];
              }
            } else {
              for (int j = j0; j < j1; j++) {
                x[to + j * sw] += u[from + j];
              }
            }
          }
        });
  }

  /** {@link #col2im} in float32: every sum rounded to float32. */
  static void col2im(float[] u, int s0, int samples, ConvGeometry g, float[] x) {
    int sw = g.strideW();
    int ow = g.outW();
    forEachCol2imTap(
        s0,
        samples,
        g,
        (src, dst, step, i0, i1, j0, j1) -> {
          for (int i = i0; i < i1; i++) {
            int from = src + i * ow;
            int to = dst + i * step;
            if (sw == 1) {
              for (int j = j0; j < j1; j++) {
                x[to + j] += u[from + j];
              }
            } else {
              for (int j = j0; j < j1; j++) {
                x[to + j * sw] += u[from + j];
              }
            }
          }
        });
  }

  /**
   * One tap of one sample: output rows {@code i0 ≤ i < i1} and columns {@code j0 ≤ j < j1} (those
   * that read inside the input) of {@code u} at {@code src + i·outW + j} add onto the input at
   * {@code dst + i·step + j·s_w}.
   */
  private interface Col2imTap {
    void add(int src, int dst, int step, int i0, int i1, int j0, int j1);
  }

  /**
   * Calls {@code tap} for every sample and tap with some output inside the input; samples in
   * parallel. One call per tap, not per output row: with T = 14 × 14 a call per row cost more than
   * its 14 additions.
   */
  private static void forEachCol2imTap(int s0, int samples, ConvGeometry g, Col2imTap tap) {
    int t = g.positions();
    int ld = samples * t;
    int kk = g.kernelH() * g.kernelW();
    int step = g.strideH() * g.width();
    IntStream.range(0, samples)
        .parallel()
        .forEach(
            s -> {
              for (int k = 0; k < g.patchSize(); k++) {
                int c = k / kk;
                int a = (k % kk) / g.kernelW();
                int b = k % g.kernelW();
                int i0 = firstRow(g, a);
                int i1 = endRow(g, a);
                int j0 = firstColumn(g, b);
                int j1 = endColumn(g, b);
                if (i0 >= i1 || j0 >= j1) {
                  continue;
                }
                // output row i reads input row h = i·s_h + row0, output column j column j·s_w +
                // col0
                int row0 = a * g.dilH() - g.padH();
                int col0 = b * g.dilW() - g.padW();
                int xs = (s0 + s) * g.inputSize() + c * g.height() * g.width();
                tap.add(k * ld + s * t, xs + row0 * g.width() + col0, step, i0, i1, j0, j1);
              }
            });
  }

  /** First output row {@code i} whose tap row {@code a} lies in the input ({@code ≥ 0}). */
  private static int firstRow(ConvGeometry g, int a) {
    int off = a * g.dilH() - g.padH();
    return off >= 0 ? 0 : Math.min(g.outH(), (-off + g.strideH() - 1) / g.strideH());
  }

  /** One past the last output row whose tap row {@code a} lies in the input. */
  private static int endRow(ConvGeometry g, int a) {
    int off = a * g.dilH() - g.padH();
    if (g.height() - 1 - off < 0) {
      return 0;
    }
    return Math.min(g.outH(), (g.height() - 1 - off) / g.strideH() + 1);
  }

  /**
   * {@code y[o, s·T + t] = z[(s0 + s)·O·T + o·T + t]}: rows {@code s0 … s0 + b − 1} of the
   * per-sample layout {@code [N × O·T]} as one {@code [O × b·T]} matrix.
   */
  public static void gatherChannels(double[] z, int s0, int samples, int o, int t, double[] y) {
    int ld = samples * t;
    IntStream.range(0, o)
        .parallel()
        .forEach(
            oc -> {
              for (int s = 0; s < samples; s++) {
                System.arraycopy(z, (s0 + s) * o * t + oc * t, y, oc * ld + s * t, t);
              }
            });
  }

  /** The float32 {@link #gatherChannels(double[], int, int, int, int, double[])}. */
  static void gatherChannels(float[] z, int s0, int samples, int o, int t, float[] y) {
    int ld = samples * t;
    IntStream.range(0, o)
        .parallel()
        .forEach(
            oc -> {
              for (int s = 0; s < samples; s++) {
                System.arraycopy(z, (s0 + s) * o * t + oc * t, y, oc * ld + s * t, t);
              }
            });
  }

  /**
   * {@code z[(s0 + s)·O·T + o·T + t] = y[o, s·T + t] + bias[o]} (bias may be null): the inverse of
   * {@link #gatherChannels}.
   */
  public static void scatterChannels(
      double[] y, int s0, int samples, int o, int t, double[] bias, double[] z) {
    int ld = samples * t;
    IntStream.range(0, o)
        .parallel()
        .forEach(
            oc -> {
              double add = bias == null ? 0.0 : bias[oc];
              for (int s = 0; s < samples; s++) {
                int src = oc * ld + s * t;
                int dst = (s0 + s) * o * t + oc * t;
                for (int p = 0; p < t; p++) {
                  z[dst + p] = y[src + p] + add;
                }
              }
            });
  }
}
