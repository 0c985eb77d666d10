package org.vivit4j.layers;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.LinearSpec;

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

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * outSize];
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < outSize; o++) {
        double z = bias == null ? 0 : bias[o];
        for (int i = 0; i < inSize; i++) {
          z += weight[o * inSize + i] * in[s * inSize + i];
        }
        out[s * outSize + o] = z;
      }
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] dIn = new double[n * inSize];
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < outSize; o++) {
        double d = deltaOut[s * outSize + o];
        for (int i = 0; i < inSize; i++) {
          dIn[s * inSize + i] += d * weight[o * inSize + i];
        }
      }
    }
    return dIn;
  }

  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double[] gw = new double[outSize * inSize];
    double[] gb = new double[outSize];
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < outSize; o++) {
        double d = deltaOut[s * outSize + o] / n;
        gb[o] += d;
        for (int i = 0; i < inSize; i++) {
          gw[o * inSize + i] += d * in[s * inSize + i];
        }
      }
    }
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

  @Override
  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    int ct = ctx.factorColumns();
    int[] rows = ctx.ggnRows();
    double[] a = ctx.input();
    double[][] out = new double[w.length][];
    for (int k = 0; k < w.length; k++) {
      double[] res = new double[paramSize(tensor)];
      double[] u = new double[outSize];
      for (int m = 0; m < rows.length; m++) {
        java.util.Arrays.fill(u, 0);
        for (int c = 0; c < ct; c++) {
          double wk = w[k][m * ct + c];
          int bo = (m * ct + c) * outSize;
          for (int o = 0; o < outSize; o++) {
            u[o] += wk * factorOut[bo + o];
          }
        }
        if (tensor == 1) {
          for (int o = 0; o < outSize; o++) {
            res[o] += u[o];
          }
        } else {
          int ao = rows[m] * inSize;
          for (int o = 0; o < outSize; o++) {
            for (int i = 0; i < inSize; i++) {
              res[o * inSize + i] += u[o] * a[ao + i];
            }
          }
        }
      }
      out[k] = res;
    }
    return out;
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
    return "Linear(" + inSize + " → " + outSize + (bias == null ? ", no bias)" : ")");
  }
}
