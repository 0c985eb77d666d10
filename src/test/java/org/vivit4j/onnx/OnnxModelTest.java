package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxModelTest {
  static final Path DIR = Path.of("src/test/resources/onnx");

  static OnnxModel shipped(String name) throws Exception {
    return OnnxModel.read(Files.readAllBytes(DIR.resolve(name + ".onnx")));
  }

  @Test
  void readsAPyTorchExport() throws Exception {
    OnnxModel m = shipped("mlp");
    assertEquals(13, m.opset());
    assertEquals("pytorch", m.producer());
    assertEquals(1, m.inputs().size());
    OnnxModel.Input x = m.inputs().get(0);
    assertEquals("x", x.name());
    assertEquals("FLOAT", x.elementType());
    assertEquals(List.of("N", 1L, 28L, 28L), x.dims());
    assertEquals(List.of("logits"), m.outputs());
    OnnxTensor w = m.initializers().get("1.weight");
    assertArrayEquals(new int[] {16, 784}, w.shape());
    assertEquals(
        List.of("1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"),
        List.copyOf(m.initializers().keySet()));
  }

  private static ModelProto.Builder model(long opset, NodeProto... nodes) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("g");
    for (NodeProto n : nodes) {
      g.addNode(n);
    }
    g.addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y"));
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g);
  }

  static NodeProto node(String op, String name, List<String> in, String out) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(in)
        .addOutput(out)
        .build();
  }

  @Test
  void refusesWhatItCannotImportNamingTheNode() {
    String garbage =
        assertThrows(OnnxImportException.class, () -> OnnxModel.read(new byte[] {1, 2, 3, 4}))
            .getMessage();
    assertTrue(garbage.startsWith("model: not an ONNX model"), garbage);

    NodeProto relu = node("Relu", "relu1", List.of("x"), "y");
    byte[] old = model(9, relu).build().toByteArray();
    String opset = assertThrows(OnnxImportException.class, () -> OnnxModel.read(old)).getMessage();
    assertTrue(opset.contains("opset 9 is older than 11"), opset);

    NodeProto first = node("Relu", "late", List.of("t"), "y");
    NodeProto second = node("Relu", "early", List.of("y"), "t");
    byte[] cyclic = model(13, first, second).build().toByteArray();
    String order =
        assertThrows(OnnxImportException.class, () -> OnnxModel.read(cyclic)).getMessage();
    assertTrue(
        order.contains("node 'late' (Relu) reads 't', which only a later node defines"), order);

    NodeProto custom = node("Relu", "mine", List.of(), "y").toBuilder().setDomain("com.me").build();
    byte[] domain = model(13, custom).build().toByteArray();
    String d = assertThrows(OnnxImportException.class, () -> OnnxModel.read(domain)).getMessage();
    assertTrue(d.contains("node 'mine' (Relu) is in operator domain 'com.me'"), d);
  }

  @Test
  void aMissingInitializerIsNamed() throws Exception {
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(DIR.resolve("mlp.onnx")));
    ModelProto.Builder b = m.toBuilder();
    b.getGraphBuilder().removeInitializer(2);
    byte[] bytes = b.build().toByteArray();
    String e = assertThrows(OnnxImportException.class, () -> OnnxModel.read(bytes)).getMessage();
    assertTrue(
        e.endsWith(
            "(Gemm) reads '3.weight', which nothing in the model defines (a missing initializer"
                + " or input)"),
        e);
  }

  @Test
  void decodesRawAndTypedTensorData() {
    ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    raw.putFloat(1.5f).putFloat(-0.1f);
    TensorProto f =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(2)
            .setRawData(ByteString.copyFrom(raw.array()))
            .build();
    assertArrayEquals(new double[] {1.5, (double) -0.1f}, OnnxTensors.decode(f, "t").reals());
    TensorProto i =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(3)
            .addAllInt64Data(List.of(4L, -1L, 1L << 40))
            .build();
    assertArrayEquals(new long[] {4, -1, 1L << 40}, OnnxTensors.decode(i, "t").ints());
    TensorProto shortRaw = f.toBuilder().clearDims().addDims(3).build();
    String e =
        assertThrows(OnnxImportException.class, () -> OnnxTensors.decode(shortRaw, "init 'w'"))
            .getMessage();
    assertTrue(e.contains("init 'w': raw_data holds 8 bytes, its shape needs 12"), e);
    TensorProto external = f.toBuilder().setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
    String ext =
        assertThrows(OnnxImportException.class, () -> OnnxTensors.decode(external, "init 'w'"))
            .getMessage();
    assertTrue(ext.contains("external data file"), ext);
  }

  @Test
  void halfPrecisionWidensExactly() {
    assertEquals(1.0, OnnxTensors.halfToDouble(0x3C00));
    assertEquals(-2.0, OnnxTensors.halfToDouble(0xC000));
    assertEquals(65504.0, OnnxTensors.halfToDouble(0x7BFF));
    assertEquals(Math.scalb(1.0, -24), OnnxTensors.halfToDouble(0x0001));
    assertEquals(Double.POSITIVE_INFINITY, OnnxTensors.halfToDouble(0x7C00));
    assertTrue(Double.isNaN(OnnxTensors.halfToDouble(0x7E00)));
  }
}
