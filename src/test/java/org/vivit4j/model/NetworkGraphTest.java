package org.vivit4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;

/**
 * The structure of a network graph: topological order, value numbering and parameter names, and one
 * error per kind of bad graph, naming the node.
 */
class NetworkGraphTest {
  private static final SplittableRandom RND = new SplittableRandom(5);

  private static LinearSpec linear(int in, int out) {
    double[] w = RND.doubles(in * out, -1, 1).toArray();
    return new LinearSpec(in, out, w, RND.doubles(out, -1, 1).toArray());
  }

  private static GraphNode node(int j, String name, LayerSpec spec, String... inputs) {
    return new GraphNode(name, spec, List.of(inputs), "graph.nodes[" + j + "]");
  }

  /** {@code x → fc → relu → add(fc, relu) → head}: a residual block. */
  private static List<GraphNode> residual() {
    List<GraphNode> nodes = new ArrayList<>();
    nodes.add(node(0, "fc", linear(3, 4), "x"));
    nodes.add(node(1, "act", new ActivationSpec(Activation.RELU), "fc"));
    nodes.add(node(2, "sum", new AddSpec(new double[] {1.0, 0.5}), "fc", "act"));
    nodes.add(node(3, "head", linear(4, 2), "sum"));
    return nodes;
  }

  private static InvalidInputException invalid(List<GraphNode> nodes, String output) {
    return assertThrows(
        InvalidInputException.class,
        () -> NetworkSpec.graph("graph", "x", nodes, output, new int[] {3}));
  }

