package org.vivit4j.reference;

import java.util.Arrays;

/**
 * One value on a {@link Tape}: a float64 tensor (flat, row-major, with its shape) together with the
 * operation that produced it.
 *
 * <p>A node is a <em>leaf</em> (a differentiable input such as a parameter tensor), a
 * <em>constant</em> (data, or anything computed while the tape is not recording), or the result of
 * an operation. An operation node keeps its inputs and its vector-Jacobian rule {@code ū ↦ (ā_1, …,
 * ā_k)}, which maps the adjoint of the node to the adjoint contributions of its inputs. Because the
 * rules are themselves written with tape operations, a backward pass run while recording can be
 * differentiated again (reverse-over-reverse).
 */
public final class Node {

  /** Vector-Jacobian product of one operation, written with tape operations. */
  @FunctionalInterface
  interface VjpRule {
    /**
     * @param adjoint {@code ū}, same shape as the node
     * @return one adjoint contribution per input, same shape as that input ({@code null} = none)
     */
    Node[] apply(Node adjoint);
  }

  private final Tape tape;
  private final int id;
  private final double[] data;
  private final int[] shape;
  private final Node[] inputs;
  private final VjpRule vjp;
  private final boolean requiresGrad;

  Node(
      Tape tape,
      int id,
      double[] data,
      int[] shape,
      Node[] inputs,
      VjpRule vjp,
      boolean requiresGrad) {
    if (numel(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
    this.tape = tape;
    this.id = id;
    this.data = data;
    this.shape = shape;
    this.inputs = inputs;
    this.vjp = vjp;
    this.requiresGrad = requiresGrad;
  }

  /** Number of elements of a tensor of this shape ({@code 1} for the scalar shape {@code []}). */
  static int numel(int[] shape) {
    int n = 1;
    for (int s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= s;
    }
    return n;
  }

  /** The tape this node lives on. */
  public Tape tape() {
    return tape;
  }

  /** Position on the tape, or {@code -1} for nodes that were not recorded. */
  int id() {
    return id;
  }

  /** A copy of the values, row-major. */
  public double[] value() {
    return data.clone();
  }

  /** The value array itself, for read-only use inside the package. */
  double[] data() {
    return data;
  }

  /** The single value of a one-element tensor. */
  public double item() {
    if (data.length != 1) {
      throw new IllegalArgumentException("item() of a tensor with " + data.length + " elements");
    }
    return data[0];
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  int[] shapeRef() {
    return shape;
  }

  public int numel() {
    return data.length;
  }

  /**
   * Whether an adjoint can flow to this node (it depends on a leaf through recorded operations).
   */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  Node[] inputs() {
    return inputs;
  }

  VjpRule vjp() {
    return vjp;
  }

  @Override
  public String toString() {
    return "Node[" + id + ", shape=" + Arrays.toString(shape) + "]";
  }
}
