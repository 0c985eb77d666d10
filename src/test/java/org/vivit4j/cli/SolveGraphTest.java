package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solve} on graph problems: the seed chain written as a graph gives the result of its {@code
 * model} form, a residual graph solves, and a bad graph is one error line naming the node, exit 2,
 * no output file.
 */
class SolveGraphTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static ObjectNode seed() throws IOException {
    return (ObjectNode)
        JSON.readTree(
            Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json").toFile());
  }

  /** The seed's model list as a chain graph: node "i" reads node "i − 1" (node "0" reads "x"). */
  private static ObjectNode asGraph(ObjectNode p) {
    ArrayNode model = (ArrayNode) p.remove("model");
    p.remove("params");
    ObjectNode graph = p.putObject("graph");
    graph.putArray("inputs").add("x");
    ArrayNode nodes = graph.putArray("nodes");
    for (int i = 0; i < model.size(); i++) {
      ObjectNode n = JSON.createObjectNode().put("name", String.valueOf(i));
      n.putArray("inputs").add(i == 0 ? "x" : String.valueOf(i - 1));
      n.setAll((ObjectNode) model.get(i));
      nodes.add(n);
    }
    graph.put("output", String.valueOf(model.size() - 1));
    return p;
  }

  private CliRun solve(ObjectNode problem, Path out) throws IOException {
    Path file = dir.resolve("problem-" + out.getFileName());
    Files.writeString(file, JSON.writeValueAsString(problem));
    return CliRun.of("solve", "--problem", file.toString(), "--out", out.toString());
  }

  @Test
  void theSeedChainAsAGraphGivesTheModelListsResult() throws IOException {
    Path a = dir.resolve("model.json");
    Path b = dir.resolve("graph.json");
    CliRun ra = solve(seed(), a);
    CliRun rb = solve(asGraph(seed()), b);
    assertEquals(0, ra.exitCode(), ra.err());
    assertEquals(0, rb.exitCode(), rb.err());
    JsonNode x = JSON.readTree(a.toFile());
    JsonNode y = JSON.readTree(b.toFile());
    for (String key : new String[] {"loss", "per_sample_losses", "grad"}) {
      assertEquals(x.get(key), y.get(key), key);
    }
    ObjectNode gx = (ObjectNode) x.get("groups").get(0);
    ObjectNode gy = (ObjectNode) y.get("groups").get(0);
    gx.remove("eigensolver");
    gy.remove("eigensolver");
    assertEquals(gx, gy, "the group's results, bit for bit");
  }

  @Test
  void aResidualGraphSolves() throws IOException {
    ObjectNode p = asGraph(seed());
    ArrayNode nodes = (ArrayNode) p.get("graph").get("nodes");
    // node 4 (the head) reads the sum of the two ReLU outputs, with the second halved
    ObjectNode sum = JSON.createObjectNode().put("name", "sum").put("type", "add");
    sum.putArray("inputs").add("1").add("3");
    sum.putArray("scales").add(1.0).add(0.5);
    nodes.insert(4, sum);
    ((ArrayNode) nodes.get(5).get("inputs")).set(0, "sum");
    Path out = dir.resolve("residual.json");
    CliRun run = solve(p, out);
    assertEquals(0, run.exitCode(), run.err());
    JsonNode r = JSON.readTree(out.toFile());
    assertEquals(4, r.get("groups").get(0).get("evals").size());
    assertEquals("0.weight", r.get("groups").get(0).get("param_names").get(0).asText());
  }

  private void assertRejected(ObjectNode p, String field, String phrase) throws IOException {
    Path out = dir.resolve("bad.json");
    CliRun run = solve(p, out);
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run.err());
    assertTrue(lines[0].startsWith("error: " + field + ":"), lines[0]);
    assertTrue(lines[0].contains(phrase), lines[0]);
    assertFalse(Files.exists(out));
  }

  @Test
  void aCycleIsExit2NamingTheNode() throws IOException {
    ObjectNode p = asGraph(seed());
    ((ArrayNode) p.get("graph").get("nodes").get(1).get("inputs")).set(0, "3");
    assertRejected(p, "graph.nodes[1].inputs", "node '1' is on a cycle");
  }

  @Test
  void aDanglingInputIsExit2NamingTheNode() throws IOException {
    ObjectNode p = asGraph(seed());
    ((ArrayNode) p.get("graph").get("nodes").get(2).get("inputs")).set(0, "relu");
    assertRejected(p, "graph.nodes[2].inputs[0]", "'relu' is neither the graph input");
  }

  @Test
  void aShapeMismatchAtAJoinIsExit2NamingTheNode() throws IOException {
    ObjectNode p = asGraph(seed());
    ArrayNode nodes = (ArrayNode) p.get("graph").get("nodes");
    ObjectNode sum = JSON.createObjectNode().put("name", "sum").put("type", "add");
    sum.putArray("inputs").add("x").add("3");
    nodes.insert(4, sum);
    ((ArrayNode) nodes.get(5).get("inputs")).set(0, "sum");
    assertRejected(p, "graph.nodes[4].inputs[1]", "(node 'sum')");
  }
}
