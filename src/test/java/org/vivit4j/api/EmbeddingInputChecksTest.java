package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.TestBackends;

/**
 * An embedding built through the API: it must be the first layer of a chain, in a graph read the
 * graph input directly (and no other node may read it), and its inputs must be integer indices in
 * range, each refused by name before anything runs.
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

  private static InvalidInputException runGraph(List<GraphNode> nodes, String output) {
    NetworkSpec net = NetworkSpec.graph("graph", "x", nodes, output, new int[] {3});
    Batch batch = new Batch(2, new double[] {0, 1, 2, 3, 0, 1}, new double[12], null);
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

  private static GraphNode node(int j, String name, LayerSpec spec, String... inputs) {
    return new GraphNode(name, spec, List.of(inputs), "graph.nodes[" + j + "]");
  }

  @Test
  void inAGraphAnEmbeddingMustReadTheGraphInput() {
    InvalidInputException e =
        runGraph(
            List.of(
                node(0, "id", new IdentitySpec(), "x"),
                node(1, "emb", EMBEDDING, "id"),
                node(2, "flat", new FlattenSpec(1, -1), "emb")),
            "flat");
    assertEquals("graph.nodes[1].inputs[0]", e.field());
    assertTrue(e.getMessage().contains("must read the graph input 'x'"), e.getMessage());
  }

  @Test
  void inAGraphNoOtherNodeMayReadTheIndices() {
    InvalidInputException e =
        runGraph(
            List.of(
                node(0, "emb", EMBEDDING, "x"),
                node(1, "flat", new FlattenSpec(1, -1), "emb"),
                node(2, "cat", new ConcatSpec(), "x", "flat")),
            "cat");
    assertEquals("graph.nodes[2].inputs[0]", e.field());
    assertTrue(e.getMessage().contains("integer indices of the embedding 'emb'"), e.getMessage());
  }

  @Test
  void aPaddingIdxOutsideTheTableIsRefusedNamingTheField() {
    for (int p : new int[] {4, -5}) {
      EmbeddingSpec padded = new EmbeddingSpec(4, 2, EMBEDDING.weight(), p);
      InvalidInputException e =
          run(List.of(padded, new FlattenSpec(1, -1)), new double[] {0, 1, 2, 3, 0, 1});
      assertEquals("model[0].padding_idx", e.field());
      assertTrue(e.getMessage().contains("in [-4, 4)"), e.getMessage());
    }
  }

  @Test
  void inputsThatAreNotIndicesAreRefusedNamingTheEntry() {
    List<LayerSpec> layers = List.of(EMBEDDING, new FlattenSpec(1, -1));
    assertEquals("X[1][2]", run(layers, new double[] {0, 1, 2, 3, 0, 1.5}).field());
    assertEquals("X[0][1]", run(layers, new double[] {0, 4, 2, 3, 0, 1}).field());
  }
}
