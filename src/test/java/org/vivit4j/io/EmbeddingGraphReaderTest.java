package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.model.NetworkSpec;

/**
 * Embeddings in a problem file's {@code graph}: several may read the input side by side (each
 * checks {@code X} against its own table), an embedding must read the graph input directly, and no
 * other node may read the input when an embedding does; each error names the node.
 */
class EmbeddingGraphReaderTest {
  private static ObjectNode fixture() throws IOException {
    return (ObjectNode)
        ProblemFixtures.MAPPER.readTree(
            Path.of("src/test/resources/layers/embedding.json").toFile());
  }

  private static ObjectNode named(JsonNode layer, String name, String... inputs) {
    ObjectNode n = ProblemFixtures.MAPPER.createObjectNode().put("name", name);
    ArrayNode in = n.putArray("inputs");
    for (String i : inputs) {
      in.add(i);
    }
    n.setAll((ObjectNode) layer);
    return n;
  }

  private static ObjectNode type(String type) {
    return ProblemFixtures.MAPPER.createObjectNode().put("type", type);
  }

  /** The fixture's Embedding(7, 3) and a second Embedding(5, 3) of its first rows, summed. */
  private static ObjectNode twoEmbeddings() throws IOException {
    ObjectNode root = fixture();
    ObjectNode emb = (ObjectNode) root.get("model").get(0).deepCopy();
    ObjectNode small = emb.deepCopy().put("num_embeddings", 5);
    ArrayNode rows = (ArrayNode) small.get("weight");
    rows.remove(6);
    rows.remove(5);
    root.remove("model");
    ObjectNode graph = root.putObject("graph");
    graph.putArray("inputs").add("tokens");
    ArrayNode nodes = graph.putArray("nodes");
    nodes.add(named(emb, "tok", "tokens"));
    nodes.add(named(small, "pos", "tokens"));
    nodes.add(named(type("add"), "sum", "tok", "pos"));
    nodes.add(named(type("flatten"), "flat", "sum"));
    graph.put("output", "flat");
    // indices valid for both tables
    ((ArrayNode) root.get("X").get(0)).set(1, 4);
    ((ArrayNode) root.get("X").get(1)).set(1, 2);
    ((ArrayNode) root.get("X").get(1)).set(4, 3);
    return root;
  }

  @Test
  void twoEmbeddingsReadTheInputSideBySideAndWriteBack(@TempDir Path dir) throws IOException {
    Problem p = ProblemReader.parse(ProblemFixtures.json(twoEmbeddings()));
    NetworkSpec net = p.network();
    assertArrayEquals(new int[] {0}, net.inputsOf(0));
    assertArrayEquals(new int[] {0}, net.inputsOf(1));
    assertEquals(List.of("embedding", "embedding", "add", "flatten"), types(net));
    assertEquals(7 * 3 + 5 * 3, net.numParams());
    Path file = dir.resolve("written.json");
    ProblemWriter.write(file, p, null);
    ProblemWriterTest.assertSameProblem(p, ProblemReader.read(file));
  }

  private static List<String> types(NetworkSpec net) {
    return net.layers().stream().map(l -> l.type()).toList();
  }

  @Test
  void eachEmbeddingChecksTheInputAgainstItsOwnTable() throws IOException {
    ObjectNode root = twoEmbeddings();
    ((ArrayNode) root.get("X").get(1)).set(3, 6);
    assertInvalid(
        root,
        "X[1][3]",
        "is 6.0 but the embedding (graph.nodes[1]) takes integer indices in [0, 5)");
  }

  @Test
  void anEmbeddingMustReadTheGraphInputDirectly() throws IOException {
    ObjectNode root = twoEmbeddings();
    ArrayNode nodes = (ArrayNode) root.get("graph").get("nodes");
    nodes.insert(0, named(type("identity"), "same", "tokens"));
    ((ArrayNode) nodes.get(2).get("inputs")).set(0, "same");
    assertInvalid(
        root,
        "graph.nodes[2].inputs[0]",
        "is 'same' but embedding reads integer indices: it must read the graph input 'tokens' (X)"
            + " directly (node 'pos')");
  }

  @Test
  void noOtherNodeMayReadTheIndices() throws IOException {
    ObjectNode root = twoEmbeddings();
    ArrayNode nodes = (ArrayNode) root.get("graph").get("nodes");
    nodes.add(named(type("concat"), "cat", "flat", "tokens"));
    ((ObjectNode) root.get("graph")).put("output", "cat");
    assertInvalid(
        root,
        "graph.nodes[4].inputs[1]",
        "reads the graph input 'tokens', which holds the integer indices of the embedding 'tok'"
            + " (graph.nodes[0]); only layers that read indices may read it (node 'cat')");
  }
}
