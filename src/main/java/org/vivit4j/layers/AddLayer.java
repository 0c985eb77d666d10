package org.vivit4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;

/**
 * The residual sum {@code z = Σ_j s_j a_j} of {@code k} inputs of one size {@code F}. Jacobian
 * {@code ∂z/∂a_j = s_j I}: {@code B_in_j = s_j B_out} and {@code δ_in_j = s_j δ_out}. With {@code
 * s_j = 1} the input's factor is {@code B_out} itself (no device work).
 */
public final class AddLayer extends JoinLayer {
  private final double[] scales;
  private final int size;

  /**
   * @param scales {@code s_j}, one per input
   * @param size {@code F}, every input's and the output's per-sample size
   */
  public AddLayer(double[] scales, int size) {
    super(parts(scales.length, size), size);
    this.scales = scales.clone();
    this.size = size;
  }

  private static int[] parts(int k, int size) {
    int[] p = new int[k];
    java.util.Arrays.fill(p, size);
    return p;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * size];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < scales.length; j++) {
        int from = s * inSize + j * size;
        double sj = scales[j];
        for (int f = 0; f < size; f++) {
          out[s * size + f] += sj * in[from + f];
        }
      }
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[n * inSize];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < scales.length; j++) {
        int to = s * inSize + j * size;
        for (int f = 0; f < size; f++) {
          out[to + f] = scales[j] * deltaOut[s * size + f];
        }
      }
    }
    return out;
  }

  @Override
  protected List<DeviceMatrix> jacTInputsImpl(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    List<DeviceMatrix> out = new ArrayList<>();
    try {
      for (double s : scales) {
        out.add(s == 1.0 ? b : scaled(ctx.backend(), b, s));
      }
    } catch (RuntimeException e) {
      closeNew(out, b);
      throw e;
    }
    return out;
  }

  @Override
  public String toString() {
    return "Add(" + java.util.Arrays.toString(scales) + ", " + size + ")";
  }
}