  private static void assertError(InvalidInputException e, String field, String... phrases) {
    assertEquals(field, e.field(), e.getMessage());
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void aGraphNumbersItsValuesAndNamesItsParametersAfterItsNodes() {
    NetworkSpec net = NetworkSpec.graph("graph", "x", residual(), "head", new int[] {3});
    assertTrue(net.isGraph());
    assertArrayEquals(new int[] {0}, net.inputsOf(0));
    assertArrayEquals(new int[] {1, 2}, net.inputsOf(2));
    assertArrayEquals(new int[] {8}, net.shapeBefore(2), "a join reads its inputs side by side");
    assertArrayEquals(new int[] {4}, net.shapeAfter(2));
    assertEquals(2, net.outputSize());
    assertEquals(List.of("fc.weight", "fc.bias", "head.weight", "head.bias"), ParamNames.of(net));
    assertEquals("graph.nodes[2]", net.where(2));
  }

  @Test
  void nodesListedOutOfOrderAreSortedStably() {
    List<GraphNode> listed = residual();
    // head first, then the sum, then the rest: positions in the file stay the fields
    List<GraphNode> shuffled = List.of(listed.get(3), listed.get(2), listed.get(0), listed.get(1));
    NetworkSpec net = NetworkSpec.graph("graph", "x", shuffled, "head", new int[] {3});
    List<String> names = new ArrayList<>();
    for (int i = 0; i < net.layers().size(); i++) {
      names.add(net.nodeName(i));
    }
    assertEquals(List.of("fc", "act", "sum", "head"), names);
  }

  @Test
  void aChainNamesItsNodesByIndex() {
    NetworkSpec net =
        new NetworkSpec(
            List.of(linear(3, 4), new ActivationSpec(Activation.TANH), linear(4, 2)),
            new int[] {3});
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), ParamNames.of(net));
    assertEquals("model[1]", net.where(1));
    assertArrayEquals(new int[] {1}, net.inputsOf(1));
  }

  @Test
  void aCycleIsNamed() {
    List<GraphNode> nodes = residual();
    nodes.set(1, node(1, "act", new ActivationSpec(Activation.RELU), "sum"));
    assertError(
        invalid(nodes, "head"),
        "graph.nodes[1].inputs",
        "node 'act' is on a cycle",
        "'act' reads 'sum'",
        "'sum' reads 'act'");
  }

  @Test
  void aNodeReadingItselfIsACycle() {
    List<GraphNode> nodes = residual();
    nodes.set(1, node(1, "act", new ActivationSpec(Activation.RELU), "act"));
    assertError(invalid(nodes, "head"), "graph.nodes[1].inputs", "'act' reads 'act'");
  }

  @Test
  void aDanglingInputIsNamed() {
    List<GraphNode> nodes = residual();
    nodes.set(2, node(2, "sum", AddSpec.plain(), "fc", "actt"));
    assertError(
        invalid(nodes, "head"),
        "graph.nodes[2].inputs[1]",
        "'actt' is neither the graph input 'x' nor a node",
        "node 'sum'");
  }

  @Test
  void duplicateNamesAreNamed() {
    List<GraphNode> nodes = residual();
    nodes.set(1, node(1, "fc", new ActivationSpec(Activation.RELU), "fc"));
    assertError(
        invalid(nodes, "head"),
        "graph.nodes[1].name",
        "'fc' is already the name of graph.nodes[0]");
    List<GraphNode> clash = residual();
    clash.set(1, node(1, "x", new ActivationSpec(Activation.RELU), "fc"));
    assertError(invalid(clash, "head"), "graph.nodes[1].name", "the graph input");
  }

  @Test
  void anAddOfMismatchedShapesIsNamed() {
    List<GraphNode> nodes = residual();
    nodes.set(2, node(2, "sum", AddSpec.plain(), "act", "x"));
    assertError(
        invalid(nodes, "head"),
        "graph.nodes[2].inputs[1]",
        "has shape [3] but inputs[0] has [4]",
        "node 'sum'");
  }

  @Test
  void aConcatOfMismatchedShapesIsNamed() {
    List<GraphNode> nodes = new ArrayList<>();
    int[] one = {1, 1};
    nodes.add(
        node(
            0,
            "conv",
            new Conv2dSpec(
                1, 2, new int[] {2, 2}, one, new int[] {0, 0}, one, RND.doubles(8).toArray(), null),
            "x"));
    nodes.add(node(1, "cat", new ConcatSpec(), "x", "conv"));
    nodes.add(node(2, "flat", new FlattenSpec(1, -1), "cat"));
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> NetworkSpec.graph("graph", "x", nodes, "flat", new int[] {1, 3, 3}));
    assertError(e, "graph.nodes[1].inputs[1]", "[2, 2, 2]", "node 'cat'", "but the first");
    // equal trailing dimensions concatenate along channels
    nodes.set(0, node(0, "conv", new IdentitySpec(), "x"));
    NetworkSpec ok = NetworkSpec.graph("graph", "x", nodes, "flat", new int[] {1, 3, 3});
    assertArrayEquals(new int[] {2, 3, 3}, ok.shapeAfter(1));
  }

  @Test
  void scalesMustMatchTheInputs() {
    List<GraphNode> nodes = residual();
    nodes.set(2, node(2, "sum", new AddSpec(new double[] {1, 2, 3}), "fc", "act"));
    assertError(invalid(nodes, "head"), "graph.nodes[2].scales", "3 entries", "2 inputs");
    List<GraphNode> single = residual();
    single.set(2, node(2, "sum", AddSpec.plain(), "act"));
    assertError(invalid(single, "head"), "graph.nodes[2].inputs", "joins two or more");
  }

  @Test
  void aLayerReadsOneInput() {
    List<GraphNode> nodes = residual();
    nodes.set(1, node(1, "act", new ActivationSpec(Activation.RELU), "fc", "fc"));
    assertError(invalid(nodes, "head"), "graph.nodes[1].inputs", "reads exactly one");
  }

  @Test
  void everyNodeMustFeedTheOutput() {
    List<GraphNode> nodes = residual();
    nodes.add(node(4, "aux", linear(4, 1), "sum"));
    assertError(
        invalid(nodes, "head"), "graph.nodes[4]", "node 'aux' does not feed the output 'head'");
    assertError(invalid(residual(), "hed"), "graph.output", "'hed' is not the name of a node");
  }

  /**
   * A window no convolution or pooling has, built through the API (no problem reader checked it):
   * one error naming the field, not an ArithmeticException from the output size's division.
   */
  @Test
  void windowsOutOfRangeAreBadInputNamingTheField() {
    int[] one = {1, 1};
    double[] w = RND.doubles(8).toArray();
    Object[][] cases = {
      {
        new Conv2dSpec(1, 2, new int[] {2, 2}, new int[] {0, 1}, new int[2], one, w, null),
        "model[0].stride[0]"
      },
      {
        new Conv2dSpec(1, 2, new int[] {2, 2}, one, new int[] {0, -1}, one, w, null),
        "model[0].padding[1]"
      },
      {
        new Conv2dSpec(1, 2, new int[] {2, 2}, one, new int[2], new int[] {1, 0}, w, null),
        "model[0].dilation[1]"
      },
      {
        new MaxPool2dSpec(new int[] {2, 2}, new int[] {1, 0}, new int[2], one), "model[0].stride[1]"
      },
      {new MaxPool2dSpec(new int[] {0, 2}, one, new int[2], one), "model[0].kernel_size[0]"},
      {
        new ConvTranspose2dSpec(
            1, 2, new int[] {2, 2}, new int[] {1, 0}, new int[2], new int[2], one, w, null),
        "model[0].stride[1]"
      },
    };
    for (Object[] c : cases) {
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class,
              () -> new NetworkSpec(List.of((LayerSpec) c[0]), new int[] {1, 4, 4}),
              (String) c[1]);
      assertEquals(c[1], e.field(), e.getMessage());
    }
  }

  @Test
  void aJoinInALayerListNeedsTheGraphForm() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> new NetworkSpec(List.of(linear(3, 3), AddSpec.plain()), new int[] {3}));
    assertError(e, "model[1]", "add joins two or more inputs", "graph");
  }
}
