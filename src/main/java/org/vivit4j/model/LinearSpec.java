package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

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
  public int[] outputShape(int[] in, String where) {
    if (in.length != 1 || in[0] != this.in) {
      throw new InvalidInputException(
          where + ".in",
          "is " + this.in + " but the layer receives input of shape " + Arrays.toString(in));
    }
    return new int[] {out};
  }

  @Override
  public List<LayerParam> params() {
    LayerParam w = new LayerParam("weight", new int[] {out, in}, weight);
    return bias == null ? List.of(w) : List.of(w, new LayerParam("bias", new int[] {out}, bias));
  }
}
