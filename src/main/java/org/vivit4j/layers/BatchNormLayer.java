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
 * BatchNorm1d/2d in evaluation mode (MATH.md §6): a per-channel affine map of each sample with the
 * running statistics μ, σ² as constants. For channel {@code c} of {@code C} and position {@code t}
 * of its {@code T} positions ({@code T = 1}, L or H·W; input row-major {@code [C, T]}),
 *
 * <pre>
 *   r_c = 1/√(σ²_c + ε),  x̂[c, t] = (a[c, t] − μ_c)·r_c,  z[c, t] = γ_c x̂[c, t] + β_c,
 * </pre>
 *
 * weight γ (tensor 0) and bias β (tensor 1) without {@code affine} neither ({@code γ ≡ 1, β ≡ 0}).
 * The Jacobian is diagonal, {@code ∂z/∂a = diag(γ_c r_c)}, so:
 *
 * <ul>
 *   <li>Factor: {@code B_in[i, (c, t)] = γ_c r_c · B_out[i, (c, t)]} ({@code
 *       accumulateHadamardExpanded} of {@code B_out} with the {@code [1 × C]} row {@code γ ⊙ r}
 *       expanded over rows and positions, into a new matrix).
 *   <li>Parameter factors: {@code P_γ[i, c] = Σ_t B_out[i, (c, t)] x̂_s[c, t]} ({@code B_out ⊙ x̂}
 *       expanded over the factor columns, then {@code sumGroups}), {@code P_β[i, c] = Σ_t B_out[i,
 *       (c, t)]} ({@code sumGroups}). Gram, cross terms and {@code V·w} follow generically.
 * </ul>
 *
 * No new device operation: existing backend ops express the per-channel scale and sums.
 */
public final class BatchNormLayer extends Layer {
  /**
   * PyTorch's {@code nn.BatchNorm1d} / {@code nn.BatchNorm2d(num_features, eps, momentum, affine,
   * track_running_stats)} in evaluation mode: each channel {@code c} of a sample is normalised with
   * the stored running statistics, then scaled and shifted,
   *
   * <pre>
   *   z[c, t] = γ_c · (a[c, t] − μ_c) / √(σ²_c + eps) + β_c,
   * </pre>
   *
   * for every position {@code t} of the channel ({@code [C]} or {@code [C, L]} samples for 1d,
   * {@code [C, H, W]} for 2d). The running mean μ and variance σ² are constants, not parameters, so
   * samples stay independent; training mode (batch statistics, which couple the samples of a batch)
   * is not this layer.
   *
   * @param spatialDims 1 for {@code batchnorm1d}, 2 for {@code batchnorm2d}
   * @param numFeatures C
   * @param eps added to the variance
   * @param weight γ {@code [C]}, or {@code null} without {@code affine}
   * @param bias β {@code [C]}, or {@code null} without {@code affine}
   * @param runningMean μ {@code [C]}
   * @param runningVar σ² {@code [C]}
   */
  public record BatchNormSpec(
      int spatialDims,
      int numFeatures,
      double eps,
      double[] weight,
      double[] bias,
      double[] runningMean,
      double[] runningVar)
      implements LayerSpec {

    @Override
    public String type() {
      return "batchnorm" + spatialDims + "d";
    }

    /**
     * The input's shape: {@code [C]} or {@code [C, L]} (1d), {@code [C, H, W]} (2d), with {@code C
     * = num_features}.
     */
    @Override
    public int[] outputShape(int[] in, String where) {
      boolean rank = spatialDims == 1 ? in.length == 1 || in.length == 2 : in.length == 3;
      if (!rank) {
        throw new InvalidInputException(
            where,
            type()
                + " needs a "
                + (spatialDims == 1 ? "[C] or [C, L]" : "[C, H, W]")
                + " input but receives "
                + Arrays.toString(in));
      }
      if (in[0] != numFeatures) {
        throw new InvalidInputException(
            where + ".num_features",
            "is " + numFeatures + " but the layer receives " + in[0] + " channels");
      }
      return in.clone();
    }

    @Override
    public List<LayerParam> params() {
      List<LayerParam> out = new ArrayList<>();
      if (weight != null) {
        out.add(new LayerParam("weight", new int[] {numFeatures}, weight));
      }
      if (bias != null) {
        out.add(new LayerParam("bias", new int[] {numFeatures}, bias));
      }
      return out;
    }

    /**
     * 1d or 2d, {@code num_features ≥ 1}, {@code eps > 0}, every vector of C finite values, γ and β
     * both or neither, running variances {@code ≥ 0}.
     */
    @Override
    public void checkHyperParameters(String where) {
      if (spatialDims != 1 && spatialDims != 2) {
        throw new InvalidInputException(where + ".type", "batchnorm must be 1d or 2d");
      }
      if (numFeatures < 1) {
        throw new InvalidInputException(
            where + ".num_features", "is " + numFeatures + "; must be >= 1");
      }
      if (!(eps > 0) || Double.isInfinite(eps)) {
        throw new InvalidInputException(where + ".eps", "is " + eps + " but must be > 0");
      }
      if ((weight == null) != (bias == null)) {
        throw new InvalidInputException(
            where + (weight == null ? ".weight" : ".bias"),
            "affine batchnorm needs both weight and bias");
      }
      checkVector(weight, where + ".weight");
      checkVector(bias, where + ".bias");
      checkVector(runningMean, where + ".running_mean");
      checkVector(runningVar, where + ".running_var");
      for (int c = 0; c < numFeatures; c++) {
        if (runningVar[c] < 0) {
          throw new InvalidInputException(
              where + ".running_var[" + c + "]", "is " + runningVar[c] + "; a variance is >= 0");
        }
      }
    }

    private void checkVector(double[] v, String field) {
      if (v == null) {
        if (field.endsWith("weight") || field.endsWith("bias")) {
          return;
        }
        throw new InvalidInputException(field, "required field is missing");
      }
      if (v.length != numFeatures) {
        throw new InvalidInputException(
            field, "has " + v.length + " values, expected num_features = " + numFeatures);
      }
      for (int c = 0; c < v.length; c++) {
        if (!Double.isFinite(v[c])) {
          throw new InvalidInputException(field + "[" + c + "]", "is " + v[c] + "; must be finite");
        }
      }
    }

    /** {@code r_c = 1/√(σ²_c + eps)}. */
    public double inverseStd(int c) {
      return 1.0 / Math.sqrt(runningVar[c] + eps);
    }
  }

