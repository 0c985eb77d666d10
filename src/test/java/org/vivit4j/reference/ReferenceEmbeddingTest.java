package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.model.Batch;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;

/**
 * The reference's own checks of where an embedding sits in a graph: it reads the network input and
 * nothing else, and no other node reads that input (the indices are not features).
 */
class ReferenceEmbeddingTest {
  private static final EmbeddingSpec EMBEDDING =
      new EmbeddingSpec(4, 2, new double[] {1, 2, 3, 4, 5, 6, 7, 8});

  private static GraphNode node(String name, LayerSpec spec, String... inputs) {
    return new GraphNode(name, spec, List.of(inputs), name);
  }

  private static IllegalArgumentException refused(List<GraphNode> nodes, String output) {
    NetworkSpec net = NetworkSpec.graph("graph", "x", nodes, output, new int[] {3});
    int c = net.outputSize();
    Batch batch = new Batch(2, new double[] {0, 1, 2, 3, 0, 1}, new double[2 * c], null);
    return assertThrows(
        IllegalArgumentException.class,
        () ->
            ReferenceComputation.compute(
                net,
                new LossSpec(LossType.MSE, Reduction.SUM),
                batch,
                null,
                null,
                List.of(new int[] {0})));
  }

  @Test
  void anEmbeddingReadingAnotherNodeIsRefused() {
    IllegalArgumentException e =
        refused(
            List.of(
                node("id", new IdentitySpec(), "x"),
                node("emb", EMBEDDING, "id"),
                node("flat", new FlattenSpec(1, -1), "emb")),
            "flat");
    assertTrue(e.getMessage().contains("must read the network input only"), e.getMessage());
  }

  @Test
  void anotherNodeReadingTheIndicesIsRefused() {
    IllegalArgumentException e =
        refused(
            List.of(
                node("emb", EMBEDDING, "x"),
                node("flat", new FlattenSpec(1, -1), "emb"),
                node("cat", new ConcatSpec(), "flat", "x")),
            "cat");
    assertTrue(e.getMessage().contains("reads the network input"), e.getMessage());
  }
}
