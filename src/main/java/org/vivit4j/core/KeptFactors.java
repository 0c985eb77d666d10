package org.vivit4j.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Host copies of the GGN factor {@code B_out [|S|C̃ × out]} at the output of each layer that holds
 * a tensor of some group, taken during the Gram pass ({@link FactorEngine#grams}) so that the
 * products {@code V·w} ({@link FactorEngine#applyFactor}) need no second backward pass. Counted by
 * {@link MemoryEstimate} ("kept factors").
 */
public final class KeptFactors {
  private final Map<Integer, double[]> byLayer = new HashMap<>();

  void put(int layer, double[] factorOut) {
    byLayer.put(layer, factorOut);
  }

  /** The factor at the output of {@code layer}; an error when it was not kept. */
  double[] at(int layer) {
    double[] f = byLayer.get(layer);
    if (f == null) {
      throw new IllegalStateException(
          "the factor at the output of layer " + layer + " was not kept");
    }
    return f;
  }

  /** Whether the Gram pass filled these (a run keeps them only when a {@code V·w} follows). */
  boolean isEmpty() {
    return byLayer.isEmpty();
  }
}
