package org.vivit4j.model;

import java.util.Arrays;

/** {@code [N, C, H, W] -> [N, C*H*W]} in row-major order; a no-op on flat inputs. */
public record FlattenSpec(int startDim, int endDim) implements LayerSpec {
  @Override
  public String type() {
    return "flatten";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    return new int[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
  }
}
