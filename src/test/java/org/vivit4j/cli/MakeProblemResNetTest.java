package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.data.SyntheticFashionMnist;

/**
 * {@code make-problem fmnist_resnet} writes a graph problem that {@code solve} runs: on
 * Fashion-MNIST IDX files (a synthetic stand-in) and on random data, with the state_dict names in
 * the result and the running statistics estimated (not PyTorch's initial 0 and 1).
 */
class MakeProblemResNetTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private JsonNode makeAndSolve(String... dataFlags) throws IOException {
    Path problem = dir.resolve("p.json");
    Path result = dir.resolve("r.json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "make-problem", "fmnist_resnet", "--n", "2", "--k", "3", "--out", "" + problem));
    args.addAll(List.of(dataFlags));
    CliRun made = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, made.exitCode(), made.err());
    assertTrue(made.out().contains("fmnist_resnet_n2_top3: 19706 parameters"), made.out());
    JsonNode p = JSON.readTree(problem.toFile());
    JsonNode nodes = p.get("graph").get("nodes");
    JsonNode bn = null;
    for (JsonNode node : nodes) {
      if (node.get("name").asText().equals("layer2.0.downsample.1")) {
        bn = node;
      }
    }
    assertEquals("batchnorm2d", bn.get("type").asText());
    assertTrue(bn.get("running_var").get(0).asDouble() != 1.0, "estimated running variance");
    CliRun solved = CliRun.of("solve", "--problem", problem.toString(), "--out", result.toString());
    assertEquals(0, solved.exitCode(), solved.err());
    return JSON.readTree(result.toFile());
  }

  private static void assertSolved(JsonNode r) {
    JsonNode g = r.get("groups").get(0);
    assertEquals(20, g.get("param_names").size());
    assertEquals("layer1.0.conv1.weight", g.get("param_names").get(3).asText());
    assertEquals("layer2.0.downsample.0.weight", g.get("param_names").get(15).asText());
    assertEquals(3, g.get("evals").size());
    assertEquals(2, g.get("lambdas").size());
    assertTrue(Double.isFinite(r.get("loss").asDouble()) && r.get("loss").asDouble() > 0);
  }

  @Test
  void onFashionMnistFilesItSolves() throws IOException {
    Path data = SyntheticFashionMnist.write(dir.resolve("fmnist"), 40, 5, 3);
    assertSolved(makeAndSolve("--data", data.toString()));
  }

  @Test
  void onRandomDataItSolves() throws IOException {
    assertSolved(makeAndSolve("--random-data"));
  }
}
