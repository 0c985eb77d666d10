package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/**
 * A ConvTranspose2d weight whose unfolded factor no Java array can hold is refused before anything
 * is allocated, naming the field that sets the factor's rows.
 */
class ConvTransposeSizeLimitTest {
  @Test
  void anUnfoldedFactorTooLargeIsRefusedByName() {
    int[] k = {5, 5};
    // input grid 200·200, C_out·kh·kw = 64·25: 40 Monte-Carlo rows unfold into 2.56e9 entries
    ConvTranspose2dSpec ct =
        new ConvTranspose2dSpec(
            1,
            64,
            k,
            new int[] {1, 1},
            new int[] {0, 0},
            new int[] {0, 0},
            new int[] {1, 1},
            new double[64 * 25],
            null);
    NetworkSpec net = new NetworkSpec(List.of(ct, new FlattenSpec(1, -1)), new int[] {1, 200, 200});
    GgnComputation c = new EigvalshComputation(ComputationOptions.defaults().withMonteCarlo(40, 0));
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                c.memoryEstimate(
                    net, 1, List.of(new ParamGroup("w", new int[] {0}, Criterion.topK(1))), true));
    assertEquals("computation.mc_samples_ggn", e.field());
    assertTrue(
        e.getMessage().contains("model[0] (convtranspose2d) unfolds its factor"), e.getMessage());
  }

  /** The same check sees a ConvTranspose1d through its {@code [C, 1, L]} view. */
  @Test
  void aConvTranspose1dIsCheckedThroughItsView() {
    // input length 40 000, C_out·k = 64·25: 40 Monte-Carlo rows unfold into 2.56e9 entries
    ConvTranspose1dSpec ct =
        new ConvTranspose1dSpec(1, 64, 25, 1, 0, 0, 1, new double[64 * 25], null);
    NetworkSpec net = new NetworkSpec(List.of(ct, new FlattenSpec(1, -1)), new int[] {1, 40_000});
    GgnComputation c = new EigvalshComputation(ComputationOptions.defaults().withMonteCarlo(40, 0));
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                c.memoryEstimate(
                    net, 1, List.of(new ParamGroup("w", new int[] {0}, Criterion.topK(1))), true));
    assertEquals("computation.mc_samples_ggn", e.field());
    assertTrue(
        e.getMessage().contains("model[0] (convtranspose1d) unfolds its factor"), e.getMessage());
  }
}
