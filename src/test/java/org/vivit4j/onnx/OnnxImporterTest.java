package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.Scaling;
import org.vivit4j.data.NpyReader;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/** PyTorch exports imported: the forward pass equals PyTorch's float64 outputs. */
class OnnxImporterTest {
  static double[] forward(OnnxImporter.Imported imp, String name) throws Exception {
    Path dir = OnnxModelTest.DIR;
    NpyReader.NpyArray x = NpyReader.read(dir.resolve(name + ".x.npy"));
    NpyReader.NpyArray y = NpyReader.read(dir.resolve(name + ".y.npy"));
    int n = x.shape()[0];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (int) y.ints()[i];
    }
    Backend cpu = TestBackends.get("cpu-float64");
    LossSpec loss = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);
    try (FactorEngine engine = new FactorEngine(imp.network(), loss, cpu)) {
      ForwardPass fp =
          engine.forward(new Batch(n, x.reals(), null, labels), new Scaling(Reduction.MEAN, n, n));
      return fp.outputs();
    }
  }

  static void assertMatchesPyTorch(OnnxImporter.Imported imp, String name) throws Exception {
    double[] out = forward(imp, name);
    double[] expected = NpyReader.read(OnnxModelTest.DIR.resolve(name + ".out.npy")).reals();
    assertEquals(expected.length, out.length);
    for (int i = 0; i < out.length; i++) {
      assertEquals(
          expected[i],
          out[i],
          Tolerances.F64_ONNX_FORWARD * Math.max(1, Math.abs(expected[i])),
          name + " output " + i);
    }
  }

  @Test
  void anMlpImportsWithItsStateDictNamesAndPyTorchsOutputs() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("mlp"));
    assertEquals(
        List.of("1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"),
        imp.paramNames());
    assertArrayEquals(new int[] {1, 28, 28}, imp.network().inputShape());
    assertEquals(6, imp.network().layers().size(), imp.network().layers().toString());
    LinearSpec first = (LinearSpec) imp.network().layers().get(1);
    assertEquals(784, first.in());
    assertEquals(16, first.out());
    assertEquals("x", imp.input());
    assertEquals("logits", imp.output());
    assertMatchesPyTorch(imp, "mlp");
  }

  @Test
  void layerNormAndGeluImportAtOpset17AndAsTheirOpset13Decompositions() throws Exception {
    for (String name : List.of("layernorm_gelu", "layernorm_gelu_opset13")) {
      OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped(name));
      List<String> types = imp.network().layers().stream().map(l -> l.type()).toList();
      assertEquals(List.of("flatten", "linear", "layernorm", "gelu", "linear"), types, name);
      assertEquals(
          List.of("1.weight", "1.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
          imp.paramNames(),
          name);
      org.vivit4j.layers.LayerNormLayer.LayerNormSpec ln =
          (org.vivit4j.layers.LayerNormLayer.LayerNormSpec) imp.network().layers().get(2);
      assertEquals(1e-5, ln.eps(), 0.0, "the decimal PyTorch was given, not the float32");
      assertMatchesPyTorch(imp, name);
    }
  }

  @Test
  void deepObsFmnist2c2dImportsWithItsStateDictNames() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("fmnist_2c2d"));
    assertEquals(3_274_634, imp.network().numParams());
    assertEquals(
        List.of(
            "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"),
        imp.paramNames());
    assertMatchesPyTorch(imp, "fmnist_2c2d");
  }

  @Test
  void aSymmetricZeroPadFoldsIntoTheConvAtOpset11() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("pad_conv_pool"));
    List<String> types = imp.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(
        List.of("conv2d", "elu", "maxpool2d", "conv2d", "leaky_relu", "flatten", "linear"), types);
    org.vivit4j.layers.Conv2dLayer.Conv2dSpec conv =
        (org.vivit4j.layers.Conv2dLayer.Conv2dSpec) imp.network().layers().get(0);
    assertArrayEquals(new int[] {1, 1}, conv.padding());
    assertEquals(11, imp.opset());
    assertMatchesPyTorch(imp, "pad_conv_pool");
  }

  @Test
  void linearWithoutBiasAndAViewToNByMinusOneImport() throws Exception {
    OnnxImporter.Imported imp =
        OnnxImporter.importModel(OnnxModelTest.shipped("linear_nobias_view"));
    List<String> types = imp.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(List.of("flatten", "linear", "selu", "linear"), types);
    assertEquals(List.of("fc1.weight", "fc2.weight", "fc2.bias"), imp.paramNames());
    assertMatchesPyTorch(imp, "linear_nobias_view");
  }

  @Test
  void aFixedBatchExportWithItsReshapeTargetFoldedToTheExampleBatch() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("fixed_batch"));
    List<String> types = imp.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(List.of("conv2d", "relu", "flatten", "linear"), types);
    assertMatchesPyTorch(imp, "fixed_batch");
  }

  @Test
  void batchNormInEvalModeImportsWithWeightAndBiasAsParameters() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("batchnorm_chain"));
    List<String> types = imp.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(
        List.of(
            "conv2d",
            "batchnorm2d",
            "relu",
            "flatten",
            "linear",
            "batchnorm1d",
            "tanh",
            "linear",
            "batchnorm1d"),
        types);
    // running statistics are constants; affine=False has no parameters
    assertEquals(
        List.of(
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "4.weight",
            "4.bias",
            "5.weight",
            "5.bias",
            "7.weight",
            "7.bias"),
        imp.paramNames());
    assertMatchesPyTorch(imp, "batchnorm_chain");
  }

  @Test
  void siluLogSigmoidAndSoftplusImportAsPyTorchWritesThem() throws Exception {
    OnnxImporter.Imported imp =
        OnnxImporter.importModel(OnnxModelTest.shipped("silu_logsigmoid_softplus"));
    List<String> types = imp.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(
        List.of(
            "flatten", "linear", "silu", "linear", "logsigmoid", "linear", "softplus", "linear"),
        types);
    assertMatchesPyTorch(imp, "silu_logsigmoid_softplus");
  }

  @Test
  void asymmetricZeroPaddingAndOneDimensionalPoolsImport() throws Exception {
    OnnxImporter.Imported pad = OnnxImporter.importModel(OnnxModelTest.shipped("zeropad_conv"));
    List<String> types = pad.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(
        List.of("zeropad2d", "conv2d", "tanh", "identity", "avgpool2d", "flatten", "linear"),
        types);
    assertMatchesPyTorch(pad, "zeropad_conv");
    OnnxImporter.Imported pool = OnnxImporter.importModel(OnnxModelTest.shipped("pool1d"));
    types = pool.network().layers().stream().map(l -> l.type()).toList();
    assertEquals(List.of("maxpool1d", "tanh", "identity", "avgpool1d", "flatten", "linear"), types);
    assertMatchesPyTorch(pool, "pool1d");
  }

  /** The message of importing a shipped model with every {@code from} node made a {@code to}. */
  static String refusal(String name, String from, String to) throws Exception {
    OnnxModel m = OnnxModel.read(OnnxTestModels.withOpType(name, from, to));
    return assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(m)).getMessage();
  }

  @Test
  void aResidualNetworkImportsAsAGraphWithPyTorchsNamesAndOutputs() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("resnet_tiny"));
    NetworkSpec net = imp.network();
    assertTrue(net.isGraph());
    List<String> types = net.layers().stream().map(l -> l.type()).toList();
    assertEquals(2, types.stream().filter(t -> t.equals("add")).count(), types.toString());
    int add = types.indexOf("add");
    assertEquals(
        List.of("layer1.bn2", "/stem/stem.2/Relu_output_0"),
        java.util.Arrays.stream(net.inputsOf(add)).mapToObj(v -> net.nodeName(v - 1)).toList());
    assertEquals(
        List.of(
            "stem.0.weight",
            "stem.1.weight",
            "stem.1.bias",
            "layer1.conv1.weight",
            "layer1.bn1.weight",
            "layer1.bn1.bias",
            "layer1.conv2.weight",
            "layer1.bn2.weight",
            "layer1.bn2.bias",
            "layer2.conv1.weight",
            "layer2.bn1.weight",
            "layer2.bn1.bias",
            "layer2.conv2.weight",
            "layer2.bn2.weight",
            "layer2.bn2.bias",
            "layer2.shortcut.0.weight",
            "layer2.shortcut.1.weight",
            "layer2.shortcut.1.bias",
            "fc.weight",
            "fc.bias"),
        imp.paramNames());
    // nodes with parameters are named after their modules: the graph's own names are PyTorch's
    assertEquals(imp.paramNames(), org.vivit4j.model.ParamNames.of(net));
    assertMatchesPyTorch(imp, "resnet_tiny");
  }

  @Test
  void concatAlongChannelsAndMulByAConstantImportAsJoins() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("concat_scale"));
    NetworkSpec net = imp.network();
    List<String> types = net.layers().stream().map(l -> l.type()).toList();
    assertEquals(
        List.of(
            "conv2d", "tanh", "conv2d", "scale", "concat", "conv2d", "relu", "add", "flatten",
            "linear"),
        types);
    assertEquals(0.25, ((org.vivit4j.layers.ScaleLayer.ScaleSpec) net.layers().get(3)).scale());
    assertArrayEquals(new int[] {5, 4, 4}, net.shapeAfter(4));
    assertEquals(
        List.of(
            "conv1.weight",
            "conv1.bias",
            "conv2.weight",
            "conv2.bias",
            "conv3.weight",
            "conv3.bias",
            "fc.weight",
            "fc.bias"),
        imp.paramNames());
    assertMatchesPyTorch(imp, "concat_scale");
  }

  @Test
  void whatCannotBeMappedYetIsNamedNode() throws Exception {
    String sub = refusal("resnet_tiny", "Add", "Sub");
    assertTrue(sub.contains("node '/layer1/Add' (Sub) combines the data values"), sub);
  }
}
