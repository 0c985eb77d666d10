package org.vivit4j.layers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;

/**
 * What a layer needs during the backward pass of the GGN factor, with the device copies made lazily
 * and shared between the layer's parameter tensors (e.g. {@code B_out B_outᵀ} is computed once for
 * a Linear weight and its bias). Closing the context frees every device matrix it made.
 *
 * <p>Shapes: the host input {@code a} is {@code [N × in]} for all N samples, the host output
 * gradient {@code δ} ({@code ∂L_n/∂z_n}) is {@code [N × out]}; {@code ggnRows} ({@code |S|}
 * samples) and {@code gradRows} ({@code N_grad} samples) select rows of them. The factor {@code
 * B_out} is {@code [|S|·C̃ × out]}, row {@code m·C̃ + c}.
 */
public final class LayerContext implements AutoCloseable {
  private final Backend backend;
  private final int factorColumns;
  private final double[] input;
  private final int inSize;
  private final double[] deltaOut;
  private final int outSize;
  private final int[] ggnRows;
  private final int[] gradRows;
  private final DeviceMatrix factorOut;
  private final List<DeviceMatrix> owned = new ArrayList<>();
  private final Map<String, DeviceMatrix> cache = new HashMap<>();
  private final List<String> notes = new ArrayList<>();
  private DeviceMatrix inputGgn;
  private DeviceMatrix inputGrad;
  private DeviceMatrix deltaGrad;
  private DeviceMatrix factorGram;
  private DeviceMatrix deltaFactor;
  private DeviceMatrix inputGramGgn;
  private DeviceMatrix inputGramGradGgn;
  private GramBlocks gramBlocks;

  /**
   * @param factorOut {@code B_out}; not owned by the context
   * @param deltaOut per-sample output gradients, or {@code null} when no cross terms are needed
   */
  public LayerContext(
      Backend backend,
      int factorColumns,
      double[] input,
      int inSize,
      double[] deltaOut,
      int outSize,
      int[] ggnRows,
      int[] gradRows,
      DeviceMatrix factorOut) {
    this.backend = backend;
    this.factorColumns = factorColumns;
    this.input = input;
    this.inSize = inSize;
    this.deltaOut = deltaOut;
    this.outSize = outSize;
    this.ggnRows = ggnRows;
    this.gradRows = gradRows;
    this.factorOut = factorOut;
  }

  public Backend backend() {
    return backend;
  }

  /** {@code C̃}: factor columns per sample. */
  public int factorColumns() {
    return factorColumns;
  }

  /** {@code B_out}, {@code [|S|·C̃ × out]}. */
  public DeviceMatrix factorOut() {
    return factorOut;
  }

  /** Host input of the layer for all N samples, {@code [N × in]}. */
  public double[] input() {
    return input;
  }

  public int[] ggnRows() {
    return ggnRows;
  }

  public int[] gradRows() {
    return gradRows;
  }

  private DeviceMatrix own(DeviceMatrix m) {
    owned.add(m);
    return m;
  }

  /**
   * A layer-specific device matrix made once per context (e.g. a LayerNorm weight's factor shared
   * by its Gram and cross terms), freed when the context closes.
   *
   * @param key unique within the layer, e.g. {@code "layernorm.weightFactor"}
   */
  public DeviceMatrix cached(String key, Supplier<DeviceMatrix> make) {
    DeviceMatrix m = cache.get(key);
    if (m == null) {
      m = make.get();
      if (!owned.contains(m)) {
        own(m);
      }
      cache.put(key, m);
    }
    return m;
  }

  /**
   * Uploads rows {@code rows} of the host matrix {@code src [N × width]} as a {@code [|rows| ×
   * width]} device matrix that the context frees when it closes.
   */
  public DeviceMatrix uploadRows(double[] src, int width, int[] rows) {
    return own(backend.upload(gatherRows(src, width, rows), rows.length, width));
  }

  /** Rows {@code rows} of the host matrix {@code src [N × width]}, in that order. */
  static double[] gatherRows(double[] src, int width, int[] rows) {
    double[] out = new double[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(src, rows[r] * width, out, r * width, width);
    }
    return out;
  }

