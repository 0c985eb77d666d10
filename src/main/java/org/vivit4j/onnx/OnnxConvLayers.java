package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.model.InvalidInputException;

/**
 * The convolutions beyond the 2-D Conv: a Conv on {@code [C, L]} samples (PyTorch's Conv1d) and a
 * ConvTranspose on {@code [C, L]} or {@code [C, H, W]} samples (PyTorch's ConvTranspose1d and
 * ConvTranspose2d). As for every node, an attribute that would change the math (a group, an
 * asymmetric pad, an explicit {@code output_shape}) is refused naming the node.
 */
final class OnnxConvLayers {
  private OnnxConvLayers() {}

  /** A Conv with a 1-D kernel: {@code conv1d}. */
  static OnnxLayers.Layer conv1d(NodeProto n, StaticValues values, int[] shape) {
    OnnxAttributes at =
        new OnnxAttributes(n)
            .only(Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"));
    OnnxLayers.window(n, at);
    group(n, at);
    String wName = n.getInput(1);
    if (!values.isInitializer(wName) || values.get(wName).a().rank() != 3) {
      throw OnnxLayers.refuse(n, "its weight '" + wName + "' is not an [O, C, k] initializer");
    }
    int[] ws = values.get(wName).a().shape();
    long[] k = at.integers("kernel_shape");
    if (k != null && (k.length != 1 || k[0] != ws[2])) {
      throw OnnxLayers.refuse(n, "kernel_shape does not match the weight's shape");
    }
    long[] s = at.integers("strides");
    long[] p = at.integers("pads");
    long[] d = at.integers("dilations");
    if ((s != null && s.length != 1)
        || (p != null && p.length != 2)
        || (d != null && d.length != 1)) {
      throw OnnxLayers.refuse(
          n, "attributes of a 1-D convolution must have one entry per axis (two for pads)");
    }
    if (p != null && p[0] != p[1]) {
      throw OnnxLayers.refuse(
          n,
          "pads "
              + java.util.Arrays.toString(p)
              + " are not symmetric; vivit4j pads both sides equally");
    }
    OnnxTensor w = OnnxLayers.parameter(n, values, wName, "weight", ws[0], shape[0], ws[2]);
    List<String> names = new ArrayList<>(List.of(wName));
    double[] bias = bias(n, values, ws[0], names);
    Conv1dSpec spec =
        new Conv1dSpec(
            shape[0],
            ws[0],
            ws[2],
            s == null ? 1 : Math.toIntExact(s[0]),
            p == null ? 0 : Math.toIntExact(p[0]),
            d == null ? 1 : Math.toIntExact(d[0]),
            w.reals().clone(),
            bias);
    check(n, spec::checkHyperParameters);
    return new OnnxLayers.Layer(spec, names);
  }

  /**
   * A ConvTranspose: on {@code [C, L]} samples {@code convtranspose1d} (weight {@code [C_in, C_out,
   * k]}), on {@code [C, H, W]} samples {@code convtranspose2d} (weight {@code [C_in, C_out, kh,
   * kw]}), as PyTorch's; {@code output_padding} below the stride, symmetric pads, no {@code
   * output_shape}.
   */
  static OnnxLayers.Layer convTranspose(NodeProto n, StaticValues values, int[] shape) {
    OnnxAttributes at =
        new OnnxAttributes(n)
            .only(
                Set.of(
                    "auto_pad",
                    "dilations",
                    "group",
                    "kernel_shape",
                    "output_padding",
                    "output_shape",
                    "pads",
                    "strides"));
    if (shape.length != 2 && shape.length != 3) {
      throw OnnxLayers.refuse(
          n,
          "a transposed convolution on per-sample shape "
              + OnnxImporter.shape(shape)
              + "; only 1-D ([C, L]) and 2-D ([C, H, W]) are supported");
    }
    OnnxLayers.window(n, at);
    group(n, at);
    if (at.has("output_shape")) {
      throw OnnxLayers.refuse(n, "output_shape is not supported; export output_padding instead");
    }
    if (shape.length == 2) {
      return convTranspose1d(n, values, shape, at);
    }
    String wName = n.getInput(1);
    if (!values.isInitializer(wName) || values.get(wName).a().rank() != 4) {
      throw OnnxLayers.refuse(
          n, "its weight '" + wName + "' is not a [C_in, C_out, kh, kw] initializer");
    }
    int[] ws = values.get(wName).a().shape();
    int[] kernel = OnnxLayers.pair(n, at.integers("kernel_shape"), "kernel_shape", 0);
    if (at.has("kernel_shape") && (kernel[0] != ws[2] || kernel[1] != ws[3])) {
      throw OnnxLayers.refuse(n, "kernel_shape does not match the weight's shape");
    }
    OnnxTensor w = OnnxLayers.parameter(n, values, wName, "weight", shape[0], ws[1], ws[2], ws[3]);
    List<String> names = new ArrayList<>(List.of(wName));
    double[] bias = bias(n, values, ws[1], names);
    ConvTranspose2dSpec spec =
        new ConvTranspose2dSpec(
            shape[0],
            ws[1],
            new int[] {ws[2], ws[3]},
            OnnxLayers.pair(n, at.integers("strides"), "strides", 1),
            OnnxLayers.symmetricPads(n, at.integers("pads")),
            OnnxLayers.pair(n, at.integers("output_padding"), "output_padding", 0),
            OnnxLayers.pair(n, at.integers("dilations"), "dilations", 1),
            w.reals().clone(),
            bias);
    check(n, spec::checkHyperParameters);
    return new OnnxLayers.Layer(spec, names);
  }

  /** A ConvTranspose on {@code [C, L]}: {@code convtranspose1d}. */
  private static OnnxLayers.Layer convTranspose1d(
      NodeProto n, StaticValues values, int[] shape, OnnxAttributes at) {
    String wName = n.getInput(1);
    if (!values.isInitializer(wName) || values.get(wName).a().rank() != 3) {
      throw OnnxLayers.refuse(
          n, "its weight '" + wName + "' is not a [C_in, C_out, k] initializer");
    }
    int[] ws = values.get(wName).a().shape();
    long[] k = at.integers("kernel_shape");
    if (k != null && (k.length != 1 || k[0] != ws[2])) {
      throw OnnxLayers.refuse(n, "kernel_shape does not match the weight's shape");
    }
    long[] s = at.integers("strides");
    long[] p = at.integers("pads");
    long[] op = at.integers("output_padding");
    long[] d = at.integers("dilations");
    if ((s != null && s.length != 1)
        || (p != null && p.length != 2)
        || (op != null && op.length != 1)
        || (d != null && d.length != 1)) {
      throw OnnxLayers.refuse(
          n, "attributes of a 1-D convolution must have one entry per axis (two for pads)");
    }
    if (p != null && p[0] != p[1]) {
      throw OnnxLayers.refuse(
          n,
          "pads "
              + java.util.Arrays.toString(p)
              + " are not symmetric; vivit4j pads both sides equally");
    }
    OnnxTensor w = OnnxLayers.parameter(n, values, wName, "weight", shape[0], ws[1], ws[2]);
    List<String> names = new ArrayList<>(List.of(wName));
    double[] bias = bias(n, values, ws[1], names);
    ConvTranspose1dSpec spec =
        new ConvTranspose1dSpec(
            shape[0],
            ws[1],
            ws[2],
            s == null ? 1 : Math.toIntExact(s[0]),
            p == null ? 0 : Math.toIntExact(p[0]),
            op == null ? 0 : Math.toIntExact(op[0]),
            d == null ? 1 : Math.toIntExact(d[0]),
            w.reals().clone(),
            bias);
    check(n, spec::checkHyperParameters);
    return new OnnxLayers.Layer(spec, names);
  }

  private static void group(NodeProto n, OnnxAttributes at) {
    if (at.integer("group", 1) != 1) {
      throw OnnxLayers.refuse(
          n, "group = " + at.integer("group", 1) + "; only group 1 is supported");
    }
  }

  /** The optional third input, a {@code [size]} initializer, added to {@code names}. */
  private static double[] bias(NodeProto n, StaticValues values, int size, List<String> names) {
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      names.add(n.getInput(2));
      return OnnxLayers.parameter(n, values, n.getInput(2), "bias", size).reals().clone();
    }
    return null;
  }

  /** Runs a spec's hyper-parameter check, its message then naming the node. */
  private static void check(NodeProto n, java.util.function.Consumer<String> check) {
    try {
      check.accept("layer");
    } catch (InvalidInputException e) {
      throw OnnxLayers.refuse(n, e.getMessage());
    }
  }
}
