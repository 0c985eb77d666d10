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
   * Both contractions, each whole (the default budget) and in blocks of one sample (a budget of 1
   * entry): explicit V, structured Q.
   */
  @ParameterizedTest(name = "{0}, budget {1} entries")
  @CsvSource({
    "EXPLICIT, " + ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS,
    "EXPLICIT, 1",
    "STRUCTURED, " + ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS,
    "STRUCTURED, 1"
  })
  void theConvWeightLeavesOutTheBlocksNotNeeded(ConvGramPolicy.Mode mode, long convMemory) {
    Problem p = DeepObsProblems.fmnist2c2d(3L, N, 10, null).problem();
    assertArrayEquals(new int[] {64, 32, 5, 5}, p.network().params().get(CONV2_WEIGHT).shape());
    Backend b = TestBackends.get("cpu-float64");
    ConvGramPolicy policy = new ConvGramPolicy(mode, convMemory);
    int[] rows = {4, 1, 3, 0, 2};
    int split = 2;
    List<int[]> tensors = List.of(new int[] {CONV2_WEIGHT});
    Scaling scaling = new Scaling(p.loss().reduction(), N, N);
    try (FactorEngine engine = new FactorEngine(p.network(), p.loss(), b, 0, 0L, policy)) {
      ForwardPass fp = engine.forward(p.batch(), scaling);
      double[] whole =
          engine.grams(fp, p.batch(), scaling, rows, new int[0], tensors, false).get(0).gram();
      String contraction =
          mode == ConvGramPolicy.Mode.EXPLICIT
              ? "explicit V_W in blocks of " + (convMemory == 1 ? "1 sample" : N + " samples")
              : convMemory == 1
                  ? "structured contraction in blocks of 1 sample"
                  : "structured contraction (";
      assertTrue(
          engine.notes().stream().anyMatch(n -> n.contains(contraction)),
          contraction + " expected: " + engine.notes());
      int ct = engine.factorColumns();
      int size = N * ct;
      int border = split * ct;
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
}
