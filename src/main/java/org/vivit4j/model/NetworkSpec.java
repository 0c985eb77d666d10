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
    shapes.add(shape);
    List<ParamTensor> table = new ArrayList<>();
    int offset = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      shape = outputShape(layer, shape, "model[" + i + "]");
      shapes.add(shape);
      for (ParamShape ps : paramShapes(layer)) {
        int numel = Arrays.stream(ps.shape).reduce(1, (a, b) -> a * b);
        table.add(new ParamTensor(table.size(), i, ps.name, ps.shape, offset, numel));
        offset += numel;
      }
    }
    this.params = List.copyOf(table);
    this.numParams = offset;
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
      int[] out = new int[3];
      out[0] = c.outChannels();
      for (int d = 0; d < 2; d++) {
        int eff = c.dilation()[d] * (c.kernelSize()[d] - 1) + 1;
        int size = (in[d + 1] + 2 * c.padding()[d] - eff) / c.stride()[d] + 1;
        if (in[d + 1] + 2 * c.padding()[d] < eff || size < 1) {
          throw new InvalidInputException(
              where + ".kernel_size",
              "does not fit the padded input of shape " + Arrays.toString(in));
        }
        out[d + 1] = size;
      }
      return out;
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
