package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a graph that do not depend on the data: initializers, constants, and every node
 * that computes only from them or from the shapes of data-carrying values (the sub-graphs exporters
 * write for pads and reshape targets). Each value is evaluated twice, for two probe batch sizes, so
 * a value that depends on the batch size (a reshape target {@code [N, -1]} built from {@code
 * Shape(x)}) is told apart from one that does not, whatever chain of operators computed it.
 */
public final class StaticValues {
  /** The two batch sizes the shape-dependent values are evaluated for (distinct primes). */
  public static final int PROBE_A = 7;

  public static final int PROBE_B = 11;

  /** A value for batch size {@link #PROBE_A} and for {@link #PROBE_B}. */
  public record Known(OnnxTensor a, OnnxTensor b) {
    /** Whether the value is the same for every batch size. */
    public boolean batchFree() {
      return a.equals(b);
    }
  }

  private final long opset;
  private final Map<String, Known> known = new HashMap<>();
  private final Map<String, int[]> perSampleShapes = new HashMap<>();
  private final java.util.Set<String> initializers;

  public StaticValues(OnnxModel model) {
    this.opset = model.opset();
    this.initializers = java.util.Set.copyOf(model.initializers().keySet());
    for (var e : model.initializers().entrySet()) {
      known.put(e.getKey(), new Known(e.getValue(), e.getValue()));
    }
  }

  private long fixedBatch = -1;

  /**
   * Records that the model was exported with a fixed batch size (no dynamic batch axis): a reshape
   * target may then name the batch by that number.
   */
  public void fixedBatch(long n) {
    fixedBatch = n;
  }

  /** The batch size the model was exported with when its batch axis is fixed, else -1. */
  public long fixedBatch() {
    return fixedBatch;
  }

  /** Records the per-sample shape of a value that carries data (its batch axis first). */
  public void dataShape(String value, int[] perSample) {
    perSampleShapes.put(value, perSample.clone());
  }

  /** The per-sample shape of a data-carrying value, or {@code null} when not recorded. */
  public int[] dataShape(String value) {
    int[] s = perSampleShapes.get(value);
    return s == null ? null : s.clone();
  }

  /** Whether {@code value} is one of the model's initializers (not a computed constant). */
  public boolean isInitializer(String value) {
    return initializers.contains(value);
  }

  public boolean isKnown(String value) {
    return known.containsKey(value);
  }

  public Known get(String value) {
    return known.get(value);
  }

  /**
   * Evaluates {@code node} if it can be: a constant-folding operator whose inputs are all known, or
   * {@code Shape}/{@code Size} of a data-carrying value whose shape is recorded.
   *
   * @return whether the node's outputs are now known
   */
  public boolean tryFold(NodeProto node) {
    String op = node.getOpType();
    if (!ConstantOps.OPERATORS.contains(op) || node.getOutputCount() != 1) {
      return false;
    }
    if ((op.equals("Shape") || op.equals("Size"))
        && !isKnown(node.getInput(0))
        && perSampleShapes.containsKey(node.getInput(0))) {
      int[] s = perSampleShapes.get(node.getInput(0));
      known.put(node.getOutput(0), new Known(shapeOf(node, PROBE_A, s), shapeOf(node, PROBE_B, s)));
      return true;
    }
    List<OnnxTensor> a = new ArrayList<>();
    List<OnnxTensor> b = new ArrayList<>();
    for (String in : node.getInputList()) {
      if (in.isEmpty()) {
        a.add(null);
        b.add(null);
        continue;
      }
      Known k = known.get(in);
      if (k == null) {
        return false;
      }
      a.add(k.a());
      b.add(k.b());
    }
    OnnxTensor ra = ConstantOps.evaluate(node, a, opset);
    OnnxTensor rb = a.equals(b) ? ra : ConstantOps.evaluate(node, b, opset);
    known.put(node.getOutput(0), new Known(ra, rb));
    return true;
  }

  /**
   * The value {@code value} as a constant that does not depend on the batch size.
   *
   * @param user the node that needs it, for the error
   * @param role what the value is to that node (e.g. {@code "pads"})
   * @throws OnnxImportException when the value depends on the data or on the batch size
   */
  public OnnxTensor constant(String value, NodeProto user, String role) {
    Known k = known.get(value);
    if (k == null) {
      throw new OnnxImportException(
          OnnxModel.describe(user)
              + ": its "
              + role
              + " '"
              + value
              + "' depends on the data; vivit4j needs it constant");
    }
    if (!k.batchFree()) {
      throw new OnnxImportException(
          OnnxModel.describe(user)
              + ": its "
              + role
              + " '"
              + value
              + "' depends on the batch size ("
              + k.a()
              + " for N = "
              + PROBE_A
              + ", "
              + k.b()
              + " for N = "
              + PROBE_B
              + ")");
    }
    return k.a();
  }

  /** {@code Shape} or {@code Size} of a data value of shape {@code [batch, perSample...]}. */
  private static OnnxTensor shapeOf(NodeProto node, int batch, int[] perSample) {
    int[] shape = new int[perSample.length + 1];
    shape[0] = batch;
    System.arraycopy(perSample, 0, shape, 1, perSample.length);
    if (node.getOpType().equals("Size")) {
      return OnnxTensor.ofInts(new int[0], OnnxTensor.size(shape));
    }
    return ConstantOps.shape(shape, new OnnxAttributes(node));
  }
}
