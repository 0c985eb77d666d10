package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.BatchQuantities;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.RunInfo;
import org.vivit4j.backend.Precision;
import org.vivit4j.golden.GoldenComparison;
import org.vivit4j.golden.GoldenOutputs;

/**
 * {@code tornado-run solve} on every golden problem, end to end: the result file, read back, holds
 * the real ViViT's numbers with the same meaning, layout and ordering as the golden outputs.
 */
class SolveGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Stream<Arguments> cases() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/golden"))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      List<Arguments> out = new ArrayList<>();
      for (Path f : files) {
        out.add(Arguments.of(f, "float64"));
        out.add(Arguments.of(f, "float32"));
      }
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void resultFileMatchesTheGoldenOutputs(Path file, String dtype) throws IOException {
    Path out = dir.resolve("result.json");
    CliRun run =
        CliRun.of("solve", "--problem", file.toString(), "--out", out.toString(), "--dtype", dtype);
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(out.toFile());
    assertEquals("cpu", result.get("backend").asText());
    assertEquals(dtype, result.get("dtype").asText());
    assertTrue(result.get("device").asText().length() > 0);
    GoldenOutputs golden = GoldenOutputs.read(file);
    Precision p = Precision.fromTypeName(dtype);
    GoldenComparison.Report report =
        GoldenComparison.compare(file.toString(), fromJson(result), golden, p);
    assertTrue(report.passed(), () -> report.failures().toString());
  }

  /** Reads a result file back into the API's result types. */
  static ComputationResult fromJson(JsonNode r) {
    List<GroupResult> groups = new ArrayList<>();
    for (JsonNode g : r.get("groups")) {
      ParamGroup pg =
          new ParamGroup(g.get("name").asText(), GoldenOutputs.ints(g.get("params")), null);
      groups.add(
          new GroupResult(
              pg,
              g.get("dim").asInt(),
              GoldenOutputs.doubles(g.get("gram_evals")),
              GoldenOutputs.ints(g.get("selected_indices")),
              GoldenOutputs.doubles(g.get("evals")),
              GoldenOutputs.matrix(g.get("gammas")),
              GoldenOutputs.matrix(g.get("lambdas")),
              null,
              List.of()));
    }
    return new ComputationResult(
        new BatchQuantities(
            r.get("loss").asDouble(),
            GoldenOutputs.doubles(r.get("per_sample_losses")),
            GoldenOutputs.doubles(r.get("grad"))),
        groups,
        new RunInfo(
            r.get("backend").asText(), r.get("device").asText(), r.get("dtype").asText(), 0),
        List.of());
  }
}
