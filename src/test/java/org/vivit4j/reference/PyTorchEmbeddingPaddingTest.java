package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.Problem;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.Scaling;
import org.vivit4j.data.NpyReader;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * {@code nn.Embedding(6, 3, padding_idx=-2)} against PyTorch ({@code
 * src/test/resources/layers/make_layers.py}, fixture {@code embedding_padding}): the file's
 * negative {@code padding_idx} reads as row 4, the forward pass (fast path and reference) reads the
 * padding row as stored ({@code C.out.npy}), the gradient equals PyTorch's ({@code C.grad.npy},
 * whose padding row is zero), and the GGN's eigenvectors have zero entries on the padding row (its
 * GGN rows and columns are zero).
 */
class PyTorchEmbeddingPaddingTest {
  private static final Path DIR = Path.of("src/test/resources/layers");
  private static final int PADDING_ROW = 4;
  private static final int D = 3;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu-float64"})
  void forwardGradientAndGgnMatchPyTorch(String backend) throws Exception {
    Problem problem = ProblemReader.read(DIR.resolve("embedding_padding.json"));
    NetworkSpec net = problem.network();
    EmbeddingSpec e = (EmbeddingSpec) net.layers().get(0);
    assertEquals(PADDING_ROW, e.paddingRow());
    assertEquals(PADDING_ROW, e.paddingIdx(), "PyTorch stores the normalised index");
    int n = problem.batch().n();
    double[] expected = NpyReader.read(DIR.resolve("embedding_padding.out.npy")).reals();
    double[] fast;
    try (FactorEngine engine = new FactorEngine(net, problem.loss(), TestBackends.get(backend))) {
      fast = engine.forward(problem.batch(), new Scaling(Reduction.SUM, n, n)).outputs();
    }
    assertClose(expected, fast, "fast-path forward");
    assertClose(expected, referenceForward(net, problem), "reference forward");

    double[] grad = NpyReader.read(DIR.resolve("embedding_padding.grad.npy")).reals();
    for (int d = 0; d < D; d++) {
      assertEquals(
          0.0, Math.abs(grad[PADDING_ROW * D + d]), "PyTorch's padding row has no gradient");
    }
    ReferenceResult ref =
        ReferenceComputation.compute(
            net, problem.loss(), problem.batch(), null, null, List.of(new int[] {0}));
    assertClose(grad, ref.grad(), "reference gradient");
    ComputationResult r =
        new EighComputation()
            .run(net, problem.loss(), problem.batch(), problem.groups(), TestBackends.get(backend));
    assertClose(grad, r.batch().grad(), "fast-path gradient");
    GroupResult g = r.groups().get(0);
    assertTrue(g.evals()[g.evals().length - 1] > 0, "a GGN direction to look at");
    for (int k = 0; k < g.evals().length; k++) {
      for (int d = 0; d < D; d++) {
        assertEquals(
            0.0, Math.abs(g.evecs()[k][PADDING_ROW * D + d]), "eigenvector " + k + " on row 4");
      }
    }
    double[][] ggn = ref.groups().get(0).ggn();
    for (int d = 0; d < D; d++) {
      for (int j = 0; j < ggn.length; j++) {
        assertEquals(
            0.0, Math.abs(ggn[PADDING_ROW * D + d][j]), "the reference GGN's padding rows");
        assertEquals(
            0.0, Math.abs(ggn[j][PADDING_ROW * D + d]), "the reference GGN's padding columns");
      }
    }
  }

  private static double[] referenceForward(NetworkSpec net, Problem problem) {
    int n = problem.batch().n();
    int d = net.inputSize();
    int c = net.outputSize();
    double[] out = new double[n * c];
    for (int s = 0; s < n; s++) {
      Tape tape = new Tape();
      List<Node> params = ReferenceModel.paramLeaves(tape, net, net.flatParams());
      Node x =
          tape.constant(
              Arrays.copyOfRange(problem.batch().x(), s * d, (s + 1) * d), net.inputShape());
      System.arraycopy(ReferenceModel.forward(net, x, params).data(), 0, out, s * c, c);
    }
    return out;
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          expected[i],
          actual[i],
          Tolerances.F64_LAYER_FORWARD * Math.max(1, Math.abs(expected[i])),
          what + " " + i);
    }
  }
}
