package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code computation.outputs} through {@code solve}: the result file holds every listed output,
 * each equal (to the last bit, read back from the files) to what the class that computes it alone
 * writes, from one factor pass ({@code passes:} line); bad lists exit 2 naming the field and write
 * nothing.
 */
class SolveOutputsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Linear(4→5) – tanh – Linear(5→3), cross-entropy, N = 4, top-3 over all parameters. */
  private static ObjectNode problem() {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", "outputs");
    root.put("N", 4);
    root.putArray("input_shape").add(4);
    root.putObject("loss").put("type", "cross_entropy").put("reduction", "mean");
    ArrayNode model = root.putArray("model");
    model.add(linear(4, 5, 0.4));
    model.addObject().put("type", "tanh");
    model.add(linear(5, 3, -0.5));
    ArrayNode x = root.putArray("X");
    for (int n = 0; n < 4; n++) {
      ArrayNode row = x.addArray();
      for (int i = 0; i < 4; i++) {
        row.add(Math.cos(1.0 + 4 * n + i));
      }
    }
    root.putArray("y").add(0).add(2).add(1).add(2);
    root.putObject("computation");
    ObjectNode g = root.putArray("param_groups").addObject();
    g.putArray("params").add(0).add(1).add(2).add(3);
    g.putObject("criterion").put("type", "top_k").put("k", 3);
    return root;
  }

  private static ObjectNode linear(int in, int out, double base) {
    ObjectNode l = JSON.createObjectNode().put("type", "linear").put("in", in).put("out", out);
    ArrayNode w = l.putArray("weight");
    for (int o = 0; o < out; o++) {
      ArrayNode row = w.addArray();
      for (int i = 0; i < in; i++) {
        row.add(base * Math.sin(1.0 + o * in + i));
      }
    }
    ArrayNode b = l.putArray("bias");
    for (int o = 0; o < out; o++) {
      b.add(base * (o - 1) / 3);
    }
    return l;
  }

  private static ObjectNode with(Consumer<ObjectNode> computation) {
    ObjectNode p = problem();
    computation.accept((ObjectNode) p.get("computation"));
    return p;
  }

  record Solved(CliRun run, JsonNode result, Path out) {}

  private Solved solve(String name, ObjectNode problem, String... extra) throws Exception {
    Path in = dir.resolve(name + ".problem.json");
    Files.writeString(in, JSON.writeValueAsString(problem));
    Path out = dir.resolve(name + ".result.json");
    List<String> args =
        new ArrayList<>(List.of("solve", "--problem", in.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    JsonNode result = Files.exists(out) ? JSON.readTree(out.toFile()) : null;
    return new Solved(run, result, out);
  }

  @Test
  void everyListedOutputIsWrittenFromOnePassAndEqualsItsClassAlone() throws Exception {
    Solved all =
        solve(
            "all",
            with(
                c -> {
                  c.putArray("outputs")
                      .add("eigenvalues")
                      .add("eigenvectors")
                      .add("gammas")
                      .add("lambdas")
                      .add("newton_step");
                  c.put("damping", 0.05);
                }));
    assertEquals(0, all.run().exitCode(), all.run().err());
    assertTrue(
        all.run().out().contains("passes: 1 factor pass, 1 eigensolve, V·w from kept factors"),
        all.run().out());
    assertTrue(all.run().out().contains("outputs [eigenvalues, eigenvectors"), all.run().out());
    JsonNode r = all.result();
    assertEquals("outputs", r.get("computation").textValue());
    assertEquals(
        "[\"eigenvalues\",\"eigenvectors\",\"gammas\",\"lambdas\",\"newton_step\"]",
        r.get("outputs").toString());
    JsonNode g = r.get("groups").get(0);
    for (String key :
        List.of(
            "evals",
            "evecs",
            "gammas",
            "lambdas",
            "gamma_snr",
            "lambda_snr",
            "dampings",
            "newton_step",
            "ggn_trace")) {
      assertTrue(g.has(key), key + " missing: " + g.fieldNames());
    }

    Solved eigh = solve("eigh", with(c -> c.put("class", "eigh")), "--factor-reuse", "rerun");
    assertEquals(0, eigh.run().exitCode(), eigh.run().err());
    assertTrue(
        eigh.run().out().contains("passes: 2 factor passes, 1 eigensolve"), eigh.run().out());
    Solved dd = solve("dd", with(c -> c.put("class", "directional_derivatives")));
    Solved newton =
        solve("newton", with(c -> c.put("class", "damped_newton").put("damping", 0.05)));
    JsonNode e = eigh.result().get("groups").get(0);
    JsonNode d = dd.result().get("groups").get(0);
    JsonNode s = newton.result().get("groups").get(0);
    // the files' shortest round-tripping doubles: equal text is equal bits
    assertEquals(e.get("gram_evals"), g.get("gram_evals"));
    assertEquals(e.get("evals"), g.get("evals"));
    assertEquals(e.get("evecs"), g.get("evecs"));
    assertEquals(d.get("gammas"), g.get("gammas"));
    assertEquals(d.get("lambdas"), g.get("lambdas"));
    assertEquals(d.get("gamma_snr"), g.get("gamma_snr"));
    assertEquals(s.get("newton_step"), g.get("newton_step"));
    assertEquals(s.get("dampings"), g.get("dampings"));
    assertEquals(e.get("ggn_trace"), g.get("ggn_trace"));
    assertFalse(eigh.result().has("outputs"), "a class's result has no outputs list");
  }

  @Test
  void aListWithoutGammasWritesNoGammas() throws Exception {
    Solved s =
        solve("lambdas", with(c -> c.putArray("outputs").add("lambdas").add("eigenvectors")));
    assertEquals(0, s.run().exitCode(), s.run().err());
    JsonNode g = s.result().get("groups").get(0);
    assertTrue(g.has("lambdas") && g.has("evecs") && g.has("evals"), g.toString());
    assertFalse(g.has("gammas") || g.has("gamma_snr") || g.has("newton_step"), g.toString());
    assertEquals(
        "[\"eigenvalues\",\"eigenvectors\",\"lambdas\"]", s.result().get("outputs").toString());
  }

  @Test
  void badOutputListsExitTwoNamingTheFieldAndWriteNothing() throws Exception {
    record Bad(Consumer<ObjectNode> computation, String message) {}
    List<Bad> bad =
        List.of(
            new Bad(
                c -> c.put("class", "eigh").putArray("outputs").add("eigenvalues"),
                "error: computation.outputs: give either computation.class or computation.outputs"),
            new Bad(
                c -> c.putArray("outputs").add("eigenvalues").add("eigenvector"),
                "error: computation.outputs[1]: unknown output 'eigenvector' (eigenvalues,"),
            new Bad(
                c -> c.putArray("outputs").add("gammas").add("gammas"),
                "error: computation.outputs[1]: 'gammas' is listed twice"),
            new Bad(c -> c.putArray("outputs"), "error: computation.outputs: must not be empty"),
            new Bad(c -> c.put("outputs", "gammas"), "error: computation.outputs: must be a"),
            new Bad(
                c -> c.putArray("outputs").add(3),
                "error: computation.outputs[0]: must be a string"),
            new Bad(
                c -> c.putArray("outputs").add("newton_step"),
                "error: computation.damping: required field is missing: the newton_step output"
                    + " needs a damping"),
            new Bad(
                c -> c.put("damping", 0.1).putArray("outputs").add("gammas"),
                "error: computation.damping: is only used by the damped_newton computation, not by"
                    + " outputs without newton_step"));
    for (int i = 0; i < bad.size(); i++) {
      Solved s = solve("bad" + i, with(bad.get(i).computation()));
      assertEquals(2, s.run().exitCode(), s.run().err());
      assertTrue(s.run().err().startsWith(bad.get(i).message()), s.run().err());
      assertFalse(Files.exists(s.out()), "no output file");
    }
    Solved reuse = solve("reuse", problem(), "--factor-reuse", "sometimes");
    assertEquals(2, reuse.run().exitCode());
    assertTrue(
        reuse.run().err().startsWith("error: --factor-reuse: unknown choice 'sometimes'"),
        reuse.run().err());
    assertFalse(Files.exists(reuse.out()), "no output file");
  }

  /**
   * {@code --factor-chunk 1} (N = 4: four chunks, six Gram passes and four per V·w) prints its note
   * and agrees with the plain pass; a budget of a few bytes chunks to one sample; bad values of
   * either flag exit 2 naming it, with no output.
   */
  @Test
  void factorChunksAreReportedAndBadValuesRefused() throws Exception {
    Solved plain = solve("plain", with(c -> c.put("class", "eigh")));
    Solved chunked = solve("chunk1", with(c -> c.put("class", "eigh")), "--factor-chunk", "1");
    assertEquals(0, chunked.run().exitCode(), chunked.run().err());
    String out = chunked.run().out();
    assertTrue(out.contains("note: factor pass in 4 chunks of 1 GGN samples"), out);
    assertTrue(out.contains("passes: 10 factor passes, 1 eigensolve"), out);
    JsonNode p = plain.result().get("groups").get(0);
    JsonNode c = chunked.result().get("groups").get(0);
    for (int i = 0; i < p.get("gram_evals").size(); i++) {
      double e = p.get("gram_evals").get(i).doubleValue();
      double a = c.get("gram_evals").get(i).doubleValue();
      double max = p.get("gram_evals").get(p.get("gram_evals").size() - 1).doubleValue();
      assertEquals(e, a, org.vivit4j.testing.Tolerances.F64_EVALS * max, "gram_evals " + i);
    }
    Solved budget = solve("budget", with(c2 -> c2.put("class", "eigh")), "--factor-memory", "8");
    assertEquals(0, budget.run().exitCode(), budget.run().err());
    assertTrue(budget.run().out().contains("chunks of 1 GGN samples"), budget.run().out());

    String[][] bad = {
      {"--factor-chunk", "0", "error: --factor-chunk: must be at least 1"},
      {"--factor-memory", "0", "error: --factor-memory: must be between 1 byte"},
      {"--factor-memory", "2x", "error: --factor-memory: is not a byte count: '2x'"},
      {"--factor-memory", "99999999999g", "error: --factor-memory: must be between 1 byte"},
      {"--factor-memory", "+5", "error: --factor-memory: is not a byte count: '+5'"},
      {"--factor-memory", " 64m", "error: --factor-memory: is not a byte count: ' 64m'"},
      {"--factor-memory", "1.5m", "error: --factor-memory: is not a byte count: '1.5m'"},
      {"--factor-chunk", "x", "error: --factor-chunk: 'x' is not an int"},
    };
    for (int i = 0; i < bad.length; i++) {
      Solved s = solve("badchunk" + i, problem(), bad[i][0], bad[i][1]);
      assertEquals(2, s.run().exitCode(), s.run().err());
      assertTrue(s.run().err().startsWith(bad[i][2]), s.run().err());
      assertFalse(Files.exists(s.out()), "no output file");
    }
    Solved both = solve("chunkkeep", problem(), "--factor-chunk", "1", "--factor-reuse", "keep");
    assertEquals(2, both.run().exitCode(), both.run().err());
    assertTrue(
        both.run().err().startsWith("error: --factor-reuse: keep needs the plain factor pass"),
        both.run().err());
    assertFalse(Files.exists(both.out()), "no output file");
  }

  /** {@code make-problem --outputs} writes {@code computation.outputs} instead of the class. */
  @Test
  void makeProblemWritesTheListedOutputs() throws Exception {
    Path out = dir.resolve("made.json");
    CliRun bad =
        CliRun.of(
            "make-problem",
            "fmnist_2c2d",
            "--n",
            "1",
            "--random-data",
            "--outputs",
            "eigenvectors,newton_step",
            "--out",
            out.toString());
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().startsWith("error: --outputs: newton_step needs a damping"), bad.err());
    assertFalse(Files.exists(out), "no output file");
    CliRun made =
        CliRun.of(
            "make-problem",
            "fmnist_2c2d",
            "--n",
            "1",
            "--random-data",
            "--outputs",
            "lambdas,eigenvectors",
            "--out",
            out.toString());
    assertEquals(0, made.exitCode(), made.err());
    JsonNode computation = JSON.readTree(out.toFile()).get("computation");
    assertEquals(
        "[\"eigenvalues\",\"eigenvectors\",\"lambdas\"]", computation.get("outputs").toString());
    assertFalse(computation.has("class"), computation.toString());
  }
}
