package org.vivit4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.vivit4j.layers.GramBlocks;
import org.vivit4j.linalg.PackedSymmetricMatrix;
import org.vivit4j.model.Batch;

/**
 * The sample-chunked factor pass (MATH.md §6.5): the GGN samples {@code ggnRows} are cut into K
 * chunks of {@code chunk} consecutive samples, so that the factor of at most two chunks is alive at
 * once. The Gram {@code Ĝ = VᵀV} has blocks {@code Ĝ_AB = V_Aᵀ V_B}; one backward pass over the
 * rows of a chunk pair {@code A ∪ B} gives the Gram of the union, {@code [[Ĝ_AA, Ĝ_AB], [Ĝ_BA,
 * Ĝ_BB]]}, and the passes over the pairs {@code (A, B)}, {@code A < B}, cover every block: the
 * off-diagonal ones once each, each diagonal block from the first pair holding the chunk ({@code
 * (0, 1)} for chunks 0 and 1, {@code (0, B)} for chunk B). The cross terms {@code X = G_grad V}
 * ({@code [N_grad × G]}) are column blocks {@code X_A = G_grad V_A}, taken from the same first
 * passes. {@code V w = Σ_A V_A w_A} needs one pass per chunk.
 *
 * <p>With K chunks that is {@code K(K−1)/2} Gram passes over {@code 2·chunk} samples each, about
 * {@code (K−1)×} the work of one pass; with K ≤ 2 one pair is the whole batch, and the plain pass
 * ({@link FactorEngine#grams}) runs instead, so that nothing changes.
 */
public final class FactorChunks {
  private FactorChunks() {}

  /** What {@link PassProgress} hears of the Gram passes. */
  public static final String GRAM_PASSES = "Gram passes over chunk pairs";

  /** What {@link PassProgress} hears of a {@code V·w}'s passes. */
  public static final String PRODUCT_PASSES = "V·w passes over chunks";

