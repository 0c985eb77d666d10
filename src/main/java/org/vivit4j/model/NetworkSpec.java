package org.vivit4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequential network: its layers in order and the per-sample input shape. Construction checks
 * that the shapes chain and derives the parameter table in PyTorch's {@code model.parameters()}
 * order (layers in order, weight before bias, each tensor flattened row-major).
 */
public final class NetworkSpec {
  private final List<LayerSpec> layers;
  private final int[] inputShape;
  private final List<int[]> shapes;
  private final List<ParamTensor> params;
  private final int numParams;

  /**
   * @param layers the layers in order
   * @param inputShape per-sample input shape, {@code [D]} or {@code [C, H, W]}
   * @throws InvalidInputException naming the layer when shapes do not chain
   */
  public NetworkSpec(List<LayerSpec> layers, int[] inputShape) {
    if (layers.isEmpty()) {
      throw new InvalidInputException("model", "must contain at least one layer");
    }
    this.layers = List.copyOf(layers);
    this.inputShape = inputShape.clone();
    this.shapes = new ArrayList<>();
    int[] shape = inputShape.clone();
    // every shape's product is checked to fit an int, so sizeBefore and its prefixes cannot wrap
    ArraySizes.checked(
        ArraySizes.product(shape), "input_shape", "one sample of " + Arrays.toString(shape));
    shapes.add(shape);
    List<ParamTensor> table = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      String where = "model[" + i + "]";
      shape = outputShape(layer, shape, where);
      shapes.add(shape);
      for (ParamShape ps : paramShapes(layer)) {
        int numel =
            ArraySizes.checked(
                ArraySizes.product(ps.shape),
                where,
                "its " + ps.name + " " + Arrays.toString(ps.shape));
        table.add(new ParamTensor(table.size(), i, ps.name, ps.shape, (int) offset, numel));
        offset += numel;
        ArraySizes.checked(offset, where, "the parameter count D up to this layer");
      }
    }
    this.params = List.copyOf(table);
    this.numParams = (int) offset;
  }

  private record ParamShape(String name, int[] shape) {}

  private static List<ParamShape> paramShapes(LayerSpec layer) {
    List<ParamShape> out = new ArrayList<>();
    if (layer instanceof LinearSpec l) {
      out.add(new ParamShape("weight", new int[] {l.out(), l.in()}));
      if (l.bias() != null) {
        out.add(new ParamShape("bias", new int[] {l.out()}));
      }
    } else if (layer instanceof Conv2dSpec c) {
      out.add(
          new ParamShape(
              "weight",
              new int[] {c.outChannels(), c.inChannels(), c.kernelSize()[0], c.kernelSize()[1]}));
      if (c.bias() != null) {
        out.add(new ParamShape("bias", new int[] {c.outChannels()}));
      }
    } else if (layer instanceof LayerNormSpec ln) {
      if (ln.weight() != null) {
        out.add(new ParamShape("weight", ln.normalizedShape().clone()));
      }
      if (ln.bias() != null) {
        out.add(new ParamShape("bias", ln.normalizedShape().clone()));
      }
    }
    return out;
  }

  private static int[] outputShape(LayerSpec layer, int[] in, String where) {
    if (layer instanceof LinearSpec l) {
      if (in.length != 1 || in[0] != l.in()) {
        throw new InvalidInputException(
            where + ".in",
            "is " + l.in() + " but the layer receives input of shape " + Arrays.toString(in));
      }
      return new int[] {l.out()};
    }
    if (layer instanceof ActivationSpec
        || layer instanceof IdentitySpec
        || layer instanceof DropoutSpec) {
      return in.clone();
    }
    if (layer instanceof LayerNormSpec ln) {
      int[] ns = ln.normalizedShape();
      boolean suffix = ns.length >= 1 && ns.length <= in.length;
      for (int d = 0; suffix && d < ns.length; d++) {
        suffix = ns[d] == in[in.length - ns.length + d];
      }
      if (!suffix) {
        throw new InvalidInputException(
            where + ".normalized_shape",
            "is "
                + Arrays.toString(ns)
                + " but must equal the trailing dimensions of the layer's input "
                + Arrays.toString(in));
      }
      return in.clone();
    }
    if (layer instanceof FlattenSpec) {
      return new int[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
    }
    if (layer instanceof Conv2dSpec c) {
      if (in.length != 3 || in[0] != c.inChannels()) {
        throw new InvalidInputException(
            where + ".in_channels",
            "is "
                + c.inChannels()
                + " but the layer receives input of shape "
                + Arrays.toString(in)
                + " (expected [C, H, W])");
      }
      return convOutputShape(c, in, where);
    }
    if (layer instanceof MaxPool2dSpec m) {
      return PoolShapes.outputShape(
          in, m.kernelSize(), m.stride(), m.padding(), m.dilation(), where);
    }
    if (layer instanceof AvgPool2dSpec a) {
      return PoolShapes.outputShape(
          in, a.kernelSize(), a.stride(), a.padding(), new int[] {1, 1}, where);
    }
    throw new IllegalStateException("unhandled layer " + layer);
  }

  /**
   * {@code [O, H_out, W_out]} with {@code H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1}, in {@code
   * long}: an output too large for an array is refused here, naming this layer's padding when the
   * padding makes it so and its {@code out_channels} otherwise (the input already fits).
   */
  private static int[] convOutputShape(Conv2dSpec c, int[] in, String where) {
    long[] size = new long[2];
    long[] unpadded = new long[2];
    for (int d = 0; d < 2; d++) {
      long eff = (long) c.dilation()[d] * (c.kernelSize()[d] - 1) + 1;
      long padded = in[d + 1] + 2L * c.padding()[d];
      if (padded < eff) {
        throw new InvalidInputException(
            where + ".kernel_size",
            "does not fit the padded input of shape " + Arrays.toString(in));
      }
      size[d] = (padded - eff) / c.stride()[d] + 1;
      unpadded[d] = Math.max(1, (in[d + 1] - eff) / c.stride()[d] + 1);
    }
    long perSample = ArraySizes.times(ArraySizes.times(c.outChannels(), size[0]), size[1]);
    if (!ArraySizes.fits(perSample)) {
      long withoutPadding =
          ArraySizes.times(ArraySizes.times(c.outChannels(), unpadded[0]), unpadded[1]);
      boolean padding = ArraySizes.fits(withoutPadding);
      throw new InvalidInputException(
          where + (padding ? ".padding" : ".out_channels"),
          "is "
              + (padding ? Arrays.toString(c.padding()) : Integer.toString(c.outChannels()))
              + ", which makes the layer's output per sample ["
              + c.outChannels()
              + ", "
              + size[0]
              + ", "
              + size[1]
              + "] = "
              + ArraySizes.count(perSample)
              + ArraySizes.tooLarge());
    }
    return new int[] {c.outChannels(), (int) size[0], (int) size[1]};
  }

  public List<LayerSpec> layers() {
    return layers;
  }

  /** Per-sample input shape. */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** Per-sample shape at the input of layer {@code i}; {@code i = size()} is the output. */
  public int[] shapeBefore(int i) {
    return shapes.get(i).clone();
  }

  /** Flattened per-sample size at the input of layer {@code i}. */
  public int sizeBefore(int i) {
    return Arrays.stream(shapes.get(i)).reduce(1, (a, b) -> a * b);
  }

  public int inputSize() {
    return sizeBefore(0);
  }

  /** Model output size C. */
  public int outputSize() {
    return sizeBefore(layers.size());
  }

  public List<ParamTensor> params() {
    return params;
  }

  /** Total number of scalar parameters D. */
  public int numParams() {
    return numParams;
  }

  /** The flat parameter vector θ. */
  public double[] flatParams() {
    double[] theta = new double[numParams];
    for (ParamTensor p : params) {
      LayerSpec layer = layers.get(p.layer());
      double[] src = paramData(layer, p.name());
      System.arraycopy(src, 0, theta, p.offset(), p.numel());
    }
    return theta;
  }

  /**
   * Overwrites every parameter tensor with the matching slice of {@code theta} (flat parameter
   * order), in place: layers built from this spec see the new values. Used by training.
   */
  public void setFlatParams(double[] theta) {
    if (theta.length != numParams) {
      throw new IllegalArgumentException(
          "theta has " + theta.length + " entries, the network " + numParams);
    }
    for (ParamTensor p : params) {
      double[] dst = paramData(layers.get(p.layer()), p.name());
      System.arraycopy(theta, p.offset(), dst, 0, p.numel());
    }
  }

  /** The data array of a layer's parameter ({@code "weight"} or {@code "bias"}). */
  public static double[] paramData(LayerSpec layer, String name) {
    if (layer instanceof LinearSpec l) {
      return "weight".equals(name) ? l.weight() : l.bias();
    }
    if (layer instanceof Conv2dSpec c) {
      return "weight".equals(name) ? c.weight() : c.bias();
    }
    if (layer instanceof LayerNormSpec ln) {
      return "weight".equals(name) ? ln.weight() : ln.bias();
    }
    throw new IllegalArgumentException(layer.type() + " has no parameter " + name);
  }

  public boolean hasLayerOfType(String type) {
    return layers.stream().anyMatch(l -> l.type().equals(type));
  }
}
