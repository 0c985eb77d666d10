package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vivit4j.backend.ConvGeometry;

/** The per-layer choice between the structured Conv2d Gram and {@code V_W} in sample blocks. */
class ConvWeightGramPlanTest {
  private static final ConvGramPolicy AUTO = ConvGramPolicy.defaults();

  private static ConvGeometry geometry(int c, int h, int w, int k, int pad) {
    int[] one = {1, 1};
    return ConvGeometry.of(new int[] {c, h, w}, new int[] {k, k}, one, new int[] {pad, pad}, one);
  }

  @Test
  void aConvolutionWithOneOutputPositionIsContractedStructured() {
    // T = 1: the layer is a Linear layer on the flattened input, where the structured
    // contraction (a ⊙ of two small Grams) is far cheaper than forming V
    ConvGeometry g = geometry(8, 3, 3, 3, 0);
    assertEquals(1, g.positions());
    ConvWeightGram.Plan p = ConvWeightGram.plan(16, 10, 16, 10, true, false, g, 32, AUTO, false);
    assertFalse(p.explicit(), p.describe("t", 160, 160));
    assertTrue(p.structuredMacs() < p.explicitMacs());
  }

  /** conv2 of fmnist_2c2d: 32 → 64 channels, 5×5 'same' on 14×14 (T = 196, K = 800). */
  private static final ConvGeometry CONV2 = geometry(32, 14, 14, 5, 2);

  /** The plan of conv2's weight Gram at N = 128 (C̃ = 10) under a budget of {@code entries}. */
  private static ConvWeightGram.Plan conv2Gram(long entries) {
    return ConvWeightGram.plan(
        128,
        10,
        128,
        10,
        true,
        false,
        CONV2,
        64,
        new ConvGramPolicy(ConvGramPolicy.Mode.AUTO, entries),
        false);
  }

  @Test
  void fmnist2c2dLayersFormVInBoundedBlocks() {
    long small = ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS;
    ConvWeightGram.Plan p = conv2Gram(small);
    assertTrue(p.explicit(), p.describe("conv2", 1280, 1280));
    assertTrue(p.blockL() < 128, "V_W of all 128 samples (65.5 M entries) exceeds 2^26 entries");
    assertTrue(p.explicitElements() <= small, p.describe("conv2", 1280, 1280));
    // conv1: 1 → 32 channels on 28×28 (T = 784, K = 25): V_W is small, one block
    ConvWeightGram.Plan p1 =
        ConvWeightGram.plan(
            128,
            10,
            128,
            10,
            true,
            false,
            geometry(1, 28, 28, 5, 2),
            32,
            new ConvGramPolicy(ConvGramPolicy.Mode.AUTO, small),
            false);
    assertTrue(p1.explicit());
    assertEquals(128, p1.blockL());
  }

  @Test
  void aVOfAllSamplesThatFitsIsFormedOnceAndCountedOnce() {
    // conv2 at N = 128: V_W (65.5 M) with the unfolded inputs (20.1 M) and the Gram (1.6 M) is
    // 87.2 M entries: within the default budget of a 6 GiB heap (100.7 M), not within 2 blocks
    long sixGiB = ConvGramPolicy.defaultMemoryElements(6L << 30);
    ConvWeightGram.Plan whole = conv2Gram(sixGiB);
    assertEquals(128, whole.blockL(), whole.describe("conv2", 1280, 1280));
    long single = 1280L * 64 * 800 + 128L * 196 * 800 + 1280L * 1280;
    assertEquals(single, whole.explicitElements());
    assertTrue(single <= sixGiB);
    ConvWeightGram.Plan blocks = conv2Gram(single - 1);
    assertTrue(blocks.blockL() < 128);
    ConvWeightGram.Plan small = conv2Gram(ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS);
    // one formation of V and one symmetric product (1280·1281/2·51200 = 4.20e10 multiply-adds),
    // against right blocks formed again for every left block
    double form = 1280.0 * 64 * 196 * 800;
    assertEquals(form + 1280.0 * 1281 / 2 * 51200, whole.explicitMacs(), 1);
    assertTrue(whole.explicitMacs() < blocks.explicitMacs(), blocks.describe("b", 1280, 1280));
    assertTrue(
        whole.explicitMacs() < 0.8 * small.explicitMacs(), small.describe("2^26", 1280, 1280));
  }

