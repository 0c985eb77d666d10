package org.vivit4j.core;

import java.util.HashMap;
import java.util.Map;
import org.vivit4j.backend.DeviceMatrix;

/**
 * Host copies of the GGN factor {@code B_out [|S|C̃ × out]} at the output of each layer that holds
 * a tensor of some group, taken during the Gram pass ({@link FactorEngine#grams}) so that the
 * products {@code V·w} ({@link FactorEngine#applyFactor}) need no second backward pass; and, where
 * the run allows it ({@link RunSizes#keptConvV}), a layer's own matrix that makes its {@code V·w}
 * cheaper (a Conv2d weight's {@code V_W} formed whole for its Gram). Counted by {@link
 * MemoryEstimate} ("kept factors"); the backend matrices are freed by {@link #close}.
 */
public final class KeptFactors implements AutoCloseable {
  private final Map<Integer, double[]> byLayer = new HashMap<>();
  private final Map<Integer, DeviceMatrix> forApply = new HashMap<>();
  private final boolean keepsForApply;

  /**
   * @param keepsForApply whether layers' own matrices for {@code V·w} are kept too
   */
  KeptFactors(boolean keepsForApply) {
    this.keepsForApply = keepsForApply;
  }

  void put(int layer, double[] factorOut) {
    byLayer.put(layer, factorOut);
  }

  /** Whether layers' own matrices for {@code V·w} are kept ({@link #putForApply}). */
  boolean keepsForApply() {
    return keepsForApply;
  }

  /** Keeps (and will free) {@code m}, layer {@code layer}'s matrix for its {@code V·w}. */
  void putForApply(int layer, DeviceMatrix m) {
    DeviceMatrix old = forApply.put(layer, m);
    if (old != null) {
      old.close();
    }
  }

  /** Layer {@code layer}'s kept matrix for {@code V·w}, or null; still owned by this. */
  DeviceMatrix forApply(int layer) {
    return forApply.get(layer);
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

  /** Frees the kept backend matrices. */
  @Override
  public void close() {
    forApply.values().forEach(DeviceMatrix::close);
    forApply.clear();
  }
}
