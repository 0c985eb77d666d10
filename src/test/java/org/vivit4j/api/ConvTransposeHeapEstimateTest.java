package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * The heap estimate of a run whose factor lives in the heap (the CPU backend) counts a
 * ConvTranspose weight's factor work, as the device estimate does: the factor unfolded over the
 * input grid ({@code gp·H·W × C_out·kh·kw}) and {@code V_W}.
 */
class ConvTransposeHeapEstimateTest {
  @Test
  void theUnfoldedFactorOfAConvTransposeWeightIsCounted() {
    int side = 40;
    int cOut = 64;
    int[] k = {5, 5};
    ConvTranspose2dSpec ct =
        new ConvTranspose2dSpec(
            1,
            cOut,
            k,
            new int[] {1, 1},
            new int[] {0, 0},
            new int[] {0, 0},
            new int[] {1, 1},
            new double[cOut * 25],
            null);
    int out = cOut * (side + 4) * (side + 4);
    NetworkSpec net =
        new NetworkSpec(
            List.of(ct, new FlattenSpec(1, -1), new LinearSpec(out, 1, new double[out], null)),
            new int[] {1, side, side});
    int n = 4;
    MemoryEstimate e =
        new EigvalshComputation(ComputationOptions.defaults())
            .memoryEstimate(
                net, n, List.of(new ParamGroup("w", new int[] {0}, Criterion.topK(1))), true);
    // one factor row per sample (one output): the unfolded factor alone is 4·1600·1600 values
    long unfolded = 8L * n * side * side * cOut * 25;
    assertTrue(e.peakBytes() >= unfolded, MemoryEstimate.gib(e.peakBytes()) + " estimated");
    assertTrue(
        e.parts().stream()
            .anyMatch(p -> p.what().contains("weight-Gram work") && p.bytes() >= unfolded * 9 / 10),
        e.parts().toString());
  }
}
