package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.ChunkChoice;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.DeepObsProblems;

/**
 * The default factor-memory budget of a large batch (estimates only, nothing is computed):
 * fmnist_2c2d, exact top-10 directional derivatives in float32 at N = 4224 (ViViT's CPU limit) in a
 * 20 GiB heap. Its plain run would hold the forward values of the whole batch; a chunked run
 * recomputes them per chunk pair and holds none, so the budget must not charge it with them. It
 * did, which left a budget of 1 byte and chunks of one sample (8.9 million pair passes).
 */
class ChunkBudgetTest {
  private static final long HEAP = 20L << 30;

  private static MemoryEstimate estimate(GgnComputation c, NetworkSpec net, int n) {
    List<ParamGroup> groups =
        List.of(
            new ParamGroup(
                "all", IntStream.range(0, net.params().size()).toArray(), Criterion.topK(10)));
    return c.assumingHeapLimit(HEAP)
        .memoryEstimate(
            net, new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN), n, groups, true, true);
  }

  @Test
  void chunksFillTheHeapShareWithoutTheWholeBatchsForward() {
    NetworkSpec net = DeepObsProblems.fmnist2c2dNetwork(new SplittableRandom(0));
    int n = 4224;
    MemoryEstimate chosen =
        estimate(new DirectionalDerivativesComputation(ComputationOptions.defaults()), net, n);
    int chunk = chosen.chunkSamples();
    long share = (long) (ChunkChoice.HEAP_SHARE * HEAP);
    assertTrue(chunk > 0, "chunked");
    assertTrue(
        chosen.residentBytes() + chosen.factorPassBytes() <= share,
        "chunks of " + chunk + " fit the heap share: " + chosen.parts());
    // the largest such chunk: twice as many samples would not fit
    MemoryEstimate twice =
        estimate(
            new DirectionalDerivativesComputation(ComputationOptions.defaults())
                .withFactorChunk(2 * chunk),
            net,
            n);
    assertTrue(
        twice.residentBytes() + twice.factorPassBytes() > share,
        "chunks of " + chunk + " leave room for " + 2 * chunk + ": " + twice.parts());
  }
}
