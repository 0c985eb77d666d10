package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code maxpool1d} and {@code avgpool1d}: their spec and problem-file type. Their fast paths are
 * {@link MaxPool2dLayer} and {@link AvgPool2dLayer} on the {@code [C, 1, L]} view of the input.
 */
public final class Pool1dLayer {
  /**
   * PyTorch's {@code nn.MaxPool1d(kernel_size, stride, padding, dilation)} and {@code
   * nn.AvgPool1d(kernel_size, stride, padding)} on {@code [C, L]} samples: the 2-d pools of a
   * {@code [C, 1, L]} view with kernel {@code [1, k]}, stride {@code [1, s]}, padding {@code [0,
   * p]} and dilation {@code [1, d]} ({@link #as2d}), so their semantics (ties, padding, {@code
   * count_include_pad = true}) are those of {@link MaxPool2dSpec} and {@link AvgPool2dSpec}. Output
   * {@code [C, ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1]}.
   *
   * @param max {@code true} for {@code maxpool1d}, {@code false} for {@code avgpool1d}
   * @param kernel k
   * @param stride s (PyTorch's default: k)
   * @param padding p, at most half the kernel
   * @param dilation d (1 for avgpool1d)
   */
  public record Pool1dSpec(boolean max, int kernel, int stride, int padding, int dilation)
      implements LayerSpec {

    @Override
    public String type() {
      return max ? "maxpool1d" : "avgpool1d";
    }

    /** The 2-d pool over the {@code [C, 1, L]} view. */
    public LayerSpec as2d() {
      int[] k = {1, kernel};
      int[] s = {1, stride};
      int[] p = {0, padding};
      return max ? new MaxPool2dSpec(k, s, p, new int[] {1, dilation}) : new AvgPool2dSpec(k, s, p);
    }

    /** {@code [C, L] → [C, L_out]}. */
    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 2) {
        throw new InvalidInputException(
            where, type() + " needs a [C, L] input but receives " + java.util.Arrays.toString(in));
      }
      int[] out = as2d().outputShape(new int[] {in[0], 1, in[1]}, where);
      return new int[] {out[0], out[2]};
    }

    /** Kernel, stride, dilation ≥ 1, padding in {@code [0, k/2]}. */
    @Override
    public void checkHyperParameters(String where) {
      if (kernel < 1 || stride < 1 || dilation < 1) {
        throw new InvalidInputException(
            where,
            "kernel_size, stride and dilation must be >= 1, got "
                + kernel
                + ", "
                + stride
                + ", "
                + dilation);
      }
      if (padding < 0 || 2 * padding > kernel) {
        throw new InvalidInputException(
            where + ".padding", "is " + padding + "; must lie in [0, kernel_size / 2]");
      }
    }
  }

  /** The problem-file type of {@link Pool1dSpec}. */
  public static final LayerType<Pool1dSpec> TYPE = new Pool1dType();

  /**
   * {@code maxpool1d}, {@code avgpool1d}: {@code kernel_size} (required), {@code stride} (default:
   * the kernel size, also when {@code null}), {@code padding} (0), {@code dilation} (maxpool1d, 1),
   * each an int or a one-element list; {@code ceil_mode} only false, {@code return_indices}
   * (maxpool1d) only false, {@code count_include_pad} (avgpool1d) only true. On the fast path the
   * 2-d pooling layers over a {@code [C, 1, L]} view.
   */
  private static final class Pool1dType extends LayerType<Pool1dSpec> {
    Pool1dType() {
      super(Pool1dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("maxpool1d", "avgpool1d");
    }

    @Override
    public Pool1dSpec read(JsonNode node, String path, String name) {
      boolean max = name.equals("maxpool1d");
      String what = "a " + name + " layer";
      if (max) {
        JsonFields.onlyKeys(
            node,
            path,
            what,
            "type",
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "ceil_mode",
            "return_indices");
        JsonFields.onlyFalse(node, path, "return_indices", "maxpool1d with return_indices = true");
      } else {
        JsonFields.onlyKeys(
            node,
            path,
            what,
            "type",
            "kernel_size",
            "stride",
            "padding",
            "ceil_mode",
            "count_include_pad");
        JsonNode include = JsonFields.optional(node, "count_include_pad");
        if (include != null && !JsonFields.bool(include, at(path, "count_include_pad"))) {
          throw new UnsupportedFeatureException(
              at(path, "count_include_pad"), "avgpool1d with count_include_pad = false");
        }
      }
      JsonFields.onlyFalse(node, path, "ceil_mode", name + " with ceil_mode = true");
      int kernel =
          TypeFields.single(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      JsonNode s = JsonFields.optional(node, "stride");
      int stride = s == null || s.isNull() ? kernel : TypeFields.single(s, at(path, "stride"), 1);
      JsonNode p = JsonFields.optional(node, "padding");
      int padding = p == null ? 0 : TypeFields.single(p, at(path, "padding"), 0);
      JsonNode d = max ? JsonFields.optional(node, "dilation") : null;
      int dilation = d == null ? 1 : TypeFields.single(d, at(path, "dilation"), 1);
      Pool1dSpec spec = new Pool1dSpec(max, kernel, stride, padding, dilation);
      spec.checkHyperParameters(path);
      return spec;
    }

    @Override
    public void writeFields(JsonGenerator g, Pool1dSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("kernel_size", spec.kernel());
      g.writeNumberField("stride", spec.stride());
      g.writeNumberField("padding", spec.padding());
      if (spec.max()) {
        g.writeNumberField("dilation", spec.dilation());
      }
    }

    @Override
    public Layer create(Pool1dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      int[] in = net.shapeBefore(index);
      int[] view = {in[0], 1, in[1]};
      return spec.max()
          ? new MaxPool2dLayer((MaxPool2dSpec) spec.as2d(), view)
          : new AvgPool2dLayer((AvgPool2dSpec) spec.as2d(), view);
    }
  }

  private Pool1dLayer() {}
}
