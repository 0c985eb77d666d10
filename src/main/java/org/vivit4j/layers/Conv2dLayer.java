package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.linalg.HostProducts;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.PoolShapes;

/**
 * Conv2d with PyTorch semantics (cross-correlation, zero padding, stride, dilation, groups = 1):
 * {@code z_n[o, t] = b[o] + W_mat[o, :] · u_{n,t}}, where {@code u_{n,t}} ({@code K = C·k_h·k_w}
 * values, order {@code (c, a, b)}) is the input patch read by output position {@code t = i·W_out +
 * j} and {@code W_mat [O × K]} is the weight {@code [O, C, k_h, k_w]} (tensor 0) row-major; bias
 * {@code [O]} (tensor 1). Activations are {@code [N × C·H·W]} and {@code [N × O·T]}, each row
 * {@code (channel, row, column)} row-major.
 *
 * <ul>
 *   <li>Factor: {@code B_in} = the transposed convolution of {@code B_out} with {@code W}.
 *   <li>Gram of W (MATH.md §6): {@code Ĝ_W[(n,c),(m,c')] = Σ_{t,t'} (B[n,c,:,t]·B[m,c',:,t'])
 *       (u_{n,t}·u_{m,t'})}, structured or through {@code V_W} formed for blocks of samples,
 *       whichever is cheaper ({@link ConvWeightGram}, {@link ConvGramPolicy}); the choice is
 *       recorded with {@link LayerContext#note}.
 *   <li>Gram of b: {@code (Σ_t B[n,c,:,t]) · (Σ_t' B[m,c',:,t'])}.
 *   <li>Cross terms: the same contractions with {@code δ_t} (one row per gradient sample) on the
 *       left.
 *   <li>{@code V_W w = Σ_{m,t} U_w[:, (m,t)] u_{m,t}ᵀ} with {@code U_w[o, (m,t)] = Σ_c w[m,c]
 *       B[m,c,o,t]}; {@code V_b w = Σ_{m,c,t} w[m,c] B[m,c,:,t]}.
 * </ul>
 */
public final class Conv2dLayer extends Layer {
  /**
   * Conv2d with PyTorch semantics (cross-correlation, zero padding, groups = 1). Parsed and
   * validated so problem files round-trip; the computations reject it as not supported yet.
   *
   * @param weight {@code [O, C, kh, kw]} row-major
   * @param bias {@code [O]} or {@code null}
   */
  public record Conv2dSpec(
      int inChannels,
      int outChannels,
      int[] kernelSize,
      int[] stride,
      int[] padding,
      int[] dilation,
      double[] weight,
      double[] bias)
      implements LayerSpec {
    @Override
    public String type() {
      return "conv2d";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 3 || in[0] != inChannels) {
        throw new InvalidInputException(
            where + ".in_channels",
            "is "
                + inChannels
                + " but the layer receives input of shape "
                + Arrays.toString(in)
                + " (expected [C, H, W])");
      }
      return convOutputShape(in, where);
    }

    /**
     * {@code [O, H_out, W_out]} with {@code H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1}, in {@code
     * long}: an output too large for an array is refused here, naming this layer's padding when the
     * padding makes it so and its {@code out_channels} otherwise (the input already fits).
     */
    private int[] convOutputShape(int[] in, String where) {
      PoolShapes.checkWindow(kernelSize(), stride(), padding(), dilation(), where);
      long[] size = new long[2];
      long[] unpadded = new long[2];
      for (int d = 0; d < 2; d++) {
        long eff = (long) dilation()[d] * (kernelSize()[d] - 1) + 1;
        long padded = in[d + 1] + 2L * padding()[d];
        if (padded < eff) {
          throw new InvalidInputException(
              where + ".kernel_size",
              "does not fit the padded input of shape " + Arrays.toString(in));
        }
        size[d] = (padded - eff) / stride()[d] + 1;
        unpadded[d] = Math.max(1, (in[d + 1] - eff) / stride()[d] + 1);
      }
      long perSample = ArraySizes.times(ArraySizes.times(outChannels(), size[0]), size[1]);
      if (!ArraySizes.fits(perSample)) {
        long withoutPadding =
            ArraySizes.times(ArraySizes.times(outChannels(), unpadded[0]), unpadded[1]);
        boolean padding = ArraySizes.fits(withoutPadding);
        throw new InvalidInputException(
            where + (padding ? ".padding" : ".out_channels"),
            "is "
                + (padding ? Arrays.toString(padding()) : Integer.toString(outChannels()))
                + ", which makes the layer's output per sample ["
                + outChannels()
                + ", "
                + size[0]
                + ", "
                + size[1]
                + "] = "
                + ArraySizes.count(perSample)
                + ArraySizes.tooLarge());
      }
      return new int[] {outChannels(), (int) size[0], (int) size[1]};
    }