  @Test
  void theDefaultBudgetIsAnEighthOfTheHeapWithinItsBounds() {
    assertEquals(1L << 26, ConvGramPolicy.defaultMemoryElements(0));
    assertEquals(1L << 26, ConvGramPolicy.defaultMemoryElements(1L << 30));
    assertEquals((6L << 30) / 64, ConvGramPolicy.defaultMemoryElements(6L << 30));
    assertEquals(1L << 28, ConvGramPolicy.defaultMemoryElements(64L << 30));
    assertEquals(1L << 28, ConvGramPolicy.defaultMemoryElements(Long.MAX_VALUE));
  }

  @Test
  void heldEntriesStayBoundedAsNGrows() {
    ConvGeometry conv2 = geometry(32, 14, 14, 5, 2);
    int previous = Integer.MAX_VALUE;
    for (int n : new int[] {128, 256, 512, 1024, 4096}) {
      ConvWeightGram.Plan p =
          ConvWeightGram.plan(n, 10, n, 10, true, false, conv2, 64, AUTO, false);
      assertTrue(p.explicit());
      assertTrue(p.explicitElements() <= AUTO.memoryElements(), "N = " + n);
      assertTrue(p.blockL() <= previous, "blocks do not grow with N");
      previous = p.blockL();
      ConvWeightGram.Plan cross =
          ConvWeightGram.plan(n, 1, n, 10, false, false, conv2, 64, AUTO, false);
      assertTrue(cross.explicitElements() <= AUTO.memoryElements(), "cross terms at N = " + n);
    }
  }

  @Test
  void structuredIsChosenOnlyWhenItsPatchGramFits() {
    ConvGeometry g = geometry(8, 3, 3, 3, 0);
    ConvGramPolicy tiny = new ConvGramPolicy(ConvGramPolicy.Mode.AUTO, 100);
    // Q = U Uᵀ needs (16·1)² + 32·72 entries > 100: explicit, in blocks of one sample
    ConvWeightGram.Plan p = ConvWeightGram.plan(16, 10, 16, 10, true, false, g, 32, tiny, false);
    assertTrue(p.explicit());
    assertEquals(1, p.blockL());
  }

