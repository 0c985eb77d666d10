package org.vivit4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.EigvalshComputation;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.testing.TestBackends;

/**
 * Every golden case (computed by the real ViViT + BackPACK + PyTorch in float64) on every test
 * backend, compared as the golden README prescribes (see {@link GoldenComparison}): the shared
 * cases ({@code golden/}, MLPs and one Conv2d) and our own cases of the newer layers and residual
 * graphs ({@code golden-vivit/}, made by its {@code make_golden.py} with the same ViViT, BackPACK
 * and PyTorch versions, each checked against plain autograd).
 */
class GoldenCasesTest {
  static final List<Path> DIRS =
      List.of(Path.of("src/test/resources/golden"), Path.of("src/test/resources/golden-vivit"));

  static Stream<Path> cases() throws IOException {
    List<Path> all = new java.util.ArrayList<>();
    for (Path dir : DIRS) {
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      }
      assertFalse(files.isEmpty(), "no golden cases found in " + dir);
      all.addAll(files);
    }
    return all.stream();
  }

  static Stream<Arguments> casesOnBackends() throws IOException {
    return cases()
        .flatMap(
            c -> TestBackends.namesWithBothProductForms().stream().map(b -> Arguments.of(c, b)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("casesOnBackends")
  void directionalDerivativesMatchTheRealViVit(Path file, String backendName) throws IOException {
    String json = Files.readString(file);
    Problem problem = ProblemReader.parse(json);
    Backend backend = TestBackends.get(backendName);
    var computation = new DirectionalDerivativesComputation(problem.options());
    ComputationResult result =
        computation.run(
            problem.network(), problem.loss(), problem.batch(), problem.groups(), backend);
    GoldenOutputs golden = GoldenOutputs.fromJson(new ObjectMapper().readTree(json));
    GoldenComparison.Report report =
        GoldenComparison.compare(problem.name(), result, golden, backend.precision());
    assertTrue(report.passed(), () -> file.getFileName() + ": " + report.failures());
    assertEquals(backendName.startsWith("opencl") ? "opencl" : "cpu", result.runInfo().backend());
  }

  /**
   * Forced Conv2d Gram strategies: structured (whole and in one-sample blocks), explicit in one
   * block, explicit in 1–2 samples.
   */
  static Stream<Arguments> convStrategies() throws IOException {
    List<Path> conv = cases().filter(p -> p.getFileName().toString().startsWith("conv2d")).toList();
    assertFalse(conv.isEmpty(), "no conv2d golden case");
    List<ConvGramPolicy> policies =
        List.of(
            new ConvGramPolicy(
                ConvGramPolicy.Mode.STRUCTURED, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS),
            new ConvGramPolicy(ConvGramPolicy.Mode.STRUCTURED, 1),
            new ConvGramPolicy(
                ConvGramPolicy.Mode.EXPLICIT, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS),
            new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 4000),
            new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1));
    return conv.stream()
        .flatMap(
            c ->
                TestBackends.names().stream()
                    .flatMap(
                        b ->
                            policies.stream()
                                .flatMap(
                                    p ->
                                        java.util.stream.Stream.of(true, false)
                                            .map(g -> Arguments.of(c, b, p, g)))));
  }

  /**
   * Every Gram strategy, with γ from the Gram rows (where the case allows it) and from the cross
   * terms, whose contraction follows the strategy too.
   */
  @ParameterizedTest(name = "{0} on {1} with {2}, gammas from the Gram {3}")
  @MethodSource("convStrategies")
  void convCaseMatchesWithEveryGramStrategy(
      Path file, String backendName, ConvGramPolicy policy, boolean gammasFromGram)
      throws IOException {
    String json = Files.readString(file);
    Problem problem = ProblemReader.parse(json);
    Backend backend = TestBackends.get(backendName);
    var computation =
        new DirectionalDerivativesComputation(problem.options())
            .withConvGramPolicy(policy)
            .withGammasFromGram(gammasFromGram);
    ComputationResult result =
        computation.run(
            problem.network(), problem.loss(), problem.batch(), problem.groups(), backend);
    GoldenOutputs golden = GoldenOutputs.fromJson(new ObjectMapper().readTree(json));
    GoldenComparison.Report report =
        GoldenComparison.compare(problem.name(), result, golden, backend.precision());
    assertTrue(report.passed(), () -> file.getFileName() + ": " + report.failures());
    String expected =
        policy.mode() == ConvGramPolicy.Mode.STRUCTURED ? "structured contraction" : "explicit V_W";
    List<String> all = result.runInfo().notes();
    List<String> notes = all.stream().filter(n -> n.contains("conv2d weight")).toList();
    // γ from the Gram rows needs every gradient sample among the GGN samples and the exact factor
    int[] gradRows = problem.options().subsamplingGrad();
    int[] ggnRows = problem.options().subsamplingGgn();
    IntStream grads =
        gradRows == null ? IntStream.range(0, problem.batch().n()) : IntStream.of(gradRows);
    boolean eligible =
        problem.options().mcSamples() == 0
            && (ggnRows == null
                || grads.allMatch(r -> IntStream.of(ggnRows).anyMatch(x -> x == r)));
    boolean fromGram = all.stream().noneMatch(x -> x.startsWith("γ: from gradient cross terms"));
    assertEquals(gammasFromGram && eligible, fromGram, all::toString);
    assertEquals(
        fromGram ? 1 : 2,
        notes.size(),
        "one note for the Gram, one for the cross terms unless γ is from the Gram: " + all);
    assertTrue(notes.stream().allMatch(n -> n.contains(expected)), notes::toString);
    // V_W of all samples is kept for V·w only where an explicit contraction formed it whole
    int[] ggn = problem.options().subsamplingGgn();
    int n = ggn == null ? problem.batch().n() : ggn.length;
    boolean whole =
        notes.stream().anyMatch(x -> x.contains("explicit V_W in blocks of " + n + " "));
    assertEquals(
        whole,
        all.stream().anyMatch(x -> x.contains("V_W formed whole for the Gram is kept")),
        all::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eighAndEigvalshAgreeWithTheGoldenEigenpairs(Path file) throws IOException {
    String json = Files.readString(file);
    Problem problem = ProblemReader.parse(json);
    GoldenOutputs golden = GoldenOutputs.fromJson(new ObjectMapper().readTree(json));
    Backend backend = TestBackends.get("cpu-float64");
    ComputationOptions options = problem.options();
    var eigh = new EighComputation(options);
    ComputationResult r =
        eigh.run(problem.network(), problem.loss(), problem.batch(), problem.groups(), backend);
    var report = GoldenComparison.compare(problem.name(), r, golden, Precision.FLOAT64);
    assertTrue(report.passed(), () -> report.failures().toString());
    assertTrue(
        report.checks().stream().anyMatch(c -> c.quantity().contains("evecs"))
            || golden.groups().stream().allMatch(g -> g.evecs() == null),
        "eigenvectors were not compared");
    var eigvalsh = new EigvalshComputation(options);
    ComputationResult e =
        eigvalsh.run(problem.network(), problem.loss(), problem.batch(), problem.groups(), backend);
    var report2 = GoldenComparison.compare(problem.name(), e, golden, Precision.FLOAT64);
    assertTrue(report2.passed(), () -> report2.failures().toString());
  }
}
