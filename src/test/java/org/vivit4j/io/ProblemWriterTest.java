package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.DropoutLayer.DropoutSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.DeepObsProblems;

/** Problem files written by {@link ProblemWriter} read back to exactly the same problem. */
class ProblemWriterTest {

  static void assertSameProblem(Problem a, Problem b) {
    assertEquals(a.name(), b.name());
    NetworkSpec na = a.network();
    NetworkSpec nb = b.network();
    assertArrayEquals(na.inputShape(), nb.inputShape());
    assertEquals(na.layers().size(), nb.layers().size());
    for (int i = 0; i < na.layers().size(); i++) {
      LayerSpec la = na.layers().get(i);
      assertEquals(la.type(), nb.layers().get(i).type(), "layer " + i);
      assertArrayEquals(na.shapeBefore(i + 1), nb.shapeBefore(i + 1), "shape after layer " + i);
    }
    assertArrayEquals(na.flatParams(), nb.flatParams(), 0.0, "parameters");
    assertEquals(a.loss(), b.loss());
    assertArrayEquals(a.batch().x(), b.batch().x(), 0.0, "X");
    if (a.batch().yClass() != null) {
      assertArrayEquals(a.batch().yClass(), b.batch().yClass());
    } else {
      assertArrayEquals(a.batch().yReal(), b.batch().yReal(), 0.0);
    }
    assertEquals(a.computationClass(), b.computationClass());
    assertEquals(a.outputs(), b.outputs());
    assertArrayEquals(a.options().subsamplingGrad(), b.options().subsamplingGrad());
    assertArrayEquals(a.options().subsamplingGgn(), b.options().subsamplingGgn());
    assertEquals(a.options().warnSmallEigvals(), b.options().warnSmallEigvals());
    assertEquals(a.options().mcSamples(), b.options().mcSamples(), "mc_samples_ggn");
    assertEquals(a.options().eigenSolver(), b.options().eigenSolver(), "eigensolver");
    assertEquals(a.groups().size(), b.groups().size());
    for (int j = 0; j < a.groups().size(); j++) {
      assertArrayEquals(a.groups().get(j).params(), b.groups().get(j).params());
      assertEquals(a.groups().get(j).criterion(), b.groups().get(j).criterion());
    }
  }

  @Test
  void everyGoldenCaseRoundTrips(@TempDir Path dir) throws IOException {
    try (var files = Files.list(Path.of("src/test/resources/golden"))) {
      for (Path f : files.sorted().toList()) {
        Problem p = ProblemReader.read(f);
        Path out = dir.resolve(f.getFileName());
        ProblemWriter.write(out, p, null);
        assertSameProblem(p, ProblemReader.read(out));
      }
    }
  }

  @Test
  void theNewerLayersAndAMonteCarloSeedRoundTrip(@TempDir Path dir) throws IOException {
    List<LayerSpec> layers =
        List.of(
            new LinearSpec(3, 4, new double[12], new double[] {1, 2, 3, 4}),
            new ActivationSpec(Activation.LEAKY_RELU, 0.25),
            new LayerNormSpec(new int[] {4}, 1e-3, new double[] {1, 2, 3, 4}, null),
            new DropoutSpec(0.3),
            new IdentitySpec(),
            new ActivationSpec(Activation.ELU, 0.7),
            new LinearSpec(4, 2, new double[8], null));
    NetworkSpec net = new NetworkSpec(layers, new int[] {3});
    Problem p =
        new Problem(
            "extras",
            net,
            new LossSpec(LossType.MSE, Reduction.SUM),
            new Batch(2, new double[] {1, 2, 3, 4, 5, 6}, new double[4], null),
            new ComputationOptions(null, new int[] {1}, 3, 1e-4, 42L),
            List.of(new ParamGroup("all", new int[] {0, 1, 2, 3}, Criterion.threshold(0.5))),
            "eigh");
    Path out = dir.resolve("extras.json");
    ProblemWriter.write(out, p, null);
    Problem back = ProblemReader.read(out);
    assertSameProblem(p, back);
    assertEquals(3, back.options().mcSamples());
    assertEquals(42L, back.options().seed());
    assertEquals(0.25, ((ActivationSpec) back.network().layers().get(1)).param());
    assertEquals(0.3, ((DropoutSpec) back.network().layers().get(3)).p());
    assertEquals(1e-3, ((LayerNormSpec) back.network().layers().get(2)).eps());
  }