  /**
   * cifar100_allcnnc's 192 → 192 3×3 'same' conv on 16×16 (T = 256, K = 1728) in a chunk pair of 62
   * samples with C̃ = 99: {@code Q} of all samples (252 M entries with the unfolded inputs) does
   * not fit the budget of a 12 GiB heap, but the structured contraction in sample blocks does, and
   * costs under a third of the explicit one in blocks of 2 samples that AUTO took before (on PoCL,
   * the plan of about half of the Gram passes of a 39-minute N = 64 run).
   */
  @Test
  void aPatchGramTooLargeForTheBudgetIsFormedInSampleBlocks() {
    int[] one = {1, 1};
    ConvGeometry g = ConvGeometry.of(new int[] {192, 16, 16}, new int[] {3, 3}, one, one, one);
    ConvGramPolicy budget =
        new ConvGramPolicy(
            ConvGramPolicy.Mode.AUTO, ConvGramPolicy.defaultMemoryElements(12L << 30));
    ConvWeightGram.Plan p = ConvWeightGram.plan(62, 99, 62, 99, true, false, g, 192, budget, true);
    String d = p.describe("model[10]", 6138, 6138);
    assertFalse(p.explicit(), d);
    assertFalse(p.structuredWhole(), d);
    assertTrue(p.structuredBlock() < 62 && p.structuredBlock() > 1, d);
    assertTrue(p.structuredElements() <= budget.memoryElements(), d);
    assertTrue(3 * p.structuredMacs() < p.explicitMacs(), d);
    assertTrue(d.contains("structured contraction in blocks of " + p.structuredBlock()), d);
    // the cross terms of 62 gradient samples against the same GGN samples: structured fits in
    // blocks too, and the cheaper of the two is taken (explicit: one row per gradient sample)
    ConvWeightGram.Plan x = ConvWeightGram.plan(62, 1, 62, 99, false, false, g, 192, budget, true);
    String dx = x.describe("cross", 62, 6138);
    assertFalse(x.structuredWhole(), dx);
    assertTrue(x.structuredElements() <= budget.memoryElements(), dx);
    assertEquals(x.explicitMacs() <= x.structuredMacs(), x.explicit(), dx);
    // a chunk pair's pass (31 + 31 samples) contracts in blocks that keep to the chunks, however
    // large the budget, and is counted so
    ConvGramPolicy roomy = new ConvGramPolicy(ConvGramPolicy.Mode.STRUCTURED, 1L << 40);
    ConvWeightGram.Plan whole =
        ConvWeightGram.plan(62, 99, 62, 99, true, false, g, 192, roomy, true);
    ConvWeightGram.Plan pair =
        ConvWeightGram.plan(62, 99, 62, 99, true, false, g, 192, roomy, true, 31);
    assertTrue(whole.structuredWhole());
    assertFalse(pair.structuredWhole());
    assertEquals(31, pair.structuredBlock());
    assertTrue(pair.structuredElements() > whole.structuredElements() / 4);
    // one-sample blocks are the least a structured contraction can hold: Q of a pair and the
    // backend's columns of it, two samples' unfolded inputs, the left rows, their copy and their
    // product with Q, a right block's copy and rows, the pair's block and the backend's product
    assertEquals(
        2L * 256 * 256 + 2L * 256 * 1728 + 4L * 99 * 192 * 256 + 2L * 99 * 99,
        ConvWeightGram.smallestBudget(62, 99, 62, 99, g, 192, ConvGramPolicy.Mode.STRUCTURED));
  }

  @Test
  void forcedModesAreFollowedAndSaySo() {
    ConvGeometry g = geometry(1, 28, 28, 5, 2);
    ConvWeightGram.Plan s =
        ConvWeightGram.plan(
            4,
            10,
            4,
            10,
            true,
            false,
            g,
            32,
            new ConvGramPolicy(ConvGramPolicy.Mode.STRUCTURED, 1L << 40),
            false);
    assertFalse(s.explicit());
    assertTrue(s.describe("x", 40, 40).contains("forced by the policy"));
  }

  @Test
  void theBackendsStructuredContractionSetsItsCost() {
    // cifar100_allcnnc's 192 → 192 3×3 conv on 8×8 (T = 64, K = 1728), 8 samples of 100 rows:
    // summed per row pair (the OpenCL kernel) it costs more than forming V_W; as two products per
    // sample-block pair (the CPU backend) far less
    int[] one = {1, 1};
    ConvGeometry g = ConvGeometry.of(new int[] {192, 8, 8}, new int[] {3, 3}, one, one, one);
    ConvWeightGram.Plan rows =
        ConvWeightGram.plan(8, 100, 8, 100, true, false, g, 192, AUTO, false);
    ConvWeightGram.Plan blocks =
        ConvWeightGram.plan(8, 100, 8, 100, true, false, g, 192, AUTO, true);
    assertTrue(rows.explicit(), rows.describe("per row pair", 800, 800));
    assertFalse(blocks.explicit(), blocks.describe("per block pair", 800, 800));
    double t = 64;
    double k = 1728;
    double q = 8 * t * 8 * t * k;
    assertEquals(
        q + 800.0 * 800 * t * t * 193, rows.structuredMacs(), 1e-6 * rows.structuredMacs());
    double pairs = 8 * 9 / 2.0;
    assertEquals(
        q + pairs * (100 * 192 * t * t + 100.0 * 100 * 192 * t),
        blocks.structuredMacs(),
        1e-6 * blocks.structuredMacs());
  }
}
