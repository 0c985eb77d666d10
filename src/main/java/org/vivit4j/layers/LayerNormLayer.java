package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * LayerNorm over each sample's trailing {@code M} features, in {@code G} contiguous groups (MATH.md
 * §6): per sample {@code n} and group {@code g}, with {@code a = a_n[g, :]},
 *
 * <pre>
 *   μ = mean(a),  v = mean((a − μ)²),  r = 1/√(v + ε),  x̂ = (a − μ)·r,  z = γ ⊙ x̂ + β,
 * </pre>
 *
 * weight {@code γ ∈ R^M} (tensor 0) and bias {@code β ∈ R^M} (tensor 1), both optional, in
 * PyTorch's {@code normalized_shape} layout. Not element-wise: the Jacobian {@code ∂z/∂a =
 * diag(γ)·r·(I − 11ᵀ/M − x̂x̂ᵀ/M)} mixes the features of a group.
 *
 * <ul>
 *   <li>Factor: with {@code u = γ ⊙ B_out[(m,c), g, :]}: {@code B_in[(m,c), g, :] = r_{m,g} (u −
 *       mean(u)·1 − x̂_{m,g} · mean(x̂_{m,g} ⊙ u))} (kernel {@code jact_layer_norm}, in place).
 *   <li>Parameter factors: column {@code (m,c)} of {@code V_γ} is {@code P_γ[(m,c), j] = Σ_g
 *       B_out[(m, c), g, j] x̂_m[g, j]}, of {@code V_β} it is {@code P_β[(m,c), j] = Σ_g
 *       B_out[(m,c), g, j]} (kernels {@code jact_layer_norm_weight}, {@code jact_layer_norm_bias}).
 *       {@code P} has at most the size of {@code B_out}, so it is formed explicitly: no contraction
 *       can be cheaper.
 *   <li>Gram: {@code Ĝ_γ = P_γ P_γᵀ}, i.e. {@code Ĝ_γ[(m,c),(m',c')] = Σ_j (Σ_g B[m,c,g,j]
 *       x̂_m[g,j]) (Σ_g B[m',c',g,j] x̂_{m'}[g,j])}; for one group this is {@code Σ_j B[m,c,j]
 *       B[m',c',j] x̂_m[j] x̂_{m'}[j]}, the feature-wise product of {@code B Bᵀ}'s and {@code x̂
 *       x̂ᵀ}'s summands. {@code Ĝ_β = P_β P_βᵀ} ({@code = B Bᵀ} for one group).
 *   <li>Cross terms: {@code X_γ[t,(m,c)] = (∂L_t/∂γ) · P_γ[(m,c)]} with {@code ∂L_t/∂γ_j = Σ_g
 *       δ_t[g,j] x̂_t[g,j]}, the same map applied to the output gradient; likewise for β.
 *   <li>{@code V_γ w = Σ_{m,c} w[m,c] P_γ[(m,c)]}, {@code V_β w = Σ_{m,c} w[m,c] P_β[(m,c)]}.
 * </ul>
 */
public final class LayerNormLayer extends Layer {
  /**
   * PyTorch's {@code nn.LayerNorm(normalized_shape, eps, elementwise_affine)}: each sample's
   * trailing dimensions {@code normalized_shape} (M entries) are normalised to zero mean and unit
   * (biased) variance, then scaled and shifted entry-wise:
   *
   * <pre>
   *   μ = (1/M) Σ_j a_j,  v = (1/M) Σ_j (a_j − μ)²,  r = 1/√(v + eps),  x̂_j = (a_j − μ)·r,
   *   z_j = γ_j x̂_j + β_j.
   * </pre>
   *
   * When the sample has more entries than M (e.g. {@code [C, H, W]} normalised over {@code [H,
   * W]}), each of its {@code G = numel/M} contiguous blocks is normalised separately with the same
   * γ, β.
   *
   * @param normalizedShape the trailing per-sample shape that is normalised
   * @param eps added to the variance
   * @param weight γ, shaped {@code normalizedShape}, or {@code null} without elementwise affine
   * @param bias β, shaped {@code normalizedShape}, or {@code null} (no affine, or {@code
   *     bias=False})
   */
  public record LayerNormSpec(int[] normalizedShape, double eps, double[] weight, double[] bias)
      implements LayerSpec {
    @Override
    public String type() {
      return "layernorm";
    }

    /** The input's shape, whose trailing dimensions must equal {@code normalized_shape}. */
    @Override
    public int[] outputShape(int[] in, String where) {
      int[] ns = normalizedShape;
      boolean suffix = ns.length >= 1 && ns.length <= in.length;
      for (int d = 0; suffix && d < ns.length; d++) {
        suffix = ns[d] == in[in.length - ns.length + d];
      }
      if (!suffix) {
        throw new InvalidInputException(
            where + ".normalized_shape",
            "is "
                + Arrays.toString(ns)
                + " but must equal the trailing dimensions of the layer's input "
                + Arrays.toString(in));
      }
      return in.clone();
    }

    @Override
    public List<LayerParam> params() {
      List<LayerParam> out = new ArrayList<>();
      if (weight != null) {
        out.add(new LayerParam("weight", normalizedShape.clone(), weight));
      }
      if (bias != null) {
        out.add(new LayerParam("bias", normalizedShape.clone(), bias));
      }
      return out;
    }

    /**
     * {@code eps > 0} and finite, γ and β of {@code prod(normalized_shape)} values, β only with γ.
     */
    @Override
    public void checkHyperParameters(String where) {
      if (!(eps > 0) || Double.isInfinite(eps)) {
        throw new InvalidInputException(where + ".eps", "is " + eps + " but must be > 0");
      }
      int m = groupSize();
      if (weight != null && weight.length != m) {
        throw new InvalidInputException(
            where + ".weight", "has " + weight.length + " values, expected " + m);
      }
      if (bias != null && (weight == null || bias.length != m)) {
        throw new InvalidInputException(
            where + ".bias",
            weight == null
                ? "needs a weight (elementwise_affine)"
                : "has " + bias.length + " values, expected " + m);
      }
    }

    /**
     * M, the number of entries normalised together. {@link NetworkSpec} checks that {@code
     * normalized_shape} is the trailing part of a shape whose product fits an int.
     *
     * @throws ArithmeticException when the product does not fit an int (a spec no network accepts)
     */
    public int groupSize() {
      int m = 1;
      for (int s : normalizedShape) {
        m = Math.multiplyExact(m, s);
      }
      return m;
    }
  }

  /** The problem-file type of {@link LayerNormSpec}. */
  public static final LayerType<LayerNormSpec> TYPE = new LayerNormType();

  /**
   * {@code layernorm}: {@code normalized_shape} (an int or a list), {@code eps} (default 1e-5,
   * positive), {@code elementwise_affine} (default true) with {@code weight} (required) and {@code
   * bias} (optional, PyTorch's {@code bias=False} when absent), both shaped {@code
   * normalized_shape}.
   */
  private static final class LayerNormType extends LayerType<LayerNormSpec> {
    LayerNormType() {
      super(LayerNormSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("layernorm");
    }

    @Override
    public LayerNormSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "a layernorm layer",
          "type",
          "normalized_shape",
          "eps",
          "elementwise_affine",
          "weight",
          "bias");
      String sp = at(path, "normalized_shape");
      JsonNode shapeNode = JsonFields.required(node, path, "normalized_shape");
      int[] shape =
          shapeNode.isArray()
              ? JsonFields.intList(shapeNode, sp)
              : new int[] {JsonFields.intValue(shapeNode, sp)};
      if (shape.length == 0) {
        throw new InvalidInputException(sp, "must not be empty");
      }
      for (int d = 0; d < shape.length; d++) {
        JsonFields.atLeast(shape[d], 1, shapeNode.isArray() ? at(sp, d) : sp);
      }
      JsonNode epsNode = JsonFields.optional(node, "eps");
      double eps = epsNode == null ? 1e-5 : JsonFields.finiteValue(epsNode, at(path, "eps"));
      if (!(eps > 0)) {
        throw new InvalidInputException(
            at(path, "eps"), "is " + eps + " but must be > 0 (a constant input has variance 0)");
      }
      JsonNode affineNode = JsonFields.optional(node, "elementwise_affine");
      if (affineNode != null && !affineNode.isBoolean()) {
        throw new InvalidInputException(
            at(path, "elementwise_affine"),
            "must be a boolean, got " + JsonFields.describe(affineNode));
      }
      boolean affine = affineNode == null || affineNode.booleanValue();
      String what = JsonFields.shape(shape) + " (normalized_shape)";
      if (!affine) {
        for (String key : new String[] {"weight", "bias"}) {
          if (JsonFields.optional(node, key) != null) {
            throw new InvalidInputException(
                at(path, key), "must be absent when elementwise_affine is false");
          }
        }
        return new LayerNormSpec(shape, eps, null, null);
      }
      double[] weight =
          JsonArrays.readDoubles(
              JsonFields.required(node, path, "weight"), at(path, "weight"), shape, what);
      return new LayerNormSpec(
          shape, eps, weight, JsonArrays.optional(node, path, "bias", shape, what));
    }

    @Override
    public void writeFields(JsonGenerator g, LayerNormSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeFieldName("normalized_shape");
      g.writeArray(spec.normalizedShape(), 0, spec.normalizedShape().length);
      g.writeNumberField("eps", spec.eps());
      g.writeBooleanField("elementwise_affine", spec.weight() != null);
      if (spec.weight() != null) {
        g.writeFieldName("weight");
        arrays.write(g, spec.weight(), spec.normalizedShape());
        g.writeFieldName("bias");
        if (spec.bias() == null) {
          g.writeNull();
        } else {
          arrays.write(g, spec.bias(), spec.normalizedShape());
        }
      }
    }

    @Override
    public Layer create(LayerNormSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new LayerNormLayer(spec, net.sizeBefore(index));
    }
  }

  private final int groupSize;
  private final int groups;
  private final double eps;
  private final double[] weight;
  private final double[] bias;
  private DeviceMatrix gammaOnDevice;
  private Backend gammaBackend;
  private double[] statsInput;
  private Stats stats;

  /** Per-sample normalised input {@code x̂ [N × G·M]} and {@code r [N × G]}. */
  private record Stats(double[] xhat, double[] rstd) {}

  /**
   * @param size the per-sample input size {@code G·M}
   */
  public LayerNormLayer(LayerNormSpec spec, int size) {
    super(size, size);
    this.groupSize = spec.groupSize();
    if (groupSize < 1 || size % groupSize != 0) {
      throw new IllegalArgumentException(
          "normalized_shape of " + groupSize + " entries does not divide the input of " + size);
    }
    if (spec.weight() == null && spec.bias() != null) {
      throw new IllegalArgumentException("a LayerNorm bias needs a weight (elementwise_affine)");
    }
    this.groups = size / groupSize;
    this.eps = spec.eps();
    this.weight = spec.weight();
    this.bias = spec.bias();
  }

  @Override
  public int numParamTensors() {
    return (weight == null ? 0 : 1) + (bias == null ? 0 : 1);
  }

  @Override
  public int paramSize(int tensor) {
    return groupSize;
  }

  private double gamma(int j) {
    return weight == null ? 1.0 : weight[j];
  }

  /** x̂ and r of every sample of {@code in} (the last input is remembered). */
  private Stats stats(double[] in, int n) {
    if (statsInput == in && stats != null) {
      return stats;
    }
    double[] xhat = new double[n * inSize];
    double[] rstd = new double[n * groups];
    for (int s = 0; s < n; s++) {
      for (int g = 0; g < groups; g++) {
        int o = s * inSize + g * groupSize;
        double mu = 0;
        for (int j = 0; j < groupSize; j++) {
          mu += in[o + j];
        }
        mu /= groupSize;
        double v = 0;
        for (int j = 0; j < groupSize; j++) {
          double d = in[o + j] - mu;
          v += d * d;
        }
        v /= groupSize;
        double r = 1 / Math.sqrt(v + eps);
        rstd[s * groups + g] = r;
        for (int j = 0; j < groupSize; j++) {
          xhat[o + j] = (in[o + j] - mu) * r;
        }
      }
    }
    statsInput = in;
    stats = new Stats(xhat, rstd);
    return stats;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] xhat = stats(in, n).xhat();
    double[] out = new double[in.length];
    for (int t = 0; t < in.length; t++) {
      int j = t % groupSize;
      out[t] = gamma(j) * xhat[t] + (bias == null ? 0 : bias[j]);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    Stats st = stats(in, n);
    double[] out = new double[in.length];
    double[] u = new double[groupSize];
    for (int s = 0; s < n; s++) {
      for (int g = 0; g < groups; g++) {
        int o = s * inSize + g * groupSize;
        double mu = 0;
        double mxu = 0;
        for (int j = 0; j < groupSize; j++) {
          u[j] = gamma(j) * deltaOut[o + j];
          mu += u[j];
          mxu += st.xhat()[o + j] * u[j];
        }
        mu /= groupSize;
        mxu /= groupSize;
        double r = st.rstd()[s * groups + g];
        for (int j = 0; j < groupSize; j++) {
          out[o + j] = r * (u[j] - mu - st.xhat()[o + j] * mxu);
        }
      }
    }
    return out;
  }

  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double[] xhat = stats(in, n).xhat();
    double[] gw = new double[groupSize];
    double[] gb = new double[groupSize];
    for (int t = 0; t < in.length; t++) {
      int j = t % groupSize;
      gw[j] += deltaOut[t] * xhat[t] / n;
      gb[j] += deltaOut[t] / n;
    }
    if (weight == null) {
      return new double[0][];
    }
    return bias == null ? new double[][] {gw} : new double[][] {gw, gb};
  }

  private DeviceMatrix gammaOn(Backend backend) {
    if (gammaOnDevice == null || gammaBackend != backend) {
      close();
      double[] g = new double[groupSize];
      for (int j = 0; j < groupSize; j++) {
        g[j] = gamma(j);
      }
      gammaOnDevice = backend.upload(g, 1, groupSize);
      gammaBackend = backend;
    }
    return gammaOnDevice;
  }

  private DeviceMatrix xhatRows(LayerContext ctx, int[] rows, String key) {
    int n = ctx.input().length / inSize;
    return ctx.cached(key, () -> ctx.uploadRows(stats(ctx.input(), n).xhat(), inSize, rows));
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    int n = ctx.input().length / inSize;
    DeviceMatrix xhat = xhatRows(ctx, ctx.ggnRows(), "layernorm.xhatGgn");
    DeviceMatrix rstd =
        ctx.cached(
            "layernorm.rstdGgn",
            () -> ctx.uploadRows(stats(ctx.input(), n).rstd(), groups, ctx.ggnRows()));
    // In place: the engine hands B_out over and does not read it again.
    ctx.backend()
        .layerNormJacT(ctx.factorOut(), xhat, rstd, gammaOn(ctx.backend()), ctx.factorColumns());
    return ctx.factorOut();
  }

  /**
   * {@code P_γ} (tensor 0: {@code Σ_g b_r[g, :] ⊙ x̂_s[g, :]}) or {@code P_β} (tensor 1: {@code Σ_g
   * b_r[g, :]}), {@code [rows(b) × M]}.
   */
  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    int n = ctx.input().length / inSize;
    try (DeviceMatrix xhat =
        tensor == 0
            ? ctx.backend()
                .upload(rowsOf(stats(ctx.input(), n).xhat(), samples), samples.length, inSize)
            : null) {
      return ctx.backend().layerNormParamJacT(b, xhat, groupSize, block);
    }
  }

  private double[] rowsOf(double[] src, int[] samples) {
    double[] out = new double[samples.length * inSize];
    for (int r = 0; r < samples.length; r++) {
      System.arraycopy(src, samples[r] * inSize, out, r * inSize, inSize);
    }
    return out;
  }

  /** {@code P_γ} (tensor 0) or {@code P_β} (tensor 1), {@code [|S|C̃ × M]}. */
  private DeviceMatrix paramFactor(LayerContext ctx, int tensor) {
    return ctx.cached(
        "layernorm.factor" + tensor,
        () ->
            ctx.backend()
                .layerNormParamJacT(
                    ctx.factorOut(),
                    tensor == 0 ? xhatRows(ctx, ctx.ggnRows(), "layernorm.xhatGgn") : null,
                    groupSize,
                    ctx.factorColumns()));
  }

  @Override
  protected void accumulateGramImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    DeviceMatrix gram;
    if (tensor == 1 && groups == 1) {
      gram = ctx.factorGram(); // P_β = B_out: share B Bᵀ
    } else {
      DeviceMatrix p = paramFactor(ctx, tensor);
      gram = ctx.cached("layernorm.gram" + tensor, () -> ctx.backend().mulTransB(p, p));
    }
    ctx.backend().accumulateHadamardExpanded(acc, gram, null, 1, 1);
  }

  @Override
  protected void accumulateCrossTermsImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    DeviceMatrix cross;
    if (tensor == 1 && groups == 1) {
      cross = ctx.deltaFactor();
    } else {
      DeviceMatrix grads =
          ctx.cached(
              "layernorm.gradRows" + tensor,
              () ->
                  ctx.backend()
                      .layerNormParamJacT(
                          ctx.deltaGrad(),
                          tensor == 0 ? xhatRows(ctx, ctx.gradRows(), "layernorm.xhatGrad") : null,
                          groupSize,
                          1));
      DeviceMatrix p = paramFactor(ctx, tensor);
      cross = ctx.cached("layernorm.cross" + tensor, () -> ctx.backend().mulTransB(grads, p));
    }
    ctx.backend().accumulateHadamardExpanded(acc, cross, null, 1, 1);
  }

  @Override
  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    int ct = ctx.factorColumns();
    int[] rows = ctx.ggnRows();
    double[] xhat = tensor == 0 ? stats(ctx.input(), ctx.input().length / inSize).xhat() : null;
    double[][] out = new double[w.length][groupSize];
    for (int k = 0; k < w.length; k++) {
      double[] res = out[k];
      for (int m = 0; m < rows.length; m++) {
        for (int c = 0; c < ct; c++) {
          double wk = w[k][m * ct + c];
          if (wk == 0) {
            continue;
          }
          int bo = (m * ct + c) * inSize;
          int xo = rows[m] * inSize;
          for (int f = 0; f < inSize; f++) {
            double x = xhat == null ? 1 : xhat[xo + f];
            res[f % groupSize] += wk * factorOut[bo + f] * x;
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (gammaOnDevice != null) {
      gammaOnDevice.close();
      gammaOnDevice = null;
    }
  }

  @Override
  public String toString() {
    return "LayerNorm("
        + inSize
        + ", M="
        + groupSize
        + ", eps="
        + eps
        + (weight == null ? ", no affine" : bias == null ? ", no bias" : "")
        + ")";
  }
}
