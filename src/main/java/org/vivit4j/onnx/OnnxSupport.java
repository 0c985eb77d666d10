package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Which operators the importer maps, for a report of everything a model would need. */
public final class OnnxSupport {
  private OnnxSupport() {}

  /** Operators mapped onto layers (on data) by {@link OnnxImporter}. */
  static final Set<String> ON_DATA =
      Set.of(
          "Gemm",
          "MatMul",
          "Add",
          "Conv",
          "ConvTranspose",
          "Pad",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "Flatten",
          "Reshape",
          "Relu",
          "LeakyRelu",
          "Elu",
          "Selu",
          "Sigmoid",
          "Tanh",
          "Identity",
          "Dropout",
          "LayerNormalization",
          "BatchNormalization",
          "Softplus",
          "Mish",
          // inside recognised patterns: GELU's erf form, SiLU, LogSigmoid, LayerNorm below opset 17
          "Gelu",
          "Erf",
          "Log",
          "ReduceMean",
          "Pow");

  /**
   * The nodes whose operator is neither folded on constants nor mapped onto a layer: what stands
   * between the model and an import, all at once (the import itself stops at the first problem).
   */
  public static List<NodeProto> unsupportedNodes(OnnxModel model) {
    List<NodeProto> out = new ArrayList<>();
    for (NodeProto n : model.nodes()) {
      String op = n.getOpType();
      if (!ON_DATA.contains(op) && !ConstantOps.OPERATORS.contains(op)) {
        out.add(n);
      }
    }
    return out;
  }
}