  /** The problem-file type of {@link BatchNormSpec}. */
  public static final LayerType<BatchNormSpec> TYPE = new BatchNormType();

  /**
   * {@code batchnorm1d}, {@code batchnorm2d} (PyTorch's {@code nn.BatchNorm1d/2d}) in evaluation
   * mode: {@code num_features} (required), {@code eps} (default 1e-5), {@code momentum} (any number
   * or {@code null}; it only updates the statistics in training), {@code affine} (default true:
   * {@code weight} and {@code bias} required, the layer's parameters), {@code running_mean}, {@code
   * running_var} (required constants), {@code num_batches_tracked} (optional, ignored). {@code
   * "training": true} and {@code "track_running_stats": false} ask for batch statistics, which
   * couple the samples of a batch: refused.
   */
  private static final class BatchNormType extends LayerType<BatchNormSpec> {
    BatchNormType() {
      super(BatchNormSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("batchnorm1d", "batchnorm2d");
    }

    @Override
    public BatchNormSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "a " + name + " layer",
          "type",
          "num_features",
          "eps",
          "momentum",
          "affine",
          "track_running_stats",
          "training",
          "weight",
          "bias",
          "running_mean",
          "running_var",
          "num_batches_tracked");
      String batchStats =
          " asks for batch statistics, which couple the samples of a batch (per-sample curvature"
              + " needs evaluation mode with running_mean and running_var)";
      JsonNode training = JsonFields.optional(node, "training");
      if (training != null && JsonFields.bool(training, at(path, "training"))) {
        throw new InvalidInputException(
            at(path, "training"), name + " in training mode" + batchStats);
      }
      JsonNode track = JsonFields.optional(node, "track_running_stats");
      if (track != null && !JsonFields.bool(track, at(path, "track_running_stats"))) {
        throw new InvalidInputException(at(path, "track_running_stats"), "false" + batchStats);
      }
      JsonNode momentum = JsonFields.optional(node, "momentum");
      if (momentum != null && !momentum.isNull()) {
        JsonFields.finiteValue(momentum, at(path, "momentum"));
      }
      JsonNode tracked = JsonFields.optional(node, "num_batches_tracked");
      if (tracked != null && !tracked.isNull()) {
        JsonFields.atLeast(
            JsonFields.intValue(tracked, at(path, "num_batches_tracked")),
            0,
            at(path, "num_batches_tracked"));
      }
      int c =
          JsonFields.atLeast(
              JsonFields.requiredInt(node, path, "num_features"), 1, at(path, "num_features"));
      JsonNode epsNode = JsonFields.optional(node, "eps");
      double eps = epsNode == null ? 1e-5 : JsonFields.finiteValue(epsNode, at(path, "eps"));
      JsonNode affineNode = JsonFields.optional(node, "affine");
      boolean affine = affineNode == null || JsonFields.bool(affineNode, at(path, "affine"));
      int[] shape = {c};
      String what = "[" + c + "] (num_features)";
      double[] weight = null;
      double[] bias = null;
      if (affine) {
        weight = vector(node, path, "weight", shape, what);
        bias = vector(node, path, "bias", shape, what);
      } else {
        for (String key : new String[] {"weight", "bias"}) {
          JsonNode v = JsonFields.optional(node, key);
          if (v != null && !v.isNull()) {
            throw new InvalidInputException(at(path, key), "must be absent when affine is false");
          }
        }
      }
      BatchNormSpec spec =
          new BatchNormSpec(
              name.equals("batchnorm1d") ? 1 : 2,
              c,
              eps,
              weight,
              bias,
              vector(node, path, "running_mean", shape, what),
              vector(node, path, "running_var", shape, what));
      spec.checkHyperParameters(path);
      return spec;
    }

