package org.vivit4j.model;

/** {@code [N, C, H, W] -> [N, C*H*W]} in row-major order; a no-op on flat inputs. */
public record FlattenSpec(int startDim, int endDim) implements LayerSpec {
  @Override
  public String type() {
    return "flatten";
  }
}
