package org.vivit4j.layers;

import java.util.Locale;
import org.vivit4j.backend.ConvGeometry;

/**
 * How a Conv2d layer contracts its weight's Gram matrix (and gradient cross terms), MATH.md §6.
 *
 * <ul>
 *   <li>{@link Mode#STRUCTURED}: {@code Ĝ_W[(n,c),(m,c')] = Σ_{t,t'} (B[n,c,:,t]·B[m,c',:,t'])
 *       (u_{n,t}·u_{m,t'})} from the factor {@code B} and the patch inner products {@code Q = U Uᵀ}
 *       ({@code [N·T × N·T]}), never forming {@code V_W}.
 *   <li>{@link Mode#EXPLICIT}: form {@code V_W} (row {@code (n,c)} = {@code Σ_t B[n,c,:,t] ⊗
 *       u_{n,t}}, {@code [N·C̃ × O·C·k_h·k_w]}) for blocks of samples and accumulate {@code V_i
 *       V_jᵀ} block by block, so at most two blocks of {@code V_W} are held.
 *   <li>{@link Mode#AUTO}: per layer, the one with fewer multiply-adds among those whose
 *       intermediates fit {@code memoryElements}.
 * </ul>
 *
 * @param mode the strategy, or AUTO
 * @param memoryElements largest number of matrix entries the strategy's intermediates may hold at
 *     once (the structured {@code Q}, or two blocks of {@code V_W} with their unfolded inputs and
 *     one Gram block); sample blocks are sized to it
 * @param hardLimit whether a budget below what one-sample blocks need is an error ({@link
 *     #smallestBudget}; the command line's {@code --conv-gram-memory}) rather than a request for
 *     the smallest blocks, which then exceed it
 */
public record ConvGramPolicy(Mode mode, long memoryElements, boolean hardLimit) {

  /** Which contraction to use. */
  public enum Mode {
    AUTO,
    STRUCTURED,
    EXPLICIT;

    /** The name used on the command line: {@code auto}, {@code structured}, {@code explicit}. */
    public String typeName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name, or returns {@code null}. */
    public static Mode fromTypeName(String name) {
      for (Mode m : values()) {
        if (m.typeName().equals(name)) {
          return m;
        }
      }
      return null;
    }
  }

  /** {@code 2²⁶} entries: 256 MiB in float32 (either backend), 512 MiB in float64. */
  public static final long DEFAULT_MEMORY_ELEMENTS = 1L << 26;

  /** {@code 2²⁸} entries (2 GiB in float64): the default budget's ceiling on any heap. */
  public static final long MAX_DEFAULT_MEMORY_ELEMENTS = 1L << 28;

  /**
   * The default budget for a heap limit of {@code heapBytes}: an eighth of the heap in float64
   * entries ({@code heapBytes / 64}), at least {@link #DEFAULT_MEMORY_ELEMENTS} and at most {@link
   * #MAX_DEFAULT_MEMORY_ELEMENTS}.
   *
   * <p>Why it grows with the heap: the explicit contraction forms each left block of {@code V_W}
   * once and every right block again for each left block, so with blocks of {@code b} samples the
   * formations cost about {@code T/(b·C̃)} times the Gram products (fmnist_2c2d's conv2: 60 % at
   * {@code b = 32}). When {@code V_W} of all samples fits, it is formed once, its Gram is one
   * symmetric product and the cross terms reuse it: at N = 128 that cut a warm float64 run on 2
   * cores from 5.0 to 4.0 s. The memory estimate counts whatever the plan holds, so a larger budget
   * is never a hidden cost.
   */
  public static long defaultMemoryElements(long heapBytes) {
    return Math.max(
        DEFAULT_MEMORY_ELEMENTS,
        Math.min(MAX_DEFAULT_MEMORY_ELEMENTS, Math.max(0, heapBytes) / 64));
  }

  public ConvGramPolicy {
    if (mode == null || memoryElements < 1) {
      throw new IllegalArgumentException("need a mode and a positive memory budget");
    }
  }

