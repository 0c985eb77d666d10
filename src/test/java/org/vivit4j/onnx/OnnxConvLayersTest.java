package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;

/**
 * ONNX Conv with a 1-D kernel and ConvTranspose, exported from PyTorch ({@code export_models.py}:
 * {@code conv1d}, {@code convtranspose}, {@code convtranspose1d}): mapped onto {@code conv1d},
 * {@code convtranspose2d} and {@code convtranspose1d} with PyTorch's names and float64 outputs;
 * what they do not compute is refused naming the node.
 */
class OnnxConvLayersTest {
  private static List<String> types(OnnxImporter.Imported imp) {
    return imp.network().layers().stream().map(l -> l.type()).toList();
  }

  @Test
  void conv1dImportsWithPyTorchsNamesAndOutputs() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("conv1d"));
    assertEquals(List.of("conv1d", "relu", "conv1d", "flatten", "linear"), types(imp));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "4.weight", "4.bias"), imp.paramNames());
    Conv1dSpec c = (Conv1dSpec) imp.network().layers().get(0);
    assertEquals(2, c.stride());
    assertEquals(1, c.padding());
    assertEquals(2, c.dilation());
    OnnxImporterTest.assertMatchesPyTorch(imp, "conv1d");
  }

  /** PyTorch writes {@code AdaptiveAvgPool1d(1)} as GlobalAveragePool on {@code [N, C, L]}. */
  @Test
  void globalAveragePoolOnASequenceImportsAsAdaptiveAvgPool1d() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("global_pool1d"));
    assertEquals(List.of("conv1d", "relu", "adaptiveavgpool1d", "flatten", "linear"), types(imp));
    assertArrayEquals(new int[] {4, 1}, imp.network().shapeBefore(3));
    OnnxImporterTest.assertMatchesPyTorch(imp, "global_pool1d");
  }

  @Test
  void convTransposeImportsWithPyTorchsNamesAndOutputs() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("convtranspose"));
    assertEquals(
        List.of("convtranspose2d", "tanh", "convtranspose2d", "flatten", "linear"), types(imp));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "4.weight", "4.bias"), imp.paramNames());
    ConvTranspose2dSpec c = (ConvTranspose2dSpec) imp.network().layers().get(0);
    assertArrayEquals(new int[] {1, 1}, c.outputPadding());
    assertArrayEquals(new int[] {3, 6, 8}, imp.network().shapeBefore(1));
    ConvTranspose2dSpec d = (ConvTranspose2dSpec) imp.network().layers().get(2);
    assertArrayEquals(new int[] {2, 1}, d.dilation());
    assertArrayEquals(new int[] {1, 2}, d.stride());
    OnnxImporterTest.assertMatchesPyTorch(imp, "convtranspose");
  }

  @Test
  void convTranspose1dImportsWithPyTorchsNamesAndOutputs() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("convtranspose1d"));
    assertEquals(
        List.of("convtranspose1d", "tanh", "convtranspose1d", "flatten", "linear"), types(imp));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "4.weight", "4.bias"), imp.paramNames());
    ConvTranspose1dSpec c = (ConvTranspose1dSpec) imp.network().layers().get(0);
    assertEquals(2, c.stride());
    assertEquals(1, c.padding());
    assertEquals(1, c.outputPadding());
    assertArrayEquals(new int[] {3, 10}, imp.network().shapeBefore(1));
    ConvTranspose1dSpec d = (ConvTranspose1dSpec) imp.network().layers().get(2);
    assertEquals(2, d.dilation());
    assertEquals(null, d.bias());
    assertArrayEquals(new int[] {2, 12}, imp.network().shapeBefore(3));
    OnnxImporterTest.assertMatchesPyTorch(imp, "convtranspose1d");
  }

  /** The shipped model {@code name} with attribute {@code attr} of its first node set to ints. */
  private static String refusal(String name, String attr, long... ints) throws Exception {
    ModelProto m =
        ModelProto.parseFrom(Files.readAllBytes(OnnxModelTest.DIR.resolve(name + ".onnx")));
    ModelProto.Builder b = m.toBuilder();
    int first = -1;
    for (int i = 0; i < b.getGraph().getNodeCount() && first < 0; i++) {
      if (b.getGraph().getNode(i).getOpType().startsWith("Conv")) {
        first = i;
      }
    }
    NodeProto.Builder node = b.getGraphBuilder().getNodeBuilder(first);
    for (int a = node.getAttributeCount() - 1; a >= 0; a--) {
      if (node.getAttribute(a).getName().equals(attr)) {
        node.removeAttribute(a);
      }
    }
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(attr).setType(AttributeProto.AttributeType.INTS);
    for (long v : ints) {
      a.addInts(v);
    }
    if (ints.length == 1 && attr.equals("group")) {
      a.clearInts().setType(AttributeProto.AttributeType.INT).setI(ints[0]);
    }
    node.addAttribute(a);
    OnnxModel model = OnnxModel.read(b.build().toByteArray());
    return assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(model))
        .getMessage();
  }

  @Test
  void whatTheyDoNotComputeIsRefusedNamingTheNode() throws Exception {
    String pads = refusal("conv1d", "pads", 1, 2);
    assertTrue(pads.contains("(Conv): pads [1, 2] are not symmetric"), pads);
    String group = refusal("conv1d", "group", 2);
    assertTrue(group.contains("(Conv): group = 2; only group 1"), group);
    String shape = refusal("convtranspose", "output_shape", 6, 8);
    assertTrue(shape.contains("(ConvTranspose): output_shape is not supported"), shape);
    String op = refusal("convtranspose", "output_padding", 2, 1);
    assertTrue(op.contains("(ConvTranspose): layer.output_padding[0]: is 2; must lie in"), op);
    String pads1 = refusal("convtranspose1d", "pads", 0, 1);
    assertTrue(pads1.contains("(ConvTranspose): pads [0, 1] are not symmetric"), pads1);
    String op1 = refusal("convtranspose1d", "output_padding", 2);
    assertTrue(op1.contains("(ConvTranspose): layer.output_padding: is 2; must lie in"), op1);
    String group1 = refusal("convtranspose1d", "group", 3);
    assertTrue(group1.contains("(ConvTranspose): group = 3; only group 1"), group1);
    String pairs = refusal("convtranspose1d", "strides", 2, 2);
    assertTrue(pairs.contains("(ConvTranspose): attributes of a 1-D convolution"), pairs);
  }
}