  /** A problem made with several outputs is written with {@code computation.outputs}, no class. */
  @Test
  void aProblemWithOutputsRoundTripsThem(@TempDir Path dir) throws IOException {
    NetworkSpec net =
        new NetworkSpec(
            List.of(new LinearSpec(2, 3, new double[] {1, -2, 0.5, 3, 0.25, -1}, null)),
            new int[] {2});
    Problem p =
        Problem.withOutputs(
            "outputs",
            net,
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.SUM),
            new Batch(2, new double[] {1, 2, 3, 4}, null, new int[] {2, 0}),
            ComputationOptions.defaults(),
            List.of(new ParamGroup("all", new int[] {0}, Criterion.topK(2))),
            EnumSet.of(GgnOutput.GAMMAS, GgnOutput.EIGENVECTORS),
            null);
    Path out = dir.resolve("outputs.json");
    ProblemWriter.write(out, p, null);
    JsonNode computation = new ObjectMapper().readTree(out.toFile()).get("computation");
    assertEquals(
        "[\"eigenvalues\",\"eigenvectors\",\"gammas\"]", computation.get("outputs").toString());
    assertFalse(computation.has("class"), computation.toString());
    Problem back = ProblemReader.read(out);
    assertSameProblem(p, back);
    assertEquals(Problem.OUTPUTS_CLASS, back.computationClass());
    assertEquals(
        EnumSet.of(GgnOutput.EIGENVALUES, GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS),
        back.computation().outputs());
  }

  /** Every activation, with each of its named choices or a non-default number, reads back. */
  @Test
  void everyActivationAndHyperParameterRoundTrips(@TempDir Path dir) throws IOException {
    List<ActivationSpec> specs = new java.util.ArrayList<>();
    for (Activation act : Activation.values()) {
      if (act.param() == null) {
        specs.add(new ActivationSpec(act));
      } else if (act.param().choices().isEmpty()) {
        specs.add(new ActivationSpec(act, act.defaultParam() + 0.375));
      } else {
        for (int c = 0; c < act.param().choices().size(); c++) {
          specs.add(new ActivationSpec(act, c));
        }
      }
    }
    for (ActivationSpec spec : specs) {
      NetworkSpec net =
          new NetworkSpec(
              List.of(new LinearSpec(2, 2, new double[] {1, 2, 3, 4}, null), spec), new int[] {2});
      Problem p =
          new Problem(
              spec.type(),
              net,
              new LossSpec(LossType.MSE, Reduction.MEAN),
              new Batch(1, new double[] {0.5, -1}, new double[2], null),
              ComputationOptions.defaults(),
              List.of(new ParamGroup("all", new int[] {0}, Criterion.topK(1))),
              "eigh");
      Path out = dir.resolve(spec.type() + "-" + spec.param() + ".json");
      ProblemWriter.write(out, p, null);
      ActivationSpec back = (ActivationSpec) ProblemReader.read(out).network().layers().get(1);
      assertEquals(spec, back, spec.type());
    }
  }

  @Test
  void bceWithLogitsTargetsRoundTrip(@TempDir Path dir) throws IOException {
    // BCE targets are real [N, C] values like MSE's; they were once written as class indices.
    NetworkSpec net =
        new NetworkSpec(
            List.of(new LinearSpec(2, 3, new double[] {1, -2, 0.5, 3, 0.25, -1}, null)),
            new int[] {2});
    Problem p =
        new Problem(
            "bce",
            net,
            new LossSpec(LossType.BCE_WITH_LOGITS, Reduction.MEAN),
            new Batch(2, new double[] {1, 2, 3, 4}, new double[] {0, 0.5, 1, 1, 0.25, 0}, null),
            ComputationOptions.defaults(),
            List.of(new ParamGroup("all", new int[] {0}, Criterion.topK(2))),
            "eigvalsh");
    Path out = dir.resolve("bce.json");
    ProblemWriter.write(out, p, null);
    Problem back = ProblemReader.read(out);
    assertSameProblem(p, back);
    assertArrayEquals(new double[] {0, 0.5, 1, 1, 0.25, 0}, back.batch().yReal(), 0.0);
  }

  @Test
  void fmnist2c2dRoundTripsWithCompactExactEncodings(@TempDir Path dir) throws IOException {
    Problem p = DeepObsProblems.fmnist2c2d(3, 4, 10, null).problem();
    assertEquals(3_274_634, p.network().numParams());
    Path out = dir.resolve("fmnist.json");
    ProblemWriter.write(out, p, DeepObsProblems.PIXEL_SCALE);
    String text = Files.readString(out);
    assertTrue(text.contains("\"uint8\""), "pixels as uint8 codes");
    assertTrue(text.contains("\"float32\""), "weights as float32");
    assertTrue(!text.contains("\"float64\""), "nothing needs float64");
    // 3.27 M float32 weights in base64: about 4/3 · 13.1 MB
    assertTrue(Files.size(out) < 18_000_000, "file is " + Files.size(out) + " bytes");
    assertSameProblem(p, ProblemReader.read(out));
  }

  @Test
  void theEigensolverRoundTripsAndDenseIsLeftToTheDefault(@TempDir Path dir) throws IOException {
    Problem base =
        ProblemReader.read(Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json"));
    for (EigenSolver solver : EigenSolver.values()) {
      Problem p = base.withOptions(base.options().withEigenSolver(solver));
      Path out = dir.resolve(solver.optionName() + ".json");
      ProblemWriter.write(out, p, null);
      JsonNode computation = new ObjectMapper().readTree(out.toFile()).get("computation");
      if (solver == EigenSolver.DENSE) {
        assertFalse(computation.has("eigensolver"), "dense is what an absent field reads as");
      } else {
        assertEquals(solver.optionName(), computation.get("eigensolver").textValue());
      }
      assertEquals(solver, ProblemReader.read(out).options().eigenSolver());
    }
  }
}
