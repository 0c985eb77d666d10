package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.GramLayout;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.Activation;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * A Gram "past one array": with the array limit forced to 1000 entries, the 60 × 60 Gram of a
 * 20-sample, 3-class MLP (3600 entries) is stored packed in several blocks (float32 on a float32
 * backend), assembled from chunk pairs whose own Grams fit 1000 entries, and solved by Lanczos
 * (which reads the packed triangle); the results are the dense run's. The dense path reads a packed
 * Gram that fits one array.
 */
class PackedGramTest {
  private static final int N = 20;

  /** Forced array limit: a chunk pair's Gram of at most 31 rows, so chunks of 5 samples. */
  private static final long LIMIT = 1000;

  private static RandomProblems.Instance mlp() {
    return RandomProblems.mlp(
        23L,
        new int[] {4, 6, 3},
        new Activation[] {Activation.TANH},
        new RandomProblems.Extra[] {RandomProblems.Extra.NONE},
        new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
        N,
        true);
  }

  private static List<ParamGroup> groups() {
    return List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), Criterion.topK(4)));
  }

  private static ComputationResult run(String backend, GgnComputation configured) {
    RandomProblems.Instance p = mlp();
    // the full factor: 3 columns per sample, the 60 Gram rows these tests size the limit by
    // (ReducedLossFactorTest runs the rank-reduced factor with a packed Gram)
    return configured
        .withReducedFactor(false)
        .run(p.network(), p.loss(), p.batch(), groups(), TestBackends.get(backend));
  }

  private static ComputationOptions options(EigenSolver solver) {
    return new ComputationOptions(null, null, 0, 0, 0L, solver);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu-float64", "cpu-float32", "opencl-float32"})
  void aGramPastOneArrayIsPackedAssembledFromChunkPairsAndSolvedByLanczos(String backend) {
    boolean f32 = TestBackends.get(backend).precision() == Precision.FLOAT32;
    // the reference: the same problem, dense Gram, float64
    ComputationResult dense =
        run("cpu-float64", new DirectionalDerivativesComputation(options(EigenSolver.DENSE)));
    for (EigenSolver solver : new EigenSolver[] {EigenSolver.LANCZOS, EigenSolver.AUTO}) {
      GgnComputation packed =
          new DirectionalDerivativesComputation(options(solver)).withArrayLimit(LIMIT);
      ComputationResult r = run(backend, packed);
      String what = backend + " " + solver.optionName();
      List<String> notes = r.runInfo().notes();
      // 1830 entries in blocks of at most 1000: rows 0–43 (990) and 44–59 (840)
      String stored =
          "Gram stored as packed lower triangle ("
              + (f32 ? "float32" : "float64")
              + "), 60 rows in 2 arrays";
      assertTrue(notes.stream().anyMatch(n -> n.contains(stored)), what + " " + notes);
      // 31 rows per chunk-pair Gram at most: chunks of 5 samples, 4 chunks
      assertTrue(
          notes.stream().anyMatch(n -> n.startsWith("factor pass in 4 chunks of 5 GGN samples")),
          what + " " + notes);
      // no dense copy past the limit: Lanczos whatever was asked
      assertEquals("lanczos", r.group("all").spectrum().eigensolver(), what + " eigensolver");
      double evalTol = f32 ? Tolerances.F32_RESULTS : Tolerances.F64_EVALS;
      double dirTol = f32 ? Tolerances.F32_RESULTS : Tolerances.F64_DIRECTIONAL;
      GroupResult e = dense.group("all");
      GroupResult a = r.group("all");
      Compare.assertClose(what + " eigenvalues", a.evals(), e.evals(), evalTol);
      Compare.assertClose(
          what + " trace", new double[] {a.ggnTrace()}, new double[] {e.ggnTrace()}, evalTol);
      Compare.assertClose(
          what + " Frobenius norm",
          new double[] {a.ggnFrobeniusNorm()},
          new double[] {e.ggnFrobeniusNorm()},
          evalTol);
      Compare.assertClose(what + " gammas", a.gammas(), e.gammas(), dirTol);
      Compare.assertClose(what + " lambdas", a.lambdas(), e.lambdas(), dirTol);
    }
  }

  /**
   * Packed storage asked for on a Gram that fits one array: one pass over all samples copied into
   * one block, read by the dense eigensolver (a dense copy: bit for bit the dense run) and by
   * Lanczos (the packed product: the dense run's numbers to the eigensolver's tolerance).
   */
  @Test
  void packedStorageAskedForGivesTheDenseResults() {
    for (EigenSolver solver : new EigenSolver[] {EigenSolver.DENSE, EigenSolver.LANCZOS}) {
      ComputationResult dense = run("cpu-float64", new EighComputation(options(solver)));
      ComputationResult packed =
          run(
              "cpu-float64",
              new EighComputation(options(solver)).withGramStorage(GramLayout.Storage.PACKED));
      assertTrue(
          packed.runInfo().notes().stream()
              .anyMatch(n -> n.contains("packed lower triangle (float64), 60 rows in 1 array")),
          packed.runInfo().notes().toString());
      assertEquals(solver.optionName(), packed.group("all").spectrum().eigensolver());
      // the eigenvectors' second pass is the packed pass's, not the heap's doing
      assertTrue(
          packed.runInfo().notes().stream()
              .anyMatch(n -> n.endsWith("a pass that assembles a packed Gram keeps no factors")),
          packed.runInfo().notes().toString());
      assertFalse(
          packed.runInfo().notes().stream().anyMatch(n -> n.contains("too close to the heap")),
          packed.runInfo().notes().toString());
      if (solver == EigenSolver.DENSE) {
        assertEquals(
            java.util.Arrays.toString(dense.group("all").gramEvals()),
            java.util.Arrays.toString(packed.group("all").gramEvals()));
      }
      Compare.assertClose(
          solver.optionName() + " eigenvalues",
          packed.group("all").evals(),
          dense.group("all").evals(),
          Tolerances.F64_EVALS);
      Compare.assertClose(
          solver.optionName() + " eigenvectors",
          packed.group("all").evecs(),
          dense.group("all").evecs(),
          Tolerances.F64_DIRECTIONAL);
    }
  }

  /**
   * Past one array, before any work: the dense Gram storage is refused naming N; the dense
   * eigensolver naming computation.eigensolver; a criterion needing the whole spectrum naming it; a
   * factor so wide that a chunk pair of one sample each does not fit one array naming the
   * Monte-Carlo samples.
   */
  @Test
  void whatCannotBeDonePastOneArrayIsRefusedNamingTheField() {
    RandomProblems.Instance p = mlp();
    InvalidInputException dense =
        assertThrows(
            InvalidInputException.class,
            () ->
                new EighComputation(options(EigenSolver.AUTO))
                    .withArrayLimit(LIMIT)
                    .withGramStorage(GramLayout.Storage.DENSE)
                    .memoryEstimate(p.network(), N, groups(), true));
    assertEquals("N", dense.field(), dense.getMessage());
    assertTrue(dense.getMessage().contains("--gram-storage auto or packed"), dense.getMessage());

    InvalidInputException solver =
        assertThrows(
            InvalidInputException.class,
            () ->
                new EighComputation(options(EigenSolver.DENSE))
                    .withArrayLimit(LIMIT)
                    .run(
                        p.network(),
                        p.loss(),
                        p.batch(),
                        groups(),
                        TestBackends.get("cpu-float64")));
    assertEquals("computation.eigensolver", solver.field(), solver.getMessage());

    Criterion everything = evals -> IntStream.range(0, evals.length).toArray();
    InvalidInputException all =
        assertThrows(
            InvalidInputException.class,
            () ->
                new EigvalshComputation(options(EigenSolver.AUTO))
                    .withArrayLimit(LIMIT)
                    .run(
                        p.network(),
                        p.loss(),
                        p.batch(),
                        List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), everything)),
                        TestBackends.get("cpu-float64")));
    assertEquals("param_groups[0].criterion", all.field(), all.getMessage());
    assertTrue(all.getMessage().contains("whole Gram spectrum"), all.getMessage());

    InvalidInputException wide =
        assertThrows(
            InvalidInputException.class,
            () ->
                new EighComputation(new ComputationOptions(null, null, 16, 0, 1L, EigenSolver.AUTO))
                    .withArrayLimit(LIMIT)
                    .memoryEstimate(p.network(), N, groups(), true));
    assertEquals("computation.mc_samples_ggn", wide.field(), wide.getMessage());
    assertTrue(wide.getMessage().contains("chunk pair of one sample each"), wide.getMessage());
  }
}
