package org.vivit4j.model;

import java.util.List;

/**
 * The plain description of one layer of a network (a node of its graph): its type, hyper-parameters
 * and parameters in PyTorch's layout, and what follows from them alone: the output shape for an
 * input shape, the parameter tensors and the checks of the hyper-parameters. The math lives in
 * {@code org.vivit4j.layers} (fast path) and {@code org.vivit4j.reference} (autograd reference),
 * which share no code.
 */
public interface LayerSpec {

  /** The type name used in problem files, e.g. {@code "linear"}. */
  String type();

  /**
   * The per-sample output shape for input shape {@code in}.
   *
   * @param where the layer's field path, {@code model[i]}, for errors
   * @throws InvalidInputException naming the field when the layer does not accept {@code in}
   */
  int[] outputShape(int[] in, String where);

  /**
   * The per-sample output shape of a graph node reading the values of shapes {@code in}, in input
   * order. A layer takes one input ({@link #outputShape(int[], String)}); a join ({@code add},
   * {@code concat}) two or more.
   *
   * @param where the node's field path, {@code graph.nodes[j]}, for errors
   * @throws InvalidInputException naming the field when the node does not accept {@code in}
   */
  default int[] outputShape(List<int[]> in, String where) {
    if (in.size() != 1) {
      throw new InvalidInputException(
          where + ".inputs",
          "lists " + in.size() + " inputs but a " + type() + " layer reads exactly one");
    }
    return outputShape(in.get(0), where);
  }

  /** The parameter tensors in PyTorch's order (weight before bias); none by default. */
  default List<LayerParam> params() {
    return List.of();
  }

  /** Number of parameter tensors this layer owns (weight before bias). */
  default int numParamTensors() {
    return params().size();
  }

  /**
   * Checks the hyper-parameters of a layer built through the API (the problem reader checks the
   * same while reading); nothing by default.
   *
   * @param where the layer's field path, {@code model[i]}
   * @throws InvalidInputException naming the field
   */
  default void checkHyperParameters(String where) {}

  /**
   * Whether the layer reads integer indices rather than real features (Embedding): its input is
   * data, not a function of parameters, so it must read the network input directly (the first layer
   * of a chain; in a graph, no other node may read that input), and the network input {@code X}
   * must hold valid indices ({@link #checkNetworkInput}). False by default.
   */
  default boolean readsIndices() {
    return false;
  }

  /**
   * Checks the values of the network input for a layer that reads it ({@link #readsIndices});
   * nothing by default.
   *
   * @param x the inputs, {@code [N × prod(inShape)]} row-major
   * @param inShape the per-sample input shape
   * @param field the input's field, {@code X}, for errors naming the entry ({@code X[n][l]})
   * @param where the layer's field path ({@code model[0]}, {@code graph.nodes[j]}), for the message
   * @throws InvalidInputException naming the first bad entry
   */
  default void checkNetworkInput(double[] x, int[] inShape, String field, String where) {}
}
