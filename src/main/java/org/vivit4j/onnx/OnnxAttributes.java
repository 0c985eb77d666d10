package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The attributes of one node, read with their ONNX defaults; a wrong type, or an attribute the
 * importer does not know for this operator, is an error naming the node.
 */
public final class OnnxAttributes {
  private final NodeProto node;
  private final Map<String, AttributeProto> byName = new HashMap<>();

  public OnnxAttributes(NodeProto node) {
    this.node = node;
    for (AttributeProto a : node.getAttributeList()) {
      if (!a.getRefAttrName().isEmpty()) {
        throw new OnnxImportException(
            OnnxModel.describe(node) + ": attribute '" + a.getName() + "' refers to a function's");
      }
      byName.put(a.getName(), a);
    }
  }

  /** Refuses any attribute not in {@code known} (an attribute ignored could change the math). */
  public OnnxAttributes only(Set<String> known) {
    for (String name : byName.keySet()) {
      if (!known.contains(name)) {
        throw new OnnxImportException(
            OnnxModel.describe(node) + ": attribute '" + name + "' is not supported");
      }
    }
    return this;
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  public long integer(String name, long fallback) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.INT);
    return a.getI();
  }

  public double real(String name, double fallback) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.FLOAT);
    return a.getF();
  }

  /**
   * A FLOAT attribute as the decimal it was written from: ONNX stores {@code float}, so PyTorch's
   * {@code eps = 1e-5} arrives as {@code 9.99999974738e-06}; the shortest decimal that rounds to
   * that float ({@code 1.0E-5}) is what the user wrote and what PyTorch computes with in float64.
   */
  public double decimal(String name, double fallback) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.FLOAT);
    return Double.parseDouble(Float.toString(a.getF()));
  }

  public String text(String name, String fallback) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.STRING);
    return a.getS().toString(StandardCharsets.UTF_8);
  }

  /** An INTS attribute, or {@code null} when absent. */
  public long[] integers(String name) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeType.INTS);
    long[] v = new long[a.getIntsCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.getInts(i);
    }
    return v;
  }

  /** A TENSOR attribute, or {@code null} when absent. */
  public OnnxTensor tensor(String name) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeType.TENSOR);
    return OnnxTensors.decode(a.getT(), OnnxModel.describe(node) + " attribute '" + name + "'");
  }

  private void expect(AttributeProto a, AttributeType type) {
    if (a.getType() != type) {
      throw new OnnxImportException(
          OnnxModel.describe(node)
              + ": attribute '"
              + a.getName()
              + "' is "
              + a.getType()
              + ", expected "
              + type);
    }
  }
}
