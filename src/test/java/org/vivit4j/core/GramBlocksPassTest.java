package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.GramBlocks;
import org.vivit4j.problems.DeepObsProblems;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * A pass over two sample chunks that needs only some Gram blocks ({@link GramBlocks}, {@link
 * FactorEngine#grams(ForwardPass, Batch, Scaling, int[], int[], List, boolean, KeptFactors,
 * GramBlocks)}): the Conv2d weight's explicit and structured contractions give the needed blocks as
 * the whole pass does, and leave the others out (they stay exactly 0), V or Q held whole or in
 * blocks.
 */
class GramBlocksPassTest {
  private static final int N = 5;

  /** fmnist_2c2d's second Conv2d weight [64, 32, 5, 5]. */
  private static final int CONV2_WEIGHT = 2;

  @Test
  void blocksAreNeededWhereTheirChunksSay() {
    GramBlocks offOnly = new GramBlocks(2, false, false);
    assertTrue(offOnly.needs(0, 3));
    assertTrue(offOnly.needs(4, 1));
    assertFalse(offOnly.needs(0, 1));
    assertFalse(offOnly.needs(2, 4));
    GramBlocks firstToo = new GramBlocks(2, true, false);
    assertTrue(firstToo.needs(1, 0));
    assertFalse(firstToo.needs(3, 2));
    GramBlocks secondToo = new GramBlocks(2, false, true);
    assertFalse(secondToo.needs(1, 0));
    assertTrue(secondToo.needs(3, 2));
    assertThrows(IllegalArgumentException.class, () -> new GramBlocks(0, true, true));
  }

  /**
   * Both contractions, each whole (the default budget) and in sample blocks (smaller budgets: one
   * sample; the structured one also 2 samples with a partial last block, and 3 samples, cut at the
   * chunks' border in a chunk-pair pass), against the whole Gram of an independent run (explicit
   * {@code V} of all samples).
   */
  @ParameterizedTest(name = "{0}, budget {1} entries: {2}")
  @CsvSource({
    "EXPLICIT, " + ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS + ", explicit V_W in blocks of 5 samples",
    "EXPLICIT, 1, explicit V_W in blocks of 1 sample",
    "STRUCTURED, " + ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS + ", structured contraction (",
    "STRUCTURED, 2700000, structured contraction in blocks of 3 samples",
    "STRUCTURED, 1800000, structured contraction in blocks of 2 samples",
    "STRUCTURED, 1, structured contraction in blocks of 1 sample"
  })
  void theConvWeightLeavesOutTheBlocksNotNeeded(
      ConvGramPolicy.Mode mode, long convMemory, String contraction) {
    Problem p = DeepObsProblems.fmnist2c2d(3L, N, 10, null).problem();
    assertArrayEquals(new int[] {64, 32, 5, 5}, p.network().params().get(CONV2_WEIGHT).shape());
    Backend b = TestBackends.get("cpu-float64");
    int[] rows = {4, 1, 3, 0, 2};
    int split = 2;
    List<int[]> tensors = List.of(new int[] {CONV2_WEIGHT});
    Scaling scaling = new Scaling(p.loss().reduction(), N, N);
    double[] whole;
    ConvGramPolicy reference =
        new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS);
    try (FactorEngine engine = new FactorEngine(p.network(), p.loss(), b, 0, 0L, reference)) {
      ForwardPass fp = engine.forward(p.batch(), scaling);
      whole = engine.grams(fp, p.batch(), scaling, rows, new int[0], tensors, false).get(0).gram();
    }
    ConvGramPolicy policy = new ConvGramPolicy(mode, convMemory);
    try (FactorEngine engine = new FactorEngine(p.network(), p.loss(), b, 0, 0L, policy)) {
      ForwardPass fp = engine.forward(p.batch(), scaling);
      int ct = engine.factorColumns();
      int size = N * ct;
      double[] own =
          engine.grams(fp, p.batch(), scaling, rows, new int[0], tensors, false).get(0).gram();
      Compare.assertClose("the whole Gram", own, whole, Tolerances.F64_REORDERED_GRAM);
      assertTrue(
          engine.notes().stream().anyMatch(n -> n.contains(contraction)),
          contraction + " expected: " + engine.notes());
      for (boolean first : new boolean[] {false, true}) {
        for (boolean second : new boolean[] {false, true}) {
          GramBlocks need = new GramBlocks(split, first, second);
          double[] part =
              engine
                  .grams(fp, p.batch(), scaling, rows, new int[0], tensors, false, null, need)
                  .get(0)
                  .gram();
          double[] expected = new double[size * size];
          for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
              if (need.needs(i / ct, j / ct)) {
                expected[i * size + j] = whole[i * size + j];
              } else {
                assertEquals(0.0, part[i * size + j], need + ": entry (" + i + ", " + j + ")");
              }
            }
          }
          Compare.assertClose(
              need + " needed blocks", part, expected, Tolerances.F64_REORDERED_GRAM);
        }
      }
    }
  }

  /**
   * The gradient cross terms by the structured contraction in sample blocks (3 gradient samples
   * against 5 GGN samples, blocks of at most 2: partial blocks on both sides) against those of an
   * independent run (explicit {@code V} of all samples).
   */
  @ParameterizedTest(name = "budget {0} entries")
  @ValueSource(longs = {1, 1_800_000})
  void structuredCrossTermsInBlocksMatchTheExplicitOnes(long convMemory) {
    Problem p = DeepObsProblems.fmnist2c2d(5L, N, 10, null).problem();
    Backend b = TestBackends.get("cpu-float64");
    int[] rows = {4, 1, 3, 0, 2};
    int[] grad = {3, 0, 2};
    List<int[]> tensors = List.of(new int[] {CONV2_WEIGHT});
    Scaling scaling = new Scaling(p.loss().reduction(), N, N);
    ConvGramPolicy reference =
        new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS);
    FactorEngine.GroupGram expected;
    try (FactorEngine engine = new FactorEngine(p.network(), p.loss(), b, 0, 0L, reference)) {
      ForwardPass fp = engine.forward(p.batch(), scaling);
      expected = engine.grams(fp, p.batch(), scaling, rows, grad, tensors, true).get(0);
    }
    ConvGramPolicy policy = new ConvGramPolicy(ConvGramPolicy.Mode.STRUCTURED, convMemory);
    try (FactorEngine engine = new FactorEngine(p.network(), p.loss(), b, 0, 0L, policy)) {
      ForwardPass fp = engine.forward(p.batch(), scaling);
      FactorEngine.GroupGram got =
          engine.grams(fp, p.batch(), scaling, rows, grad, tensors, true).get(0);
      String blocks = convMemory == 1 ? "in blocks of 1 sample" : "in blocks of 2 samples";
      assertTrue(
          engine.notes().stream()
              .anyMatch(
                  n -> n.contains("cross terms") && n.contains("structured contraction " + blocks)),
          engine.notes().toString());
      Compare.assertClose(
          "cross terms", got.cross(), expected.cross(), Tolerances.F64_REORDERED_GRAM);
      Compare.assertClose("Gram", got.gram(), expected.gram(), Tolerances.F64_REORDERED_GRAM);
    }
  }
}
