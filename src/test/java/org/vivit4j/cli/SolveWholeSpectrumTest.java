package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
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
 * A problem file above the automatic eigensolver's dense limit still gets the whole Gram spectrum
 * in {@code gram_evals}, as the golden schema defines it, unless it asks for the partial solve.
 */
class SolveWholeSpectrumTest {
  @TempDir Path dir;

  @Test
  void problemFilesGetTheWholeSpectrumByDefault() throws IOException {
    int n = 50;
    int c = 4;
    assertTrue(n * c > EigenSolver.AUTO_DENSE_MAX_SIZE, "the case must be above the auto limit");
    RandomProblems.Instance inst =
        RandomProblems.mlp(
            3,
            new int[] {6, 8, c},
            new Activation[] {Activation.TANH},
            new LossSpec(LossType.MSE, Reduction.MEAN),
            n,
            true);
    int[] all = IntStream.range(0, inst.network().params().size()).toArray();
    Problem problem =
        new Problem(
            "whole-spectrum",
            inst.network(),
            inst.loss(),
            inst.batch(),
            // dense is what an absent field reads as, so the writer leaves the field out
            ComputationOptions.defaults().withEigenSolver(EigenSolver.DENSE),
            List.of(new ParamGroup("all", all, Criterion.topK(3))),
            "directional_derivatives");
    Path file = dir.resolve("p.json");
    ProblemWriter.write(file, problem, null);
    assertTrue(
        !new ObjectMapper().readTree(file.toFile()).get("computation").has("eigensolver"),
        "the file names no eigensolver");
    Path out = dir.resolve("r.json");
    CliRun run = CliRun.of("solve", "--problem", file.toString(), "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode g = new ObjectMapper().readTree(out.toFile()).get("groups").get(0);
    assertEquals(n * c, g.get("gram_evals").size());
    Path partial = dir.resolve("r2.json");
    CliRun lanczos =
        CliRun.of(
            "solve",
            "--problem",
            file.toString(),
            "--out",
            partial.toString(),
            "--eigensolver",
            "lanczos");
    assertEquals(0, lanczos.exitCode(), lanczos.err());
    JsonNode g2 = new ObjectMapper().readTree(partial.toFile()).get("groups").get(0);
    assertTrue(g2.get("gram_evals").size() < n * c);
    for (int k = 0; k < 3; k++) {
      double a = g.get("evals").get(k).asDouble();
      double b = g2.get("evals").get(k).asDouble();
      assertEquals(
          a, b, 1e-10 * Math.abs(a), "dense and Lanczos agree on the selected eigenvalues");
    }
  }
}