  /** {@code A_S}: the layer input of the GGN samples, {@code [|S| × in]}. */
  public DeviceMatrix inputGgn() {
    if (inputGgn == null) {
      inputGgn = uploadRows(input, inSize, ggnRows);
    }
    return inputGgn;
  }

  /** {@code A_T}: the layer input of the gradient samples, {@code [N_grad × in]}. */
  public DeviceMatrix inputGrad() {
    if (inputGrad == null) {
      inputGrad = uploadRows(input, inSize, gradRows);
    }
    return inputGrad;
  }

  /** Whether this pass computes gradient cross terms (it holds the per-sample output gradients). */
  public boolean hasDeltas() {
    return deltaOut != null;
  }

  /** {@code Δ_T}: output gradients of the gradient samples, {@code [N_grad × out]}. */
  public DeviceMatrix deltaGrad() {
    if (deltaOut == null) {
      throw new IllegalStateException("cross terms were not requested for this pass");
    }
    if (deltaGrad == null) {
      deltaGrad = uploadRows(deltaOut, outSize, gradRows);
    }
    return deltaGrad;
  }

  /** {@code B_out B_outᵀ}, {@code [|S|C̃ × |S|C̃]}. */
  public DeviceMatrix factorGram() {
    if (factorGram == null) {
      factorGram = own(backend.mulTransB(factorOut, factorOut));
    }
    return factorGram;
  }

  /** {@code Δ_T B_outᵀ}, {@code [N_grad × |S|C̃]}. */
  public DeviceMatrix deltaFactor() {
    if (deltaFactor == null) {
      deltaFactor = own(backend.mulTransB(deltaGrad(), factorOut));
    }
    return deltaFactor;
  }

  /** {@code A_S A_Sᵀ}, {@code [|S| × |S|]}. */
  public DeviceMatrix inputGramGgn() {
    if (inputGramGgn == null) {
      inputGramGgn = own(backend.mulTransB(inputGgn(), inputGgn()));
    }
    return inputGramGgn;
  }

  /** {@code A_T A_Sᵀ}, {@code [N_grad × |S|]}. */
  public DeviceMatrix inputGramGradGgn() {
    if (inputGramGradGgn == null) {
      inputGramGradGgn = own(backend.mulTransB(inputGrad(), inputGgn()));
    }
    return inputGramGradGgn;
  }

  /** The matrix {@link #cached} (or {@link #lendCached}) holds under {@code key}, or null. */
  public DeviceMatrix cachedOrNull(String key) {
    return cache.get(key);
  }

  /** Whether {@link #cached} holds {@code key}. */
  public boolean isCached(String key) {
    return cachedOrNull(key) != null;
  }

  /**
   * Removes {@code key}'s matrix from the cache and hands it to the caller, who frees it; {@code
   * null} when the cache does not hold it. Freed by this context no longer.
   */
  public DeviceMatrix takeCached(String key) {
    DeviceMatrix m = cache.remove(key);
    if (m != null) {
      owned.remove(m);
    }
    return m;
  }

  /**
   * Puts a matrix the caller keeps owning under {@code key}, as if {@link #cached} had made it;
   * this context does not free it.
   */
  public void lendCached(String key, DeviceMatrix m) {
    if (cache.containsKey(key)) {
      throw new IllegalStateException("the cache already holds " + key);
    }
    cache.put(key, m);
  }

  /**
   * Tells the layer that this pass needs only some blocks of its Gram contribution ({@link
   * GramBlocks}, a pass over two sample chunks); null (the default) for the whole of it.
   */
  public void needOnly(GramBlocks blocks) {
    if (blocks != null && blocks.split() >= ggnRows.length) {
      throw new IllegalArgumentException(
          "a first chunk of " + blocks.split() + " of " + ggnRows.length + " GGN samples");
    }
    this.gramBlocks = blocks;
  }

  /** The Gram blocks this pass needs, or null for all ({@link #needOnly}). */
  public GramBlocks gramBlocks() {
    return gramBlocks;
  }

  /** Records a line for the run's notes, e.g. which Gram strategy a layer chose and why. */
  public void note(String line) {
    notes.add(line);
  }

  /** The lines recorded by {@link #note}, in order. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  @Override
  public void close() {
    for (DeviceMatrix m : owned) {
      m.close();
    }
    owned.clear();
    cache.clear();
  }
}
