package org.vivit4j.core;

import java.util.HashMap;
import java.util.Map;
import org.vivit4j.model.Batch;

/**
 * Where a factor pass reads its host forward values (activations {@code a_i} and output gradients
 * {@code δ_i} of its samples) from:
 *
 * <ul>
 *   <li>{@link #kept}: one forward pass over the whole batch, held for the run ({@code N × Σ_i
 *       size_i} values alive throughout);
 *   <li>{@link #recomputed}: a forward pass over just the samples of each factor pass, dropped
 *       after it (the chunked forward of MATH.md §6.5). With chunked factor passes only those
 *       samples' values are alive, so peak memory no longer grows with {@code N × activations}. The
 *       cost is one forward and gradient pass per factor pass ({@code O(|rows|·D)}, against the
 *       factor pass's {@code O(|rows|·C̃·D)}).
 * </ul>
 *
 * A {@link View} gives a factor pass the forward pass it reads, the batch it ran on and the row of
 * each of its samples there.
 */
public final class SampleForward {
  private final ForwardPass whole;
  private final FactorEngine engine;
  private final Batch batch;
  private final Scaling hostScaling;

  private SampleForward(ForwardPass whole, FactorEngine engine, Batch batch, Scaling hostScaling) {
    this.whole = whole;
    this.engine = engine;
    this.batch = batch;
    this.hostScaling = hostScaling;
  }

  /** Every factor pass reads the forward pass {@code fp} over all of {@code batch}. */
  public static SampleForward kept(ForwardPass fp, Batch batch) {
    return new SampleForward(fp, null, batch, null);
  }

  /**
   * Each factor pass runs its own forward pass over its samples of {@code batch}, with {@code
   * hostScaling} the scaling of the whole batch ({@code Scaling(reduction, N, N)}).
   */
  public static SampleForward recomputed(FactorEngine engine, Batch batch, Scaling hostScaling) {
    return new SampleForward(null, engine, batch, hostScaling);
  }

  /** Whether each pass recomputes the forward values of its samples. */
  public boolean recomputes() {
    return whole == null;
  }

  /** The whole batch. */
  public Batch batch() {
    return batch;
  }

  /**
   * A factor pass's forward values: {@code fp} over {@code batch}, and {@code row(s)} the row of
   * batch sample {@code s} in it.
   */
  public record View(ForwardPass fp, Batch batch, Map<Integer, Integer> rowOfSample) {
    /** The row of batch sample {@code s} in {@link #fp}, or -1 when the pass does not hold it. */
    public int row(int s) {
      return rowOfSample == null ? s : rowOfSample.getOrDefault(s, -1);
    }

    /** The rows of the batch samples {@code samples}. */
    public int[] rows(int[] samples) {
      int[] out = new int[samples.length];
      for (int i = 0; i < samples.length; i++) {
        out[i] = row(samples[i]);
      }
      return out;
    }
  }

  /**
   * The forward values of the batch samples {@code samples} (distinct): the kept pass, or a pass
   * over exactly these samples in this order.
   */
  public View of(int[] samples) {
    if (whole != null) {
      return new View(whole, batch, null);
    }
    Map<Integer, Integer> rows = new HashMap<>();
    for (int r = 0; r < samples.length; r++) {
      if (rows.put(samples[r], r) != null) {
        throw new IllegalArgumentException("sample " + samples[r] + " twice in one pass");
      }
    }
    ForwardPass fp = engine.forward(batch, hostScaling, samples);
    return new View(fp, fp.batch, rows);
  }
}
