package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.data.NpyReader;

/**
 * {@code make-problem --onnx} then {@code solve}: the loss of the exported MLP on its saved inputs
 * equals the cross-entropy of PyTorch's saved float64 logits.
 */
class MakeProblemOnnxTest {
  static final Path SRC = Path.of("src/test/resources/onnx");
  @TempDir Path dir;

  @Test
  void aProblemFromAnExportSolvesToPyTorchsLoss() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Files.copy(
        SRC.resolve("mlp.onnx"), models.resolve("mlp.onnx"), StandardCopyOption.REPLACE_EXISTING);
    Path problem = dir.resolve("p.json");
    CliRun made =
        CliRun.of(
            "make-problem",
            "--onnx",
            models.resolve("mlp.onnx").toString(),
            "--data",
            SRC.resolve("mlp.x.npy").toString(),
            "--labels",
            SRC.resolve("mlp.y.npy").toString(),
            "--n",
            "4",
            "--k",
            "3",
            "--out",
            problem.toString());
    assertEquals(0, made.exitCode(), made.err());
    JsonNode p = new ObjectMapper().readTree(problem.toFile());
    assertEquals("models/mlp.onnx", p.get("model").get("path").textValue(), "relative path");
    Path result = dir.resolve("r.json");
    CliRun solved = CliRun.of("solve", "--problem", problem.toString(), "--out", result.toString());
    assertEquals(0, solved.exitCode(), solved.err());
    JsonNode r = new ObjectMapper().readTree(result.toFile());

