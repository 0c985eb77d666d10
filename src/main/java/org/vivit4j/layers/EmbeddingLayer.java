package org.vivit4j.layers;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.EmbeddingSpec;

/**
 * Embedding (PyTorch's {@code nn.Embedding}) as the network's first layer: input {@code [N × L]}
 * integer indices (as doubles), weight {@code [V × D]} (tensor 0), output {@code [N × L·D]} with
 * {@code z[n, l, :] = W[x[n, l], :]}.
 *
 * <ul>
 *   <li>No input Jacobian: the input is data (indices), and the layer is always first, so neither
 *       the gradient nor the factor is carried below it ({@link #jacT} and {@link
 *       #backpropGradient} refuse).
 *   <li>Weight Jᵀ: row r (sample s) scatters {@code b_r} into the rows its indices pick, {@code
 *       V[r, (v, d)] = Σ_{l : x[s, l] = v} b_r[l, d]} (repeated indices add up); formed on the host
 *       (download, scatter, upload), as no backend operation scatters. Gram, cross terms and {@code
 *       V·w} follow generically.
 * </ul>
 */
public final class EmbeddingLayer extends Layer {
  private final int rows;
  private final int dim;
  private final double[] weight;

  /**
   * @param inSize L, the number of indices per sample
   */
  public EmbeddingLayer(EmbeddingSpec spec, int inSize) {
    super(inSize, inSize * spec.embeddingDim());
    this.rows = spec.numEmbeddings();
    this.dim = spec.embeddingDim();
    this.weight = spec.weight();
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
        "an embedding reads integer indices: nothing is backpropagated to its input (it is the"
            + " first layer)");
  }

  /** {@code ∇W[v, :] = (1/n) Σ_{n, l : x[n, l] = v} δ[n, l, :]}. */
  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double[] gw = new double[rows * dim];
    double scale = 1.0 / n;
    for (int i = 0; i < n * inSize; i++) {
      int v = index(in, i);
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
        int dst = row * size + index(x, s * inSize + l) * dim;
        int src = row * outSize + l * dim;
        for (int d = 0; d < dim; d++) {
          v[dst + d] += bh[src + d];
        }
      }
    }
    return be.upload(v, r, size);
  }

  @Override
  public String toString() {
    return "Embedding(" + rows + ", " + dim + ")";
  }
}
