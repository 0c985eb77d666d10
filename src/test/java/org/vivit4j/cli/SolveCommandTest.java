package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solve} end to end on problem files with the new layers, the BCE loss, the Monte-Carlo GGN
 * and the damped Newton computation: the result file holds the documented new fields, and bad
 * combinations exit with code 2 naming the field.
 */
class SolveCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Linear(3→4) – LayerNorm – ELU – Dropout – Linear(4→2), BCE, N = 3. */
  private static ObjectNode problem() {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", "cli");
    root.put("N", 3);
    root.putArray("input_shape").add(3);
    root.putObject("loss").put("type", "bce_with_logits").put("reduction", "mean");
    ArrayNode model = root.putArray("model");
    model.add(linear(3, 4, 0.3));
    ObjectNode ln = model.addObject().put("type", "layernorm").put("normalized_shape", 4);
    ln.putArray("weight").add(1.0).add(0.8).add(1.2).add(0.9);
    ln.putArray("bias").add(0.1).add(-0.1).add(0.0).add(0.2);
    model.addObject().put("type", "elu").put("alpha", 0.7);
    model.addObject().put("type", "dropout").put("p", 0.2);
    model.add(linear(4, 2, -0.4));
    root.set("X", matrix(3, 3, 0.9));
    ArrayNode y = root.putArray("y");
    y.addArray().add(0.0).add(1.0);
    y.addArray().add(0.5).add(0.25);
    y.addArray().add(1.0).add(0.0);
    ObjectNode comp = root.putObject("computation");
    comp.put("class", "damped_newton").put("mc_samples_ggn", 2).put("seed", 7);
    comp.putObject("damping").put("type", "constant").put("value", 1e-3);
    ObjectNode g = root.putArray("param_groups").addObject();
    g.putArray("params").add(0).add(1).add(2).add(3).add(4).add(5);
    g.putObject("criterion").put("type", "top_k").put("k", 3);
    return root;
  }

  private static ObjectNode linear(int in, int out, double base) {
    ObjectNode l = JSON.createObjectNode().put("type", "linear").put("in", in).put("out", out);
    l.set("weight", matrix(out, in, base));
    ArrayNode b = l.putArray("bias");
    for (int o = 0; o < out; o++) {
      b.add(base * (o - 1) / 3);
    }
    return l;
  }

  private static ArrayNode matrix(int rows, int cols, double base) {
    ArrayNode m = JSON.createArrayNode();
    for (int r = 0; r < rows; r++) {
      ArrayNode row = m.addArray();
      for (int c = 0; c < cols; c++) {
        row.add(base * Math.sin(1.0 + r * cols + c));
      }
    }
    return m;
  }

  private int solve(ObjectNode problem, Path out) throws Exception {
    Path in = dir.resolve("problem.json");
    Files.writeString(in, JSON.writeValueAsString(problem));
    PrintStream saved = System.out;
    try (PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream())) {
      System.setOut(quiet);
      var cl = Main.commandLine();
      cl.setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()));
      return cl.execute("solve", "--problem", in.toString(), "--out", out.toString());
    } finally {
      System.setOut(saved);
    }
  }

  @Test
  void dampedNewtonWithMonteCarloWritesTheNewFields() throws Exception {
    Path out = dir.resolve("result.json");
    assertEquals(0, solve(problem(), out));
    JsonNode r = JSON.readTree(out.toFile());
    assertEquals("damped_newton", r.get("computation").asText());
    JsonNode g = r.get("groups").get(0);
    assertEquals(6, g.get("gram_evals").size(), "C̃·N = M·N = 2·3");
    assertEquals(3, g.get("dampings").size());
    assertEquals(g.get("dim").asInt(), g.get("newton_step").size());
    assertEquals(3, g.get("gamma_snr").size());
    assertEquals(3, g.get("lambda_snr").size());
    assertTrue(g.get("ggn_trace").asDouble() > 0);
    assertTrue(g.get("ggn_frobenius_norm").asDouble() > 0);
    assertFalse(g.has("evecs"));
    // the same seed reproduces the file's numbers
    Path again = dir.resolve("again.json");
    assertEquals(0, solve(problem(), again));
    assertEquals(
        g.get("newton_step"),
        JSON.readTree(again.toFile()).get("groups").get(0).get("newton_step"));
  }

  @Test
  void everyComputationClassRuns() throws Exception {
    for (String cls : new String[] {"eigvalsh", "eigh", "directional_derivatives"}) {
      ObjectNode p = problem();
      ObjectNode comp = (ObjectNode) p.get("computation");
      comp.put("class", cls);
      comp.remove("damping");
      Path out = dir.resolve(cls + ".json");
      assertEquals(0, solve(p, out), cls);
      JsonNode g = JSON.readTree(out.toFile()).get("groups").get(0);
      assertTrue(g.has("ggn_trace"), cls);
      assertEquals(cls.equals("directional_derivatives"), g.has("gamma_snr"), cls);
      assertEquals(cls.equals("eigh"), g.has("evecs"), cls);
    }
  }

  @Test
  void badCombinationsExitWithTwoAndNoFile() throws Exception {
    ObjectNode noDamping = problem();
    ((ObjectNode) noDamping.get("computation")).remove("damping");
    ObjectNode dampingElsewhere = problem();
    ((ObjectNode) dampingElsewhere.get("computation")).put("class", "eigh");
    ObjectNode negative = problem();
    ((ObjectNode) negative.get("computation")).put("damping", -1.0);
    ObjectNode unknownRule = problem();
    ((ObjectNode) unknownRule.get("computation")).putObject("damping").put("type", "bootstrap");
    for (ObjectNode p : new ObjectNode[] {noDamping, dampingElsewhere, negative, unknownRule}) {
      Path out = dir.resolve("bad.json");
      assertEquals(2, solve(p, out));
      assertFalse(Files.exists(out));
    }
  }
}