  /** Chunks of {@code chunk} samples over {@code n}: {@code ⌈n / chunk⌉}. */
  public static int count(int n, int chunk) {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
    }
    return (int) ((n + (long) chunk - 1) / chunk);
  }

  /** Whether chunks of {@code chunk} samples split a pass over {@code n} samples (K ≥ 3). */
  public static boolean splits(int n, int chunk) {
    return count(n, chunk) > 2;
  }

  /** Backward passes of the chunked Gram pass: {@code K(K−1)/2}, or 1 when it does not split. */
  public static long gramPasses(int n, int chunk) {
    long k = count(n, chunk);
    return k <= 2 ? 1 : k * (k - 1) / 2;
  }

  /**
   * A group's Gram (dense or packed, {@link GramLayout}) and cross terms {@code [N_grad × G]} (or
   * null).
   */
  public record AssembledGram(GramStore gram, double[] cross) {}

  /**
   * The Gram matrices and cross terms of every group, as {@link FactorEngine#grams} returns them,
   * from passes over chunk pairs of {@code chunk} samples each (the plain pass when that does not
   * split the batch).
   */
  public static List<FactorEngine.GroupGram> grams(
      FactorEngine engine,
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> groupTensors,
      boolean crossTerms,
      int chunk) {
    List<FactorEngine.GroupGram> out = new ArrayList<>();
    for (AssembledGram a :
        assemble(
            engine,
            fp,
            batch,
            scaling,
            ggnRows,
            gradRows,
            groupTensors,
            crossTerms,
            chunk,
            GramLayout.DENSE)) {
      out.add(new FactorEngine.GroupGram(a.gram().toDense(), a.gram().size(), a.cross()));
    }
    return out;
  }

  /**
   * As {@link #grams}, each Gram assembled in {@code layout}: dense, or the lower triangle of each
   * pass's blocks copied into a packed Gram (a pass over all samples when the chunks do not split
   * the batch).
   */
  public static List<AssembledGram> assemble(
      FactorEngine engine,
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> groupTensors,
      boolean crossTerms,
      int chunk,
      GramLayout layout) {
    return assemble(
        engine,
        SampleForward.kept(fp, batch),
        scaling,
        ggnRows,
        gradRows,
        groupTensors,
        crossTerms,
        chunk,
        layout);
  }

  /**
   * Whether the passes may recompute the forward values of their samples ({@link
   * SampleForward#recomputed}): without cross terms always; with them only when every gradient
   * sample is a GGN sample, so that a pass over a chunk pair holds the gradients its cross-term
   * blocks need.
   */
  public static boolean canRecomputeForward(int[] ggnRows, int[] gradRows, boolean crossTerms) {
    if (!crossTerms) {
      return true;
    }
    java.util.Set<Integer> ggn = new java.util.HashSet<>();
    for (int s : ggnRows) {
      ggn.add(s);
    }
    for (int s : gradRows) {
      if (!ggn.contains(s)) {
        return false;
      }
    }
    return true;
  }

  /**
   * As {@link #assemble(FactorEngine, ForwardPass, Batch, Scaling, int[], int[], List, boolean,
   * int, GramLayout)}, each pass reading its forward values from {@code forward}. When it
   * recomputes them, the pass over chunks {@code (A, B)} runs the forward of the samples of {@code
   * A ∪ B} only and takes the cross terms of the gradient samples among them, {@code X[T, S]} for
   * {@code T, S ∈ {A, B}}: over all pairs that covers every block ({@link #canRecomputeForward}
   * must hold).
   */
  public static List<AssembledGram> assemble(
      FactorEngine engine,
      SampleForward forward,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> groupTensors,
      boolean crossTerms,
      int chunk,
      GramLayout layout) {
    if (forward.recomputes() && !canRecomputeForward(ggnRows, gradRows, crossTerms)) {
      throw new IllegalArgumentException(
          "the forward can be recomputed per pass only when every gradient sample is a GGN sample");
    }
    int n = ggnRows.length;
    int k = count(n, chunk);
    int ct = engine.factorColumns();
    int size = Math.multiplyExact(n, ct);
    int groups = groupTensors.size();
    List<AssembledGram> out = new ArrayList<>();
    if (k <= 2) {
      SampleForward.View v = forward.of(ChunkBlocks.union(ggnRows, gradRows));
      for (FactorEngine.GroupGram g :
          engine.grams(
              v.fp(),
              v.batch(),
              scaling,
              v.rows(ggnRows),
              v.rows(gradRows),
              groupTensors,
              crossTerms)) {
        GramStore store;
        if (layout.packed()) {
          PackedSymmetricMatrix p = layout.newPacked(size);
          ChunkBlocks.copyBlock(g.gram(), size, 0, 0, size, size, p, 0, 0);
          store = GramStore.packed(p, layout.arrayLimit());
        } else {
          store = GramStore.dense(g.gram(), size);
        }
        out.add(new AssembledGram(store, g.cross()));
      }
      return out;
    }
    double[][] dense = new double[groups][];
    PackedSymmetricMatrix[] packed = new PackedSymmetricMatrix[groups];
    double[][] cross =
        new double[groups][crossTerms ? Math.multiplyExact(gradRows.length, size) : 0];
    for (int g = 0; g < groups; g++) {
      if (layout.packed()) {
        packed[g] = layout.newPacked(size);
      } else {
        dense[g] = new double[Math.multiplyExact(size, size)];
      }
    }
    java.util.Map<Integer, Integer> chunkOf =
        forward.recomputes() ? ChunkBlocks.ggnChunkOf(ggnRows, chunk) : null;
    int passes = (int) gramPasses(n, chunk);
    int done = 0;
    engine.progress().passes(GRAM_PASSES, 0, passes);
    for (int a = 0; a < k; a++) {
      for (int b = a + 1; b < k; b++) {
        int a0 = a * chunk;
        int a1 = Math.min(n, a0 + chunk);
        int b0 = b * chunk;
        int b1 = Math.min(n, b0 + chunk);
        int[] rows = new int[(a1 - a0) + (b1 - b0)];
        System.arraycopy(ggnRows, a0, rows, 0, a1 - a0);
        System.arraycopy(ggnRows, b0, rows, a1 - a0, b1 - b0);
        // chunk 0's diagonal block and cross terms come from (0, 1), chunk b's from (0, b)
        boolean firstOfA = a == 0 && b == 1;
        boolean firstOfB = a == 0;
        SampleForward.View v = forward.of(rows);
        // a kept forward: every gradient row, in the first pass of each chunk B; a recomputed
        // one: the gradient samples of this pair, in every pass
        int[] passGrad =
            forward.recomputes()
                ? ChunkBlocks.heldRows(v, gradRows)
                : IntStream.range(0, gradRows.length).toArray();
        boolean passCross = crossTerms && (forward.recomputes() ? passGrad.length > 0 : firstOfB);
        // of the diagonal blocks only those copied below are needed
        List<FactorEngine.GroupGram> part =
            engine.grams(
                v.fp(),
                v.batch(),
                scaling,
                v.rows(rows),
                passCross ? v.rows(ChunkBlocks.select(gradRows, passGrad)) : new int[0],
                groupTensors,
                passCross,
                null,
                new GramBlocks(a1 - a0, firstOfA, firstOfB));
        engine.recordNotes(false);
        int la = (a1 - a0) * ct;
        int lb = (b1 - b0) * ct;
        int u = la + lb;
        for (int g = 0; g < groups; g++) {
          double[] ug = part.get(g).gram();
          if (packed[g] != null) {
            // the lower triangle: the diagonal blocks' lower halves and Ĝ_BA (B after A)
            PackedSymmetricMatrix p = packed[g];
            if (firstOfA) {
              ChunkBlocks.copyBlock(ug, u, 0, 0, la, la, p, a0 * ct, a0 * ct);
            }
            if (firstOfB) {
              ChunkBlocks.copyBlock(ug, u, la, la, lb, lb, p, b0 * ct, b0 * ct);
            }
            ChunkBlocks.copyBlock(ug, u, la, 0, lb, la, p, b0 * ct, a0 * ct);
          } else {
            double[] full = dense[g];
            if (firstOfA) {
              ChunkBlocks.copyBlock(ug, u, 0, 0, la, la, full, size, a0 * ct, a0 * ct);
            }
            if (firstOfB) {
              ChunkBlocks.copyBlock(ug, u, la, la, lb, lb, full, size, b0 * ct, b0 * ct);
            }
            ChunkBlocks.copyBlock(ug, u, 0, la, la, lb, full, size, a0 * ct, b0 * ct);
            ChunkBlocks.copyBlock(ug, u, la, 0, lb, la, full, size, b0 * ct, a0 * ct);
          }
          if (passCross && forward.recomputes()) {
            ChunkBlocks.copyPairCross(
                part.get(g).cross(),
                passGrad,
                gradRows,
                chunkOf,
                a,
                b,
                new int[] {a0, a1, b0, b1},
                ct,
                cross[g],
                size);
          } else if (passCross) {
            double[] uc = part.get(g).cross();
            if (firstOfA) {
              ChunkBlocks.copyBlock(uc, u, 0, 0, gradRows.length, la, cross[g], size, 0, a0 * ct);
            }
            ChunkBlocks.copyBlock(uc, u, 0, la, gradRows.length, lb, cross[g], size, 0, b0 * ct);
          }
        }
        engine.progress().passes(GRAM_PASSES, ++done, passes);
      }
    }
    engine.recordNotes(true);
    for (int g = 0; g < groups; g++) {
      GramStore store =
          packed[g] != null
              ? GramStore.packed(packed[g], layout.arrayLimit())
              : GramStore.dense(dense[g], size);
      out.add(new AssembledGram(store, crossTerms ? cross[g] : null));
    }
    return out;
  }

  /** How a chunked run splits its factor pass: chunk size, chunks and passes. */
  public static String describe(int n, int chunk) {
    int k = count(n, chunk);
    return "factor pass in "
        + k
        + " chunks of "
        + chunk
        + " GGN samples (at most "
        + Math.min(n, 2 * chunk)
        + " samples' factors alive at once): "
        + gramPasses(n, chunk)
        + " Gram passes over chunk pairs, "
        + k
        + " passes per V·w";
  }

  /**
   * {@code V w} for every group as {@link FactorEngine#applyFactor} computes it, as the sum over
   * chunks {@code Σ_A V_A w_A} (one backward pass per chunk), or the plain pass when the chunks do
   * not split the batch.
   */
  public static List<double[][]> applyFactor(
      FactorEngine engine,
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w,
      int chunk) {
    return applyFactor(
        engine, SampleForward.kept(fp, batch), scaling, ggnRows, groupTensors, w, chunk);
  }

  /** As above, each chunk's pass reading its forward values from {@code forward}. */
  public static List<double[][]> applyFactor(
      FactorEngine engine,
      SampleForward forward,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w,
      int chunk) {
    int n = ggnRows.length;
    int k = count(n, chunk);
    if (k <= 2) {
      SampleForward.View v = forward.of(ggnRows);
      return engine.applyFactor(v.fp(), v.batch(), scaling, v.rows(ggnRows), groupTensors, w);
    }
    int ct = engine.factorColumns();
    List<double[][]> sum = null;
    engine.progress().passes(PRODUCT_PASSES, 0, k);
    for (int a = 0; a < k; a++) {
      int a0 = a * chunk;
      int a1 = Math.min(n, a0 + chunk);
      int[] rows = java.util.Arrays.copyOfRange(ggnRows, a0, a1);
      List<double[][]> wa = new ArrayList<>();
      for (double[][] wg : w) {
        double[][] rowsOfA = new double[wg.length][];
        for (int r = 0; r < wg.length; r++) {
          rowsOfA[r] = java.util.Arrays.copyOfRange(wg[r], a0 * ct, a1 * ct);
        }
        wa.add(rowsOfA);
      }
      SampleForward.View v = forward.of(rows);
      if (sum == null) {
        sum = engine.applyFactor(v.fp(), v.batch(), scaling, v.rows(rows), groupTensors, wa);
      } else {
        // added in place: one copy of the parameter-space vectors
        engine.addFactorProducts(v.fp(), v.batch(), scaling, v.rows(rows), groupTensors, wa, sum);
      }
      engine.progress().passes(PRODUCT_PASSES, a + 1, k);
    }
    return sum;
  }
}
