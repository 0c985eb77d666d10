package org.vivit4j.model;

/**
 * Linear layer {@code z = W a + b} with {@code W} of shape {@code [out, in]} stored row-major
 * ({@code weight[o * in + i]}) and an optional bias of length {@code out}.
 *
 * @param in input features I
 * @param out output features O
 * @param weight {@code [O * I]}, row-major
 * @param bias {@code [O]}, or {@code null} for a layer without bias
 */
public record LinearSpec(int in, int out, double[] weight, double[] bias) implements LayerSpec {

  @Override
  public String type() {
    return "linear";
  }

  @Override
  public int numParamTensors() {
    return bias == null ? 1 : 2;
  }
}
