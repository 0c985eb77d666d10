package org.vivit4j.layers;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.EmbeddingSpec;

/**
 * Embedding (PyTorch's {@code nn.Embedding}) reading the network input: input {@code [N × L]}
 * integer indices (as doubles), weight {@code [V × D]} (tensor 0), output {@code [N × L·D]} with
 * {@code z[n, l, :] = W[x[n, l], :]}.
 *
 * <ul>
 *   <li>No input Jacobian: the input is data (indices), and the layer reads the network input
 *       directly, so neither the gradient nor the factor is carried below it ({@link #jacT} and
 *       {@link #backpropGradient} refuse).
 *   <li>Weight Jᵀ: row r (sample s) scatters {@code b_r} into the rows its indices pick, {@code
 *       V[r, (v, d)] = Σ_{l : x[s, l] = v} b_r[l, d]} (repeated indices add up); formed on the host
 *       (download, scatter, upload), as no backend operation scatters. The {@code padding_idx} row
 *       is read in the forward pass but gets nothing (its Jacobian is zero, as in PyTorch), so its
 *       columns of {@code V_W}, its gradient and its entries of {@code V·w} are zero.
 *   <li>Gram and cross terms: {@code V_W} has non-zero columns only in the rows of {@code W} that
 *       the GGN and gradient samples index, so they are formed from {@code V_W} restricted to those
 *       {@code U ≤ min(V, N·L)} rows ({@code [|S|C̃ × U·D]}), never the {@code V·D} columns of the
 *       whole table. {@code V·w} scatters {@code Σ_r w_r b_r} on the host, without {@code V_W}.
 * </ul>
 */
public final class EmbeddingLayer extends Layer {
  private final int rows;
  private final int dim;
  private final double[] weight;

  /** PyTorch's {@code padding_idx} (normalised), the row that gets no gradient; −1 for none. */
  private final int padding;

  /**
   * @param inSize L, the number of indices per sample
   */
  public EmbeddingLayer(EmbeddingSpec spec, int inSize) {
    super(inSize, inSize * spec.embeddingDim());
    this.rows = spec.numEmbeddings();
    this.dim = spec.embeddingDim();
    this.weight = spec.weight();
    this.padding = spec.paddingRow();
  }

  @Override
  public int numParamTensors() {
    return 1;
  }

  @Override
  public int paramSize(int tensor) {
    return rows * dim;
  }

  /** The index at entry {@code i} of {@code x}, checked to be an integer in {@code [0, V)}. */
  private int index(double[] x, int i) {
    double v = x[i];
    if (!(v >= 0 && v < rows && v == Math.rint(v))) {
      throw new IllegalArgumentException(
          "embedding input of sample "
              + i / inSize
              + " at position "
              + i % inSize
              + " is "
              + v
              + ", not an index in [0, "
              + rows
              + ")");
    }
    return (int) v;
  }

