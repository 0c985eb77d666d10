package org.vivit4j.api;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.GramLayout;
import org.vivit4j.core.GramStore;
import org.vivit4j.core.KeptFactors;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.core.RunSizes;
import org.vivit4j.core.SampleForward;
import org.vivit4j.core.Scaling;
import org.vivit4j.model.Batch;

/**
 * The factor passes of a run as {@link GgnComputation} plans them: the plain pass, the
 * sample-chunked one ({@link FactorChunks}) or the assembly of a packed Gram, and the notes that
 * say which ran and why.
 */
final class FactorPasses {
  private FactorPasses() {}

  /**
   * The groups' Grams and cross terms: the plain pass (with kept factors when {@code kept} is not
   * null) for a dense Gram and chunks that do not split the batch, else assembled from chunk pairs
   * in {@code layout} ({@link FactorChunks#assemble}).
   */
  static List<FactorChunks.AssembledGram> grams(
      FactorEngine engine,
      SampleForward forward,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> tensors,
      boolean crossTerms,
      KeptFactors kept,
      int chunk,
      GramLayout layout) {
    if (layout.packed() || FactorChunks.splits(ggnRows.length, chunk)) {
      return FactorChunks.assemble(
          engine, forward, scaling, ggnRows, gradRows, tensors, crossTerms, chunk, layout);
    }
    SampleForward.View v = forward.of(ggnRows);
    List<FactorChunks.AssembledGram> out = new ArrayList<>();
    for (FactorEngine.GroupGram g :
        engine.grams(
            v.fp(),
            v.batch(),
            scaling,
            v.rows(ggnRows),
            v.rows(gradRows),
            tensors,
            crossTerms,
            kept)) {
      out.add(new FactorChunks.AssembledGram(GramStore.dense(g.gram(), g.size()), g.cross()));
    }
    return out;
  }

  /**
   * {@code V·w}: from the kept factors, by one plain pass, or chunk by chunk ({@code chunk > 0}).
   */
  static List<double[][]> applyFactor(
      FactorEngine engine,
      SampleForward forward,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> tensors,
      List<double[][]> w,
      KeptFactors kept,
      int chunk) {
    if (chunk > 0) {
      return FactorChunks.applyFactor(engine, forward, scaling, ggnRows, tensors, w, chunk);
    }
    SampleForward.View v = forward.of(ggnRows);
    return engine.applyFactor(v.fp(), v.batch(), scaling, v.rows(ggnRows), tensors, w, kept);
  }

  /**
   * The canonical signs of {@code V w} for every group (plain pass only: a chunked {@code V·w} sums
   * its chunks' products before any entry is final), without storing the vectors ({@link
   * FactorEngine#applyFactorSigns}).
   */
  static List<double[]> applyFactorSigns(
      FactorEngine engine,
      SampleForward forward,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> tensors,
      List<double[][]> w,
      KeptFactors kept) {
    SampleForward.View v = forward.of(ggnRows);
    return engine.applyFactorSigns(v.fp(), v.batch(), scaling, v.rows(ggnRows), tensors, w, kept);
  }

  /**
   * A run's first-order quantities and its network outputs {@code [N × C]} by batch index (the
   * coefficients of γ from the Gram read them, {@link org.vivit4j.core.GradientCoefficients}).
   */
  record HostValues(BatchQuantities quantities, double[] outputs) {}

  /**
   * The loss, per-sample losses, batch gradient and outputs from forward passes over chunks of
   * {@code chunk} consecutive samples (each dropped after it): sums of the chunks' shares, since
   * {@code host} scales every chunk as part of the whole batch. Used when the factor passes
   * recompute their forward values, so that no pass over the whole batch is alive.
   */
  static HostValues batchQuantities(FactorEngine engine, Batch batch, Scaling host, int chunk) {
    int n = batch.n();
    double loss = 0;
    double[] perSample = new double[n];
    double[] grad = null;
    double[] outputs = null;
    for (int c0 = 0; c0 < n; c0 += chunk) {
      int[] rows = java.util.stream.IntStream.range(c0, Math.min(n, c0 + chunk)).toArray();
      ForwardPass fp = engine.forward(batch, host, rows);
      loss += fp.loss;
      System.arraycopy(fp.perSampleLosses, 0, perSample, c0, rows.length);
      if (outputs == null) {
        outputs = new double[Math.multiplyExact(n, fp.outputs)];
      }
      System.arraycopy(fp.outputs(), 0, outputs, c0 * fp.outputs, rows.length * fp.outputs);
      // a pass's gradient is the mean of ∇L_n over its samples: weigh it by its share of N
      double share = (double) rows.length / n;
      if (grad == null) {
        grad = new double[fp.grad.length];
      }
      for (int i = 0; i < grad.length; i++) {
        grad[i] += share * fp.grad[i];
      }
    }
    return new HostValues(new BatchQuantities(loss, perSample, grad), outputs);
  }

  /**
   * The note of a chunked run: chunks, passes, and why (the chunk given, a packed Gram's chunk
   * pairs that must fit one array, or the factor-memory budget).
   */
  static String chunkNote(
      RunSizes plain,
      MemoryEstimate chunked,
      int chunk,
      boolean given,
      long budget,
      double phaseHeadroom) {
    String why;
    if (given) {
      why = "chunk size given";
    } else if (chunk >= plain.gramLayout().chunkCap(plain.nGgn(), plain.factorColumns())) {
      why = "a chunk pair's Gram must fit one array";
    } else {
      why =
          "the plain pass needs about "
              + MemoryEstimate.gib(org.vivit4j.core.ChunkChoice.plainPassBytes(plain))
              + ", the chunked one about "
              + MemoryEstimate.gib(chunked.factorPassBytes())
              + (phaseHeadroom > 1
                  ? " ("
                      + MemoryEstimate.gib(
                          (long) Math.ceil(chunked.factorPassBytes() * phaseHeadroom))
                      + " counted "
                      + phaseHeadroom
                      + " times for the collector)"
                  : "")
              + "; the factor-memory budget is "
              + MemoryEstimate.gib(budget);
    }
    return FactorChunks.describe(plain.nGgn(), chunk) + " (" + why + ")";
  }

  /** One note per group on how its packed Gram is held. */
  static List<String> packedNotes(List<FactorChunks.AssembledGram> grams, GramLayout layout) {
    List<String> notes = new ArrayList<>();
    for (int j = 0; j < grams.size(); j++) {
      GramStore g = grams.get(j).gram();
      notes.add(
          "param_groups["
              + j
              + "]: Gram stored as "
              + g.describe()
              + " ("
              + MemoryEstimate.gib(layout.bytes(g.size()))
              + ")");
    }
    return notes;
  }
}
