package org.vivit4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.BatchNorm1d} / {@code nn.BatchNorm2d(num_features, eps, momentum, affine,
 * track_running_stats)} in evaluation mode: each channel {@code c} of a sample is normalised with
 * the stored running statistics, then scaled and shifted,
 *
 * <pre>
 *   z[c, t] = γ_c · (a[c, t] − μ_c) / √(σ²_c + eps) + β_c,
 * </pre>
 *
 * for every position {@code t} of the channel ({@code [C]} or {@code [C, L]} samples for 1d, {@code
 * [C, H, W]} for 2d). The running mean μ and variance σ² are constants, not parameters, so samples
 * stay independent; training mode (batch statistics, which couple the samples of a batch) is not
 * this layer.
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
   * The input's shape: {@code [C]} or {@code [C, L]} (1d), {@code [C, H, W]} (2d), with {@code C =
   * num_features}.
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
