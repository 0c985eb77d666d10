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
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.linalg.CanonicalSigns;
import org.vivit4j.linalg.HostProducts;
import org.vivit4j.linalg.ProductSigns;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Linear layer {@code z_n = W a_n + b}, {@code W ∈ R^{O×I}} (tensor 0), {@code b ∈ R^O} (tensor 1).
 *
 * <ul>
 *   <li>Factor: {@code B_in = B_out W}.
 *   <li>Gram (MATH.md §6): {@code Ĝ_W[(m,c),(m',c')] = (B_out[m,c]·B_out[m',c']) (a_m·a_m')}, i.e.
 *       {@code (B Bᵀ) ⊙ (A Aᵀ ⊗ 1)}; {@code Ĝ_b = B Bᵀ}; both through {@link
 *       org.vivit4j.backend.Backend#accumulateFactorGram}, which may avoid forming {@code B Bᵀ}.
 *   <li>Cross terms: {@code X_W[t,(m,c)] = (δ_t·B_out[m,c]) (a_t·a_m)}; {@code X_b =
 *       δ_t·B_out[m,c]}.
 *   <li>{@code V_W w = Σ_m U[m]ᵀ a_m} with {@code U[m] = Σ_c w[m,c] B_out[m,c]}; {@code V_b w = Σ_m
 *       U[m]}.
 * </ul>
 */
public final class LinearLayer extends Layer {
  /**
   * Linear layer {@code z = W a + b} with {@code W} of shape {@code [out, in]} stored row-major
   * ({@code weight[o * in + i]}) and an optional bias of length {@code out}.
   *
   * @param in input features I
   * @param out output features O
   * @param weight {@code [O * I]}, row-major
   * @param bias {@code [O]}, or {@code null} for a layer without bias
   */
  public record LinearSpec(int in, int out, double[] weight, double[] bias) implements LayerSpec {

    @Override
    public String type() {
      return "linear";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 1 || in[0] != this.in) {
        throw new InvalidInputException(
            where + ".in",
            "is " + this.in + " but the layer receives input of shape " + Arrays.toString(in));
      }
      return new int[] {out};
    }

    @Override
    public List<LayerParam> params() {
      LayerParam w = new LayerParam("weight", new int[] {out, in}, weight);
      return bias == null ? List.of(w) : List.of(w, new LayerParam("bias", new int[] {out}, bias));
    }
  }

  /** The problem-file type of {@link LinearSpec}. */
  public static final LayerType<LinearSpec> TYPE = new LinearType();

  /**
   * {@code linear}: {@code in}, {@code out}, {@code weight [out][in]}, optional {@code bias [out]}.
   */
  private static final class LinearType extends LayerType<LinearSpec> {
    LinearType() {
      super(LinearSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("linear");
    }

    @Override
    public LinearSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "a linear layer", "type", "in", "out", "weight", "bias");
      int in = JsonFields.atLeast(JsonFields.requiredInt(node, path, "in"), 1, at(path, "in"));
      int out = JsonFields.atLeast(JsonFields.requiredInt(node, path, "out"), 1, at(path, "out"));
      double[] weight =
          JsonArrays.readDoubles(
              JsonFields.required(node, path, "weight"),
              at(path, "weight"),
              new int[] {out, in},
              "[out, in]");
      return new LinearSpec(
          in, out, weight, JsonArrays.optional(node, path, "bias", new int[] {out}, "[out]"));
    }

    @Override
    public void writeFields(JsonGenerator g, LinearSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("in", spec.in());
      g.writeNumberField("out", spec.out());
      g.writeFieldName("weight");
      arrays.write(g, spec.weight(), new int[] {spec.out(), spec.in()});
      TypeFields.writeBias(g, spec.bias(), arrays);
    }

    @Override
    public Layer create(LinearSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new LinearLayer(spec);
    }
  }

  private final double[] weight;
  private final double[] bias;
  private DeviceMatrix weightOnDevice;
  private Backend weightBackend;

  public LinearLayer(LinearSpec spec) {
    super(spec.in(), spec.out());
    this.weight = spec.weight();
    this.bias = spec.bias();
  }

  @Override
  public int numParamTensors() {
    return bias == null ? 1 : 2;
  }

  @Override
  public int paramSize(int tensor) {
    return tensor == 0 ? outSize * inSize : outSize;
  }

  /** {@code z = a Wᵀ + b} for all samples at once (one GEMM, {@link HostProducts}). */
  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * outSize];
    HostProducts.mulTransB(1, in, weight, 0, out, n, inSize, outSize);
    if (bias != null) {
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < outSize; o++) {
          out[s * outSize + o] += bias[o];
        }
      }
    }
    return out;
  }

  /** {@code ∂L_n/∂a_n = Wᵀ δ_n} for all samples: {@code Δ_in = Δ W}. */
  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] dIn = new double[n * inSize];
    HostProducts.mul(1, deltaOut, weight, 0, dIn, n, outSize, inSize);
    return dIn;
  }

  /** {@code ∇_W L = Δᵀ A / n}, {@code ∇_b L = Σ_n δ_n / n}. */
  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double[] deltaT = new double[outSize * n];
    double[] gb = new double[outSize];
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < outSize; o++) {
        double d = deltaOut[s * outSize + o];
        deltaT[o * n + s] = d;
        gb[o] += d / n;
      }
    }
    double[] gw = new double[outSize * inSize];
    HostProducts.mul(1.0 / n, deltaT, in, 0, gw, outSize, n, inSize);
    return bias == null ? new double[][] {gw} : new double[][] {gw, gb};
  }

  private DeviceMatrix weightOn(Backend backend) {
    if (weightOnDevice == null || weightBackend != backend) {
      close();
      weightOnDevice = backend.upload(weight, outSize, inSize);
      weightBackend = backend;
    }
    return weightOnDevice;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    return ctx.backend().mul(ctx.factorOut(), weightOn(ctx.backend()));
  }

  /**
   * Weight: row r is {@code b_r ⊗ a_s} ({@code [out·in]}, {@code batchedMul} with {@code t = 1});
   * bias: {@code b_r}. The fused Gram, cross terms and {@code V·w} below never form it.
   */
  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    if (tensor == 1) {
      return ctx.backend().copyRows(b, 0, b.rows());
    }
    try (DeviceMatrix a =
        ctx.backend().upload(rowsOf(ctx.input(), samples), samples.length, inSize)) {
      return ctx.backend().batchedMul(b, a, block, outSize);
    }
  }

  private double[] rowsOf(double[] src, int[] samples) {
    double[] out = new double[samples.length * inSize];
    for (int r = 0; r < samples.length; r++) {
      System.arraycopy(src, samples[r] * inSize, out, r * inSize, inSize);
    }
    return out;
  }

  @Override
  protected void accumulateGramImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    accumulateGramImpl(ctx, new int[] {tensor}, acc);
  }

  /** Weight and bias in one pass over {@code B_out B_outᵀ} (added weight first). */
  @Override
  protected void accumulateGramImpl(LayerContext ctx, int[] tensors, DeviceMatrix acc) {
    boolean w = false;
    boolean b = false;
    for (int t : tensors) {
      w |= t == 0;
      b |= t == 1;
    }
    DeviceMatrix inputGram = w ? ctx.inputGramGgn() : null;
    ctx.backend().accumulateFactorGram(acc, ctx.factorOut(), inputGram, w, b, ctx.factorColumns());
  }

  @Override
  protected void accumulateCrossTermsImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    int ct = ctx.factorColumns();
    DeviceMatrix inputGram = tensor == 0 ? ctx.inputGramGradGgn() : null;
    ctx.backend().accumulateHadamardExpanded(acc, ctx.deltaFactor(), inputGram, 1, ct);
  }

  /**
   * {@code V_b w_k = Σ_m U_k[m]} and {@code V_W w_k = U_kᵀ A_S} with {@code U_k[m] = Σ_c w_k[m,c]
   * B_out[m,c]}: see {@link #applyFactorIntoImpl}.
   */
  @Override
  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    double[][] out = new double[w.length][paramSize(tensor)];
    applyFactorIntoImpl(ctx, factorOut, tensor, w, out, 0, false);
    return out;
  }

  /**
   * {@code U_k} for every vector ({@code [|S| × O]}), then {@code V_b w_k = Σ_m U_k[m]} or {@code
   * V_W w_k = U_kᵀ A_S} ({@code [O × I]}), one product per vector written (or, with {@code add},
   * added: β = 1) straight into its slice.
   */
  @Override
  protected void applyFactorIntoImpl(
      LayerContext ctx,
      double[] factorOut,
      int tensor,
      double[][] w,
      double[][] out,
      int offset,
      boolean add) {
    int s = ctx.ggnRows().length;
    int kk = w.length;
    double[][] u = outputDirections(ctx, factorOut, w);
    if (tensor == 1) {
      for (int k = 0; k < kk; k++) {
        if (!add) {
          java.util.Arrays.fill(out[k], offset, offset + outSize, 0.0);
        }
        for (int m = 0; m < s; m++) {
          for (int o = 0; o < outSize; o++) {
            out[k][offset + o] += u[k][m * outSize + o];
          }
        }
      }
      return;
    }
    double[] aS = ggnInputs(ctx);
    for (int k = 0; k < kk; k++) {
      HostProducts.mulTransA(1, u[k], aS, add ? 1 : 0, out[k], offset, outSize, s, inSize);
    }
  }

  /**
   * The weight's vectors {@code U_kᵀ A_S} ({@code [O × I]}) offered in tiles of output rows, only
   * the rows that can still decide a sign ({@link ProductSigns}): fc1 of fmnist_2c2d (1024 × 3136)
   * stored 10 such vectors, 257 MB, only for their signs, and most of their rows cannot matter.
   */
  @Override
  protected void applyFactorSignsImpl(
      LayerContext ctx,
      double[] factorOut,
      int tensor,
      double[][] w,
      CanonicalSigns signs,
      long offset) {
    if (tensor == 1) {
      super.applyFactorSignsImpl(ctx, factorOut, tensor, w, signs, offset);
      return;
    }
    ProductSigns.offerTransAProducts(
        outputDirections(ctx, factorOut, w),
        ggnInputs(ctx),
        ctx.ggnRows().length,
        outSize,
        inSize,
        signs,
        offset,
        SIGN_TILE_ENTRIES);
  }

  /**
   * The host entries {@link #applyFactorSignsImpl} holds for the weight of a {@code [out × in]}
   * layer, {@code s} GGN samples and K vectors: {@code U_k} for all K, {@code A_S}, one tile of one
   * vector, its left operand, and one vector's row norms and order (the memory estimate's count).
   */
  public static long signEntries(long s, int in, int out, long k) {
    long rows = Math.max(1, Math.min(out, SIGN_TILE_ENTRIES / Math.max(1, in)));
    return s * out * k + s * in + rows * in + s * rows + 2L * out;
  }

  /**
   * {@code u[k][m·O + o] = U_k[m][o] = Σ_c w_k[m, c] · B[m, c, o]}: each vector folded into the
   * factor at the output, {@code [|S| × O]} per vector.
   */
  private double[][] outputDirections(LayerContext ctx, double[] factorOut, double[][] w) {
    int ct = ctx.factorColumns();
    int s = ctx.ggnRows().length;
    double[][] u = new double[w.length][s * outSize];
    for (int m = 0; m < s; m++) {
      for (int c = 0; c < ct; c++) {
        int bo = (m * ct + c) * outSize;
        for (int k = 0; k < w.length; k++) {
          double wk = w[k][m * ct + c];
          double[] uk = u[k];
          int uo = m * outSize;
          for (int o = 0; o < outSize; o++) {
            uk[uo + o] += wk * factorOut[bo + o];
          }
        }
      }
    }
    return u;
  }

  /** {@code A_S [|S| × in]}: the inputs of the GGN samples, in their order. */
  private double[] ggnInputs(LayerContext ctx) {
    return LayerContext.gatherRows(ctx.input(), inSize, ctx.ggnRows());
  }

  /** Entries of one tile of {@link #applyFactorSignsImpl} (1 MiB of float64: in L2). */
  public static final int SIGN_TILE_ENTRIES = 1 << 17;

  @Override
  public void close() {
    if (weightOnDevice != null) {
      weightOnDevice.close();
      weightOnDevice = null;
    }
  }

  @Override
  public String toString() {
    return "Linear(" + inSize + " → " + outSize + (bias == null ? ", no bias)" : ")");
  }
}
