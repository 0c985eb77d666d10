package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vivit4j.api.Problem;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.Scaling;
import org.vivit4j.data.NpyReader;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * The forward pass of layers with non-default hyper-parameters against PyTorch's float64 outputs
 * ({@code src/test/resources/layers/make_layers.py}): each fixture is a problem file written with
 * PyTorch's keys (so reading them is part of the check), the fast path (CPU, float64) and the
 * reference must both reproduce {@code C.out.npy}.
 */
class PyTorchLayerForwardTest {
  static final Path DIR = Path.of("src/test/resources/layers");

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "conv1d_strided",
        "conv1d_same",
        "convtranspose2d_strided",
        "convtranspose2d_plain",
        "convtranspose1d_strided",
        "convtranspose1d_plain",
        "embedding"
      })
  void fastPathAndReferenceReproducePyTorch(String name) throws Exception {
    Problem problem = ProblemReader.read(DIR.resolve(name + ".json"));
    NpyReader.NpyArray out = NpyReader.read(DIR.resolve(name + ".out.npy"));
    NetworkSpec net = problem.network();
    int n = problem.batch().n();
    assertEquals(n, out.shape()[0]);
    assertArrayEquals(
        Arrays.copyOfRange(out.shape(), 1, out.shape().length),
        net.shapeBefore(1),
        name + ": the layer's output shape");
    double[] expected = out.reals();
    double[] fast;
    try (FactorEngine engine =
        new FactorEngine(net, problem.loss(), TestBackends.get("cpu-float64"))) {
      fast = engine.forward(problem.batch(), new Scaling(Reduction.SUM, n, n)).outputs();
    }
    assertClose(expected, fast, name + " fast path");
    int d = net.inputSize();
    int c = net.outputSize();
    double[] ref = new double[n * c];
    for (int s = 0; s < n; s++) {
      Tape tape = new Tape();
      List<Node> params = ReferenceModel.paramLeaves(tape, net, net.flatParams());
      Node x =
          tape.constant(
              Arrays.copyOfRange(problem.batch().x(), s * d, (s + 1) * d), net.inputShape());
      System.arraycopy(ReferenceModel.forward(net, x, params).data(), 0, ref, s * c, c);
    }
    assertClose(expected, ref, name + " reference");
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          expected[i],
          actual[i],
          Tolerances.F64_LAYER_FORWARD * Math.max(1, Math.abs(expected[i])),
          what + " output " + i);
    }
  }
}
