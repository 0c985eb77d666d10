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
      ForwardPass fp,
      Batch batch,
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
          engine, fp, batch, scaling, ggnRows, gradRows, tensors, crossTerms, chunk, layout);
    }
    List<FactorChunks.AssembledGram> out = new ArrayList<>();
    for (FactorEngine.GroupGram g :
        engine.grams(fp, batch, scaling, ggnRows, gradRows, tensors, crossTerms, kept)) {
      out.add(new FactorChunks.AssembledGram(GramStore.dense(g.gram(), g.size()), g.cross()));
    }
    return out;
  }

  /**
   * {@code V·w}: from the kept factors, by one plain pass, or chunk by chunk ({@code chunk > 0}).
   */
  static List<double[][]> applyFactor(
      FactorEngine engine,
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> tensors,
      List<double[][]> w,
      KeptFactors kept,
      int chunk) {
    return chunk > 0
        ? FactorChunks.applyFactor(engine, fp, batch, scaling, ggnRows, tensors, w, chunk)
        : engine.applyFactor(fp, batch, scaling, ggnRows, tensors, w, kept);
  }

  /**
   * The note of a chunked run: chunks, passes, and why (the chunk given, a packed Gram's chunk
   * pairs that must fit one array, or the factor-memory budget).
   */
  static String chunkNote(
      RunSizes plain, MemoryEstimate chunked, int chunk, boolean given, long budget) {
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
