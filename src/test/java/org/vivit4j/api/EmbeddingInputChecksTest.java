package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.Batch;
import org.vivit4j.model.EmbeddingSpec;
import org.vivit4j.model.FlattenSpec;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.TestBackends;

/**
 * An embedding built through the API: it must be the first layer, and its inputs must be integer
 * indices in range, each refused by name before anything runs.
 */
class EmbeddingInputChecksTest {
  private static final EmbeddingSpec EMBEDDING =
      new EmbeddingSpec(4, 2, new double[] {1, 2, 3, 4, 5, 6, 7, 8});

  private static InvalidInputException run(List<LayerSpec> layers, double[] x) {
    NetworkSpec net = new NetworkSpec(layers, new int[] {3});
    Batch batch = new Batch(2, x, new double[12], null);
    return assertThrows(
        InvalidInputException.class,
        () ->
            new EigvalshComputation()
                .run(
                    net,
                    new LossSpec(LossType.MSE, Reduction.MEAN),
                    batch,
                    List.of(new ParamGroup("all", new int[] {0}, Criterion.topK(1))),
                    TestBackends.get("cpu-float64")));
  }

  @Test
  void anEmbeddingAfterAnotherLayerIsRefused() {
    InvalidInputException e =
        run(
            List.of(new IdentitySpec(), EMBEDDING, new FlattenSpec(1, -1)),
            new double[] {0, 1, 2, 3, 0, 1});
    assertEquals("model[1].type", e.field());
    assertTrue(e.getMessage().contains("must be the first layer"), e.getMessage());
  }

  @Test
  void inputsThatAreNotIndicesAreRefusedNamingTheEntry() {
    List<LayerSpec> layers = List.of(EMBEDDING, new FlattenSpec(1, -1));
    assertEquals("X[1][2]", run(layers, new double[] {0, 1, 2, 3, 0, 1.5}).field());
    assertEquals("X[0][1]", run(layers, new double[] {0, 4, 2, 3, 0, 1}).field());
  }
}