  /** A soft budget: below what one-sample blocks need, the smallest blocks are used. */
  public ConvGramPolicy(Mode mode, long memoryElements) {
    this(mode, memoryElements, false);
  }

  /** This policy with its budget as a hard limit. */
  public ConvGramPolicy asHardLimit() {
    return new ConvGramPolicy(mode, memoryElements, true);
  }

  /**
   * Matrix entries the weight-Gram contraction of a Conv2d layer with geometry {@code g} and {@code
   * outChannels} holds at once under this policy, for {@code n} GGN samples of {@code rows} factor
   * rows each (the plan {@link ConvWeightGram#plan} makes; for {@code MemoryEstimate}), on a
   * backend whose structured contraction is {@code byBlocks}, in a pass over a chunk pair whose
   * first chunk holds {@code split} samples (0: no chunks).
   */
  public long gramEntriesHeld(
      ConvGeometry g, int outChannels, int n, int rows, boolean byBlocks, int split) {
    ConvWeightGram.Plan p =
        ConvWeightGram.plan(n, rows, n, rows, true, false, g, outChannels, this, byBlocks, split);
    return p.explicit() ? p.explicitElements() : p.structuredElements();
  }

  /**
   * Matrix entries the gradient cross-term contraction of a Conv2d layer holds at once: {@code
   * nGrad} gradient samples of one row against {@code nGgn} GGN samples of {@code rows} rows.
   */
  public long crossEntriesHeld(
      ConvGeometry g, int outChannels, int nGrad, int nGgn, int rows, boolean byBlocks) {
    ConvWeightGram.Plan p =
        ConvWeightGram.plan(nGrad, 1, nGgn, rows, false, false, g, outChannels, this, byBlocks);
    return p.explicit() ? p.explicitElements() : p.structuredElements();
  }

  /**
   * Whether the weight-Gram contraction ({@code nGgn} samples of {@code rows} rows) or, when {@code
   * nGrad > 0}, the cross terms form {@code V_W} of all GGN samples at once ({@link
   * ConvWeightGram#formedVKey}): the matrix a run may keep for {@code V·w}.
   */
  public boolean formsWholeV(
      ConvGeometry g, int outChannels, int nGgn, int rows, int nGrad, boolean byBlocks) {
    ConvWeightGram.Plan gram =
        ConvWeightGram.plan(nGgn, rows, nGgn, rows, true, false, g, outChannels, this, byBlocks);
    if (gram.explicit() && gram.blockL() >= nGgn) {
      return true;
    }
    if (nGrad == 0) {
      return false;
    }
    ConvWeightGram.Plan cross =
        ConvWeightGram.plan(nGrad, 1, nGgn, rows, false, false, g, outChannels, this, byBlocks);
    return cross.explicit() && cross.blockR() >= nGgn;
  }

  /**
   * The smallest {@link #memoryElements} this policy's mode can honour for a Conv2d layer: its
   * weight Gram of {@code nGgn} samples with {@code rows} factor rows each and, when {@code nGrad >
   * 0}, its gradient cross terms ({@code nGrad} samples of one row against the GGN side). Below it
   * even one-sample blocks would exceed the budget.
   */
  public long smallestBudget(ConvGeometry g, int outChannels, int nGgn, int rows, int nGrad) {
    long gram = ConvWeightGram.smallestBudget(nGgn, rows, nGgn, rows, g, outChannels, mode);
    long cross =
        nGrad == 0 ? 0 : ConvWeightGram.smallestBudget(nGrad, 1, nGgn, rows, g, outChannels, mode);
    return Math.max(gram, cross);
  }

  /** AUTO with the default budget for this JVM's heap limit ({@link #defaultMemoryElements}). */
  public static ConvGramPolicy defaults() {
    return new ConvGramPolicy(Mode.AUTO, defaultMemoryElements(Runtime.getRuntime().maxMemory()));
  }
}
