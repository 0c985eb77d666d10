package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.Scaling;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;

/**
 * The OpenCL task graph of a computation: device buffers are allocated once per (network, N, C̃)
 * and reused on later runs, and the Gram pass reads back only the Gram blocks and cross terms.
 */
class OpenClPipelineTest {
  private static RandomProblems.Instance problem() {
    return RandomProblems.mlp(
        5,
        new int[] {9, 7, 6, 4},
        new Activation[] {Activation.TANH, Activation.RELU},
        new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
        6,
        true);
  }

  @Test
  void aSecondRunOfTheSamePipelineAllocatesNoDeviceMemory() {
    RandomProblems.Instance p = problem();
    int[] all = IntStream.range(0, p.network().params().size()).toArray();
    ParamGroup group = new ParamGroup("all", all, Criterion.topK(3));
    try (OpenClBackend backend = new OpenClBackend(null)) {
      var dd = new DirectionalDerivativesComputation();
      dd.run(p.network(), p.loss(), p.batch(), List.of(group), backend);
      long afterFirst = backend.buffersCreated();
      assertTrue(afterFirst > 0);
      dd.run(p.network(), p.loss(), p.batch(), List.of(group), backend);
      assertEquals(afterFirst, backend.buffersCreated(), "buffers must be reused");
      assertEquals(0, backend.openMatrices(), "every intermediate must be released");
    }
  }

  @Test
  void theGramPassReadsBackOnlyGramBlocksAndCrossTerms() {
    RandomProblems.Instance p = problem();
    List<int[]> groups = List.of(new int[] {0, 1}, new int[] {2, 3, 4, 5});
    int n = p.batch().n();
    int[] rows = IntStream.range(0, n).toArray();
    try (OpenClBackend backend = new OpenClBackend(null);
        FactorEngine engine = new FactorEngine(p.network(), p.loss(), backend)) {
      Scaling scaling = new Scaling(p.loss().reduction(), n, n);
      ForwardPass fp = engine.forward(p.batch(), scaling);
      long before = backend.bytesDownloaded();
      engine.grams(fp, p.batch(), scaling, rows, rows, groups, true);
      int g = n * engine.factorColumns();
      long expected = (long) groups.size() * (g * g + n * g) * Float.BYTES;
      assertEquals(expected, backend.bytesDownloaded() - before);
    }
  }
}
