package org.vivit4j.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.types.LayerTypes;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Writes a {@link Problem} as a problem file ({@code docs/SCHEMA.md}) that {@link ProblemReader}
 * reads back to the same values. Large arrays (more than {@value #INLINE_LIMIT} values) are encoded
 * as base64: {@code uint8} with a scale when every value is {@code code·scale} for the given input
 * scale, {@code float32} when every value is a float32, else {@code float64}; so the encoding is
 * exact. Written atomically ({@link OutputFile}: temporary file, then a move).
 */
public final class ProblemWriter {
  private ProblemWriter() {}

  /** Arrays up to this many values are written as nested lists. */
  static final int INLINE_LIMIT = 64;

  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * Writes {@code problem} to {@code target} after {@link OutputFile#check(String, Path)} (the
   * message names it {@code output file}); see {@link #write(OutputFile, Problem, Double)}.
   */
  public static void write(Path target, Problem problem, Double inputScale) throws IOException {
    write(OutputFile.check("output file", target), problem, inputScale);
  }

  /**
   * Writes {@code problem} atomically ({@link OutputFile#write}).
   *
   * @param target the checked file to create or replace
   * @param inputScale when not null, {@code X} is tried as {@code uint8} codes times this scale
   * @throws OutputWriteException when writing fails (the target is left as it was)
   */
  public static void write(OutputFile target, Problem problem, Double inputScale)
      throws IOException {
    write(target, problem, inputScale, null);
  }

  /**
   * Writes {@code problem} atomically with its model as a reference to an ONNX file instead of a
   * layer list ({@code "model": {"format": "onnx", "path": onnxPath}}), and its groups' parameters
   * by name.
   *
   * @param onnxPath the model file as the problem file should name it (relative to its folder), or
   *     {@code null} to write the layers
   */
  public static void write(OutputFile target, Problem problem, Double inputScale, String onnxPath)
      throws IOException {
    target.write(
        out -> {
          try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            write(g, problem, inputScale, onnxPath);
          }
        });
  }

  private static void write(JsonGenerator g, Problem p, Double inputScale, String onnxPath)
      throws IOException {
    if (p.damping() != null) {
      throw new IllegalArgumentException("a damped_newton problem's damping cannot be written yet");
    }
    NetworkSpec net = p.network();
    int n = p.batch().n();
    g.writeStartObject();
    g.writeNumberField("schema_version", 1);
    g.writeStringField("name", p.name());
    g.writeNumberField("N", n);
    g.writeFieldName("input_shape");
    g.writeArray(net.inputShape(), 0, net.inputShape().length);
    g.writeNumberField("num_outputs", net.outputSize());
    g.writeNumberField("num_params", net.numParams());
    g.writeObjectFieldStart("loss");
    g.writeStringField("type", p.loss().type().typeName());
    g.writeStringField("reduction", p.loss().reduction().typeName());
    g.writeEndObject();
    if (onnxPath != null) {
      g.writeObjectFieldStart("model");
      g.writeStringField("format", "onnx");
      g.writeStringField("path", onnxPath);
      g.writeEndObject();
    } else if (net.isGraph()) {
      writeGraph(g, net);
    } else {
      g.writeArrayFieldStart("model");
      for (LayerSpec layer : net.layers()) {
        writeLayer(g, layer);
      }
      g.writeEndArray();
    }
    int[] xShape = new int[net.inputShape().length + 1];
    xShape[0] = n;
    System.arraycopy(net.inputShape(), 0, xShape, 1, net.inputShape().length);
    g.writeFieldName("X");
    writeArray(g, p.batch().x(), xShape, inputScale);
    g.writeFieldName("y");
    if (p.loss().type().realTargets()) { // MSE and BCE-with-logits targets are [N, C] reals
      writeArray(g, p.batch().yReal(), new int[] {n, net.outputSize()}, null);
    } else {
      g.writeArray(p.batch().yClass(), 0, n);
    }
    writeComputation(g, p, p.options());
    g.writeArrayFieldStart("param_groups");
    for (ParamGroup group : p.groups()) {
      g.writeStartObject();
      g.writeStringField("name", group.name());
      if (onnxPath != null && group.paramNames() != null) {
        g.writeArrayFieldStart("params");
        for (String name : group.paramNames()) {
          g.writeString(name);
        }
        g.writeEndArray();
      } else {
        g.writeFieldName("params");
        g.writeArray(group.params(), 0, group.params().length);
      }
      g.writeFieldName("criterion");
      writeCriterion(g, group.criterion());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * {@code class}, or {@code outputs} for a problem that lists them (the two exclude each other).
   */
  private static void writeComputation(JsonGenerator g, Problem p, ComputationOptions o)
      throws IOException {
    g.writeObjectFieldStart("computation");
    if (p.outputs() == null) {
      g.writeStringField("class", p.computationClass());
    } else {
      g.writeArrayFieldStart("outputs");
      for (GgnOutput out : p.outputs()) {
        g.writeString(out.fileName());
      }
      g.writeEndArray();
    }
    g.writeFieldName("subsampling_grad");
    writeIndices(g, o.subsamplingGrad());
    g.writeFieldName("subsampling_ggn");
    writeIndices(g, o.subsamplingGgn());
    g.writeNumberField("mc_samples_ggn", o.mcSamples());
    if (o.mcSamples() > 0) {
      g.writeNumberField("seed", o.seed());
    }
    g.writeNumberField("warn_small_eigvals", o.warnSmallEigvals());
    // Written whenever it is not what an absent field reads as, so that the file solves as the
    // problem in memory does (it was dropped once: an auto problem read back as dense).
    if (o.eigenSolver() != ComputationReader.FILE_DEFAULT_EIGENSOLVER) {
      g.writeStringField("eigensolver", o.eigenSolver().optionName());
    }
    g.writeEndObject();
  }

  private static void writeIndices(JsonGenerator g, int[] idx) throws IOException {
    if (idx == null) {
      g.writeNull();
    } else {
      g.writeArray(idx, 0, idx.length);
    }
  }

  private static void writeCriterion(JsonGenerator g, Criterion c) throws IOException {
    g.writeStartObject();
    if (c instanceof Criterion.TopK t) {
      g.writeStringField("type", "top_k");
      g.writeNumberField("k", t.k());
    } else if (c instanceof Criterion.Threshold t) {
      g.writeStringField("type", "threshold");
      g.writeNumberField("threshold", t.threshold());
    } else {
      throw new IllegalArgumentException("a custom criterion cannot be written to a file");
    }
    g.writeEndObject();
  }

  /** {@code "graph": {"inputs", "nodes", "output"}}, the nodes in topological order. */
  private static void writeGraph(JsonGenerator g, NetworkSpec net) throws IOException {
    g.writeObjectFieldStart("graph");
    g.writeArrayFieldStart("inputs");
    g.writeString(net.inputName());
    g.writeEndArray();
    g.writeArrayFieldStart("nodes");
    for (int i = 0; i < net.layers().size(); i++) {
      List<String> inputs = new ArrayList<>();
      for (int v : net.inputsOf(i)) {
        inputs.add(v == 0 ? net.inputName() : net.nodeName(v - 1));
      }
      LayerTypes.writeNode(
          g,
          net.nodeName(i),
          inputs,
          net.layers().get(i),
          (gen, values, shape) -> writeArray(gen, values, shape, null));
    }
    g.writeEndArray();
    g.writeStringField("output", net.nodeName(net.layers().size() - 1));
    g.writeEndObject();
  }

  private static void writeLayer(JsonGenerator g, LayerSpec layer) throws IOException {
    LayerTypes.write(g, layer, (gen, values, shape) -> writeArray(gen, values, shape, null));
  }

  /** Nested lists for small arrays, else the narrowest exact base64 encoding. */
  static void writeArray(JsonGenerator g, double[] v, int[] shape, Double scale)
      throws IOException {
    if (v.length <= INLINE_LIMIT) {
      writeNested(g, v, shape, 0, 0);
      return;
    }
    String dtype = narrowest(v, scale);
    int item = dtype.equals("uint8") ? 1 : dtype.equals("float32") ? 4 : 8;
    ByteBuffer buf = ByteBuffer.allocate(v.length * item).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      switch (dtype) {
        case "uint8" -> buf.put((byte) Math.round(x / scale));
        case "float32" -> buf.putFloat((float) x);
        default -> buf.putDouble(x);
      }
    }
    g.writeStartObject();
    g.writeStringField("encoding", "base64");
    g.writeStringField("dtype", dtype);
    g.writeStringField("byte_order", "little");
    g.writeFieldName("shape");
    g.writeArray(shape, 0, shape.length);
    g.writeStringField("data", Base64.getEncoder().encodeToString(buf.array()));
    if (dtype.equals("uint8")) {
      g.writeNumberField("scale", scale);
    }
    g.writeEndObject();
  }

  private static String narrowest(double[] v, Double scale) {
    boolean codes = scale != null;
    boolean floats = true;
    for (double x : v) {
      if (codes) {
        long code = Math.round(x / scale);
        codes = code >= 0 && code <= 255 && code * scale == x;
      }
      floats &= (float) x == x;
    }
    return codes ? "uint8" : floats ? "float32" : "float64";
  }

  private static int writeNested(JsonGenerator g, double[] v, int[] shape, int dim, int pos)
      throws IOException {
    g.writeStartArray();
    for (int i = 0; i < shape[dim]; i++) {
      if (dim == shape.length - 1) {
        g.writeNumber(v[pos++]);
      } else {
        pos = writeNested(g, v, shape, dim + 1, pos);
      }
    }
    g.writeEndArray();
    return pos;
  }
}
