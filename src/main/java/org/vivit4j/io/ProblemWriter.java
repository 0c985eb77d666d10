package org.vivit4j.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.AvgPool2dSpec;
import org.vivit4j.model.Conv2dSpec;
import org.vivit4j.model.DropoutSpec;
import org.vivit4j.model.FlattenSpec;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.LayerNormSpec;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LinearSpec;
import org.vivit4j.model.MaxPool2dSpec;
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
    target.write(
        out -> {
          try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            write(g, problem, inputScale);
          }
        });
  }

  private static void write(JsonGenerator g, Problem p, Double inputScale) throws IOException {
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
    g.writeArrayFieldStart("model");
    for (LayerSpec layer : net.layers()) {
      writeLayer(g, layer);
    }
    g.writeEndArray();
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
    writeComputation(g, p.computationClass(), p.options());
    g.writeArrayFieldStart("param_groups");
    for (ParamGroup group : p.groups()) {
      g.writeStartObject();
      g.writeStringField("name", group.name());
      g.writeFieldName("params");
      g.writeArray(group.params(), 0, group.params().length);
      g.writeFieldName("criterion");
      writeCriterion(g, group.criterion());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeComputation(JsonGenerator g, String cls, ComputationOptions o)
      throws IOException {
    g.writeObjectFieldStart("computation");
    g.writeStringField("class", cls);
    g.writeFieldName("subsampling_grad");
    writeIndices(g, o.subsamplingGrad());
    g.writeFieldName("subsampling_ggn");
    writeIndices(g, o.subsamplingGgn());
    g.writeNumberField("mc_samples_ggn", o.mcSamples());
    if (o.mcSamples() > 0) {
      g.writeNumberField("seed", o.seed());
    }
    g.writeNumberField("warn_small_eigvals", o.warnSmallEigvals());
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

  private static void writeLayer(JsonGenerator g, LayerSpec layer) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", layer.type());
    if (layer instanceof LinearSpec l) {
      g.writeNumberField("in", l.in());
      g.writeNumberField("out", l.out());
      g.writeFieldName("weight");
      writeArray(g, l.weight(), new int[] {l.out(), l.in()}, null);
      writeBias(g, l.bias());
    } else if (layer instanceof Conv2dSpec c) {
      g.writeNumberField("in_channels", c.inChannels());
      g.writeNumberField("out_channels", c.outChannels());
      writePair(g, "kernel_size", c.kernelSize());
      writePair(g, "stride", c.stride());
      writePair(g, "padding", c.padding());
      writePair(g, "dilation", c.dilation());
      g.writeNumberField("groups", 1);
      g.writeFieldName("weight");
      int[] shape = {c.outChannels(), c.inChannels(), c.kernelSize()[0], c.kernelSize()[1]};
      writeArray(g, c.weight(), shape, null);
      writeBias(g, c.bias());
    } else if (layer instanceof MaxPool2dSpec m) {
      writePair(g, "kernel_size", m.kernelSize());
      writePair(g, "stride", m.stride());
      writePair(g, "padding", m.padding());
      writePair(g, "dilation", m.dilation());
    } else if (layer instanceof AvgPool2dSpec a) {
      writePair(g, "kernel_size", a.kernelSize());
      writePair(g, "stride", a.stride());
      writePair(g, "padding", a.padding());
    } else if (layer instanceof FlattenSpec f) {
      g.writeNumberField("start_dim", f.startDim());
      g.writeNumberField("end_dim", f.endDim());
    } else if (layer instanceof ActivationSpec a) {
      if (a.activation().paramName() != null) {
        if (a.activation().param().choices().isEmpty()) {
          g.writeNumberField(a.activation().paramName(), a.param());
        } else {
          g.writeStringField(a.activation().paramName(), a.activation().paramText(a.param()));
        }
      }
    } else if (layer instanceof DropoutSpec d) {
      g.writeNumberField("p", d.p());
    } else if (layer instanceof LayerNormSpec ln) {
      g.writeFieldName("normalized_shape");
      g.writeArray(ln.normalizedShape(), 0, ln.normalizedShape().length);
      g.writeNumberField("eps", ln.eps());
      g.writeBooleanField("elementwise_affine", ln.weight() != null);
      if (ln.weight() != null) {
        g.writeFieldName("weight");
        writeArray(g, ln.weight(), ln.normalizedShape(), null);
        g.writeFieldName("bias");
        if (ln.bias() == null) {
          g.writeNull();
        } else {
          writeArray(g, ln.bias(), ln.normalizedShape(), null);
        }
      }
    } else if (!(layer instanceof IdentitySpec)) {
      throw new IllegalArgumentException("cannot write a layer of type " + layer.type());
    }
    g.writeEndObject();
  }

  private static void writeBias(JsonGenerator g, double[] bias) throws IOException {
    g.writeFieldName("bias");
    if (bias == null) {
      g.writeNull();
    } else {
      writeArray(g, bias, new int[] {bias.length}, null);
    }
  }

  private static void writePair(JsonGenerator g, String key, int[] pair) throws IOException {
    g.writeFieldName(key);
    g.writeArray(pair, 0, 2);
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
