package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.ScaleLayer.ScaleSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * The {@code graph} form of a problem file: nodes with names and inputs, the joins' keys, parameter
 * names after the nodes, writing it back, and one error per kind of bad graph.
 */
class GraphReaderTest {

  private static ObjectNode obj() {
    return ProblemFixtures.MAPPER.createObjectNode();
  }

  private static ObjectNode named(ObjectNode layer, String name, String... inputs) {
    ObjectNode n = obj().put("name", name);
    ArrayNode in = n.putArray("inputs");
    for (String i : inputs) {
      in.add(i);
    }
    n.setAll(layer);
    return n;
  }

  /**
   * The fixture's Linear(3→4)-ReLU-Linear(4→2) as a graph with a residual sum around the ReLU
   * (scales 1 and 0.5), a scale and a concatenation of the sum with the first layer's output
   * feeding Linear(8→2); groups by name.
   */
  static ObjectNode graphProblem() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.remove("model");
    root.remove("params");
    ObjectNode graph = root.putObject("graph");
    graph.putArray("inputs").add("x");
    ArrayNode nodes = graph.putArray("nodes");
    nodes.add(named(ProblemFixtures.linear(3, 4, 0.1), "fc1", "x"));
    nodes.add(named(obj().put("type", "relu"), "act", "fc1"));
    ObjectNode sum = named(obj().put("type", "add"), "sum", "fc1", "act");
    sum.putArray("scales").add(1.0).add(0.5);
    nodes.add(sum);
    nodes.add(named(obj().put("type", "scale").put("scale", -0.75), "half", "sum"));
    nodes.add(named(obj().put("type", "concat"), "cat", "half", "fc1"));
    nodes.add(named(ProblemFixtures.linear(8, 2, -0.2), "fc2", "cat"));
    graph.put("output", "fc2");
    ArrayNode groups = (ArrayNode) root.get("param_groups");
    ((ObjectNode) groups.get(0)).putArray("params").add("fc1.weight").add("fc1.bias");
    ((ObjectNode) groups.get(1)).putArray("params").add("fc2.weight").add("fc2.bias");
    return root;
  }

  private static ObjectNode node(ObjectNode root, int j) {
    return (ObjectNode) root.get("graph").get("nodes").get(j);
  }

  private static Problem parse(ObjectNode root) {
    return ProblemReader.parse(ProblemFixtures.json(root));
  }

  @Test
  void aGraphReadsWithItsJoinsAndNamesItsParametersAfterItsNodes() {
    Problem p = parse(graphProblem());
    NetworkSpec net = p.network();
    assertTrue(net.isGraph());
    assertEquals(6, net.layers().size());
    assertInstanceOf(AddSpec.class, net.layers().get(2));
    assertArrayEquals(new double[] {1.0, 0.5}, ((AddSpec) net.layers().get(2)).scales());
    assertEquals(-0.75, ((ScaleSpec) net.layers().get(3)).scale());
    assertInstanceOf(ConcatSpec.class, net.layers().get(4));
    assertArrayEquals(new int[] {4, 1}, net.inputsOf(4));
    assertEquals(2, net.outputSize());
    assertArrayEquals(new int[] {0, 1}, p.groups().get(0).params());
    assertArrayEquals(new int[] {2, 3}, p.groups().get(1).params());
    assertEquals(List.of("fc2.weight", "fc2.bias"), p.groups().get(1).paramNames());
  }

  @Test
  void aGraphWritesBackAsAGraph(@TempDir Path dir) throws IOException {
    Problem p = parse(graphProblem());
    Path file = dir.resolve("graph.json");
    ProblemWriter.write(file, p, null);
    Problem back = ProblemReader.read(file);
    NetworkSpec a = p.network();
    NetworkSpec b = back.network();
    assertTrue(b.isGraph());
    assertEquals(
        a.layers().stream().map(l -> l.type()).toList(),
        b.layers().stream().map(l -> l.type()).toList());
    assertEquals(a.layers().subList(1, 5), b.layers().subList(1, 5));
    for (int i = 0; i < a.layers().size(); i++) {
      assertEquals(a.nodeName(i), b.nodeName(i));
      assertArrayEquals(a.inputsOf(i), b.inputsOf(i));
    }
    assertArrayEquals(a.flatParams(), b.flatParams(), 0.0);
  }

  @Test
  void theParamTableCountsNodesInTopologicalOrder() {
    ObjectNode root = graphProblem();
    ArrayNode table = root.putArray("params");
    table
        .addObject()
        .put("index", 0)
        .put("layer", 0)
        .put("name", "fc1.weight")
        .set("shape", ProblemFixtures.MAPPER.createArrayNode().add(4).add(3));
    ((ObjectNode) table.get(0)).put("offset", 0).put("numel", 12);
    table
        .addObject()
        .put("index", 1)
        .put("layer", 0)
        .put("name", "bias")
        .set("shape", ProblemFixtures.MAPPER.createArrayNode().add(4));
    ((ObjectNode) table.get(1)).put("offset", 12).put("numel", 4);
    table
        .addObject()
        .put("index", 2)
        .put("layer", 4)
        .put("name", "fc2.weight")
        .set("shape", ProblemFixtures.MAPPER.createArrayNode().add(2).add(8));
    ((ObjectNode) table.get(2)).put("offset", 16).put("numel", 16);
    table
        .addObject()
        .put("index", 3)
        .put("layer", 5)
        .put("name", "fc2.bias")
        .set("shape", ProblemFixtures.MAPPER.createArrayNode().add(2));
    ((ObjectNode) table.get(3)).put("offset", 32).put("numel", 2);
    assertInvalid(root, "params[2].layer", "is 4 but the model defines 5");
    ((ObjectNode) table.get(2)).put("layer", 5);
    assertEquals(34, parse(root).network().numParams());
  }

  @Test
  void aCycleIsBadInputNamingTheNode() {
    ObjectNode root = graphProblem();
    ((ArrayNode) node(root, 1).get("inputs")).set(0, "sum");
    assertInvalid(root, "graph.nodes[1].inputs", "node 'act' is on a cycle");
  }

  @Test
  void aDanglingInputIsBadInputNamingTheNode() {
    ObjectNode root = graphProblem();
    ((ArrayNode) node(root, 4).get("inputs")).set(1, "fc3");
    assertInvalid(root, "graph.nodes[4].inputs[1]", "'fc3' is neither the graph input 'x'");
  }

  @Test
  void mismatchedShapesAtAJoinAreBadInputNamingTheNode() {
    ObjectNode root = graphProblem();
    ((ArrayNode) node(root, 2).get("inputs")).set(0, "x");
    assertTrue(
        assertInvalid(root, "graph.nodes[2].inputs[1]", "has shape [4] but inputs[0] has [3]")
            .getMessage()
            .contains("node 'sum'"));
    ObjectNode cat = graphProblem();
    ((ArrayNode) node(cat, 0).get("weight")).remove(3);
    node(cat, 0).put("out", 3);
    ((ArrayNode) node(cat, 0).get("bias")).remove(3);
    // fc1 now has 3 outputs: the concatenation of the sum ([3]) and fc1 ([3]) is [6]
    assertInvalid(cat, "graph.nodes[5].in", "is 8 but the layer receives input of shape [6]");
  }

  @Test
  void duplicateNodeNamesAreBadInput() {
    ObjectNode root = graphProblem();
    node(root, 3).put("name", "act");
    assertInvalid(root, "graph.nodes[3].name", "'act' is already the name of graph.nodes[1]");
  }

  @Test
  void theGraphsOwnKeysAreChecked() {
    ObjectNode both = graphProblem();
    both.set("model", ProblemFixtures.mlp("mse").get("model"));
    assertInvalid(both, "graph", "is given with model");
    ObjectNode neither = graphProblem();
    neither.remove("graph");
    assertInvalid(neither, "model", "required field is missing");
    ObjectNode misspelt = graphProblem();
    node(misspelt, 2).put("scale", 2.0);
    assertInvalid(misspelt, "graph.nodes[2].scale", "is not a known field of an add node");
    ObjectNode twoInputs = graphProblem();
    ((ArrayNode) twoInputs.get("graph").get("inputs")).add("y");
    UnsupportedFeatureException u =
        assertInstanceOf(
            UnsupportedFeatureException.class,
            assertInvalid(twoInputs, "graph.inputs", "is not supported yet"));
    assertTrue(u.getMessage().contains("2 inputs"));
    ObjectNode noOutput = graphProblem();
    ((ObjectNode) noOutput.get("graph")).remove("output");
    assertInvalid(noOutput, "graph.output", "required field is missing");
    ObjectNode emptyName = graphProblem();
    node(emptyName, 0).put("name", "");
    assertInvalid(emptyName, "graph.nodes[0].name", "must not be empty");
    ObjectNode badScale = graphProblem();
    node(badScale, 3).remove("scale");
    assertInvalid(badScale, "graph.nodes[3].scale", "required field is missing");
    ObjectNode badDim = graphProblem();
    node(badDim, 4).put("dim", 2);
    assertInvalid(badDim, "graph.nodes[4].dim", "is not supported yet");
    ObjectNode unused = graphProblem();
    ((ObjectNode) unused.get("graph")).put("output", "cat");
    assertInvalid(unused, "graph.nodes[5]", "node 'fc2' does not feed the output 'cat'");
  }
}
