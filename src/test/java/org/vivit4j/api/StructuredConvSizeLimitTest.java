package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/**
 * The structured Conv2d contraction forms its patch products {@code Q} per pair of sample blocks,
 * so only one pair of samples' {@code Q} ({@code T²}) must fit a Java array, not that of the whole
 * pass ({@code (N·T)²}).
 */
class StructuredConvSizeLimitTest {
  private static NetworkSpec oneByOneConv(int side) {
    int[] one = {1, 1};
    Conv2dSpec conv =
        new Conv2dSpec(1, 1, one, one, new int[] {0, 0}, one, new double[] {0.5}, null);
    int t = side * side;
    LinearSpec out = new LinearSpec(t, 1, new double[t], null);
    return new NetworkSpec(List.of(conv, new FlattenSpec(1, -1), out), new int[] {1, side, side});
  }

  private static MemoryEstimate estimate(NetworkSpec net, int n) {
    GgnComputation c =
        new EigvalshComputation(ComputationOptions.defaults())
            .withConvGramPolicy(new ConvGramPolicy(ConvGramPolicy.Mode.STRUCTURED, 1L << 26));
    return c.memoryEstimate(
        net, n, List.of(new ParamGroup("w", new int[] {0}, Criterion.topK(1))), true);
  }

  @Test
  void aPassWhosePatchProductsPassOneArrayIsPlannedInBlocks() {
    // T = 40·40 = 1600: (40·1600)² = 4.1e9 entries for Q of all 40 samples, 2.6e6 per pair
    MemoryEstimate e = estimate(oneByOneConv(40), 40);
    // the contraction's term is that of blocks within the 2^26-entry budget, not Q of all samples
    long convTerm =
        e.parts().stream()
            .filter(p -> p.what().contains("weight-Gram work"))
            .mapToLong(MemoryEstimate.Part::bytes)
            .max()
            .orElseThrow();
    assertTrue(convTerm > 0 && convTerm <= 8L << 26, MemoryEstimate.gib(convTerm));
  }

  @Test
  void aPairOfSamplesWhosePatchProductsPassOneArrayIsRefusedByName() {
    // T = 216·216 = 46 656: T² = 2.18e9 entries even for one pair of samples
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> estimate(oneByOneConv(216), 2));
    assertEquals("--conv-gram", e.field(), e.getMessage());
    assertTrue(e.getMessage().contains("for a pair of samples, T² = 46656²"), e.getMessage());
  }
}
