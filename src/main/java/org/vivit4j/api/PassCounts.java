package org.vivit4j.api;

/**
 * How much work a run did: the backward passes of the GGN factor (the Gram pass and every {@code
 * V·w} pass that backpropagated the factor again) and the Gram eigendecompositions (one per group).
 *
 * @param factorPasses backward passes of the factor through the layers
 * @param eigensolves Gram eigendecompositions
 * @param factorsKept whether the {@code V·w} products used the factors kept from the Gram pass
 */
public record PassCounts(int factorPasses, int eigensolves, boolean factorsKept) {

  /** One line for the console, e.g. {@code 1 factor pass, 1 eigensolve, V·w from kept factors}. */
  public String describe() {
    return factorPasses
        + (factorPasses == 1 ? " factor pass, " : " factor passes, ")
        + eigensolves
        + (eigensolves == 1 ? " eigensolve" : " eigensolves")
        + (factorsKept ? ", V·w from kept factors" : "");
  }
}
