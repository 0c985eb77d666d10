package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.io.ProblemWriter;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;

/**
 * What a problem file says, through {@code tornado-run solve}: the one eigensolver default, the
 * warning for unknown top-level keys, names escaped on the terminal, a criterion that selects
 * nothing, one rule for class-index labels and whitespace in base64 data.
 */
class SolveProblemContentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static ObjectNode golden(String name) throws IOException {
    return (ObjectNode)
        JSON.readTree(Path.of("src/test/resources/golden/" + name + ".json").toFile());
  }

  /** ViViT's seed case: N = 4, MSE, C = 3. */
  private static ObjectNode seed() throws IOException {
    return golden("seed_mlp_relu_mse_mean_top4");
  }

  /** Cross-entropy, N = 6, C = 4, y = [N] class indices. */
  private static ObjectNode crossEntropy() throws IOException {
    return golden("mlp_relu_ce_mean_top4");
  }

  /** A successful run: its output, error stream and result file. */
  private record Solved(CliRun run, JsonNode result) {
    List<String> errLines() {
      String e = run.err().strip();
      return e.isEmpty() ? List.of() : List.of(e.split("\n"));
    }
  }

  /** The result's groups without the eigensolver's timings, which differ between runs. */
  private static JsonNode groups(Solved s) {
    JsonNode groups = s.result().get("groups").deepCopy();
    groups.forEach(g -> ((ObjectNode) g.get("eigensolver")).remove("seconds"));
    return groups;
  }

  private Solved solve(JsonNode problem, String... extra) throws IOException {
    return solveText(JSON.writeValueAsString(problem), extra);
  }

  private Solved solveText(String problemText, String... extra) throws IOException {
    Path problem = dir.resolve("problem.json");
    Files.writeString(problem, problemText);
    Path out = dir.resolve("result.json");
    Files.deleteIfExists(out);
    List<String> args =
        new ArrayList<>(List.of("solve", "--problem", problem.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    return new Solved(run, JSON.readTree(out.toFile()));
  }

  /** Asserts the bad-input contract (exit 2, one line, no result) and returns that line. */
  private String rejected(String problemText, String field) throws IOException {
    Path problem = dir.resolve("problem.json");
    Files.writeString(problem, problemText);
    Path out = dir.resolve("result.json");
    Files.deleteIfExists(out);
    CliRun run = CliRun.of("solve", "--problem", problem.toString(), "--out", out.toString());
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertTrue(lines[0].startsWith("error: " + field + ": "), lines[0]);
    assertFalse(Files.exists(out), "no result file may be written");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the problem file may exist: no temporary file left");
    }
    return lines[0];
  }

  private String rejected(ObjectNode problem, String field) throws IOException {
    return rejected(JSON.writeValueAsString(problem), field);
  }

  // --- item 8: one eigensolver default for problem files ---------------------------------------

  /** N·C = 200 > the automatic limit 160, MSE, one group with a top-3 criterion. */
  private ObjectNode aboveTheAutoLimit() throws IOException {
    int n = 50;
    int c = 4;
    assertTrue(n * c > EigenSolver.AUTO_DENSE_MAX_SIZE, "the case must be above the auto limit");
    RandomProblems.Instance inst =
        RandomProblems.mlp(
            5,
            new int[] {6, 8, c},
            new Activation[] {Activation.TANH},
            new LossSpec(LossType.MSE, Reduction.MEAN),
            n,
            true);
    int[] all = IntStream.range(0, inst.network().params().size()).toArray();
    Problem problem =
        new Problem(
            "above-auto-limit",
            inst.network(),
            inst.loss(),
            inst.batch(),
            ComputationOptions.defaults(),
            List.of(new ParamGroup("all", all, Criterion.topK(3))),
            "directional_derivatives");
    Path file = dir.resolve("generated.json");
    ProblemWriter.write(file, problem, null);
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    Files.delete(file);
    return root;
  }

  private void assertWholeSpectrum(Consumer<ObjectNode> computation, String what)
      throws IOException {
    ObjectNode root = aboveTheAutoLimit();
    computation.accept(root);
    JsonNode g = solve(root).result().get("groups").get(0);
    assertEquals(200, g.get("gram_evals").size(), what + ": the whole spectrum");
    assertEquals(0, g.get("gram_evals_offset").asInt(), what);
    assertEquals("dense", g.get("eigensolver").get("name").asText(), what);
  }

  @Test
  void aFileWithoutAComputationObjectRunsDense() throws IOException {
    assertWholeSpectrum(root -> root.remove("computation"), "no computation object");
  }

  @Test
  void aNullComputationRunsDense() throws IOException {
    assertWholeSpectrum(root -> root.putNull("computation"), "computation: null");
  }

  @Test
  void anEmptyComputationObjectRunsDense() throws IOException {
    assertWholeSpectrum(root -> root.putObject("computation"), "computation: {}");
  }

  @Test
  void aComputationWithoutEigensolverRunsDense() throws IOException {
    assertWholeSpectrum(
        root -> root.putObject("computation").put("class", "eigvalsh"),
        "computation without eigensolver");
  }

  @Test
  void theFileAndTheCommandLineCanStillAskForLanczos() throws IOException {
    ObjectNode root = aboveTheAutoLimit();
    root.remove("computation");
    JsonNode g = solve(root, "--eigensolver", "lanczos").result().get("groups").get(0);
    assertEquals("lanczos", g.get("eigensolver").get("name").asText());
    assertTrue(g.get("gram_evals").size() < 200);
    root.putObject("computation").put("eigensolver", "auto");
    g = solve(root).result().get("groups").get(0);
    assertEquals("lanczos", g.get("eigensolver").get("name").asText(), "auto above 160");
  }

  // --- unknown top-level keys ---------------------------------------------------------------

  @Test
  void aMisspeltTopLevelKeyIsNamedWithASuggestion() throws IOException {
    ObjectNode root = seed();
    root.set("computaton", root.remove("computation"));
    root.put("my_own_metadata", "kept by the user");
    root.put("odd\nkey\u001b[2J", 1);
    Solved s = solve(root);
    String misspelt = "unknown top-level key 'computaton' is ignored (did you mean 'computation'?)";
    String foreign = "unknown top-level key 'my_own_metadata' is ignored";
    String odd = "unknown top-level key 'odd\nkey\u001b[2J' is ignored";
    assertEquals(
        List.of(
            "warning: " + misspelt,
            "warning: " + foreign,
            "warning: unknown top-level key 'odd\\nkey\\u001b[2J' is ignored"),
        s.errLines());
    List<String> notes = new ArrayList<>();
    s.result().get("notes").forEach(n -> notes.add(n.asText()));
    assertEquals(List.of(misspelt, foreign, odd), notes, "the result keeps the raw key");
  }

  @Test
  void goldenMetadataKeysStaySilent() throws IOException {
    ObjectNode root = seed();
    for (String key :
        List.of("outputs", "check", "provenance", "description", "dtype", "vivit_warnings")) {
      assertTrue(root.has(key), key + " is in the golden file");
    }
    Solved s = solve(root);
    assertEquals(List.of(), s.errLines());
    assertFalse(s.result().has("notes"), s.result().toString());
  }

  // --- names on the terminal -----------------------------------------------------------------

  @Test
  void theProblemAndGroupNamesArePrintedEscaped() throws IOException {
    ObjectNode root = seed();
    String name = "two\nlines\u0000nul\u001b[31mred\u009b2J\u202eevil\\";
    root.put("name", name);
    ((ObjectNode) root.get("param_groups").get(0)).put("name", "g\r\n1");
    Solved s = solve(root);
    String out = s.run().out();
    for (char c : new char[] {'\u0000', '\u001b', '\u009b', '\u202e', '\r'}) {
      assertEquals(-1, out.indexOf(c), "raw char " + (int) c + " printed: " + out);
    }
    String first = out.lines().findFirst().orElseThrow();
    assertTrue(
        first.startsWith("two\\nlines\\u0000nul\\u001b[31mred\\u009b2J\\u202eevil\\\\: "), first);
    assertTrue(out.contains("  group g\\r\\n1: dim"), out);
    assertEquals(name, s.result().get("name").asText(), "the result keeps the raw name");
  }

  @Test
  void aStringQuotedInAnErrorCannotBreakTheLine() throws IOException {
    ObjectNode root = seed();
    ((ObjectNode) root.get("loss")).put("type", "hinge\n\u001b[2Jerror: fake");
    String line = rejected(root, "loss.type");
    assertTrue(line.contains("'hinge\\n\\u001b[2Jerror: fake'"), line);
  }

  // --- a criterion that selects nothing -------------------------------------------------------

  @Test
  void aThresholdThatSelectsNothingSaysSo() throws IOException {
    for (String cls : List.of("directional_derivatives", "eigh", "eigvalsh", "damped_newton")) {
      ObjectNode root = seed();
      ((ObjectNode) root.get("computation")).put("class", cls);
      if (cls.equals("damped_newton")) {
        ((ObjectNode) root.get("computation")).put("damping", 0.5);
      }
      ((ObjectNode) root.get("param_groups").get(0))
          .putObject("criterion")
          .put("type", "threshold")
          .put("threshold", 1e6);
      Solved s = solve(root);
      String expected = "param_groups[0].criterion: selects no direction: threshold 1000000.0";
      assertEquals(1, s.errLines().size(), cls + ": " + s.run().err());
      assertTrue(s.errLines().get(0).startsWith("warning: " + expected), s.run().err());
      JsonNode g = s.result().get("groups").get(0);
      assertEquals(0, g.get("selected_indices").size(), cls);
      assertEquals(1, g.get("warnings").size(), cls);
      assertTrue(g.get("warnings").get(0).asText().startsWith(expected), cls);
      assertTrue(s.run().out().contains("selected 0"), s.run().out());
      if (cls.equals("damped_newton")) {
        assertEquals(g.get("dim").asInt(), g.get("newton_step").size());
        g.get("newton_step").forEach(v -> assertEquals(0.0, v.asDouble(), cls + ": no step"));
        assertEquals(0, g.get("dampings").size());
      }
    }
  }

  // --- class-index labels: one rule ---------------------------------------------------------

  private static ObjectNode encoded(String dtype, int n, byte[] bytes) {
    ObjectNode o = JSON.createObjectNode();
    o.put("encoding", "base64").put("dtype", dtype).put("byte_order", "little");
    o.putArray("shape").add(n);
    o.put("data", Base64.getEncoder().encodeToString(bytes));
    return o;
  }

  private static byte[] float64(JsonNode labels, double first) {
    ByteBuffer b = ByteBuffer.allocate(8 * labels.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.putDouble(first);
    for (int i = 1; i < labels.size(); i++) {
      b.putDouble(labels.get(i).asInt());
    }
    return b.array();
  }

  @Test
  void integralFloatLabelsAreClassIndicesInBothForms() throws IOException {
    ObjectNode reference = crossEntropy();
    int y0 = reference.get("y").get(0).asInt();
    JsonNode expected = groups(solve(reference));

    ObjectNode literal = crossEntropy();
    ((ArrayNode) literal.get("y")).set(0, JSON.getNodeFactory().numberNode((double) y0));
    assertTrue(JSON.writeValueAsString(literal).contains("[" + y0 + ".0,"), "a float literal");
    assertEquals(expected, groups(solve(literal)), "literal " + y0 + ".0");

    ObjectNode base64 = crossEntropy();
    base64.set("y", encoded("float64", 6, float64(reference.get("y"), y0)));
    assertEquals(expected, groups(solve(base64)), "float64 " + y0 + ".0");
  }

  @Test
  void aFractionalLabelIsRejectedInBothForms() throws IOException {
    ObjectNode literal = crossEntropy();
    ((ArrayNode) literal.get("y")).set(0, JSON.getNodeFactory().numberNode(1.5));
    String a = rejected(literal, "y[0]");
    ObjectNode base64 = crossEntropy();
    base64.set("y", encoded("float64", 6, float64(crossEntropy().get("y"), 1.5)));
    String b = rejected(base64, "y[0]");
    assertEquals("error: y[0]: must be an integer class index, got 1.5", a);
    assertEquals(a, b, "one rule, one message");
  }

  // --- base64 with whitespace ---------------------------------------------------------------

  /** Wraps base64 at 76 columns as the base64 tool does, with a trailing newline. */
  private static String wrapped(String data) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < data.length(); i += 76) {
      sb.append(data, i, Math.min(data.length(), i + 76)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void base64WrappedIntoLinesReadsAsTheUnwrappedData() throws IOException {
    ObjectNode root = seed();
    JsonNode x = root.get("X");
    int n = x.size();
    int d = x.get(0).size();
    ByteBuffer b = ByteBuffer.allocate(8 * n * d).order(ByteOrder.LITTLE_ENDIAN);
    x.forEach(row -> row.forEach(v -> b.putDouble(v.doubleValue())));
    ObjectNode enc = JSON.createObjectNode();
    enc.put("encoding", "base64").put("dtype", "float64");
    enc.putArray("shape").add(n).add(d);
    String data = Base64.getEncoder().encodeToString(b.array());
    assertTrue(data.length() > 76, "the data must wrap");
    enc.put("data", wrapped(data));
    JsonNode expected = groups(solve(root));
    root.set("X", enc);
    assertEquals(expected, groups(solve(root)));
    enc.put("data", " \t" + data.substring(0, 10) + "\r\n " + data.substring(10) + "\n");
    assertEquals(expected, groups(solve(root)), "spaces, tabs and CRLF too");
  }

  @Test
  void base64WithOtherForeignCharactersIsStillRejected() throws IOException {
    ObjectNode root = seed();
    ObjectNode enc = JSON.createObjectNode();
    enc.put("encoding", "base64").put("dtype", "float64");
    enc.putArray("shape").add(4).add(7);
    enc.put("data", "AAAA,AAAA");
    root.set("X", enc);
    assertEquals(
        "error: X.data: is not valid base64: character ',' (U+002C) at position 4 is not in the"
            + " base64 alphabet",
        rejected(root, "X.data"));
  }
}