    private static double[] vector(
        JsonNode node, String path, String key, int[] shape, String what) {
      return JsonArrays.readDoubles(
          JsonFields.required(node, path, key), at(path, key), shape, what);
    }

    @Override
    public void writeFields(JsonGenerator g, BatchNormSpec spec, ArrayWriter arrays)
        throws IOException {
      int[] shape = {spec.numFeatures()};
      g.writeNumberField("num_features", spec.numFeatures());
      g.writeNumberField("eps", spec.eps());
      g.writeBooleanField("affine", spec.weight() != null);
      if (spec.weight() != null) {
        g.writeFieldName("weight");
        arrays.write(g, spec.weight(), shape);
        g.writeFieldName("bias");
        arrays.write(g, spec.bias(), shape);
      }
      g.writeFieldName("running_mean");
      arrays.write(g, spec.runningMean(), shape);
      g.writeFieldName("running_var");
      arrays.write(g, spec.runningVar(), shape);
    }

    @Override
    public Layer create(BatchNormSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new BatchNormLayer(spec, net.sizeBefore(index));
    }
  }

  private final int channels;
  private final int positions;
  private final double[] weight;
  private final double[] bias;
  private final double[] mean;
  private final double[] inverseStd;
  private double[] xhatInput;
  private double[] xhat;

  /**
   * @param size the per-sample input size {@code C·T}
   */
  public BatchNormLayer(BatchNormSpec spec, int size) {
    super(size, size);
    this.channels = spec.numFeatures();
    if (channels < 1 || size % channels != 0) {
      throw new IllegalArgumentException(
          "batchnorm of " + channels + " channels does not divide the input of " + size);
    }
    this.positions = size / channels;
    this.weight = spec.weight();
    this.bias = spec.bias();
    this.mean = spec.runningMean().clone();
    this.inverseStd = new double[channels];
    for (int c = 0; c < channels; c++) {
      inverseStd[c] = spec.inverseStd(c);
    }
  }

  @Override
  public int numParamTensors() {
    return weight == null ? 0 : 2;
  }

  @Override
  public int paramSize(int tensor) {
    return channels;
  }

  private double gamma(int c) {
    return weight == null ? 1.0 : weight[c];
  }

  /** {@code x̂} of every sample of {@code in} (the last input is remembered). */
  private double[] xhat(double[] in) {
    if (xhatInput != in) {
      double[] out = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        int c = (i % inSize) / positions;
        out[i] = (in[i] - mean[c]) * inverseStd[c];
      }
      xhat = out;
      xhatInput = in;
    }
    return xhat;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] x = xhat(in);
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      out[i] = gamma(c) * x[i] + (bias == null ? 0 : bias[c]);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      out[i] = deltaOut[i] * gamma(c) * inverseStd[c];
    }
    return out;
  }

  /** Means over the samples of {@code Σ_t δ x̂} (γ) and {@code Σ_t δ} (β). */
  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    if (weight == null) {
      return new double[0][];
    }
    double[] x = xhat(in);
    double[] gw = new double[channels];
    double[] gb = new double[channels];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      gw[c] += deltaOut[i] * x[i] / n;
      gb[c] += deltaOut[i] / n;
    }
    return new double[][] {gw, gb};
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    Backend backend = ctx.backend();
    DeviceMatrix b = ctx.factorOut();
    double[] scale = new double[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = gamma(c) * inverseStd[c];
    }
    DeviceMatrix out = backend.zeros(b.rows(), inSize);
    try (DeviceMatrix s = backend.upload(scale, 1, channels)) {
      backend.accumulateHadamardExpanded(out, b, s, b.rows(), positions);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** {@code P_γ} (tensor 0) or {@code P_β} (tensor 1), {@code [rows(b) × C]}. */
  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    Backend backend = ctx.backend();
    if (tensor == 1) {
      return backend.sumGroups(b, channels);
    }
    double[] x = xhat(ctx.input());
    double[] rows = new double[samples.length * inSize];
    for (int r = 0; r < samples.length; r++) {
      System.arraycopy(x, samples[r] * inSize, rows, r * inSize, inSize);
    }
    try (DeviceMatrix xs = backend.upload(rows, samples.length, inSize);
        DeviceMatrix bx = backend.zeros(b.rows(), inSize)) {
      backend.accumulateHadamardExpanded(bx, b, xs, block, 1);
      return backend.sumGroups(bx, channels);
    }
  }

  @Override
  public String toString() {
    return "BatchNorm(" + inSize + ", C=" + channels + (weight == null ? ", no affine" : "") + ")";
  }
}
