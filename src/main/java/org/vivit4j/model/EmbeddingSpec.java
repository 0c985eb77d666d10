package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.Embedding(num_embeddings, embedding_dim)}: each entry of the input is an
 * index {@code i ∈ [0, V)} and becomes row {@code i} of the weight, {@code z[l, :] = W[x[l], :]};
 * input shape {@code S}, output {@code S + [D]}. The input holds integer indices given as numbers
 * in {@code X} ({@code 3} or {@code 3.0}; {@code 2.5} or {@code 7} for {@code V = 7} are errors
 * naming the entry), so an embedding reads the network input directly ({@link #readsIndices}: the
 * first layer of a chain); no gradient flows to its input.
 *
 * <p>{@code padding_idx} p (PyTorch's): row p is read as it is, but receives no gradient: the
 * output's Jacobian with respect to {@code W[p, :]} is zero, so the GGN rows and columns of that
 * row's parameters are zero. A negative p counts from the end, {@code p + V}, as PyTorch normalises
 * it ({@link #paddingRow}).
 *
 * @param numEmbeddings V, the number of rows
 * @param embeddingDim D, the length of each row
 * @param weight {@code [V, D]} row-major
 * @param paddingIdx PyTorch's {@code padding_idx}, in {@code [−V, V)}, or {@code null} for none
 */
public record EmbeddingSpec(
    int numEmbeddings, int embeddingDim, double[] weight, Integer paddingIdx) implements LayerSpec {

  /** Without {@code padding_idx}. */
  public EmbeddingSpec(int numEmbeddings, int embeddingDim, double[] weight) {
    this(numEmbeddings, embeddingDim, weight, null);
  }

  /**
   * The row that gets no gradient, {@code padding_idx} normalised to {@code [0, V)} ({@code p + V}
   * for a negative p), or −1 for none.
   */
  public int paddingRow() {
    if (paddingIdx == null) {
      return -1;
    }
    return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
  }

  @Override
  public String type() {
    return "embedding";
  }

  /** {@code S → S + [D]}. */
  @Override
  public int[] outputShape(int[] in, String where) {
    int[] out = Arrays.copyOf(in, in.length + 1);
    out[in.length] = embeddingDim;
    long perSample = ArraySizes.times(ArraySizes.product(in), embeddingDim);
    if (!ArraySizes.fits(perSample)) {
      throw new InvalidInputException(
          where + ".embedding_dim",
          "is "
              + embeddingDim
              + ", which makes the layer's output per sample "
              + Arrays.toString(out)
              + " = "
              + ArraySizes.count(perSample)
              + ArraySizes.tooLarge());
    }
    return out;
  }

  @Override
  public List<LayerParam> params() {
    return List.of(new LayerParam("weight", new int[] {numEmbeddings, embeddingDim}, weight));
  }

  /**
   * {@code num_embeddings}, {@code embedding_dim} ≥ 1, {@code padding_idx} in {@code [−V, V)} when
   * given, and a weight of {@code V·D} values.
   */
  @Override
  public void checkHyperParameters(String where) {
    Conv1dSpec.positive(numEmbeddings, where + ".num_embeddings");
    Conv1dSpec.positive(embeddingDim, where + ".embedding_dim");
    checkPaddingIdx(paddingIdx, numEmbeddings, where + ".padding_idx");
    long numel = ArraySizes.times(numEmbeddings, embeddingDim);
    if (weight == null || weight.length != numel) {
      throw new InvalidInputException(
          where + ".weight", "must hold num_embeddings·embedding_dim = " + numel + " values");
    }
  }

  /**
   * PyTorch's rule: {@code padding_idx} must lie in {@code [−V, V)}.
   *
   * @throws InvalidInputException naming {@code field} otherwise
   */
  public static void checkPaddingIdx(Integer paddingIdx, int numEmbeddings, String field) {
    if (paddingIdx != null && (paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings)) {
      throw new InvalidInputException(
          field,
          "is "
              + paddingIdx
              + " but must lie within num_embeddings: in [-"
              + numEmbeddings
              + ", "
              + numEmbeddings
              + ") (a negative index counts from the end)");
    }
  }

  @Override
  public boolean readsIndices() {
    return true;
  }

  /** Every entry an integer in {@code [0, num_embeddings)}. */
  @Override
  public void checkNetworkInput(double[] x, int[] inShape, String field, String where) {
    int d = (int) ArraySizes.product(inShape);
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      if (!(v >= 0 && v < numEmbeddings && v == Math.rint(v))) {
        throw new InvalidInputException(
            entry(field, i / d, i % d, inShape),
            "is "
                + v
                + " but the embedding ("
                + where
                + ") takes integer indices in [0, "
                + numEmbeddings
                + ")");
      }
    }
  }

  /** {@code field[n][i_1]…[i_k]} for flat index {@code flat} of sample {@code n}. */
  private static String entry(String field, int n, int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int k = shape.length - 1; k >= 0; k--) {
      idx[k] = flat % shape[k];
      flat /= shape[k];
    }
    StringBuilder b = new StringBuilder(field).append('[').append(n).append(']');
    for (int i : idx) {
      b.append('[').append(i).append(']');
    }
    return b.toString();
  }
}
