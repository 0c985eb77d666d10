package org.vivit4j.reference;

import java.util.Arrays;

/**
 * Tensor operations of the reference tape. Each operation computes its value in float64 and records
 * a vector-Jacobian rule written with operations of this class, so every rule is itself
 * differentiable. Notation: {@code ū} is the adjoint of the result, {@code ⊙} the element-wise
 * product.
 *
 * <p>Tensors are flat row-major arrays with a shape; the scalar shape is {@code []}.
 */
public final class Ops {
  private Ops() {}

  // ---------------------------------------------------------------- element-wise, same shape

  /** {@code a + b}. VJP: {@code (ū, ū)}. */
  public static Node add(Node a, Node b) {
    sameShape(a, b, "add");
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.data()[i] + b.data()[i];
    }
    return a.tape().record(r, a.shapeRef(), new Node[] {a, b}, u -> new Node[] {u, u});
  }

  /** {@code a − b}. VJP: {@code (ū, −ū)}. */
  public static Node sub(Node a, Node b) {
    sameShape(a, b, "sub");
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.data()[i] - b.data()[i];
    }
    return a.tape()
        .record(r, a.shapeRef(), new Node[] {a, b}, u -> new Node[] {u, affine(u, -1.0, 0.0)});
  }

  /** {@code a ⊙ b}. VJP: {@code (ū ⊙ b, ū ⊙ a)}. */
  public static Node mul(Node a, Node b) {
    sameShape(a, b, "mul");
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.data()[i] * b.data()[i];
    }
    return a.tape()
        .record(r, a.shapeRef(), new Node[] {a, b}, u -> new Node[] {mul(u, b), mul(u, a)});
  }

  /** {@code α a + β} with constants α, β. VJP: {@code α ū}. */
  public static Node affine(Node a, double alpha, double beta) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = alpha * a.data()[i] + beta;
    }
    return a.tape()
        .record(r, a.shapeRef(), new Node[] {a}, u -> new Node[] {affine(u, alpha, 0.0)});
  }

  /** {@code exp(a)}. VJP: {@code ū ⊙ exp(a)} (reuses the result node). */
  public static Node exp(Node a) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.exp(a.data()[i]);
    }
    Node[] self = new Node[1];
    self[0] = a.tape().record(r, a.shapeRef(), new Node[] {a}, u -> new Node[] {mul(u, self[0])});
    return self[0];
  }

  /**
   * {@code relu(a) = max(a, 0)}. VJP: {@code ū ⊙ 1[a > 0]} (derivative 0 at 0, as PyTorch). The
   * mask is a constant, so the second derivative is zero almost everywhere.
   */
  public static Node relu(Node a) {
    double[] r = new double[a.numel()];
    double[] mask = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      boolean on = a.data()[i] > 0.0;
      r[i] = on ? a.data()[i] : 0.0;
      mask[i] = on ? 1.0 : 0.0;
    }
    Node m = a.tape().constant(mask, a.shapeRef());
    return a.tape().record(r, a.shapeRef(), new Node[] {a}, u -> new Node[] {mul(u, m)});
  }

  /** {@code σ(a) = 1/(1 + e^{−a})}. VJP: {@code ū ⊙ σ ⊙ (1 − σ)}. */
  public static Node sigmoid(Node a) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      double x = a.data()[i];
      if (x >= 0) {
        r[i] = 1.0 / (1.0 + Math.exp(-x));
      } else {
        double e = Math.exp(x);
        r[i] = e / (1.0 + e);
      }
    }
    Node[] s = new Node[1];
    s[0] =
        a.tape()
            .record(
                r,
                a.shapeRef(),
                new Node[] {a},
                u -> new Node[] {mul(u, mul(s[0], affine(s[0], -1.0, 1.0)))});
    return s[0];
  }

  /** {@code tanh(a)}. VJP: {@code ū ⊙ (1 − tanh²)}. */
  public static Node tanh(Node a) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.tanh(a.data()[i]);
    }
    Node[] t = new Node[1];
    t[0] =
        a.tape()
            .record(
                r,
                a.shapeRef(),
                new Node[] {a},
                u -> new Node[] {mul(u, affine(mul(t[0], t[0]), -1.0, 1.0))});
    return t[0];
  }

  /**
   * {@code leaky_relu(a) = a} for {@code a > 0}, else {@code s·a}. VJP: {@code ū ⊙ m} with the
   * constant {@code m = 1[a > 0] + s·1[a ≤ 0]} (slope {@code s} at 0, as PyTorch).
   */
  public static Node leakyRelu(Node a, double slope) {
    double[] r = new double[a.numel()];
    double[] mask = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      boolean on = a.data()[i] > 0.0;
      mask[i] = on ? 1.0 : slope;
      r[i] = mask[i] * a.data()[i];
    }
    Node m = a.tape().constant(mask, a.shapeRef());
    return a.tape().record(r, a.shapeRef(), new Node[] {a}, u -> new Node[] {mul(u, m)});
  }

  /**
   * {@code λ·elu_α(a)}: {@code λa} for {@code a > 0}, else {@code λα(e^a − 1)} (ELU for {@code λ =
   * 1}, SELU with its fixed constants). VJP: {@code ū ⊙ (λ·1[a > 0] + 1[a ≤ 0] ⊙ λα e^a)}, written
   * with {@link #exp} so that it can be differentiated again.
   */
  public static Node elu(Node a, double alpha, double scale) {
    double[] r = new double[a.numel()];
    double[] pos = new double[a.numel()];
    double[] neg = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      double x = a.data()[i];
      boolean on = x > 0.0;
      r[i] = on ? scale * x : scale * alpha * Math.expm1(x);
      pos[i] = on ? scale : 0.0;
      neg[i] = on ? 0.0 : 1.0;
    }
    Node p = a.tape().constant(pos, a.shapeRef());
    Node q = a.tape().constant(neg, a.shapeRef());
    return a.tape()
        .record(
            r,
            a.shapeRef(),
            new Node[] {a},
            u -> new Node[] {mul(u, add(p, mul(q, affine(exp(a), scale * alpha, 0.0))))});
  }

  /** {@code 1/√a}. VJP: {@code ū ⊙ (−½) r³} with {@code r = 1/√a} (reuses the result node). */
  public static Node rsqrt(Node a) {
    double[] r = new double[a.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = 1.0 / Math.sqrt(a.data()[i]);
    }
    Node[] self = new Node[1];
    self[0] =
        a.tape()
            .record(
                r,
                a.shapeRef(),
                new Node[] {a},
                u -> new Node[] {mul(u, affine(mul(self[0], mul(self[0], self[0])), -0.5, 0.0))});
    return self[0];
  }

  // ---------------------------------------------------------------- shape and reductions

  /** The same values with another shape of equal size (flatten). VJP: reshape back. */
  public static Node reshape(Node a, int... shape) {
    if (Node.numel(shape) != a.numel()) {
      throw new IllegalArgumentException(
          "cannot reshape " + Arrays.toString(a.shapeRef()) + " to " + Arrays.toString(shape));
    }
    int[] from = a.shapeRef();
    return a.tape()
        .record(a.data().clone(), shape, new Node[] {a}, u -> new Node[] {reshape(u, from)});
  }

  /**
   * Repeats each entry of {@code b} ({@code [m]} or any shape with m elements) k times: {@code r[i,
   * j] = b[i]}, shape {@code [m, k]}. VJP: {@code b̄[i] = Σ_j ū[i, j]} ({@link #sumRows}).
   */
  public static Node expandRows(Node b, int k) {
    int m = b.numel();
    double[] r = new double[m * k];
    for (int i = 0; i < m; i++) {
      Arrays.fill(r, i * k, (i + 1) * k, b.data()[i]);
    }
    int[] from = b.shapeRef();
    return b.tape()
        .record(r, new int[] {m, k}, new Node[] {b}, u -> new Node[] {reshape(sumRows(u), from)});
  }

  /** {@code r[i] = Σ_j a[i, j]} for a {@code [m, k]} tensor. VJP: {@link #expandRows}. */
  public static Node sumRows(Node a) {
    int[] s = a.shapeRef();
    if (s.length != 2) {
      throw new IllegalArgumentException("sumRows needs a matrix, got " + Arrays.toString(s));
    }
    int m = s[0];
    int k = s[1];
    double[] r = new double[m];
    for (int i = 0; i < m; i++) {
      double acc = 0.0;
      for (int j = 0; j < k; j++) {
        acc += a.data()[i * k + j];
      }
      r[i] = acc;
    }
    return a.tape().record(r, new int[] {m}, new Node[] {a}, u -> new Node[] {expandRows(u, k)});
  }

  /** {@code Σ_i a_i} as a scalar. */
  public static Node sum(Node a) {
    return reshape(sumRows(reshape(a, 1, a.numel())));
  }

  /** {@code (1/n) Σ_i a_i} as a scalar. */
  public static Node mean(Node a) {
    return affine(sum(a), 1.0 / a.numel(), 0.0);
  }

  /** A scalar broadcast to shape {@code shape}. */
  public static Node broadcast(Node scalar, int... shape) {
    if (scalar.numel() != 1) {
      throw new IllegalArgumentException("broadcast needs a scalar");
    }
    return reshape(expandRows(scalar, Node.numel(shape)), shape);
  }

  /** The entry {@code a[i]} of a flat view, as a scalar. VJP: {@code ū e_i} ({@link #scatter}). */
  public static Node pick(Node a, int i) {
    checkIndex(i, a.numel());
    int n = a.numel();
    int[] from = a.shapeRef();
    return a.tape()
        .record(
            new double[] {a.data()[i]},
            new int[0],
            new Node[] {a},
            u -> new Node[] {reshape(scatter(u, i, n), from)});
  }

  /** {@code s e_i ∈ R^n} for a scalar {@code s}. VJP: {@code ū[i]} ({@link #pick}). */
  public static Node scatter(Node s, int i, int n) {
    checkIndex(i, n);
    if (s.numel() != 1) {
      throw new IllegalArgumentException("scatter needs a scalar");
    }
    double[] r = new double[n];
    r[i] = s.data()[0];
    return s.tape().record(r, new int[] {n}, new Node[] {s}, u -> new Node[] {pick(u, i)});
  }

  /**
   * {@code lse(a) = log Σ_i exp(a_i)} over all entries, computed as {@code m + log Σ exp(a_i − m)}
   * with {@code m = max a}. VJP: {@code ū · softmax(a) = ū · exp(a − lse(a))}.
   */
  public static Node logSumExp(Node a) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : a.data()) {
      m = Math.max(m, v);
    }
    double s = 0.0;
    for (double v : a.data()) {
      s += Math.exp(v - m);
    }
    int[] shape = a.shapeRef();
    Node[] self = new Node[1];
    self[0] =
        a.tape()
            .record(
                new double[] {m + Math.log(s)},
                new int[0],
                new Node[] {a},
                u -> new Node[] {mul(broadcast(u, shape), exp(sub(a, broadcast(self[0], shape))))});
    return self[0];
  }

  /** {@code log softmax(a) = a − lse(a)}. */
  public static Node logSoftmax(Node a) {
    return sub(a, broadcast(logSumExp(a), a.shapeRef()));
  }

  // ---------------------------------------------------------------- matrices

  /**
   * {@code W x} for {@code W: [O, I]}, {@code x: [I]}. VJP: {@code W̄ = ū xᵀ}, {@code x̄ = Wᵀ ū}.
   */
  public static Node matvec(Node w, Node x) {
    int[] s = w.shapeRef();
    if (s.length != 2 || x.numel() != s[1]) {
      throw new IllegalArgumentException(
          "matvec " + Arrays.toString(s) + " times " + Arrays.toString(x.shapeRef()));
    }
    int o = s[0];
    int in = s[1];
    double[] r = new double[o];
    for (int i = 0; i < o; i++) {
      double acc = 0.0;
      for (int j = 0; j < in; j++) {
        acc += w.data()[i * in + j] * x.data()[j];
      }
      r[i] = acc;
    }
    int[] xShape = x.shapeRef();
    return w.tape()
        .record(
            r,
            new int[] {o},
            new Node[] {w, x},
            u -> new Node[] {outer(u, x), reshape(matvec(transpose(w), u), xShape)});
  }

  /** {@code Aᵀ} for a matrix {@code A}. VJP: {@code ūᵀ}. */
  public static Node transpose(Node a) {
    int[] s = a.shapeRef();
    if (s.length != 2) {
      throw new IllegalArgumentException("transpose needs a matrix, got " + Arrays.toString(s));
    }
    int rows = s[0];
    int cols = s[1];
    double[] r = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        r[j * rows + i] = a.data()[i * cols + j];
      }
    }
    return a.tape()
        .record(r, new int[] {cols, rows}, new Node[] {a}, u -> new Node[] {transpose(u)});
  }

  /** {@code u vᵀ}, shape {@code [|u|, |v|]}. VJP: {@code ū v} and {@code ūᵀ u}. */
  public static Node outer(Node u, Node v) {
    int m = u.numel();
    int n = v.numel();
    double[] r = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        r[i * n + j] = u.data()[i] * v.data()[j];
      }
    }
    int[] us = u.shapeRef();
    int[] vs = v.shapeRef();
    return u.tape()
        .record(
            r,
            new int[] {m, n},
            new Node[] {u, v},
            g ->
                new Node[] {
                  reshape(matvec(g, reshape(v, n)), us),
                  reshape(matvec(transpose(g), reshape(u, m)), vs)
                });
  }

  // ---------------------------------------------------------------- helpers

  private static void sameShape(Node a, Node b, String op) {
    if (!Arrays.equals(a.shapeRef(), b.shapeRef())) {
      throw new IllegalArgumentException(
          op
              + ": shapes differ, "
              + Arrays.toString(a.shapeRef())
              + " vs "
              + Arrays.toString(b.shapeRef()));
    }
  }

  private static void checkIndex(int i, int n) {
    if (i < 0 || i >= n) {
      throw new IllegalArgumentException("index " + i + " out of range [0, " + n + ")");
    }
  }
}
