package org.vivit4j.core;

import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;

/**
 * γ without gradient cross terms (MATH.md §5). With the exact loss factor, sample n's gradient at
 * the outputs is {@code ∂L_n/∂f = N·R·∂ℓ_n/∂f = N·R·S_n a_n} ({@link Loss#gradientCoefficients})
 * and its columns of V are {@code factorScale·J_nᵀ S_n} ({@link Scaling#factorScale}), so {@code
 * ∇L_n = V_n c_n} with {@code c_n = (N·R / factorScale)·a_n}. Then {@code ∇L_nᵀ V = c_nᵀ Ĝ[(n,·),
 * ·]} and {@code γ_nk = c_nᵀ (Ĝ g̃_k)_n / √λ_k} ({@link GramSpace#gammasFromGram}): the sample's
 * Gram rows replace the products of its gradient with every factor column, which cost as much as a
 * layer's Gram contribution.
 *
 * <p>Used only when every gradient sample is a GGN sample, the factor is exact, and every {@code
 * a_n} is finite (LossTest checks {@code S a = ∂ℓ/∂f} for every loss) with no factor column that
 * carries a share of the gradient so small that its Gram entries leave the dtype's normal range (a
 * float32 Gram of a column {@code √p_y ≈ 1e-20} would lose the class that dominates a badly
 * classified sample's gradient). Otherwise the run computes the cross terms, and its note says why.
 */
public final class GradientCoefficients {
  /**
   * The smallest {@code factorScale·‖S_:c‖∞} of a column that carries a share of the gradient:
   * float32 1e-15 (its Gram entries, about its square times the Jacobian's, stay above float32's
   * smallest normal 1.2e-38 by a margin of 1e8 for Jacobian entries down to 1e-4); float64 1e-140.
   */
  static final double FLOAT32_SMALLEST_COLUMN = 1e-15;

  static final double FLOAT64_SMALLEST_COLUMN = 1e-140;

  /** Unit round-offs: a column's share of the gradient below this is not checked for size. */
  static final double FLOAT32_ROUND_OFF = 0x1p-24;

  static final double FLOAT64_ROUND_OFF = 0x1p-53;

  private GradientCoefficients() {}

  /**
   * The coefficients {@code c_n}.
   *
   * @param values {@code [N_grad × C̃]}: row r those of gradient sample r
   * @param positions {@code positions[r]}: the sample's block of rows in the Gram (its index among
   *     the GGN samples)
   * @param columns {@code C̃}
   */
  public record Coefficients(double[] values, int[] positions, int columns) {}

  /**
   * The coefficients, or (null) the reason the run computes cross terms instead.
   *
   * @param coefficients null when not usable
   * @param reason null when usable
   */
  public record Choice(Coefficients coefficients, String reason) {
    /**
     * The run's note when γ comes from cross terms (null when from the Gram rows, the default,
     * which needs no note).
     */
    public String note() {
      return coefficients != null ? null : "γ: from gradient cross terms (" + reason + ")";
    }
  }

  /**
   * Chooses how a run computes γ.
   *
   * @param outputs network outputs {@code [N × C]} by batch index
   * @param gradRows the gradient samples (batch indices)
   * @param ggnRows the GGN samples (batch indices), in the Gram's order
   * @param float32 whether the Gram is computed in float32
   */
  public static Choice choose(
      HessianFactor factor,
      Scaling scaling,
      Batch batch,
      double[] outputs,
      int c,
      int[] gradRows,
      int[] ggnRows,
      boolean float32) {
    if (factor.monteCarlo()) {
      return new Choice(null, "a Monte-Carlo factor does not span the gradient");
    }
    int[] position = new int[batch.n()];
    java.util.Arrays.fill(position, -1);
    for (int j = 0; j < ggnRows.length; j++) {
      position[ggnRows[j]] = j;
    }
    int ct = factor.columns(c);
    double[] values = new double[Math.multiplyExact(gradRows.length, ct)];
    int[] positions = new int[gradRows.length];
    double scale = scaling.perSampleFactor() / scaling.factorScale();
    for (int r = 0; r < gradRows.length; r++) {
      int s = gradRows[r];
      positions[r] = position[s];
      if (positions[r] < 0) {
        return new Choice(null, "gradient sample " + s + " is not a GGN sample");
      }
      double[] f = java.util.Arrays.copyOfRange(outputs, s * c, (s + 1) * c);
      Loss.Target t = ForwardPass.target(batch, s, c);
      double[] a = factor.gradientCoefficients(f, t);
      String why =
          a == null
              ? "the loss gives none"
              : check(
                  factor.of(s, f, t),
                  factor.loss().gradient(f, t),
                  a,
                  c,
                  scaling.factorScale(),
                  float32);
      if (why != null) {
        return new Choice(null, "sample " + s + ": " + why);
      }
      for (int k = 0; k < ct; k++) {
        values[r * ct + k] = scale * a[k];
      }
    }
    return new Choice(new Coefficients(values, positions, ct), null);
  }

  /**
   * Why {@code a} does not serve for the factor {@code s} ({@code [C × C̃]}, before {@code
   * factorScale}) and gradient {@code g} (both of {@code ℓ}), or null when it does.
   */
  static String check(
      double[] s, double[] g, double[] a, int c, double factorScale, boolean float32) {
    int ct = a.length;
    double smallest = float32 ? FLOAT32_SMALLEST_COLUMN : FLOAT64_SMALLEST_COLUMN;
    double roundOff = float32 ? FLOAT32_ROUND_OFF : FLOAT64_ROUND_OFF;
    double gMax = 0;
    for (double v : g) {
      gMax = Math.max(gMax, Math.abs(v));
    }
    double[] column = new double[ct];
    for (int k = 0; k < ct; k++) {
      if (!Double.isFinite(a[k])) {
        return "its gradient coefficient " + k + " is " + a[k];
      }
      for (int i = 0; i < c; i++) {
        column[k] = Math.max(column[k], Math.abs(s[i * ct + k]));
      }
    }
    for (int k = 0; k < ct; k++) {
      // a column whose share of the gradient is below the dtype's round-off does not matter
      boolean carries = Math.abs(a[k]) * column[k] > roundOff * gMax;
      if (carries && factorScale * column[k] < smallest) {
        return "factor column "
            + k
            + " ("
            + factorScale * column[k]
            + ") is too small for the Gram";
      }
    }
    return null;
  }
}
