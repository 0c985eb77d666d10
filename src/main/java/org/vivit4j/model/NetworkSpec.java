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
      shape = layer.outputShape(shape, where);
      shapes.add(shape);
      for (LayerParam ps : layer.params()) {
        int numel =
            ArraySizes.checked(
                ArraySizes.product(ps.shape()),
                where,
                "its " + ps.name() + " " + Arrays.toString(ps.shape()));
        table.add(
            new ParamTensor(table.size(), i, ps.name(), ps.shape().clone(), (int) offset, numel));
        offset += numel;
        ArraySizes.checked(offset, where, "the parameter count D up to this layer");
      }
    }
    this.params = List.copyOf(table);
    this.numParams = (int) offset;
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
    for (LayerParam p : layer.params()) {
      if (p.name().equals(name)) {
        return p.data();
      }
    }
    throw new IllegalArgumentException(layer.type() + " has no parameter " + name);
  }

  public boolean hasLayerOfType(String type) {
    return layers.stream().anyMatch(l -> l.type().equals(type));
  }
}
