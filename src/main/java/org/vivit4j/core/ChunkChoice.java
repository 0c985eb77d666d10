package org.vivit4j.core;

import org.vivit4j.model.ArraySizes;

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
   * The share of the heap a run plans for ({@link PlanningHeap}) that its factor pass uses by
   * default: the same quarter to spare that keeping the factors asks for (RunSizing's
   * KEEP_HEADROOM, 1.25), for what the estimate leaves out (headers, small buffers, the problem
   * text). The collector's own room is {@link PlanningHeap}'s: this share alone, of the whole heap
   * under G1, let a cifar100_allcnnc run at 74 % of an 1800 MiB heap run out of it.
   */
  public static final double HEAP_SHARE = 0.8;

  /**
   * The default budget of the factor phases: {@link #HEAP_SHARE} of {@code heapLimit} (the heap a
   * run plans for), less what the run holds throughout whatever its chunks ({@link
   * #baseResidentBytes}); at least 1 byte.
   */
  public static long defaultBudget(RunSizes run, long heapLimit) {
    return Math.max(1, (long) (heapLimit * HEAP_SHARE) - baseResidentBytes(run));
  }

  /**
   * What a run holds throughout at its smallest: with chunks of one sample when such a run
   * recomputes its forward values chunk by chunk ({@link RunSizes#recomputesForward}), else the
   * plain run's, which keeps the forward values of the whole batch. What a larger chunk or the
   * plain pass holds beyond it counts against the budget ({@link #bytes}): taking the plain run's
   * resident part as the base charged every chunked run with a forward of the whole batch it does
   * not keep (fmnist_2c2d at N = 4224 in a 20 GiB heap: 5.7 GiB of activations and output
   * gradients, so that the budget was 0 and the run chose chunks of one sample).
   */
  static long baseResidentBytes(RunSizes run) {
    RunSizes smallest = run.withChunkSamples(1);
    RunSizes base = smallest.recomputesForward() ? smallest : run.withChunkSamples(0);
    return MemoryEstimate.unchecked(base).residentBytes();
  }

  /**
   * GGN samples per chunk for a factor-phase budget of {@code budgetBytes}: 0 (no chunks) when the
   * plain pass fits it, or when chunks of one sample would need no less than the plain pass (and no
   * packed Gram needs chunks); else the largest chunk that splits the batch and fits, or 1 when
   * none fits (the heap check then decides).
   */
  public static int chunkSamples(RunSizes run, long budgetBytes) {
    return chunkSamples(run, budgetBytes, 1.0);
  }

  /**
   * As {@link #chunkSamples(RunSizes, long)}, the factor phases counted {@code phaseHeadroom} times
   * ({@link PlanningHeap#phaseHeadroom}: a collector that does not move large arrays needs room
   * around what a phase allocates and frees).
   */
  public static int chunkSamples(RunSizes run, long budgetBytes, double phaseHeadroom) {
    long base = baseResidentBytes(run);
    double f = phaseHeadroom;
    // the plain pass with kept factors may need less (the V·w phase, which chunks do not shrink,
    // can outweigh the factor)
    long plainBest = Math.min(bytes(run, 0, base, f), bytes(run.withKeptFactors(true), 0, base, f));
    return largestFitting(run, budgetBytes, c -> bytes(run, c, base, f), plainBest);
  }

  /**
   * The chunk a budget allows, where {@code need} gives the bytes of chunks of c samples (c = 0:
   * the plain pass; growing with c): 0 (no chunks) when the plain pass fits, or when chunks of one
   * sample would need no less than {@code plainBest} (the check that follows decides); else the
   * largest chunk that splits the batch and fits, or 1 when none does. A packed Gram beyond one
   * array is always chunked, in chunks whose pair Grams fit one ({@link GramLayout#chunkCap}).
   */
  private static int largestFitting(
      RunSizes run, long budgetBytes, java.util.function.IntToLongFunction need, long plainBest) {
    int cap = run.gramLayout().chunkCap(run.nGgn(), run.factorColumns());
    if (cap == Integer.MAX_VALUE && need.applyAsLong(0) <= budgetBytes) {
      return 0;
    }
    // chunks that split the batch (K ≥ 3) have at most ⌈N/3⌉ samples
    int lo = 1;
    int hi = Math.max(1, Math.min(cap, largestSplitting(run.nGgn())));
    long smallest = need.applyAsLong(lo);
    if (cap == Integer.MAX_VALUE && smallest >= plainBest) {
      return 0;
    }
    if (smallest > budgetBytes) {
      return 1;
    }
    while (lo < hi) {
      int mid = lo + (hi - lo + 1) / 2;
      if (need.applyAsLong(mid) <= budgetBytes) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * GGN samples per chunk so that the run's device estimate ({@link MemoryEstimate#deviceBytes})
   * fits {@code budgetBytes}: 0 (no chunks) when the plain pass fits, or chunks of one sample would
   * need no less of it, and no packed Gram needs chunks; else the largest chunk that splits the
   * batch and fits, or 1 when none fits (the run's device check then refuses it).
   */
  public static int deviceChunkSamples(RunSizes run, long budgetBytes) {
    return largestFitting(run, budgetBytes, c -> deviceBytes(run, c), deviceBytes(run, 0));
  }

  /** The device estimate of the plain (unchunked) pass ({@link MemoryEstimate#deviceBytes}). */
  public static long plainDeviceBytes(RunSizes run) {
    return deviceBytes(run, 0);
  }

  private static long deviceBytes(RunSizes run, int chunk) {
    return MemoryEstimate.unchecked(run.withChunkSamples(chunk)).deviceBytes();
  }

  /**
   * The smaller of two chunk sizes, where 0 means no chunks (larger than any): the chunks that both
   * a heap and a device budget allow.
   */
  public static int smaller(int a, int b) {
    if (a == 0) {
      return b;
    }
    return b == 0 ? a : Math.min(a, b);
  }

  /** The largest chunk giving at least three chunks over {@code n} samples (0 when n < 3). */
  static int largestSplitting(int n) {
    // ⌈n/c⌉ ≥ 3 ⇔ n > 2c
    return n >= 3 ? (n - 1) / 2 : 0;
  }

  /** The factor phases of the plain (unchunked) pass, in bytes ({@link #bytes}). */
  public static long plainPassBytes(RunSizes run) {
    return bytes(run, 0, baseResidentBytes(run), 1.0);
  }

  /**
   * The bytes a pass in chunks of {@code chunk} samples (0: the plain pass) charges against the
   * budget: its factor phases ({@link MemoryEstimate#factorPassBytes}, {@code f} times) and what it
   * holds throughout beyond {@code base}, the run's {@link #baseResidentBytes} (the forward values
   * of a larger chunk pair, or of the whole batch).
   */
  private static long bytes(RunSizes run, int chunk, long base, double f) {
    MemoryEstimate e = MemoryEstimate.unchecked(run.withChunkSamples(chunk));
    return ArraySizes.plus((long) Math.ceil(e.factorPassBytes() * f), e.residentBytes() - base);
  }
}
