package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.data.NpyReader;

/**
 * An exported {@code nn.Embedding} + {@code nn.Linear} ({@code embedding_mlp.onnx}, int64 indices):
 * a problem file naming the model with {@code X} of indices solves to the cross-entropy of
 * PyTorch's saved float64 logits. ({@code make-problem --onnx} refuses an integer {@code X.npy} for
 * now: {@code cli/OnnxProblemMaker} takes reals only.)
 */
class OnnxEmbeddingProblemTest {
  static final Path SRC = Path.of("src/test/resources/onnx");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  /** Mean cross-entropy of PyTorch's logits against the saved labels. */
  private static double pyTorchLoss() throws Exception {
    double[] logits = NpyReader.read(SRC.resolve("embedding_mlp.out.npy")).reals();
    long[] y = NpyReader.read(SRC.resolve("embedding_mlp.y.npy")).ints();
    int c = logits.length / y.length;
    double loss = 0;
    for (int n = 0; n < y.length; n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        max = Math.max(max, logits[n * c + k]);
      }
      double sum = 0;
      for (int k = 0; k < c; k++) {
        sum += Math.exp(logits[n * c + k] - max);
      }
      loss += max + Math.log(sum) - logits[n * c + (int) y[n]];
    }
    return loss / y.length;
  }

  private JsonNode solve(Path problem) throws Exception {
    Path result = dir.resolve("r.json");
    CliRun solved = CliRun.of("solve", "--problem", problem.toString(), "--out", result.toString());
    assertEquals(0, solved.exitCode(), solved.err());
    return MAPPER.readTree(result.toFile());
  }

  @Test
  void aProblemFileWithIndicesSolvesToPyTorchsLoss() throws Exception {
    Files.copy(SRC.resolve("embedding_mlp.onnx"), dir.resolve("net.onnx"));
    long[] x = NpyReader.read(SRC.resolve("embedding_mlp.x.npy")).ints();
    long[] y = NpyReader.read(SRC.resolve("embedding_mlp.y.npy")).ints();
    ObjectNode p = MAPPER.createObjectNode();
    p.put("name", "embedding_mlp").put("N", 4);
    p.putArray("input_shape").add(5);
    p.putObject("loss").put("type", "cross_entropy").put("reduction", "mean");
    p.putObject("model").put("format", "onnx").put("path", "net.onnx");
    ArrayNode xs = p.putArray("X");
    for (int n = 0; n < 4; n++) {
      ArrayNode row = xs.addArray();
      for (int l = 0; l < 5; l++) {
        row.add(x[n * 5 + l]);
      }
    }
    ArrayNode ys = p.putArray("y");
    for (long v : y) {
      ys.add(v);
    }
    ObjectNode g = p.putArray("param_groups").addObject();
    g.putArray("params").add("emb.weight");
    g.putObject("criterion").put("type", "top_k").put("k", 2);
    Path problem = dir.resolve("p.json");
    MAPPER.writeValue(problem.toFile(), p);
    JsonNode r = solve(problem);
    assertEquals(pyTorchLoss(), r.get("loss").doubleValue(), 1e-12 * pyTorchLoss());
    assertEquals(2, r.get("groups").get(0).get("evals").size());
    // an index outside the table: one line naming the entry, exit 2
    ((ArrayNode) p.get("X").get(2)).set(1, 10);
    MAPPER.writeValue(problem.toFile(), p);
    CliRun bad =
        CliRun.of(
            "solve", "--problem", problem.toString(), "--out", dir.resolve("b.json").toString());
    assertEquals(2, bad.exitCode(), bad.err());
    assertEquals(true, bad.err().contains("X[2][1]: is 10.0"), bad.err());
  }
}
