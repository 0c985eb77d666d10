package org.vivit4j.reference;

import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.model.ElementwiseAlgebra;

/**
 * The reference's element-wise primitives on the tape ({@link ElementwiseAlgebra}), each recording
 * its vector-Jacobian product written with tape operations. An activation's reference definition
 * ({@code Activation.reference}, PyTorch's formula written a second time) is evaluated with them,
 * so the tape derives its derivative; nothing of the fast path's value or derivative code is used.
 */
final class ReferenceActivations implements ElementwiseAlgebra<Node> {
  private static final ReferenceActivations TAPE = new ReferenceActivations();

  private ReferenceActivations() {}

  /** {@code φ(a)} entry by entry, recorded on {@code a}'s tape. */
  static Node apply(ActivationSpec act, Node a) {
    return act.activation().reference(TAPE, a, act.param());
  }

  @Override
  public Node add(Node a, Node b) {
    return Ops.add(a, b);
  }

  @Override
  public Node mul(Node a, Node b) {
    return Ops.mul(a, b);
  }

  @Override
  public Node affine(Node a, double s, double t) {
    return Ops.affine(a, s, t);
  }

  @Override
  public Node exp(Node a) {
    return Ops.exp(a);
  }

  @Override
  public Node tanh(Node a) {
    return Ops.tanh(a);
  }

  @Override
  public Node sigmoid(Node a) {
    return Ops.sigmoid(a);
  }

  @Override
  public Node relu(Node a) {
    return Ops.relu(a);
  }

  @Override
  public Node leakyRelu(Node a, double slope) {
    return Ops.leakyRelu(a, slope);
  }

  @Override
  public Node elu(Node a, double alpha, double scale) {
    return Ops.elu(a, alpha, scale);
  }

  /**
   * PyTorch's {@code softplus(a, beta, threshold)}: {@code a} where {@code βa > threshold}, else
   * {@code log(1 + e^{βa})/β}. VJP: {@code ū ⊙ (1[βa > t] + 1[βa ≤ t] ⊙ σ(βa))}, with tape
   * operations.
   */
  @Override
  public Node softplus(Node a, double beta, double threshold) {
    double[] r = new double[a.numel()];
    double[] lin = new double[a.numel()];
    double[] curved = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      double x = a.data()[i];
      boolean linear = beta * x > threshold;
      lin[i] = linear ? 1.0 : 0.0;
      curved[i] = linear ? 0.0 : 1.0;
      // log(1 + e^{u}) = max(u, 0) + log(1 + e^{−|u|}): no overflow of e^{u}
      double u = beta * x;
      r[i] = linear ? x : (Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)))) / beta;
    }
    Node l = a.tape().constant(lin, a.shapeRef());
    Node c = a.tape().constant(curved, a.shapeRef());
    return a.tape()
        .record(
            r,
            a.shapeRef(),
            new Node[] {a},
            u ->
                new Node[] {
                  Ops.mul(u, Ops.add(l, Ops.mul(c, Ops.sigmoid(Ops.affine(a, beta, 0)))))
                });
  }

  /**
   * {@code Φ(a)}, the standard normal CDF, entry by entry. VJP: {@code ū ⊙ φ(a)}, {@code φ(a) =
   * e^{−a²/2}/√(2π)}, written with tape operations.
   */
  @Override
  public Node normalCdf(Node a) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = phi(a.data()[i]);
    }
    return a.tape()
        .record(
            r,
            a.shapeRef(),
            new Node[] {a},
            u ->
                new Node[] {
                  Ops.mul(
                      u,
                      Ops.affine(
                          Ops.exp(Ops.affine(Ops.mul(a, a), -0.5, 0.0)),
                          1 / Math.sqrt(2 * Math.PI),
                          0.0))
                });
  }

  /**
   * {@code Φ(x) = ½ erfc(−x/√2)}: for {@code |x| < 2} {@code ½(1 + erf(x/√2))} with erf's Maclaurin
   * series {@code (2/√π) Σ (−1)ⁿ y^{2n+1}/(n!(2n+1))}; below, φ(x) times Mills' ratio {@code 1/(t +
   * 1/(t + 2/(t + …)))}, {@code t = −x}, by Lentz's method; above, {@code 1 − Φ(−x)}.
   */
  static double phi(double x) {
    if (Math.abs(x) < 2) {
      double y = x / Math.sqrt(2);
      double term = y;
      double sum = y;
      for (int n = 1; Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
        term *= -y * y / n;
        sum += term / (2 * n + 1);
      }
      return 0.5 * (1 + 2 / Math.sqrt(Math.PI) * sum);
    }
    if (x > 0) {
      return 1 - phi(-x);
    }
    double t = -x;
    double tiny = 1e-300;
    double f = t;
    double c = t;
    double d = 0;
    for (int k = 1; k < 10_000; k++) {
      d = t + k * d;
      d = d == 0 ? 1 / tiny : 1 / d;
      c = t + k / c;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI) / f;
  }
}
