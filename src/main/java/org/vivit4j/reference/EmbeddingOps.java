package org.vivit4j.reference;

import java.util.Arrays;

/**
 * Row gathering and its adjoint, for the reference's {@code embedding}: {@link #gatherRows} picks
 * rows of a {@code [V, D]} table by integer indices, {@link #scatterAddRows} adds rows back into a
 * zero table. An index −1 picks nothing (a zero row) and receives nothing: the padding row, whose
 * Jacobian is zero. Both are linear in their tensor argument and each one's VJP is the other, so
 * they can be differentiated again.
 */
final class EmbeddingOps {
  private EmbeddingOps() {}

  /**
   * {@code r[l, :] = w[idx[l], :]}, shape {@code shape + [D]} for {@code w: [V, D]} ({@code
   * prod(shape) = idx.length}). VJP: {@code w̄ = scatterAddRows(ū, idx, V)}.
   */
  static Node gatherRows(Node w, int[] idx, int[] shape) {
    int[] ws = w.shape();
    if (ws.length != 2 || Node.numel(shape) != idx.length) {
      throw new IllegalArgumentException(
          "gatherRows of " + Arrays.toString(ws) + " by " + idx.length + " indices");
    }
    int v = ws[0];
    int d = ws[1];
    double[] r = new double[idx.length * d];
    for (int l = 0; l < idx.length; l++) {
      if (idx[l] < -1 || idx[l] >= v) {
        throw new IllegalArgumentException("index " + idx[l] + " outside [-1, " + v + ")");
      }
      if (idx[l] >= 0) {
        System.arraycopy(w.data(), idx[l] * d, r, l * d, d);
      }
    }
    int[] out = Arrays.copyOf(shape, shape.length + 1);
    out[shape.length] = d;
    return w.tape().record(r, out, new Node[] {w}, u -> new Node[] {scatterAddRows(u, idx, v)});
  }

  /**
   * {@code r[v, :] = Σ_{l : idx[l] = v} a[l, :]}, shape {@code [V, D]} for {@code a} of {@code
   * idx.length · D} values. VJP: {@code ā = gatherRows(ū, idx, shape of a without D)}.
   */
  static Node scatterAddRows(Node a, int[] idx, int v) {
    int[] as = a.shape();
    int d = as[as.length - 1];
    if (a.numel() != idx.length * d) {
      throw new IllegalArgumentException("scatterAddRows: " + idx.length + " rows of " + d);
    }
    double[] r = new double[v * d];
    for (int l = 0; l < idx.length; l++) {
      if (idx[l] < 0) {
        continue;
      }
      for (int j = 0; j < d; j++) {
        r[idx[l] * d + j] += a.data()[l * d + j];
      }
    }
    int[] rows = Arrays.copyOf(as, as.length - 1);
    return a.tape()
        .record(r, new int[] {v, d}, new Node[] {a}, u -> new Node[] {gatherRows(u, idx, rows)});
  }
}
