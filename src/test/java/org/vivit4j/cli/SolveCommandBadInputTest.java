package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input of the foundation issue through {@code tornado-run solve}: one line naming the
 * field and the problem, exit code 2, and no output file (nor a temporary one).
 */
class SolveCommandBadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static ObjectNode seed() throws IOException {
    return (ObjectNode)
        JSON.readTree(
            Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json").toFile());
  }

  /** Writes the problem, runs solve, asserts the error contract, returns stderr. */
  private String assertRejected(String problemText, String field, String phrase)
      throws IOException {
    Path problem = dir.resolve("problem.json");
    Files.writeString(problem, problemText);
    Path out = dir.resolve("result.json");
    CliRun run = CliRun.of("solve", "--problem", problem.toString(), "--out", out.toString());
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertTrue(lines[0].startsWith("error: " + field + ":"), lines[0]);
    assertTrue(lines[0].contains(phrase), lines[0]);
    assertFalse(Files.exists(out), "no result file may be written");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the problem file may exist: no temporary file left");
    }
    return lines[0];
  }

  private void assertRejected(Consumer<ObjectNode> mutate, String field, String phrase)
      throws IOException {
    ObjectNode p = seed();
    mutate.accept(p);
    assertRejected(JSON.writeValueAsString(p), field, phrase);
  }

  @Test
  void malformedJson() throws IOException {
    String line = assertRejected("{\"name\": \"x\", ", "--problem", "malformed JSON at line 1");
    assertTrue(line.contains(dir.resolve("problem.json").toString()), line);
  }

  @Test
  void unknownLayerType() throws IOException {
    assertRejected(
        p -> ((ObjectNode) p.get("model").get(1)).put("type", "swiglu"), "model[1].type", "swiglu");
  }

  @Test
  void unknownLossType() throws IOException {
    assertRejected(p -> ((ObjectNode) p.get("loss")).put("type", "hinge"), "loss.type", "hinge");
  }

  @Test
  void shapesThatDoNotChain() throws IOException {
    assertRejected(
        p -> {
          ObjectNode last = (ObjectNode) p.get("model").get(4);
          last.put("in", 4);
          ArrayNode w = (ArrayNode) last.get("weight");
          w.forEach(row -> ((ArrayNode) row).remove(0));
          p.remove("params");
        },
        "model[4].in",
        "");
  }

  @Test
  void parameterIndexOutOfRange() throws IOException {
    assertRejected(
        p -> ((ArrayNode) p.get("param_groups").get(0).get("params")).add(6),
        "param_groups[0].params[6]",
        "6");
  }

  @Test
  void duplicateSubsamplingIndex() throws IOException {
    assertRejected(
        p -> {
          ObjectNode c = (ObjectNode) p.get("computation");
          c.putArray("subsampling_ggn").add(1).add(1);
          c.remove("N_ggn");
        },
        "computation.subsampling_ggn[1]",
        "1");
  }

  @Test
  void subsamplingIndexOutOfRange() throws IOException {
    assertRejected(
        p -> {
          ObjectNode c = (ObjectNode) p.get("computation");
          c.putArray("subsampling_grad").add(0).add(4);
          c.remove("N_grad");
        },
        "computation.subsampling_grad[1]",
        "4");
  }

  @Test
  void nanInX() throws IOException {
    String text = JSON.writeValueAsString(seed());
    ObjectNode p = seed();
    String firstX = p.get("X").get(2).get(3).asText();
    assertRejected(
        text.replaceFirst(java.util.regex.Pattern.quote(firstX), "NaN"), "X[2][3]", "NaN");
  }

  @Test
  void infinityInY() throws IOException {
    ObjectNode p = seed();
    String text = JSON.writeValueAsString(p);
    String y = p.get("y").get(1).get(0).asText();
    assertRejected(
        text.replaceFirst(java.util.regex.Pattern.quote(y), "Infinity"), "y[1][0]", "Infinity");
  }

  @Test
  void nanInWeights() throws IOException {
    ObjectNode p = seed();
    String text = JSON.writeValueAsString(p);
    String w = p.get("model").get(2).get("weight").get(0).get(0).asText();
    assertRejected(
        text.replaceFirst(java.util.regex.Pattern.quote(w), "NaN"), "model[2].weight[0][0]", "NaN");
  }

  @Test
  void kLargerThanTheGramSize() throws IOException {
    assertRejected(
        p -> ((ObjectNode) p.get("param_groups").get(0).get("criterion")).put("k", 13),
        "param_groups[0].criterion.k",
        "13");
  }

  @Test
  void emptyGroup() throws IOException {
    assertRejected(
        p -> ((ObjectNode) p.get("param_groups").get(0)).putArray("params"),
        "param_groups[0].params",
        "empty");
  }

  private static ObjectNode convCase() throws IOException {
    return (ObjectNode)
        JSON.readTree(
            Path.of("src/test/resources/golden/conv2d_relu_flatten_linear_ce_mean_top5.json")
                .toFile());
  }

  @Test
  void conv2dWithGroupsIsNotSupportedYet() throws IOException {
    ObjectNode p = convCase();
    ((ObjectNode) p.get("model").get(0)).put("groups", 2);
    assertRejected(JSON.writeValueAsString(p), "model[0].groups", "not supported yet");
  }

  @Test
  void maxPoolWithCeilModeIsNotSupportedYet() throws IOException {
    ObjectNode p = convCase();
    // conv output [3, 6, 6] → maxpool 2 → [3, 3, 3] → flatten 27: the linear layer sees 27
    ObjectNode pool = JSON.createObjectNode().put("type", "maxpool2d").put("kernel_size", 2);
    pool.put("ceil_mode", true);
    ((com.fasterxml.jackson.databind.node.ArrayNode) p.get("model")).insert(2, pool);
    assertRejected(JSON.writeValueAsString(p), "model[2].ceil_mode", "not supported yet");
  }

  @Test
  void anUnknownConvGramStrategyIsBadInput() throws IOException {
    Path problem = dir.resolve("problem.json");
    Files.writeString(problem, JSON.writeValueAsString(seed()));
    Path out = dir.resolve("result.json");
    CliRun run =
        CliRun.of(
            "solve",
            "--problem",
            problem.toString(),
            "--out",
            out.toString(),
            "--conv-gram",
            "fastest");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--conv-gram: unknown strategy 'fastest'"), run.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void aSmallSelectedEigenvalueIsAWarningNotAnError() throws IOException {
    ObjectNode p = seed();
    ((ObjectNode) p.get("computation")).put("warn_small_eigvals", 1.0);
    Path problem = dir.resolve("problem.json");
    Files.writeString(problem, JSON.writeValueAsString(p));
    Path out = dir.resolve("result.json");
    CliRun run = CliRun.of("solve", "--problem", problem.toString(), "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.err().contains("warning: param_groups[0].criterion: selected eigenvalue"), run.err());
    assertTrue(Files.exists(out));
  }
}
