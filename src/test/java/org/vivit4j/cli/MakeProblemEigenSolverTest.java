package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make-problem --eigensolver} is recorded in the problem file and decides what {@code solve}
 * runs. The default is auto: a DeepOBS problem asks for the top 10 of a Gram of N·C̃ rows, and the
 * dense solver's whole spectrum took 5.2 of 8.3 s at N = 128 on a GPU machine. (Before, the writer
 * dropped the choice and every made problem solved densely.)
 */
class MakeProblemEigenSolverTest {
  @TempDir Path dir;

  /** The problem file's computation object and the result's first group. */
  private record Made(JsonNode computation, JsonNode group) {}

  private Made makeAndSolve(String... eigensolverArgs) throws IOException {
    Path problem = dir.resolve("p.json");
    Path result = dir.resolve("r.json");
    String[] make = {"make-problem", "cifar10_3c3d", "--n", "17", "--out", problem.toString()};
    String[] args = new String[make.length + eigensolverArgs.length];
    System.arraycopy(make, 0, args, 0, make.length);
    System.arraycopy(eigensolverArgs, 0, args, make.length, eigensolverArgs.length);
    CliRun made = CliRun.of(args);
    assertEquals(0, made.exitCode(), made.err());
    CliRun solved = CliRun.of("solve", "--problem", problem.toString(), "--out", result.toString());
    assertEquals(0, solved.exitCode(), solved.err());
    ObjectMapper json = new ObjectMapper();
    return new Made(
        json.readTree(problem.toFile()).get("computation"),
        json.readTree(result.toFile()).get("groups").get(0));
  }

  @Test
  void theDefaultIsAutoWhichSolvesTheTopTenByLanczos() throws IOException {
    Made r = makeAndSolve();
    assertEquals("auto", r.computation().get("eigensolver").textValue());
    assertEquals("lanczos", r.group().get("eigensolver").get("name").textValue());
    assertEquals(10, r.group().get("gram_evals").size(), "the top 10 of 170");
  }

  @Test
  void denseIsLeftToTheFileDefaultAndSolvesTheWholeSpectrum() throws IOException {
    Made r = makeAndSolve("--eigensolver", "dense");
    assertFalse(r.computation().has("eigensolver"));
    assertEquals("dense", r.group().get("eigensolver").get("name").textValue());
    assertEquals(170, r.group().get("gram_evals").size(), "N·C̃ = 17·10 eigenvalues");
  }

  @Test
  void anUnknownNameIsRefusedBeforeAnyFileIsWritten() throws IOException {
    Path problem = dir.resolve("p.json");
    CliRun run =
        CliRun.of(
            "make-problem",
            "cifar10_3c3d",
            "--n",
            "2",
            "--eigensolver",
            "qr",
            "--out",
            problem.toString());
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertEquals(
        "error: --eigensolver: unknown eigensolver 'qr' (auto, dense, lanczos)", run.err().strip());
    assertFalse(Files.exists(problem));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file left");
    }
  }
}
