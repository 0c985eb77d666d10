package org.vivit4j.core;

/**
 * Sizes the chunks of the sample-chunked factor pass ({@link FactorChunks}) to a memory budget: the
 * plain pass when its factor phases ({@link MemoryEstimate#factorPassBytes}) fit the budget or no
 * chunk would need less, else the largest chunk whose phases fit (at least one sample). A packed
 * Gram beyond one array ({@link GramLayout#chunkCap}) is always chunked, in chunks whose pair Grams
 * fit one array.
 */
public final class ChunkChoice {
  private ChunkChoice() {}

  /**
   * The share of the heap limit a run plans to use by default: the same quarter to spare that
   * keeping the factors asks for (GgnComputation's KEEP_HEADROOM, 1.25), because a run needs up to
   * 1.3 times its estimate (MemoryEstimateTest).
   */
  public static final double HEAP_SHARE = 0.8;

  /**
   * The default budget of the factor phases: {@link #HEAP_SHARE} of {@code heapLimit}, less what
   * the run holds throughout ({@link MemoryEstimate#residentBytes}); at least 1 byte.
   */
  public static long defaultBudget(RunSizes run, long heapLimit) {
    long resident = MemoryEstimate.unchecked(run.withChunkSamples(0)).residentBytes();
    return Math.max(1, (long) (heapLimit * HEAP_SHARE) - resident);
  }

  /**
   * GGN samples per chunk for a factor-phase budget of {@code budgetBytes}: 0 (no chunks) when the
   * plain pass fits it, or when chunks of one sample would need no less than the plain pass (and no
   * packed Gram needs chunks); else the largest chunk that splits the batch and fits, or 1 when
   * none fits (the heap check then decides).
   */
  public static int chunkSamples(RunSizes run, long budgetBytes) {
    // a packed Gram beyond one array is assembled from chunk pairs whose Grams fit one
    int cap = run.gramLayout().chunkCap(run.nGgn(), run.factorColumns());
    if (cap == Integer.MAX_VALUE
        && MemoryEstimate.unchecked(run.withChunkSamples(0)).factorPassBytes() <= budgetBytes) {
      return 0;
    }
    // chunks that split the batch (K ≥ 3) have at most ⌈N/3⌉ samples; bytes grow with the chunk
    int lo = 1;
    int hi = Math.max(1, Math.min(cap, largestSplitting(run.nGgn())));
    long smallest = bytes(run, lo);
    long plainBest =
        Math.min(
            bytes(run, 0), MemoryEstimate.unchecked(run.withKeptFactors(true)).factorPassBytes());
    if (cap == Integer.MAX_VALUE && smallest >= plainBest) {
      // chunks would need no less than the plain pass with or without kept factors (the V·w phase,
      // which chunks do not shrink, outweighs the factor): the plain pass, the heap check decides
      return 0;
    }
    if (smallest > budgetBytes) {
      return 1;
    }
    while (lo < hi) {
      int mid = lo + (hi - lo + 1) / 2;
      if (bytes(run, mid) <= budgetBytes) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The largest chunk giving at least three chunks over {@code n} samples (0 when n < 3). */
  static int largestSplitting(int n) {
    // ⌈n/c⌉ ≥ 3 ⇔ n > 2c
    return n >= 3 ? (n - 1) / 2 : 0;
  }

  /** The factor phases of the plain (unchunked) pass, in bytes. */
  public static long plainPassBytes(RunSizes run) {
    return bytes(run, 0);
  }

  private static long bytes(RunSizes run, int chunk) {
    return MemoryEstimate.unchecked(run.withChunkSamples(chunk)).factorPassBytes();
  }
}