    @Override
    public List<LayerParam> params() {
      LayerParam w =
          new LayerParam(
              "weight", new int[] {outChannels, inChannels, kernelSize[0], kernelSize[1]}, weight);
      return bias == null
          ? List.of(w)
          : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
    }
  }

  /** The problem-file type of {@link Conv2dSpec}. */
  public static final LayerType<Conv2dSpec> TYPE = new Conv2dType();

  /**
   * {@code conv2d} with PyTorch's {@code nn.Conv2d} keys and defaults (groups = 1, zero padding;
   * {@code "same"}/{@code "valid"} paddings).
   */
  private static final class Conv2dType extends LayerType<Conv2dSpec> {
    Conv2dType() {
      super(Conv2dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("conv2d");
    }

    @Override
    public Conv2dSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "a conv2d layer",
          "type",
          "in_channels",
          "out_channels",
          "kernel_size",
          "stride",
          "padding",
          "dilation",
          "groups",
          "padding_mode",
          "weight",
          "bias");
      int cin = JsonFields.requiredInt(node, path, "in_channels");
      JsonFields.atLeast(cin, 1, at(path, "in_channels"));
      int cout = JsonFields.requiredInt(node, path, "out_channels");
      JsonFields.atLeast(cout, 1, at(path, "out_channels"));
      int[] kernel =
          JsonFields.pair(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      // Absent hyper-parameters take PyTorch's nn.Conv2d defaults.
      int[] stride = JsonFields.pairOr(node, path, "stride", 1, 1);
      int[] dilation = JsonFields.pairOr(node, path, "dilation", 1, 1);
      JsonNode padNode = JsonFields.optional(node, "padding");
      int[] padding =
          padNode != null && padNode.isTextual()
              ? TypeFields.namedPadding(padNode.textValue(), kernel, stride, dilation, path)
              : JsonFields.pairOr(node, path, "padding", 0, 0);
      TypeFields.refuseGroupsAndPaddingMode(node, path, "conv2d");
      double[] weight =
          JsonArrays.readDoubles(
              JsonFields.required(node, path, "weight"),
              at(path, "weight"),
              new int[] {cout, cin, kernel[0], kernel[1]},
              "[out_channels, in_channels, kh, kw]");
      double[] bias = JsonArrays.optional(node, path, "bias", new int[] {cout}, "[out_channels]");
      return new Conv2dSpec(cin, cout, kernel, stride, padding, dilation, weight, bias);
    }

    @Override
    public void writeFields(JsonGenerator g, Conv2dSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("in_channels", spec.inChannels());
      g.writeNumberField("out_channels", spec.outChannels());
      JsonFields.writePair(g, "kernel_size", spec.kernelSize());
      JsonFields.writePair(g, "stride", spec.stride());
      JsonFields.writePair(g, "padding", spec.padding());
      JsonFields.writePair(g, "dilation", spec.dilation());
      g.writeNumberField("groups", 1);
      g.writeFieldName("weight");
      int[] shape = {
        spec.outChannels(), spec.inChannels(), spec.kernelSize()[0], spec.kernelSize()[1]
      };
      arrays.write(g, spec.weight(), shape);
      TypeFields.writeBias(g, spec.bias(), arrays);
    }

    @Override
    public Layer create(Conv2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new Conv2dLayer(net.where(index), spec, net.shapeBefore(index), convGram);
    }
  }

  private final String name;
  private final ConvGeometry g;
  private final int o;
  private final double[] weight;
  private final double[] bias;
  private final ConvGramPolicy policy;
  private DeviceMatrix weightOnDevice;
  private Backend weightBackend;

  /**
   * @param name the layer's field for notes, e.g. {@code model[0]}
   * @param inShape {@code [C, H, W]}
   */
  public Conv2dLayer(String name, Conv2dSpec spec, int[] inShape, ConvGramPolicy policy) {
    this(
        name,
        ConvGeometry.of(inShape, spec.kernelSize(), spec.stride(), spec.padding(), spec.dilation()),
        spec.outChannels(),
        spec.weight(),
        spec.bias(),
        policy);
  }

  private Conv2dLayer(
      String name, ConvGeometry g, int o, double[] weight, double[] bias, ConvGramPolicy policy) {
    super(g.inputSize(), o * g.positions());
    this.name = name;
    this.g = g;
    this.o = o;
    this.weight = weight;
    this.bias = bias;
    this.policy = policy;
  }

  @Override
  public int numParamTensors() {
    return bias == null ? 1 : 2;
  }

  @Override
  public int paramSize(int tensor) {
    return tensor == 0 ? o * g.patchSize() : o;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    return ConvHost.forward(in, weight, bias, o, g, n);
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return ConvHost.inputGradient(deltaOut, weight, o, g, n);
  }

  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double[][] gr = ConvHost.paramGradients(in, deltaOut, o, g, n, 1.0 / n);
    return bias == null ? new double[][] {gr[0]} : gr;
  }

  private DeviceMatrix weightOn(Backend backend) {
    if (weightOnDevice == null || weightBackend != backend) {
      close();
      weightOnDevice = backend.upload(weight, o, g.patchSize());
      weightBackend = backend;
    }
    return weightOnDevice;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    return ctx.backend().convTranspose(ctx.factorOut(), weightOn(ctx.backend()), g);
  }

  private static final String GGN_SIDE = "ggn";

  private ConvWeightGram.Side ggnSide(LayerContext ctx) {
    return new ConvWeightGram.Side(ctx.factorOut(), ctx.factorColumns(), ctx.ggnRows(), GGN_SIDE);
  }

  /** Cache key of the bias factor {@code V_b} ({@link #biasFactor}). */
  private static final String BIAS_FACTOR = "biasFactor";

  /**
   * {@code V_W} of all GGN samples when the Gram contraction formed it whole, and the bias factor
   * {@code V_b}: with them {@code V·w} needs neither the output factor nor a weight-gradient-sized
   * pass.
   */
  @Override
  protected List<String> keptForApplyKeys() {
    return List.of(ConvWeightGram.formedVKey(GGN_SIDE), BIAS_FACTOR);
  }

  @Override
  public boolean appliesFromKept(Set<String> keys, int[] tensors) {
    for (int t : tensors) {
      if (!keys.contains(t == 1 ? BIAS_FACTOR : ConvWeightGram.formedVKey(GGN_SIDE))) {
        return false;
      }
    }
    return true;
  }

  /** {@code V_b[r, o] = Σ_t B_out[r, o, t]}, {@code [|S|C̃ × O]}. */
  private DeviceMatrix biasFactor(LayerContext ctx) {
    return ctx.cached(BIAS_FACTOR, () -> ctx.backend().sumGroups(ctx.factorOut(), o));
  }

  /**
   * Weight: row r is {@code Σ_t b_r[:, t] ⊗ u_{s,t}} with {@code u} the unfolded input patches
   * ({@code convUnfold} + {@code batchedMul}), {@code [O·C·kh·kw]}; bias: {@code Σ_t b_r[:, t]}.
   * The fused Gram ({@link ConvWeightGram}), cross terms and {@code V·w} below are preferred.
   */
  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    if (tensor == 1) {
      return ctx.backend().sumGroups(b, o);
    }
    try (DeviceMatrix u = ConvWeightGram.unfold(ctx, samples, 0, samples.length, g)) {
      return ctx.backend().batchedMul(b, u, block, o);
    }
  }

  @Override
  protected void accumulateGramImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    Backend be = ctx.backend();
    if (tensor == 1) {
      DeviceMatrix s = biasFactor(ctx);
      try (DeviceMatrix p = be.mulTransB(s, s)) {
        be.accumulateHadamardExpanded(acc, p, null, 1, 1);
      }
      return;
    }
    ConvWeightGram.Plan plan = ConvWeightGram.accumulateGram(ctx, ggnSide(ctx), g, o, policy, acc);
    ctx.note(plan.describe(name + " conv2d weight Gram", acc.rows(), acc.cols()));
  }

  @Override
  protected void accumulateCrossTermsImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    Backend be = ctx.backend();
    DeviceMatrix delta = ctx.deltaGrad();
    if (tensor == 1) {
      try (DeviceMatrix d = be.sumGroups(delta, o);
          DeviceMatrix p = be.mulTransB(d, biasFactor(ctx))) {
        be.accumulateHadamardExpanded(acc, p, null, 1, 1);
      }
      return;
    }
    ConvWeightGram.Side left = new ConvWeightGram.Side(delta, 1, ctx.gradRows(), "grad");
    ConvWeightGram.Side right = ggnSide(ctx);
    ConvWeightGram.Plan plan = ConvWeightGram.accumulateCross(ctx, left, right, g, o, policy, acc);
    ConvWeightGram.releaseUnfolded(ctx, left);
    ConvWeightGram.releaseUnfolded(ctx, right);
    ctx.note(plan.describe(name + " conv2d weight cross terms", acc.rows(), acc.cols()));
  }

  @Override
  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    int ct = ctx.factorColumns();
    int t = g.positions();
    int samples = ctx.ggnRows().length;
    int kDirs = w.length;
    if (tensor == 1) {
      // V_b w: the position sums V_b once per factor row (kept from the Gram pass, or summed here
      // from the factor as the Gram pass does), then one [K × |S|C̃]·V_b product; so a kept and a
      // recomputed V_b give the same bits
      DeviceMatrix vb = ctx.cachedOrNull(BIAS_FACTOR);
      if (vb != null) {
        return applyKept(ctx, vb, w, o);
      }
      if (ctx.factorOut() != null) {
        return applyKept(ctx, biasFactor(ctx), w, o);
      }
      requireFactor(factorOut);
      try (DeviceMatrix b = ctx.backend().upload(factorOut, ct * samples, outSize);
          DeviceMatrix sums = ctx.backend().sumGroups(b, o)) {
        return applyKept(ctx, sums, w, o);
      }
    }
    DeviceMatrix keptV = ctx.cachedOrNull(ConvWeightGram.formedVKey(GGN_SIDE));
    if (keptV != null) {
      // V_W kept from the Gram pass: V_W w for all K directions is one product [K × |S|C̃]·V_W,
      // |S|C̃·O·C·kh·kw multiply-adds per direction instead of those of a weight gradient each
      return applyKept(ctx, keptV, w, paramSize(0));
    }
    requireFactor(factorOut);
    double[][] out = new double[kDirs][paramSize(tensor)];
    // Blocks of samples so that U_w [K·O × b·T] and the unfolded inputs [b·T × K] stay bounded.
    long perSample = (long) t * ((long) kDirs * o + g.patchSize());
    int block = (int) Math.max(1, Math.min(samples, policy.memoryElements() / perSample));
    Backend be = ctx.backend();
    for (int m0 = 0; m0 < samples; m0 += block) {
      int m1 = Math.min(samples, m0 + block);
      int cols = (m1 - m0) * t;
      double[] uw = new double[kDirs * o * cols];
      // per sample one GEMM U_m = W_m B_m, [K × C̃]·[C̃ × O·T], placed at columns (m, ·) of U_w
      double[] wm = new double[kDirs * ct];
      double[] um = new double[kDirs * outSize];
      for (int m = m0; m < m1; m++) {
        for (int k = 0; k < kDirs; k++) {
          System.arraycopy(w[k], m * ct, wm, k * ct, ct);
        }
        double[] bm = Arrays.copyOfRange(factorOut, m * ct * outSize, (m + 1) * ct * outSize);
        HostProducts.mul(1, wm, bm, 0, um, kDirs, ct, outSize);
        for (int k = 0; k < kDirs; k++) {
          for (int oc = 0; oc < o; oc++) {
            System.arraycopy(um, k * outSize + oc * t, uw, (k * o + oc) * cols + (m - m0) * t, t);
          }
        }
      }
      double[] part;
      try (DeviceMatrix uwDev = be.upload(uw, kDirs * o, cols);
          DeviceMatrix u = ConvWeightGram.unfold(ctx, ctx.ggnRows(), m0, m1, g);
          DeviceMatrix prod = be.mul(uwDev, u)) {
        part = be.download(prod);
      }
      int size = paramSize(0);
      for (int k = 0; k < kDirs; k++) {
        for (int i = 0; i < size; i++) {
          out[k][i] += part[k * size + i];
        }
      }
    }
    return out;
  }

  /**
   * {@code out[k] = Vᵀ w[k]} from {@code V [|S|C̃ × size]} (the kept {@code V_W}, or {@code V_b}),
   * one product {@code [K × |S|C̃]·V} on the backend.
   */
  private static double[][] applyKept(LayerContext ctx, DeviceMatrix v, double[][] w, int size) {
    int rows = v.rows();
    if (v.cols() != size || w.length > 0 && w[0].length != rows) {
      throw new IllegalStateException(
          "kept V is "
              + v.rows()
              + "×"
              + v.cols()
              + " for "
              + size
              + " parameters and Gram-space vectors of "
              + (w.length > 0 ? w[0].length : 0));
    }
    double[] wm = new double[w.length * rows];
    for (int k = 0; k < w.length; k++) {
      System.arraycopy(w[k], 0, wm, k * rows, rows);
    }
    Backend be = ctx.backend();
    double[] part;
    try (DeviceMatrix wd = be.upload(wm, w.length, rows);
        DeviceMatrix p = be.mul(wd, v)) {
      part = be.download(p);
    }
    double[][] out = new double[w.length][];
    for (int k = 0; k < w.length; k++) {
      out[k] = Arrays.copyOfRange(part, k * size, (k + 1) * size);
    }
    return out;
  }

  /** The host factor, which a product that no kept matrix serves needs. */
  private void requireFactor(double[] factorOut) {
    if (factorOut == null) {
      throw new IllegalStateException(this + ": V·w without a kept matrix needs the output factor");
    }
  }

  @Override
  public void close() {
    if (weightOnDevice != null) {
      weightOnDevice.close();
      weightOnDevice = null;
    }
  }

  @Override
  public String toString() {
    return "Conv2d("
        + g.channels()
        + " → "
        + o
        + ", "
        + g.kernelH()
        + "×"
        + g.kernelW()
        + (bias == null ? ", no bias)" : ")");
  }
}
