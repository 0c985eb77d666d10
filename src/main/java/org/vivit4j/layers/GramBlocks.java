package org.vivit4j.layers;

/**
 * The blocks of its Gram contribution that a pass over two sample chunks needs (MATH.md §6.5): the
 * pass's GGN samples are a first chunk (its first {@code split} samples) and a second (the rest),
 * its Gram {@code [[Ĝ_11, Ĝ_12], [Ĝ_21, Ĝ_22]]}. The off-diagonal blocks {@code Ĝ_12 = Ĝ_21ᵀ} are
 * always needed; a chunk's diagonal block only in the first pass that holds the chunk. A layer may
 * leave the blocks not needed out of its contribution (the assembler never reads them), which
 * halves the Gram products of most chunk-pair passes; adding them as well is also correct.
 *
 * @param split GGN samples of the first chunk ({@code ≥ 1}, fewer than the pass's samples)
 * @param firstDiagonal whether {@code Ĝ_11} is needed
 * @param secondDiagonal whether {@code Ĝ_22} is needed
 */
public record GramBlocks(int split, boolean firstDiagonal, boolean secondDiagonal) {
  public GramBlocks {
    if (split < 1) {
      throw new IllegalArgumentException("the first chunk must hold a sample, got " + split);
    }
  }

  /**
   * Whether the block between the sample ranges starting at {@code first} and {@code second} (each
   * within one chunk) is needed.
   */
  public boolean needs(int first, int second) {
    boolean inFirst = first < split;
    if (inFirst != second < split) {
      return true;
    }
    return inFirst ? firstDiagonal : secondDiagonal;
  }
}
