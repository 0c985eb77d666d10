package org.vivit4j.model;

import java.util.Arrays;

/**
 * PyTorch's {@code nn.Unflatten(dim, unflattened_size)} on a flat sample: {@code [N, D] → [N] +
 * unflattened_size} with {@code prod(unflattened_size) = D}, row-major, so the values and their
 * order are unchanged (the Jacobian is the identity). Only {@code dim = 1} (or {@code −1}, the same
 * axis of a flat sample).
 *
 * @param dim PyTorch's dimension, counting the batch dimension
 * @param unflattenedSize the per-sample shape after the layer
 */
public record UnflattenSpec(int dim, int[] unflattenedSize) implements LayerSpec {
  @Override
  public String type() {
    return "unflatten";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    if (in.length != 1 || (dim != 1 && dim != -1)) {
      throw new UnsupportedFeatureException(
          where + ".dim",
          "unflatten with dim = "
              + dim
              + " of a sample "
              + Arrays.toString(in)
              + " (only 1 of [D])");
    }
    long numel = ArraySizes.product(unflattenedSize);
    if (numel != in[0]) {
      throw new InvalidInputException(
          where + ".unflattened_size",
          "is "
              + Arrays.toString(unflattenedSize)
              + " ("
              + numel
              + " values) but the layer receives "
              + in[0]);
    }
    return unflattenedSize.clone();
  }
}
