package org.vivit4j.reference;

import java.util.Arrays;
import java.util.List;

/**
 * The reference's joins of a network graph: the scaled sum and the concatenation along the first
 * (channel) axis, with the flat slice and its adjoint, the zero embedding, as their VJPs. Where a
 * value feeds several nodes the tape sums the adjoints ({@link Tape#backward}).
 */
final class GraphOps {
  private GraphOps() {}

  /**
   * {@code Σ_j s_j a_j} of tensors of one shape. VJP: {@code s_j ū} for each input (through {@link
   * Ops#affine} and {@link Ops#add}).
   */
  static Node scaledSum(List<Node> parts, double[] scales) {
    if (parts.size() != scales.length || parts.size() < 2) {
      throw new IllegalArgumentException(
          "a sum of " + parts.size() + " inputs with " + scales.length + " scales");
    }
    Node sum = null;
    for (int j = 0; j < parts.size(); j++) {
      Node term = scales[j] == 1.0 ? parts.get(j) : Ops.affine(parts.get(j), scales[j], 0.0);
      sum = sum == null ? term : Ops.add(sum, term);
    }
    return sum;
  }

  /**
   * Concatenation along the first axis: {@code [C_j, r…]} → {@code [Σ_j C_j, r…]} (in row-major
   * order, the inputs' values one after another). VJP: input j's slice of {@code ū}.
   */
  static Node concat(List<Node> parts) {
    if (parts.size() < 2) {
      throw new IllegalArgumentException("concat needs two or more inputs");
    }
    int[] first = parts.get(0).shapeRef();
    int channels = 0;
    int total = 0;
    for (Node p : parts) {
      int[] s = p.shapeRef();
      if (s.length != first.length
          || s.length == 0
          || !Arrays.equals(
              Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(first, 1, s.length))) {
        throw new IllegalArgumentException(
            "cannot concatenate " + Arrays.toString(s) + " to " + Arrays.toString(first));
      }
      channels += s[0];
      total += p.numel();
    }
    int[] shape = first.clone();
    shape[0] = channels;
    double[] r = new double[total];
    int[] offsets = new int[parts.size()];
    int at = 0;
    for (int j = 0; j < parts.size(); j++) {
      offsets[j] = at;
      System.arraycopy(parts.get(j).data(), 0, r, at, parts.get(j).numel());
      at += parts.get(j).numel();
    }
    Node[] inputs = parts.toArray(new Node[0]);
    return parts
        .get(0)
        .tape()
        .record(
            r,
            shape,
            inputs,
            u -> {
              Node[] out = new Node[inputs.length];
              for (int j = 0; j < inputs.length; j++) {
                out[j] = slice(u, offsets[j], inputs[j].shapeRef());
              }
              return out;
            });
  }

  /** Entries {@code [from, from + numel(shape))} of {@code a}'s values, shaped {@code shape}. */
  static Node slice(Node a, int from, int[] shape) {
    int n = Node.numel(shape);
    double[] r = Arrays.copyOfRange(a.data(), from, from + n);
    int[] whole = a.shapeRef();
    return a.tape().record(r, shape, new Node[] {a}, u -> new Node[] {embed(u, from, whole)});
  }

  /** A zero tensor of shape {@code shape} holding {@code a}'s values from {@code from}. */
  static Node embed(Node a, int from, int[] shape) {
    double[] r = new double[Node.numel(shape)];
    System.arraycopy(a.data(), 0, r, from, a.numel());
    int[] part = a.shapeRef();
    return a.tape().record(r, shape, new Node[] {a}, u -> new Node[] {slice(u, from, part)});
  }
}
