package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticValuesTest {
  /** Folds every node it can, in order; returns the nodes that were not folded. */
  static List<NodeProto> foldAll(OnnxModel m, StaticValues v) {
    List<NodeProto> rest = new ArrayList<>();
    for (NodeProto n : m.nodes()) {
      if (!v.tryFold(n)) {
        rest.add(n);
      }
    }
    return rest;
  }

  @Test
  void pyTorchsZeroPadChainFoldsToThePadsOfZeroPad2d() throws Exception {
    OnnxModel m = OnnxModelTest.shipped("zeropad_conv");
    StaticValues v = new StaticValues(m);
    v.dataShape("x", new int[] {2, 6, 7});
    List<NodeProto> rest = foldAll(m, v);
    assertEquals(
        List.of("Pad", "Conv", "Tanh", "Pad", "AveragePool", "Flatten", "Gemm"),
        rest.stream().map(NodeProto::getOpType).toList());
    // nn.ZeroPad2d((left 1, right 2, top 0, bottom 1)) on [N, C, H, W]: ONNX pads are all begins
    // (N, C, H, W) then all ends.
    NodeProto pad = rest.get(0);
    OnnxTensor pads = v.constant(pad.getInput(1), pad, "pads");
    assertArrayEquals(new long[] {0, 0, 0, 1, 0, 0, 1, 2}, pads.integers());
    NodeProto poolPad = rest.get(3);
    assertArrayEquals(new long[8], v.constant(poolPad.getInput(1), poolPad, "pads").integers());
  }

  private static NodeProto withInts(NodeProto n, String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : values) {
      a.addInts(x);
    }
    return n.toBuilder().addAttribute(a).build();
  }

  private static NodeProto withInt(NodeProto n, String name, long value) {
    return n.toBuilder()
        .addAttribute(
            AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value))
        .build();
  }

  @Test
  void aReshapeTargetBuiltFromTheBatchSizeIsToldApart() throws Exception {
    // x.view(x.size(0), -1) as exporters write it at opset 11: Shape, Gather(0), Unsqueeze, Concat.
    OnnxModel m = OnnxModelTest.shipped("mlp");
    StaticValues v = new StaticValues(m);
    v.dataShape("h", new int[] {3, 4, 4});
    List<NodeProto> chain =
        List.of(
            OnnxModelTest.node("Shape", "s", List.of("h"), "shape"),
            withInts(OnnxModelTest.node("Constant", "c0", List.of(), "zero"), "value_ints", 0),
            OnnxModelTest.node("Gather", "g", List.of("shape", "zero"), "n"),
            withInts(OnnxModelTest.node("Constant", "cm1", List.of(), "minus1"), "value_ints", -1),
            withInt(
                OnnxModelTest.node("Concat", "cat", List.of("n", "minus1"), "target"), "axis", 0),
            OnnxModelTest.node("Reshape", "r", List.of("h", "target"), "flat"));
    for (NodeProto n : chain.subList(0, 5)) {
      assertTrue(v.tryFold(n), n.getName());
    }
    assertFalse(v.tryFold(chain.get(5)), "Reshape of data is not folded");
    StaticValues.Known target = v.get("target");
    assertArrayEquals(new long[] {StaticValues.PROBE_A, -1}, target.a().integers());
    assertArrayEquals(new long[] {StaticValues.PROBE_B, -1}, target.b().integers());
    assertFalse(target.batchFree());
    String e =
        assertThrows(OnnxImportException.class, () -> v.constant("target", chain.get(5), "shape"))
            .getMessage();
    assertTrue(e.contains("node 'r' (Reshape): its shape 'target' depends on the batch size"), e);
    String data =
        assertThrows(OnnxImportException.class, () -> v.constant("h", chain.get(5), "data"))
            .getMessage();
    assertTrue(data.contains("its data 'h' depends on the data"), data);
  }

  @Test
  void constantOperatorsOnAwkwardCases() {
    OnnxTensor m = OnnxTensor.ofInts(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    NodeProto slice = OnnxModelTest.node("Slice", "sl", List.of("m", "s", "e", "a", "st"), "o");
    // reverse the columns: starts -1, ends -4 (past the front), step -1 on axis 1
    OnnxTensor rev =
        ConstantOps.evaluate(
            slice,
            List.of(
                m,
                OnnxTensor.vector(-1),
                OnnxTensor.vector(Long.MIN_VALUE),
                OnnxTensor.vector(1),
                OnnxTensor.vector(-1)),
            13);
    assertArrayEquals(new long[] {3, 2, 1, 6, 5, 4}, rev.integers());
    NodeProto tr = withInts(OnnxModelTest.node("Transpose", "t", List.of("m"), "o"), "perm", 1, 0);
    OnnxTensor t = ConstantOps.evaluate(tr, List.of(m), 13);
    assertArrayEquals(new int[] {3, 2}, t.shape());
    assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6}, t.integers());
    NodeProto mul = OnnxModelTest.node("Mul", "mul", List.of("m", "r"), "o");
    OnnxTensor row = OnnxTensor.ofInts(new int[] {3}, 10, 20, 30);
    assertArrayEquals(
        new long[] {10, 40, 90, 40, 100, 180},
        ConstantOps.evaluate(mul, List.of(m, row), 13).integers(),
        "broadcast over rows");
    NodeProto gather =
        withInt(OnnxModelTest.node("Gather", "g", List.of("m", "i"), "o"), "axis", 1);
    OnnxTensor g = ConstantOps.evaluate(gather, List.of(m, OnnxTensor.vector(-1, 0)), 13);
    assertArrayEquals(new int[] {2, 2}, g.shape());
    assertArrayEquals(new long[] {3, 1, 6, 4}, g.integers());
    NodeProto overflow = OnnxModelTest.node("Mul", "big", List.of("a", "b"), "o");
    String e =
        assertThrows(
                OnnxImportException.class,
                () ->
                    ConstantOps.evaluate(
                        overflow,
                        List.of(OnnxTensor.vector(1L << 40), OnnxTensor.vector(1L << 40)),
                        13))
            .getMessage();
    assertTrue(e.contains("node 'big' (Mul) on constant inputs"), e);
  }
}
