package org.vivit4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.cli.Main;
import org.vivit4j.io.ProblemReader;

/**
 * The fuzzer's own checks can fail: mutants are reproducible from their seed, an unmodified problem
 * passes the contract, and each corrupted result number is caught by {@link ResultIdentities}.
 */
class FuzzSelfTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aMutantIsDeterminedByItsSeed() {
    List<BaseProblems.Base> bases = BaseProblems.load(dir);
    Mutant a = new Mutator(bases).mutant(42);
    Mutant b = new Mutator(BaseProblems.load(dir)).mutant(42);
    assertEquals(a.mutations(), b.mutations());
    assertArrayEquals(a.bytes(), b.bytes());
    assertFalse(a.mutations().isEmpty());
  }

  /**
   * The chunking options come from a stream of their own: with or without them, the CI seeds make
   * the same files, mutations, other options and twins, the chunking option only appended.
   */
  @Test
  void chunkingOptionsLeaveEveryOtherDrawAsItWas() {
    List<BaseProblems.Base> bases = BaseProblems.load(dir);
    Mutator with = new Mutator(bases);
    Mutator without = new Mutator(bases, false);
    int given = 0;
    for (long seed = FuzzSolveTest.CI_BASE_SEED; seed < FuzzSolveTest.CI_BASE_SEED + 200; seed++) {
      Mutant a = without.mutant(seed);
      Mutant b = with.mutant(seed);
      assertEquals(a.mutations(), b.mutations(), "seed " + seed);
      assertArrayEquals(a.bytes(), b.bytes(), "seed " + seed);
      assertEquals(a.twin() == null, b.twin() == null, "seed " + seed);
      if (a.twin() != null) {
        assertArrayEquals(a.twin().bytes(), b.twin().bytes(), "seed " + seed);
      }
      List<String> flags = new java.util.ArrayList<>(a.flags());
      flags.addAll(ChunkFlags.draw(seed));
      assertEquals(flags, b.flags(), "seed " + seed);
      given += ChunkFlags.draw(seed).isEmpty() ? 0 : 1;
    }
    // one in ChunkFlags.ODDS = 4: 50 expected of 200
    assertTrue(given > 25 && given < 75, given + " of 200 mutants got a chunking option");
  }

  /**
   * Each chunking value on the seed golden problem: a bad one is one line naming its option, exit
   * 2, nothing written; a valid one solves to a result whose identities hold.
   */
  @Test
  void everyChunkingValueIsRefusedNamingItsOptionOrSolves() throws Exception {
    byte[] text =
        Files.readAllBytes(Path.of("src/test/resources/golden/mlp_tanh_ce_sum_top4.json"));
    int i = 0;
    for (ChunkFlags.Value value : ChunkFlags.VALUES) {
      Mutant m = new Mutant(0, "seed", List.of(), text, List.of(value.option(), value.text()));
      SolveContract.Verdict v = SolveContract.run(m, dir.resolve("chunk" + i++));
      String what = value.option() + " '" + value.text() + "'";
      assertNull(v.failureClass(), what + ": " + v.detail());
      if (value.bad()) {
        assertEquals(2, v.exitCode(), what);
        assertTrue(
            v.detail().startsWith("error: " + value.option() + ": "), what + ": " + v.detail());
      } else {
        assertTrue(v.valid(), what + " must solve, got " + v.detail());
      }
    }
  }

  @Test
  void everyBaseProblemSolvesToAValidResult() {
    List<BaseProblems.Base> bases = BaseProblems.load(dir);
    for (BaseProblems.Base base : bases) {
      byte[] text = BaseProblems.text(base.tree()).getBytes(StandardCharsets.UTF_8);
      Mutant m = new Mutant(0, base.name(), List.of(), text, List.of());
      SolveContract.Verdict v = SolveContract.run(m, dir.resolve("base"));
      assertNull(v.failureClass(), base.name() + ": " + v.detail());
      assertTrue(v.valid(), base.name() + " must solve, got " + v.detail());
    }
  }

  @Test
  void aMalformedFileIsACleanError() {
    Mutant m =
        new Mutant(0, "text", List.of(), "{\"name\": ".getBytes(StandardCharsets.UTF_8), List.of());
    SolveContract.Verdict v = SolveContract.run(m, dir.resolve("bad"));
    assertNull(v.failureClass(), v.detail());
    assertFalse(v.valid());
  }

  /** Solves the seed golden case and returns the problem, its tree and the result tree. */
  private record Solved(Problem problem, JsonNode tree, ObjectNode result) {}

  private Solved solveSeed(String computationClass) throws Exception {
    ObjectNode tree =
        (ObjectNode)
            JSON.readTree(Path.of("src/test/resources/golden/mlp_tanh_ce_sum_top4.json").toFile());
    ((ObjectNode) tree.get("computation")).put("class", computationClass);
    Path p = dir.resolve("p.json");
    Path r = dir.resolve("r.json");
    Files.writeString(p, JSON.writeValueAsString(tree));
    var cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertEquals(0, cl.execute("solve", "--problem", p.toString(), "--out", r.toString()));
    return new Solved(
        ProblemReader.read(p), tree, (ObjectNode) JSON.readTree(Files.readAllBytes(r)));
  }

  private void assertCaught(Solved s, String identity, Consumer<ObjectNode> corrupt) {
    assertEquals(List.of(), ResultIdentities.check(s.problem(), s.tree(), List.of(), s.result()));
    ObjectNode bad = s.result().deepCopy();
    corrupt.accept((ObjectNode) bad.get("groups").get(0));
    List<String> v = ResultIdentities.check(s.problem(), s.tree(), List.of(), bad);
    assertTrue(v.stream().anyMatch(x -> x.contains(identity)), identity + " not caught: " + v);
  }

  private static void scale(ArrayNode a, int i, double f) {
    a.set(i, a.get(i).asDouble() * f);
  }

  private static void negate(ArrayNode a) {
    for (int i = 0; i < a.size(); i++) {
      scale(a, i, -1);
    }
  }

  @Test
  void eachCorruptedNumberIsCaught() throws Exception {
    Solved dd = solveSeed("directional_derivatives");
    assertCaught(
        dd,
        "mean_n λ_nk = λ_k",
        g -> scale((ArrayNode) g.get("lambdas").get(0), g.get("evals").size() - 1, 1.001));
    assertCaught(
        dd, "tr G = Σ gram_evals", g -> g.put("ggn_trace", g.get("ggn_trace").asDouble() * 1.001));
    assertCaught(dd, "‖G‖_F", g -> g.put("ggn_frobenius_norm", 0.5));
    assertCaught(dd, "gram_evals ascending", g -> scale((ArrayNode) g.get("gram_evals"), 0, -1e9));
    assertCaught(dd, "evals[i] = gram_evals", g -> scale((ArrayNode) g.get("evals"), 0, 1.0000001));
    assertCaught(dd, "gamma_snr", g -> scale((ArrayNode) g.get("gamma_snr"), 0, 1.01));
    assertCaught(
        dd,
        "top_k selection",
        g -> {
          // one index lower everywhere, with the matching eigenvalues: consistent but not top-k
          ArrayNode sel = (ArrayNode) g.get("selected_indices");
          ArrayNode evals = (ArrayNode) g.get("evals");
          for (int i = 0; i < sel.size(); i++) {
            int idx = sel.get(i).asInt() - 1;
            sel.set(i, idx);
            evals.set(i, g.get("gram_evals").get(idx - g.get("gram_evals_offset").asInt()));
          }
        });
    assertCaught(dd, "Bessel", g -> g.get("gammas").forEach(row -> scale((ArrayNode) row, 0, 1e3)));
    Solved eigh = solveSeed("eigh");
    assertCaught(eigh, "eᵀe = I", g -> scale((ArrayNode) g.get("evecs").get(0), 0, 1.01));
    assertCaught(
        eigh, "canonical sign", g -> g.get("evecs").forEach(row -> negate((ArrayNode) row)));
  }
}
