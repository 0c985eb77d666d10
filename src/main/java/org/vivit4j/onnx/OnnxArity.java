package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Map;

/**
 * The inputs an operator cannot do without: a node that lacks one (or leaves it empty, ONNX's
 * "absent"), or that has no output, is refused naming the node before folding or mapping reads
 * them. Operators not listed are not checked here (an unsupported one is refused as such).
 */
final class OnnxArity {
  private OnnxArity() {}

  /** ONNX's required inputs of the operators the importer folds or maps (opset 11 and later). */
  private static final Map<String, Integer> REQUIRED =
      Map.ofEntries(
          Map.entry("Add", 2),
          Map.entry("Sub", 2),
          Map.entry("Mul", 2),
          Map.entry("Div", 2),
          Map.entry("Pow", 2),
          Map.entry("MatMul", 2),
          Map.entry("Gemm", 2),
          Map.entry("Conv", 2),
          Map.entry("ConvTranspose", 2),
          Map.entry("BatchNormalization", 5),
          Map.entry("LayerNormalization", 2),
          Map.entry("Reshape", 2),
          Map.entry("Gather", 2),
          Map.entry("Pad", 1),
          Map.entry("Concat", 1),
          Map.entry("Flatten", 1),
          Map.entry("Identity", 1),
          Map.entry("Dropout", 1),
          Map.entry("MaxPool", 1),
          Map.entry("AveragePool", 1),
          Map.entry("GlobalAveragePool", 1),
          Map.entry("Relu", 1),
          Map.entry("LeakyRelu", 1),
          Map.entry("Elu", 1),
          Map.entry("Selu", 1),
          Map.entry("Sigmoid", 1),
          Map.entry("Tanh", 1),
          Map.entry("Softplus", 1),
          Map.entry("Erf", 1),
          Map.entry("Sqrt", 1),
          Map.entry("Neg", 1),
          Map.entry("Exp", 1),
          Map.entry("Log", 1),
          Map.entry("Shape", 1),
          Map.entry("Cast", 1),
          Map.entry("Unsqueeze", 1),
          Map.entry("Squeeze", 1));

  /** Refuses {@code n} when it has no output or lacks one of its operator's required inputs. */
  static void check(NodeProto n) {
    if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
      throw new OnnxImportException(OnnxModel.describe(n) + ": it has no output");
    }
    int required = REQUIRED.getOrDefault(n.getOpType(), 0);
    for (int i = 0; i < required; i++) {
      if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
        throw new OnnxImportException(
            OnnxModel.describe(n)
                + ": "
                + n.getOpType()
                + " needs "
                + required
                + (required == 1 ? " input" : " inputs")
                + ", input "
                + i
                + (i >= n.getInputCount() ? " is missing" : " is empty"));
      }
    }
  }
}
