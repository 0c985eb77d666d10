package org.vivit4j.model;

/**
 * Conv2d with PyTorch semantics (cross-correlation, zero padding, groups = 1). Parsed and validated
 * so problem files round-trip; the computations reject it as not supported yet.
 *
 * @param weight {@code [O, C, kh, kw]} row-major
 * @param bias {@code [O]} or {@code null}
 */
public record Conv2dSpec(
    int inChannels,
    int outChannels,
    int[] kernelSize,
    int[] stride,
    int[] padding,
    int[] dilation,
    double[] weight,
    double[] bias)
    implements LayerSpec {
  @Override
  public String type() {
    return "conv2d";
  }

  @Override
  public int numParamTensors() {
    return bias == null ? 1 : 2;
  }
}
