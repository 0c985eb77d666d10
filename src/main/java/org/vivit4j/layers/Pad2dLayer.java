package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * ZeroPad2d / ConstantPad2d on {@code [C, H, W]} samples: {@code z[c, t + h, l + w] = a[c, h, w]},
 * the other entries of {@code [C, H + t + b, W + l + r]} the constant. The Jacobian selects: {@code
 * B_in[i, (c, h, w)] = B_out[i, (c, t + h, l + w)]} (the crop of each factor row) and {@code δ_in}
 * likewise; no parameters.
 *
 * <p>The crop runs on the host (download, crop, upload: {@code O(rows · out)} copies); no backend
 * operation expresses it, and it moves no more data than the layer's factor itself.
 */
public final class Pad2dLayer extends Layer {
  /**
   * PyTorch's {@code nn.ZeroPad2d(padding)} and {@code nn.ConstantPad2d(padding, value)} on a
   * {@code [C, H, W]} sample: {@code left}, {@code right} columns and {@code top}, {@code bottom}
   * rows of {@code value} (0 for zeropad2d) around each channel, giving {@code [C, H + top +
   * bottom, W + left + right]}; the input values keep their place, so the Jacobian is a selection
   * (the padded entries do not depend on the input).
   *
   * @param padding {@code [left, right, top, bottom]} (PyTorch's order), each {@code ≥ 0}
   * @param value the padding value
   * @param constant {@code true} for {@code constantpad2d}, {@code false} for {@code zeropad2d}
   *     (then {@code value} is 0)
   */
  public record Pad2dSpec(int[] padding, double value, boolean constant) implements LayerSpec {

    /** zeropad2d with {@code [left, right, top, bottom]}. */
    public static Pad2dSpec zeros(int left, int right, int top, int bottom) {
      return new Pad2dSpec(new int[] {left, right, top, bottom}, 0.0, false);
    }

    @Override
    public String type() {
      return constant ? "constantpad2d" : "zeropad2d";
    }

    public int left() {
      return padding[0];
    }

    public int right() {
      return padding[1];
    }

    public int top() {
      return padding[2];
    }

    public int bottom() {
      return padding[3];
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 3) {
        throw new InvalidInputException(
            where,
            type() + " needs a [C, H, W] input but receives " + java.util.Arrays.toString(in));
      }
      long h = (long) in[1] + top() + bottom();
      long w = (long) in[2] + left() + right();
      ArraySizes.checked(
          ArraySizes.times(in[0], ArraySizes.times(h, w)), where, "the padded output");
      return new int[] {in[0], (int) h, (int) w};
    }

    /** Four paddings, each {@code ≥ 0} (PyTorch crops for negative ones), a finite value. */
    @Override
    public void checkHyperParameters(String where) {
      if (padding == null || padding.length != 4) {
        throw new InvalidInputException(where + ".padding", "must hold left, right, top, bottom");
      }
      for (int i = 0; i < 4; i++) {
        if (padding[i] < 0) {
          throw new UnsupportedFeatureException(
              where + ".padding[" + i + "]", "negative padding (cropping, " + padding[i] + ")");
        }
      }
      if (!Double.isFinite(value)) {
        throw new InvalidInputException(where + ".value", "is " + value + "; must be finite");
      }
    }
  }

  /** The problem-file type of {@link Pad2dSpec}. */
  public static final LayerType<Pad2dSpec> TYPE = new Pad2dType();

  /**
   * {@code zeropad2d} ({@code nn.ZeroPad2d(padding)}) and {@code constantpad2d} ({@code
   * nn.ConstantPad2d(padding, value)}, {@code value} required): {@code padding} is an int (all four
   * sides) or PyTorch's {@code [left, right, top, bottom]}.
   */
  private static final class Pad2dType extends LayerType<Pad2dSpec> {
    Pad2dType() {
      super(Pad2dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("zeropad2d", "constantpad2d");
    }

    @Override
    public Pad2dSpec read(JsonNode node, String path, String name) {
      boolean constant = name.equals("constantpad2d");
      String what = "a " + name + " layer";
      if (constant) {
        JsonFields.onlyKeys(node, path, what, "type", "padding", "value");
      } else {
        JsonFields.onlyKeys(node, path, what, "type", "padding");
      }
      String pp = at(path, "padding");
      JsonNode p = JsonFields.required(node, path, "padding");
      int[] padding;
      if (p.isArray()) {
        padding = JsonFields.intList(p, pp);
        if (padding.length != 4) {
          throw new InvalidInputException(
              pp,
              "has " + padding.length + " values; expected an int or [left, right, top, bottom]");
        }
      } else {
        int all = JsonFields.intValue(p, pp);
        padding = new int[] {all, all, all, all};
      }
      double value =
          constant
              ? JsonFields.finiteValue(JsonFields.required(node, path, "value"), at(path, "value"))
              : 0.0;
      Pad2dSpec spec = new Pad2dSpec(padding, value, constant);
      spec.checkHyperParameters(path);
      return spec;
    }

    @Override
    public void writeFields(JsonGenerator g, Pad2dSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeFieldName("padding");
      g.writeArray(spec.padding(), 0, 4);
      if (spec.constant()) {
        g.writeNumberField("value", spec.value());
      }
    }

    @Override
    public Layer create(Pad2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new Pad2dLayer(spec, net.shapeBefore(index));
    }
  }

  private final int channels;
  private final int height;
  private final int width;
  private final int top;
  private final int left;
  private final int outH;
  private final int outW;
  private final double value;

  /**
   * @param in the per-sample input shape {@code [C, H, W]}
   */
  public Pad2dLayer(Pad2dSpec spec, int[] in) {
    super(
        in[0] * in[1] * in[2],
        in[0] * (in[1] + spec.top() + spec.bottom()) * (in[2] + spec.left() + spec.right()));
    this.channels = in[0];
    this.height = in[1];
    this.width = in[2];
    this.top = spec.top();
    this.left = spec.left();
    this.outH = in[1] + spec.top() + spec.bottom();
    this.outW = in[2] + spec.left() + spec.right();
    this.value = spec.value();
  }

  /** The output index of input entry {@code (c, h, w)} within a sample. */
  private int outIndex(int c, int h, int w) {
    return (c * outH + top + h) * outW + left + w;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * outSize];
    java.util.Arrays.fill(out, value);
    for (int s = 0; s < n; s++) {
      copy(in, s * inSize, out, s * outSize, true);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return crop(deltaOut, n);
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    int rows = b.rows();
    return ctx.backend().upload(crop(ctx.backend().download(b), rows), rows, inSize);
  }

  /** The input-shaped part of each of the {@code rows} rows of {@code padded}. */
  private double[] crop(double[] padded, int rows) {
    double[] out = new double[rows * inSize];
    for (int r = 0; r < rows; r++) {
      copy(out, r * inSize, padded, r * outSize, false);
    }
    return out;
  }

  /**
   * Copies one sample between its input layout (at {@code a}) and its place in the padded layout
   * (at {@code z}): input to padded when {@code toPadded}, else back.
   */
  private void copy(double[] a, int ao, double[] z, int zo, boolean toPadded) {
    for (int c = 0; c < channels; c++) {
      for (int h = 0; h < height; h++) {
        int from = ao + (c * height + h) * width;
        int to = zo + outIndex(c, h, 0);
        if (toPadded) {
          System.arraycopy(a, from, z, to, width);
        } else {
          System.arraycopy(z, to, a, from, width);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Pad2d(" + channels + "×" + height + "×" + width + " → " + outH + "×" + outW + ")";
  }
}
