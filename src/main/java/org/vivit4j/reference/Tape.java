package org.vivit4j.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * A Wengert list for reverse-mode automatic differentiation in float64.
 *
 * <p>Operations ({@link Ops}, {@link ConvOps}) append their result nodes in evaluation order, so
 * the list is a topological order of the computation graph. {@link #backward} walks it backwards
 * from an output {@code y} with a seed {@code ȳ} and accumulates, for every recorded node {@code
 * u}, the adjoint
 *
 * <pre>
 *   ū = Σ_{v consumes u} (∂v/∂u)ᵀ v̄ ,   i.e.   ū = ∂⟨ȳ, y⟩/∂u .
 * </pre>
 *
 * <p>The vector-Jacobian rules build their results with tape operations. With {@code createGraph =
 * false} the tape stops recording during the backward pass and those operations are evaluated
 * eagerly as constants (cheap, first order). With {@code createGraph = true} they are recorded, so
 * the adjoints are themselves differentiable functions of the leaves: a second {@code backward}
 * from an adjoint gives second derivatives (used for the loss Hessian ∂²L/∂f²).
 */
public final class Tape {
  private final List<Node> nodes = new ArrayList<>();
  private boolean recording = true;

  /** A differentiable input (for example a parameter tensor or the network output). */
  public Node leaf(double[] value, int... shape) {
    Node n = new Node(this, nodes.size(), value.clone(), shape.clone(), null, null, true);
    nodes.add(n);
    return n;
  }

  /** A value that is not differentiated (data, targets, seeds). */
  public Node constant(double[] value, int... shape) {
    return new Node(this, -1, value.clone(), shape.clone(), null, null, false);
  }

  /** Number of recorded nodes. */
  public int size() {
    return nodes.size();
  }

  /**
   * Records the result of an operation. When the tape is not recording, or no input needs a
   * gradient, the result is a constant and the rule is dropped.
   *
   * @param data the result values (owned by the node from now on)
   */
  Node record(double[] data, int[] shape, Node[] inputs, Node.VjpRule vjp) {
    boolean needs = false;
    for (Node in : inputs) {
      if (in.tape() != this) {
        throw new IllegalArgumentException("operands live on different tapes");
      }
      needs |= in.requiresGrad();
    }
    if (!recording || !needs) {
      return new Node(this, -1, data, shape.clone(), null, null, false);
    }
    Node n = new Node(this, nodes.size(), data, shape.clone(), inputs, vjp, true);
    nodes.add(n);
    return n;
  }

  /**
   * Reverse sweep: the adjoints {@code ∂⟨seed, output⟩/∂w} for each node {@code w} of {@code wrt}.
   *
   * @param output the node to differentiate
   * @param seed {@code ȳ}, same number of elements as {@code output}
   * @param createGraph record the sweep so that the returned adjoints can be differentiated again
   * @param wrt recorded nodes (usually leaves) whose adjoints are wanted
   * @return one adjoint per {@code wrt} node, zeros where {@code output} does not depend on it
   */
  public Node[] backward(Node output, double[] seed, boolean createGraph, Node... wrt) {
    if (seed.length != output.numel()) {
      throw new IllegalArgumentException(
          "seed has " + seed.length + " values, output has " + output.numel());
    }
    for (Node w : wrt) {
      if (w.tape() != this || w.id() < 0) {
        throw new IllegalArgumentException("can only differentiate w.r.t. recorded nodes: " + w);
      }
    }
    Node[] adjoint = new Node[nodes.size()];
    boolean wasRecording = recording;
    recording = createGraph;
    try {
      if (output.id() >= 0) {
        adjoint[output.id()] = constant(seed, output.shapeRef());
      }
      for (int i = output.id(); i >= 0; i--) {
        Node node = nodes.get(i);
        Node bar = adjoint[i];
        if (bar == null || node.vjp() == null) {
          continue;
        }
        Node[] inputs = node.inputs();
        Node[] contributions = node.vjp().apply(bar);
        for (int j = 0; j < inputs.length; j++) {
          Node in = inputs[j];
          Node c = contributions[j];
          if (c == null || !in.requiresGrad()) {
            continue;
          }
          int k = in.id();
          adjoint[k] = adjoint[k] == null ? c : Ops.add(adjoint[k], c);
        }
      }
    } finally {
      recording = wasRecording;
    }
    Node[] out = new Node[wrt.length];
    for (int j = 0; j < wrt.length; j++) {
      Node a = adjoint[wrt[j].id()];
      out[j] = a != null ? a : constant(new double[wrt[j].numel()], wrt[j].shapeRef());
    }
    return out;
  }
}
