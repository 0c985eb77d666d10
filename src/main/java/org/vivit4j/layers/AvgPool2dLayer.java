package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.PoolShapes;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * AvgPool2d (PyTorch's {@code count_include_pad = true}, {@code ceil_mode = false}): {@code z_n[c,
 * i, j] = (1/(k_h k_w)) Σ_{a,b} a_n[c, i·s_h − p_h + a, j·s_w − p_w + b]}, padding counting as
 * zero. Linear, so {@code B_in} spreads each entry of {@code B_out} evenly over its window: {@code
 * B_in[r, c, h, w] = (1/(k_h k_w)) Σ_{windows ∋ (h,w)} B_out[r, c, i, j]}. Activations {@code [N ×
 * C·H·W] → [N × C·T]}.
 */
public final class AvgPool2dLayer extends Layer {
  /**
   * AvgPool2d with PyTorch's defaults {@code count_include_pad = true}, {@code ceil_mode = false}:
   * {@code y[c, i, j] = (1 / (kh·kw)) Σ_{a, b} x[c, i·s_h − p_h + a, j·s_w − p_w + b]}, padded
   * positions counting as zeros.
   *
   * @param kernelSize {@code [kh, kw]}
   * @param stride {@code [s_h, s_w]} (PyTorch's default is the kernel size)
   * @param padding {@code [p_h, p_w]}, at most half the kernel size
   */
  public record AvgPool2dSpec(int[] kernelSize, int[] stride, int[] padding) implements LayerSpec {
    @Override
    public String type() {
      return "avgpool2d";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      return PoolShapes.outputShape(in, kernelSize, stride, padding, new int[] {1, 1}, where);
    }
  }

  /** The problem-file type of {@link AvgPool2dSpec}. */
  public static final LayerType<AvgPool2dSpec> TYPE = new AvgPool2dType();

  /**
   * {@code avgpool2d}: {@code kernel_size}, {@code stride}, {@code padding} as max pooling; {@code
   * ceil_mode} only false, {@code count_include_pad} only true, no {@code divisor_override}.
   */
  private static final class AvgPool2dType extends LayerType<AvgPool2dSpec> {
    AvgPool2dType() {
      super(AvgPool2dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("avgpool2d");
    }

    @Override
    public AvgPool2dSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "an avgpool2d layer",
          "type",
          "kernel_size",
          "stride",
          "padding",
          "ceil_mode",
          "count_include_pad",
          "divisor_override");
      int[] kernel =
          TypeFields.poolPair(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      int[] stride = TypeFields.strideOr(node, path, kernel);
      int[] padding = TypeFields.poolPairOr(node, path, "padding", 0, 0);
      JsonFields.onlyFalse(node, path, "ceil_mode", "avgpool2d with ceil_mode = true");
      JsonNode include = JsonFields.optional(node, "count_include_pad");
      if (include != null && !JsonFields.bool(include, at(path, "count_include_pad"))) {
        throw new UnsupportedFeatureException(
            at(path, "count_include_pad"), "avgpool2d with count_include_pad = false");
      }
      JsonNode divisor = JsonFields.optional(node, "divisor_override");
      if (divisor != null) {
        JsonFields.intValue(divisor, at(path, "divisor_override"));
        throw new UnsupportedFeatureException(
            at(path, "divisor_override"), "avgpool2d with a divisor_override");
      }
      return new AvgPool2dSpec(kernel, stride, padding);
    }

    @Override
    public void writeFields(JsonGenerator g, AvgPool2dSpec spec, ArrayWriter arrays)
        throws IOException {
      JsonFields.writePair(g, "kernel_size", spec.kernelSize());
      JsonFields.writePair(g, "stride", spec.stride());
      JsonFields.writePair(g, "padding", spec.padding());
    }

    @Override
    public Layer create(AvgPool2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new AvgPool2dLayer(spec, net.shapeBefore(index));
    }
  }

  private final ConvGeometry g;

  public AvgPool2dLayer(AvgPool2dSpec spec, int[] inShape) {
    this(
        ConvGeometry.of(
            inShape, spec.kernelSize(), spec.stride(), spec.padding(), new int[] {1, 1}));
  }

  private AvgPool2dLayer(ConvGeometry g) {
    super(g.inputSize(), g.channels() * g.positions());
    this.g = g;
  }

  /** {@code f(q_in, q_out)} for every (input entry, output entry) pair of a window, per sample. */
  private interface Tap {
    void apply(int in, int out);
  }

  private void forEachTap(int n, Tap tap) {
    int hw = g.height() * g.width();
    int t = g.positions();
    for (int s = 0; s < n * g.channels(); s++) {
      for (int i = 0; i < g.outH(); i++) {
        for (int j = 0; j < g.outW(); j++) {
          int q = s * t + i * g.outW() + j;
          for (int a = 0; a < g.kernelH(); a++) {
            int h = i * g.strideH() - g.padH() + a;
            if (h < 0 || h >= g.height()) {
              continue;
            }
            for (int b = 0; b < g.kernelW(); b++) {
              int w = j * g.strideW() - g.padW() + b;
              if (w >= 0 && w < g.width()) {
                tap.apply(s * hw + h * g.width() + w, q);
              }
            }
          }
        }
      }
    }
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * outSize];
    forEachTap(n, (qi, qo) -> out[qo] += in[qi]);
    double inv = 1.0 / (g.kernelH() * g.kernelW());
    for (int q = 0; q < out.length; q++) {
      out[q] *= inv;
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] dIn = new double[n * inSize];
    double inv = 1.0 / (g.kernelH() * g.kernelW());
    forEachTap(n, (qi, qo) -> dIn[qi] += inv * deltaOut[qo]);
    return dIn;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    return ctx.backend().avgPoolJacT(ctx.factorOut(), g);
  }

  @Override
  public String toString() {
    return "AvgPool2d(" + g.kernelH() + "×" + g.kernelW() + ")";
  }
}
