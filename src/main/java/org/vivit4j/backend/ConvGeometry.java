package org.vivit4j.backend;

/**
 * The sliding-window geometry shared by Conv2d and the pooling layers (PyTorch semantics, {@code
 * ceil_mode = false}): input {@code [C, H, W]} per sample, a {@code k_h × k_w} window with stride,
 * zero padding and dilation, and the output grid {@code H_out × W_out} with {@code H_out = ⌊(H +
 * 2p_h − d_h(k_h − 1) − 1)/s_h⌋ + 1} (likewise for the width). Output position {@code t = i·W_out +
 * j} reads input {@code (i·s_h − p_h + a·d_h, j·s_w − p_w + b·d_w)} at window tap {@code (a, b)}.
 *
 * @param channels C
 * @param height H
 * @param width W
 */
public record ConvGeometry(
    int channels,
    int height,
    int width,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int dilH,
    int dilW,
    int outH,
    int outW) {

  public ConvGeometry {
    if (channels < 1 || height < 1 || width < 1 || kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException("empty input or kernel");
    }
    if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1 || padH < 0 || padW < 0) {
      throw new IllegalArgumentException("need stride >= 1, dilation >= 1, padding >= 0");
    }
    if (outH != outSize(height, kernelH, strideH, padH, dilH)
        || outW != outSize(width, kernelW, strideW, padW, dilW)
        || outH < 1
        || outW < 1) {
      throw new IllegalArgumentException("output grid " + outH + "×" + outW + " is inconsistent");
    }
  }

  /**
   * The geometry of a window over inputs {@code [C, H, W]}.
   *
   * @param in {@code [C, H, W]}
   * @param kernel {@code [k_h, k_w]}
   * @param stride {@code [s_h, s_w]}
   * @param padding {@code [p_h, p_w]}
   * @param dilation {@code [d_h, d_w]}
   */
  public static ConvGeometry of(
      int[] in, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    return new ConvGeometry(
        in[0],
        in[1],
        in[2],
        kernel[0],
        kernel[1],
        stride[0],
        stride[1],
        padding[0],
        padding[1],
        dilation[0],
        dilation[1],
        outSize(in[1], kernel[0], stride[0], padding[0], dilation[0]),
        outSize(in[2], kernel[1], stride[1], padding[1], dilation[1]));
  }

  private static int outSize(int size, int k, int s, int p, int d) {
    int len = size + 2 * p - d * (k - 1) - 1;
    return len < 0 ? 0 : len / s + 1;
  }

  /** {@code T = H_out · W_out}, output positions per channel. */
  public int positions() {
    return outH * outW;
  }

  /** {@code C · k_h · k_w}, the length of one unfolded input patch. */
  public int patchSize() {
    return channels * kernelH * kernelW;
  }

  /** {@code C · H · W}, the input size per sample. */
  public int inputSize() {
    return channels * height * width;
  }

  /**
   * First tap {@code a ≥ 0} of a window whose tap 0 reads input row (or column) {@code start},
   * stepping {@code dil}, that lies inside the input ({@code start + a·dil ≥ 0}).
   */
  public static int firstTapInside(int start, int dil) {
    return start >= 0 ? 0 : (-start + dil - 1) / dil;
  }

  /**
   * One past the last tap {@code a < k} of such a window inside an input of {@code size} ({@code
   * start + a·dil < size}); at most {@link #firstTapInside} when no tap is inside.
   */
  public static int endTapInside(int start, int dil, int k, int size) {
    return start > size - 1 ? 0 : Math.min(k, (size - 1 - start) / dil + 1);
  }
}