  /**
   * The weight row at entry {@code i} of {@code x} when it depends on the parameters, −1 for the
   * padding row ({@code padding_idx}: read as it is, but its Jacobian is zero).
   */
  private int trainedRow(double[] x, int i) {
    int v = index(x, i);
    return v == padding ? -1 : v;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] z = new double[n * outSize];
    for (int i = 0; i < n * inSize; i++) {
      System.arraycopy(weight, index(in, i) * dim, z, i * dim, dim);
    }
    return z;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    throw noInputJacobian();
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    throw noInputJacobian();
  }

  private static UnsupportedOperationException noInputJacobian() {
    return new UnsupportedOperationException(
        "an embedding reads integer indices: nothing is backpropagated to its input (the"
            + " network input)");
  }

  /** {@code ∇W[v, :] = (1/n) Σ_{n, l : x[n, l] = v} δ[n, l, :]}, zero for the padding row. */
  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double[] gw = new double[rows * dim];
    double scale = 1.0 / n;
    for (int i = 0; i < n * inSize; i++) {
      int v = trainedRow(in, i);
      if (v < 0) {
        continue;
      }
      for (int d = 0; d < dim; d++) {
        gw[v * dim + d] += scale * deltaOut[i * dim + d];
      }
    }
    return new double[][] {gw};
  }

  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    Backend be = ctx.backend();
    double[] bh = be.download(b);
    double[] x = ctx.input();
    int r = b.rows();
    int size = rows * dim;
    double[] v = new double[r * size];
    for (int row = 0; row < r; row++) {
      int s = samples[row / block];
      for (int l = 0; l < inSize; l++) {
        int t = trainedRow(x, s * inSize + l);
        if (t < 0) {
          continue;
        }
        int dst = row * size + t * dim;
        int src = row * outSize + l * dim;
        for (int d = 0; d < dim; d++) {
          v[dst + d] += bh[src + d];
        }
      }
    }
    return be.upload(v, r, size);
  }

  /**
   * The column slot of every weight row in the compressed factor: {@code slot[v] ∈ [0, U)} for the
   * U distinct indices of the GGN and gradient samples (in order of first use), −1 elsewhere.
   */
  private int[] slots(LayerContext ctx) {
    int[] slot = new int[rows];
    java.util.Arrays.fill(slot, -1);
    int used = 0;
    for (int[] samples : new int[][] {ctx.ggnRows(), ctx.gradRows()}) {
      for (int s : samples == null ? new int[0] : samples) {
        for (int l = 0; l < inSize; l++) {
          int v = trainedRow(ctx.input(), s * inSize + l);
          if (v >= 0 && slot[v] < 0) {
            slot[v] = used++;
          }
        }
      }
    }
    return slot;
  }

  private static int count(int[] slot) {
    int used = 0;
    for (int v : slot) {
      used = Math.max(used, v + 1);
    }
    return used;
  }

  /**
   * {@code V_W} (or {@code G_W}) restricted to the used rows, {@code [rows × U·D]}: row r scatters
   * {@code b_r} (host, {@code [rows × L·D]}) into the slots of sample {@code samples[r / block]}'s
   * indices.
   */
  private DeviceMatrix compressed(
      LayerContext ctx, double[] b, int[] samples, int block, int[] slot) {
    int r = samples.length * block;
    int width = count(slot) * dim;
    double[] v = new double[r * width];
    for (int row = 0; row < r; row++) {
      int s = samples[row / block];
      for (int l = 0; l < inSize; l++) {
        int t = trainedRow(ctx.input(), s * inSize + l);
        if (t < 0) {
          continue;
        }
        int dst = row * width + slot[t] * dim;
        int src = row * outSize + l * dim;
        for (int d = 0; d < dim; d++) {
          v[dst + d] += b[src + d];
        }
      }
    }
    return ctx.backend().upload(v, r, width);
  }

  /** The compressed {@code V_W} of the GGN samples, made once per context. */
  private DeviceMatrix compressedFactor(LayerContext ctx, int[] slot) {
    return ctx.cached(
        "embedding.factor",
        () ->
            compressed(
                ctx,
                ctx.backend().download(ctx.factorOut()),
                ctx.ggnRows(),
                ctx.factorColumns(),
                slot));
  }

  /** {@code acc += V_W V_Wᵀ}, from the compressed factor. */
  @Override
  protected void accumulateGramImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    Backend be = ctx.backend();
    int[] slot = slots(ctx);
    if (count(slot) == 0) {
      return; // every index is the padding row: V_W = 0
    }
    DeviceMatrix v = compressedFactor(ctx, slot);
    try (DeviceMatrix gram = be.mulTransB(v, v)) {
      be.accumulateHadamardExpanded(acc, gram, null, 1, 1);
    }
  }

  /** {@code acc += G_W V_Wᵀ}, both compressed to the same used rows. */
  @Override
  protected void accumulateCrossTermsImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    Backend be = ctx.backend();
    int[] slot = slots(ctx);
    if (count(slot) == 0) {
      return; // every index is the padding row: V_W = G_W = 0
    }
    DeviceMatrix v = compressedFactor(ctx, slot);
    double[] delta = be.download(ctx.deltaGrad());
    try (DeviceMatrix g = compressed(ctx, delta, ctx.gradRows(), 1, slot);
        DeviceMatrix cross = be.mulTransB(g, v)) {
      be.accumulateHadamardExpanded(acc, cross, null, 1, 1);
    }
  }

  /** {@code (V_W w_k)[(v, d)] = Σ_r w_k[r] Σ_{l : x[s_r, l] = v} b_r[l, d]} on the host. */
  @Override
  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    int ct = ctx.factorColumns();
    int[] samples = ctx.ggnRows();
    double[][] out = new double[w.length][rows * dim];
    for (int k = 0; k < w.length; k++) {
      for (int r = 0; r < samples.length * ct; r++) {
        double wk = w[k][r];
        if (wk == 0) {
          continue;
        }
        int s = samples[r / ct];
        for (int l = 0; l < inSize; l++) {
          int v = trainedRow(ctx.input(), s * inSize + l);
          if (v < 0) {
            continue;
          }
          int dst = v * dim;
          int src = r * outSize + l * dim;
          for (int d = 0; d < dim; d++) {
            out[k][dst + d] += wk * factorOut[src + d];
          }
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Embedding(" + rows + ", " + dim + ")";
  }
}
