package org.vivit4j.core;

import java.util.HashMap;
import java.util.Map;
import org.vivit4j.backend.DeviceMatrix;

/**
 * Host copies of the GGN factor {@code B_out [|S|C̃ × out]} at the output of each layer that holds
 * a tensor of some group, taken during the Gram pass ({@link FactorEngine#grams}) so that the
 * products {@code V·w} ({@link FactorEngine#applyFactor}) need no second backward pass; and, where
 * the run allows it ({@link RunSizes#keptConvV}), a layer's own matrices that make its {@code V·w}
 * cheaper (a Conv2d weight's {@code V_W} formed whole for its Gram, its bias factor); a layer whose
 * kept matrices serve every product keeps no host factor. Counted by {@link MemoryEstimate} ("kept
 * factors"); the backend matrices are freed by {@link #close}.
 */
public final class KeptFactors implements AutoCloseable {
  private final Map<Integer, double[]> byLayer = new HashMap<>();
  private final Map<Integer, Map<String, DeviceMatrix>> forApply = new HashMap<>();
  private final boolean keepsForApply;

  /**
   * @param keepsForApply whether layers' own matrices for {@code V·w} are kept too
   */
  KeptFactors(boolean keepsForApply) {
    this.keepsForApply = keepsForApply;
  }

  /**
   * Keeps the host factor at the output of {@code layer}; {@code null} when the layer's kept
   * matrices serve its every {@code V·w} ({@link #putForApply}).
   */
  void put(int layer, double[] factorOut) {
    byLayer.put(layer, factorOut);
  }

  /** Whether layers' own matrices for {@code V·w} are kept ({@link #putForApply}). */
  boolean keepsForApply() {
    return keepsForApply;
  }

  /** Keeps (and will free) layer {@code layer}'s matrices for its {@code V·w}, by cache key. */
  void putForApply(int layer, Map<String, DeviceMatrix> m) {
    Map<String, DeviceMatrix> old = forApply.put(layer, Map.copyOf(m));
    if (old != null) {
      old.values().forEach(DeviceMatrix::close);
    }
  }

  /** Layer {@code layer}'s kept matrices for {@code V·w} (maybe none); still owned by this. */
  Map<String, DeviceMatrix> forApply(int layer) {
    return forApply.getOrDefault(layer, Map.of());
  }

  /**
   * The factor at the output of {@code layer}, or null when the layer's kept matrices serve its
   * products instead; an error when it was not kept at all.
   */
  double[] at(int layer) {
    if (!byLayer.containsKey(layer)) {
      throw new IllegalStateException(
          "the factor at the output of layer " + layer + " was not kept");
    }
    return byLayer.get(layer);
  }

  /** Whether the Gram pass filled these (a run keeps them only when a {@code V·w} follows). */
  boolean isEmpty() {
    return byLayer.isEmpty();
  }

  /** Frees the kept backend matrices. */
  @Override
  public void close() {
    forApply.values().forEach(m -> m.values().forEach(DeviceMatrix::close));
    forApply.clear();
  }
}
