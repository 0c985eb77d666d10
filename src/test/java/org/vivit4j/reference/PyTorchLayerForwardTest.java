package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vivit4j.api.Problem;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.Scaling;
import org.vivit4j.data.NpyReader;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.layers.AdaptiveAvgPool1dLayer.AdaptiveAvgPool1dSpec;
import org.vivit4j.layers.AdaptiveAvgPool2dLayer.AdaptiveAvgPool2dSpec;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.types.LayerTypes;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.model.UnsupportedFeatureException;
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

  /**
   * {@code nn.AdaptiveAvgPool2d} (fixtures {@code adaptiveavgpool2d_C.x.npy}, {@code .out.npy}):
   * the reference's general windows reproduce PyTorch for every output size, including windows of
   * unequal sizes; the fast path (an AvgPool2d with kernel = stride = H/O) where O divides H, and
   * its spec refuses the rest naming {@code output_size}.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"divisible, 2, 0, true", "global, 1, 1, true", "uneven, 3, 4, false"})
  void adaptiveAvgPool2dReproducesPyTorch(String name, int oh, int ow, boolean divides)
      throws Exception {
    NpyReader.NpyArray x = NpyReader.read(DIR.resolve("adaptiveavgpool2d_" + name + ".x.npy"));
    NpyReader.NpyArray out = NpyReader.read(DIR.resolve("adaptiveavgpool2d_" + name + ".out.npy"));
    AdaptiveAvgPool2dSpec spec = new AdaptiveAvgPool2dSpec(new int[] {oh, ow});
    int n = x.shape()[0];
    int[] in = Arrays.copyOfRange(x.shape(), 1, 4);
    int d = x.reals().length / n;
    int c = out.reals().length / n;
    double[] ref = new double[n * c];
    for (int s = 0; s < n; s++) {
      Tape tape = new Tape();
      Node xs = tape.constant(Arrays.copyOfRange(x.reals(), s * d, (s + 1) * d), in);
      Node y = ReferenceLayers.forward(spec, List.of(xs), List.<Node>of().iterator());
      assertArrayEquals(Arrays.copyOfRange(out.shape(), 1, 4), y.shape(), name + " shape");
      System.arraycopy(y.data(), 0, ref, s * c, c);
    }
    assertClose(out.reals(), ref, name + " reference");
    if (!divides) {
      UnsupportedFeatureException e =
          assertThrows(UnsupportedFeatureException.class, () -> spec.outputShape(in, "model[0]"));
      assertEquals("model[0].output_size", e.field());
      return;
    }
    NetworkSpec net = new NetworkSpec(List.of(spec, new FlattenSpec(1, -1)), in);
    Layer layer = LayerTypes.build(net, ConvGramPolicy.defaults()).get(0);
    assertClose(out.reals(), layer.forward(x.reals(), n), name + " fast path");
  }

  /**
   * {@code nn.AdaptiveAvgPool1d} (fixtures {@code adaptiveavgpool1d_C}): the reference for a
   * dividing and an uneven output size, the fast path (AvgPool on the {@code [C, 1, L]} view) for
   * the dividing one; the uneven one is refused naming {@code output_size}.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"divisible, 4, true", "uneven, 3, false"})
  void adaptiveAvgPool1dReproducesPyTorch(String name, int o, boolean divides) throws Exception {
    NpyReader.NpyArray x = NpyReader.read(DIR.resolve("adaptiveavgpool1d_" + name + ".x.npy"));
    NpyReader.NpyArray out = NpyReader.read(DIR.resolve("adaptiveavgpool1d_" + name + ".out.npy"));
    AdaptiveAvgPool1dSpec spec = new AdaptiveAvgPool1dSpec(o);
    int n = x.shape()[0];
    int[] in = Arrays.copyOfRange(x.shape(), 1, 3);
    int d = x.reals().length / n;
    int c = out.reals().length / n;
    double[] ref = new double[n * c];
    for (int s = 0; s < n; s++) {
      Tape tape = new Tape();
      Node xs = tape.constant(Arrays.copyOfRange(x.reals(), s * d, (s + 1) * d), in);
      Node y = ReferenceLayers.forward(spec, List.of(xs), List.<Node>of().iterator());
      assertArrayEquals(Arrays.copyOfRange(out.shape(), 1, 3), y.shape(), name + " shape");
      System.arraycopy(y.data(), 0, ref, s * c, c);
    }
    assertClose(out.reals(), ref, name + " reference");
    if (!divides) {
      UnsupportedFeatureException e =
          assertThrows(UnsupportedFeatureException.class, () -> spec.outputShape(in, "model[0]"));
      assertEquals("model[0].output_size", e.field());
      return;
    }
    NetworkSpec net = new NetworkSpec(List.of(spec, new FlattenSpec(1, -1)), in);
    Layer layer = LayerTypes.build(net, ConvGramPolicy.defaults()).get(0);
    assertClose(out.reals(), layer.forward(x.reals(), n), name + " fast path");
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
