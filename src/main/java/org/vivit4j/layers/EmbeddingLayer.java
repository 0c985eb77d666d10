package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

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
   * row's parameters are zero. A negative p counts from the end, {@code p + V}, as PyTorch
   * normalises it ({@link #paddingRow}).
   *
   * @param numEmbeddings V, the number of rows
   * @param embeddingDim D, the length of each row
   * @param weight {@code [V, D]} row-major
   * @param paddingIdx PyTorch's {@code padding_idx}, in {@code [−V, V)}, or {@code null} for none
   */
  public record EmbeddingSpec(
      int numEmbeddings, int embeddingDim, double[] weight, Integer paddingIdx)
      implements LayerSpec {

    /** Without {@code padding_idx}. */
    public EmbeddingSpec(int numEmbeddings, int embeddingDim, double[] weight) {
      this(numEmbeddings, embeddingDim, weight, null);
    }

    /**
     * The row that gets no gradient, {@code padding_idx} normalised to {@code [0, V)} ({@code p +
     * V} for a negative p), or −1 for none.
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
     * {@code num_embeddings}, {@code embedding_dim} ≥ 1, {@code padding_idx} in {@code [−V, V)}
     * when given, and a weight of {@code V·D} values.
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

  /** The problem-file type of {@link EmbeddingSpec}. */
  public static final LayerType<EmbeddingSpec> TYPE = new EmbeddingType();

  /**
   * {@code embedding} with PyTorch's {@code nn.Embedding} keys: {@code num_embeddings}, {@code
   * embedding_dim} (required, ≥ 1), {@code weight} {@code [num_embeddings][embedding_dim]}; {@code
   * padding_idx} (optional int in {@code [−V, V)}, stored normalised as PyTorch does), {@code
   * max_norm} only absent or {@code null}, {@code scale_grad_by_freq} only false; {@code norm_type}
   * (ignored without {@code max_norm}) and {@code sparse} (the gradient's storage in PyTorch, not
   * its values) accepted.
   */
  private static final class EmbeddingType extends LayerType<EmbeddingSpec> {
    EmbeddingType() {
      super(EmbeddingSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("embedding");
    }

    @Override
    public EmbeddingSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "an embedding layer",
          "type",
          "num_embeddings",
          "embedding_dim",
          "padding_idx",
          "max_norm",
          "norm_type",
          "scale_grad_by_freq",
          "sparse",
          "weight");
      int v =
          JsonFields.atLeast(
              JsonFields.requiredInt(node, path, "num_embeddings"), 1, at(path, "num_embeddings"));
      int d =
          JsonFields.atLeast(
              JsonFields.requiredInt(node, path, "embedding_dim"), 1, at(path, "embedding_dim"));
      Integer padding = null;
      JsonNode pad = JsonFields.optional(node, "padding_idx");
      if (pad != null) {
        padding = JsonFields.intValue(pad, at(path, "padding_idx"));
        EmbeddingSpec.checkPaddingIdx(padding, v, at(path, "padding_idx"));
        // PyTorch stores the normalised index (padding_idx + num_embeddings for a negative one)
        padding = padding < 0 ? padding + v : padding;
      }
      JsonNode maxNorm = JsonFields.optional(node, "max_norm");
      if (maxNorm != null) {
        throw new UnsupportedFeatureException(
            at(path, "max_norm"), "embedding with max_norm = " + JsonFields.describe(maxNorm));
      }
      JsonNode norm = JsonFields.optional(node, "norm_type");
      if (norm != null) {
        JsonFields.finiteValue(norm, at(path, "norm_type"));
      }
      JsonFields.onlyFalse(
          node, path, "scale_grad_by_freq", "embedding with scale_grad_by_freq = true");
      JsonNode sparse = JsonFields.optional(node, "sparse");
      if (sparse != null) {
        JsonFields.bool(sparse, at(path, "sparse"));
      }
      double[] weight =
          JsonArrays.readDoubles(
              JsonFields.required(node, path, "weight"),
              at(path, "weight"),
              new int[] {v, d},
              "[num_embeddings, embedding_dim]");
      return new EmbeddingSpec(v, d, weight, padding);
    }

    @Override
    public void writeFields(JsonGenerator g, EmbeddingSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("num_embeddings", spec.numEmbeddings());
      g.writeNumberField("embedding_dim", spec.embeddingDim());
      if (spec.paddingIdx() != null) {
        g.writeNumberField("padding_idx", spec.paddingRow());
      }
      g.writeFieldName("weight");
      arrays.write(g, spec.weight(), new int[] {spec.numEmbeddings(), spec.embeddingDim()});
    }

    @Override
    public Layer create(EmbeddingSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new EmbeddingLayer(spec, net.sizeBefore(index));
    }
  }

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
