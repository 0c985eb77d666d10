package org.vivit4j.reference;

import org.vivit4j.model.ActivationSpec;

/**
 * The reference's own definition of each element-wise activation, written with the tape's
 * operations from PyTorch's formulas and constants, independently of the fast path's {@code
 * Activation} math (which it checks). The switch is exhaustive: an activation added to the model
 * does not compile until it is defined here too.
 */
final class ReferenceActivations {
  private ReferenceActivations() {}

  /** SELU's {@code α}, from PyTorch's documentation of {@code torch.nn.SELU}. */
  static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /** SELU's scale {@code λ}, from PyTorch's documentation of {@code torch.nn.SELU}. */
  static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** {@code φ(a)} entry by entry, recorded on {@code a}'s tape. */
  static Node apply(ActivationSpec act, Node a) {
    return switch (act.activation()) {
      case RELU -> Ops.relu(a);
      case SIGMOID -> Ops.sigmoid(a);
      case TANH -> Ops.tanh(a);
      case LEAKY_RELU -> Ops.leakyRelu(a, act.param());
      case ELU -> Ops.elu(a, act.param(), 1.0);
      case SELU -> Ops.elu(a, SELU_ALPHA, SELU_SCALE);
      case GELU -> act.param() == 0 ? Ops.mul(a, normalCdf(a)) : geluTanh(a);
      case SOFTPLUS -> softplus(a, act.param(), SOFTPLUS_THRESHOLD);
      case SILU -> Ops.mul(a, Ops.sigmoid(a));
      case LOGSIGMOID -> logSigmoid(a);
    };
  }

  /** PyTorch's default {@code threshold} of {@code torch.nn.Softplus}. */
  static final double SOFTPLUS_THRESHOLD = 20.0;

  /**
   * PyTorch's {@code softplus(a, beta, threshold)}: {@code a} where {@code βa > threshold}, else
   * {@code log(1 + e^{βa})/β}. VJP: {@code ū ⊙ (1[βa > t] + 1[βa ≤ t] ⊙ σ(βa))}, with tape
   * operations.
   */
  static Node softplus(Node a, double beta, double threshold) {
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
   * {@code log σ(a) = −log(1 + e^{−a})}, entry by entry. VJP: {@code ū ⊙ σ(−a)}, with tape
   * operations.
   */
  static Node logSigmoid(Node a) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      double x = a.data()[i];
      r[i] = x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }
    return a.tape()
        .record(
            r,
            a.shapeRef(),
            new Node[] {a},
            u -> new Node[] {Ops.mul(u, Ops.sigmoid(Ops.affine(a, -1.0, 0.0)))});
  }

  /**
   * PyTorch's {@code gelu(approximate="tanh")}: {@code ½a(1 + tanh(√(2/π)(a + 0.044715a³)))},
   * differentiated by the tape.
   */
  private static Node geluTanh(Node a) {
    Node cube = Ops.mul(a, Ops.mul(a, a));
    Node inner = Ops.affine(Ops.add(a, Ops.affine(cube, 0.044715, 0.0)), Math.sqrt(2 / Math.PI), 0);
    return Ops.mul(Ops.affine(a, 0.5, 0.0), Ops.affine(Ops.tanh(inner), 1.0, 1.0));
  }

  /**
   * {@code Φ(a)}, the standard normal CDF, entry by entry. VJP: {@code ū ⊙ φ(a)}, {@code φ(a) =
   * e^{−a²/2}/√(2π)}, written with tape operations.
   */
  private static Node normalCdf(Node a) {
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