    double[] logits = NpyReader.read(SRC.resolve("mlp.out.npy")).reals();
    long[] y = NpyReader.read(SRC.resolve("mlp.y.npy")).ints();
    double loss = 0;
    for (int n = 0; n < 4; n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 10; c++) {
        max = Math.max(max, logits[n * 10 + c]);
      }
      double sum = 0;
      for (int c = 0; c < 10; c++) {
        sum += Math.exp(logits[n * 10 + c] - max);
      }
      loss += max + Math.log(sum) - logits[n * 10 + (int) y[n]];
    }
    loss /= 4;
    assertEquals(loss, r.get("loss").doubleValue(), 1e-12 * loss);
    assertEquals(3, r.get("groups").get(0).get("evals").size());
    assertEquals(6, r.get("groups").get(0).get("param_names").size());
  }

  /** Mean cross-entropy of {@code [n × c]} logits against integer labels. */
  private static double crossEntropy(double[] logits, long[] y, int n, int c) {
    double loss = 0;
    for (int s = 0; s < n; s++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        max = Math.max(max, logits[s * c + k]);
      }
      double sum = 0;
      for (int k = 0; k < c; k++) {
        sum += Math.exp(logits[s * c + k] - max);
      }
      loss += max + Math.log(sum) - logits[s * c + (int) y[s]];
    }
    return loss / n;
  }

  private CliRun makeEmbeddingProblem(String xFile, Path problem) throws Exception {
    return CliRun.of(
        "make-problem",
        "--onnx",
        SRC.resolve("embedding_mlp.onnx").toString(),
        "--data",
        SRC.resolve(xFile).toString(),
        "--labels",
        SRC.resolve("embedding_mlp.y.npy").toString(),
        "--n",
        "4",
        "--k",
        "2",
        "--out",
        problem.toString());
  }

  @Test
  void anEmbeddingModelTakesIntegerIndicesAndSolvesToPyTorchsLoss() throws Exception {
    Path problem = dir.resolve("emb.json");
    CliRun made = makeEmbeddingProblem("embedding_mlp.x.npy", problem);
    assertEquals(0, made.exitCode(), made.err());
    Path result = dir.resolve("emb-r.json");
    CliRun solved = CliRun.of("solve", "--problem", problem.toString(), "--out", result.toString());
    assertEquals(0, solved.exitCode(), solved.err());
    JsonNode r = new ObjectMapper().readTree(result.toFile());
    double loss =
        crossEntropy(
            NpyReader.read(SRC.resolve("embedding_mlp.out.npy")).reals(),
            NpyReader.read(SRC.resolve("embedding_mlp.y.npy")).ints(),
            4,
            3);
    assertEquals(loss, r.get("loss").doubleValue(), 1e-12 * loss);
  }

  @Test
  void anEmbeddingModelRefusesRealsAndOutOfRangeIndices() throws Exception {
    Path problem = dir.resolve("bad.json");
    CliRun reals = makeEmbeddingProblem("embedding_mlp.x_reals.npy", problem);
    assertEquals(2, reals.exitCode(), reals.err());
    assertTrue(
        reals.err().contains("--data") && reals.err().contains("integer indices"), reals.err());
    CliRun range = makeEmbeddingProblem("embedding_mlp.x_out_of_range.npy", problem);
    assertEquals(2, range.exitCode(), range.err());
    assertTrue(range.err().contains("X[2][1]"), range.err());
    assertFalse(Files.exists(problem), "no output file on bad input");
  }

  @Test
  void badCombinationsAreOneLine() throws Exception {
    // copies: a regression that wrote onto an input must not destroy the shipped files
    Path in = Files.createDirectories(dir.resolve("in"));
    for (String f : new String[] {"mlp.onnx", "mlp.x.npy", "mlp.y.npy"}) {
      Files.copy(SRC.resolve(f), in.resolve(f));
    }
    // a residual network with its sums made subtractions: a node vivit4j cannot map
    Files.write(
        in.resolve("resnet_tiny.onnx"),
        org.vivit4j.onnx.OnnxTestModels.withOpType("resnet_tiny", "Add", "Sub"));
    String onnx = in.resolve("mlp.onnx").toString();
    String x = in.resolve("mlp.x.npy").toString();
    String out = dir.resolve("p.json").toString();
    String y = in.resolve("mlp.y.npy").toString();
    String[][] cases = {
      {"make-problem", "--onnx", onnx, "--data", x, "--out", out},
      {"make-problem", "fmnist_2c2d", "--onnx", onnx, "--out", out},
      {"make-problem", "--onnx", onnx, "--data", x, "--labels", x, "--n", "2", "--out", out},
      {"make-problem", "--onnx", onnx, "--data", x, "--labels", x, "--n", "9", "--out", out},
      {"make-problem", "--onnx", in.resolve("resnet_tiny.onnx").toString(), "--out", out},
      {"make-problem", "--onnx", onnx, "--out", onnx},
      {"make-problem", "--onnx", onnx, "--data", x, "--labels", y, "--n", "2", "--out", x},
      {"make-problem", "--onnx", onnx, "--data", x, "--labels", y, "--n", "2", "--out", y},
      {"make-problem", "--onnx", onnx, "--loss", "hinge", "--data", x, "--labels", x, "--out", out}
    };
    String[] starts = {
      "error: --labels: is required",
      "error: problem: 'fmnist_2c2d' and --onnx",
      "error: --labels: ",
      "error: --n: is 9 but",
      "error: --onnx: node ",
      "error: --out: ",
      "error: --out: " + x + ": is the input file (--data)",
      "error: --out: " + y + ": is the input file (--labels)",
      "error: --loss: unknown loss 'hinge'"
    };
    for (int i = 0; i < cases.length; i++) {
      CliRun r = CliRun.of(cases[i]);
      assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().startsWith(starts[i]), r.err());
      assertEquals(1, r.err().strip().split("\n").length, r.err());
      assertTrue(Files.notExists(dir.resolve("p.json")));
    }
    for (String f : new String[] {"mlp.onnx", "mlp.x.npy", "mlp.y.npy"}) {
      assertTrue(
          java.util.Arrays.equals(
              Files.readAllBytes(SRC.resolve(f)), Files.readAllBytes(in.resolve(f))),
          f + " untouched");
    }
  }
}
