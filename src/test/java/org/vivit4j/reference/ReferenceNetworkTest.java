package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vivit4j.reference.ReferenceTestSupport.relErr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;

/**
 * Whole networks on the tape against central finite differences in θ and in f: per-sample loss
 * gradients {@code g_n}, Jacobians {@code J_n}, loss Hessians {@code H_n}; plus the batch
 * conventions {@code L = mean_n L_n}, {@code ∇L = mean_n g_n}.
 */
class ReferenceNetworkTest {
  private static final double H = 1e-6;

  static Stream<Arguments> problems() {
    List<Arguments> out = new ArrayList<>();
    long seed = 1000;
    for (Activation act : Activation.values()) {
      for (LossType type : LossType.values()) {
        for (Reduction red : Reduction.values()) {
          Random rng = new Random(seed++);
          NetworkSpec net = ReferenceTestSupport.mlp(rng, act, true, 4, 5, 3, 3);
          out.add(Arguments.of("mlp " + act + " " + type + " " + red, net, type, red, seed++));
        }
      }
    }
    Random rng = new Random(77);
    out.add(
        Arguments.of(
            "mlp without bias",
            ReferenceTestSupport.mlp(rng, Activation.TANH, false, 3, 4, 2),
            LossType.CROSS_ENTROPY,
            Reduction.MEAN,
            78L));
    out.add(
        Arguments.of(
            "layernorm mlp elu",
            ReferenceTestSupport.layerNormMlp(new Random(90), Activation.ELU, true, 3, 4, 3, 3),
            LossType.BCE_WITH_LOGITS,
            Reduction.MEAN,
            91L));
    out.add(
        Arguments.of(
            "layernorm mlp without affine",
            ReferenceTestSupport.layerNormMlp(new Random(92), Activation.SELU, false, 3, 5, 4, 3),
            LossType.CROSS_ENTROPY,
            Reduction.SUM,
            93L));
    out.add(
        Arguments.of(
            "layernorm over [3, 4] of [2, 3, 4]",
            ReferenceTestSupport.layerNormOnImages(
                new Random(94), new int[] {2, 3, 4}, new int[] {3, 4}, 3),
            LossType.MSE,
            Reduction.MEAN,
            95L));
    out.add(
        Arguments.of(
            "layernorm over [4] of [2, 3, 4]",
            ReferenceTestSupport.layerNormOnImages(
                new Random(96), new int[] {2, 3, 4}, new int[] {4}, 2),
            LossType.BCE_WITH_LOGITS,
            Reduction.SUM,
            97L));
    int[][][] conv = {
      // kernel, stride, padding, dilation
      {{2, 3}, {1, 1}, {0, 0}, {1, 1}},
      {{3, 2}, {2, 1}, {1, 2}, {1, 2}},
      {{2, 2}, {1, 2}, {2, 0}, {2, 1}},
    };
    Activation[] acts = {Activation.RELU, Activation.SIGMOID, Activation.TANH};
    LossType[] types = {LossType.CROSS_ENTROPY, LossType.MSE, LossType.CROSS_ENTROPY};
    Reduction[] reds = {Reduction.MEAN, Reduction.SUM, Reduction.SUM};
    for (int i = 0; i < conv.length; i++) {
      Random r = new Random(500 + i);
      NetworkSpec net =
          ReferenceTestSupport.convNet(
              r, acts[i], 2, 5, 6, 2, conv[i][0], conv[i][1], conv[i][2], conv[i][3], i != 1, 3);
      out.add(Arguments.of("conv " + i + " " + acts[i], net, types[i], reds[i], 600L + i));
    }
    return out.stream();
  }

  /** Output and per-sample loss {@code L_n} of sample n at θ, forward only. */
  private static double[] outputAndLoss(
      NetworkSpec net, LossSpec loss, Batch batch, int n, double[] theta) {
    Tape tape = new Tape();
    Node f =
        ReferenceModel.forward(
            net,
            ReferenceModel.input(tape, net, batch, n),
            ReferenceModel.paramLeaves(tape, net, theta));
    double scale = batch.n() * ReferenceModel.batchFactor(loss, batch.n());
    double l = scale * ReferenceModel.sampleLoss(loss, f, batch, n).item();
    double[] out = java.util.Arrays.copyOf(f.value(), f.numel() + 1);
    out[f.numel()] = l;
    return out;
  }

  private static double lossOfOutput(LossSpec loss, Batch batch, int n, double[] f, double scale) {
    Tape tape = new Tape();
    return scale * ReferenceModel.sampleLoss(loss, tape.constant(f, f.length), batch, n).item();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void perSampleDerivativesMatchFiniteDifferences(
      String name, NetworkSpec net, LossType type, Reduction red, long seed) {
    LossSpec loss = new LossSpec(type, red);
    int n = 3;
    Batch batch = ReferenceTestSupport.batch(new Random(seed), net, loss, n);
    double[] theta = net.flatParams();
    int d = net.numParams();
    int c = net.outputSize();
    double scale = n * ReferenceModel.batchFactor(loss, n);
    for (int s = 0; s < n; s++) {
      ReferenceComputation.SampleDerivatives sd =
          ReferenceComputation.sample(net, loss, batch, theta, s);
      double[] base = outputAndLoss(net, loss, batch, s, theta);
      assertEquals(base[c], sd.loss(), 1e-14 * Math.abs(base[c]), name + " loss");

      double[] fdGrad = new double[d];
      double[][] fdJac = new double[c][d];
      for (int i = 0; i < d; i++) {
        double[] tp = theta.clone();
        double[] tm = theta.clone();
        tp[i] += H;
        tm[i] -= H;
        double[] p = outputAndLoss(net, loss, batch, s, tp);
        double[] m = outputAndLoss(net, loss, batch, s, tm);
        fdGrad[i] = (p[c] - m[c]) / (2 * H);
        for (int k = 0; k < c; k++) {
          fdJac[k][i] = (p[k] - m[k]) / (2 * H);
        }
      }
      assertBelow(relErr(sd.grad(), fdGrad), 1e-7, name + " g_" + s);
      assertBelow(relErr(sd.jacobian(), fdJac), 1e-7, name + " J_" + s);

      // H_n against second differences of L_n in f, and against the textbook closed form.
      double[] f = sd.output();
      double h2 = 1e-4;
      double[][] fdHess = new double[c][c];
      for (int a = 0; a < c; a++) {
        for (int b = 0; b < c; b++) {
          double[] pp = f.clone();
          double[] pm = f.clone();
          double[] mp = f.clone();
          double[] mm = f.clone();
          pp[a] += h2;
          pp[b] += h2;
          pm[a] += h2;
          pm[b] -= h2;
          mp[a] -= h2;
          mp[b] += h2;
          mm[a] -= h2;
          mm[b] -= h2;
          fdHess[a][b] =
              (lossOfOutput(loss, batch, s, pp, scale)
                      - lossOfOutput(loss, batch, s, pm, scale)
                      - lossOfOutput(loss, batch, s, mp, scale)
                      + lossOfOutput(loss, batch, s, mm, scale))
                  / (4 * h2 * h2);
        }
      }
      // Errors relative to the Hessian's natural size, not to its entries: with saturated
      // probabilities (a logit of 4.4 among values near 0) every entry of diag p − ppᵀ is small,
      // while the rounding of L (FD noise u·|L|/h²) and of p stays at the scale of L and p.
      double natural = naturalHessianSize(loss, f.length, scale);
      assertBelow(hessianErr(sd.hessian(), fdHess, natural), 1e-6, name + " H_" + s + " vs FD");
      assertBelow(
          hessianErr(sd.hessian(), closedFormHessian(loss, batch, f, scale), natural),
          1e-14,
          name + " H_" + s + " vs closed form");
    }
  }

  /**
   * The largest entry the loss Hessian can have: {@code scale·¼} for cross-entropy ({@code p(1 − p)
   * ≤ ¼}) and BCE ({@code σ(1 − σ) ≤ ¼}, over C for the mean), {@code scale·2/C} (mean) or {@code
   * scale·2} (sum) for MSE, whose Hessian is constant.
   */
  private static double naturalHessianSize(LossSpec loss, int c, double scale) {
    boolean mean = loss.reduction() == Reduction.MEAN;
    return switch (loss.type()) {
      case CROSS_ENTROPY -> scale * 0.25;
      case BCE_WITH_LOGITS -> scale * 0.25 / (mean ? c : 1);
      case MSE -> scale * 2.0 / (mean ? c : 1);
    };
  }

  /** {@code max|a − b| / max(max|b|, natural)}. */
  private static double hessianErr(double[][] a, double[][] b, double natural) {
    double[] fa = ReferenceTestSupport.flat(a);
    double[] fb = ReferenceTestSupport.flat(b);
    double diff = 0;
    double size = natural;
    for (int i = 0; i < fa.length; i++) {
      double d = Math.abs(fa[i] - fb[i]);
      diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
      size = Math.max(size, Math.abs(fb[i]));
    }
    return fa.length == fb.length ? diff / size : Double.POSITIVE_INFINITY;
  }

  /**
   * Test-only textbook Hessians: {@code scale·(diag p − p pᵀ)}, {@code scale·(2/C or 2)·I}, BCE
   * {@code scale·(1/C or 1)·diag(σ(1 − σ))}.
   */
  private static double[][] closedFormHessian(LossSpec loss, Batch batch, double[] f, double s) {
    int c = f.length;
    double[][] h = new double[c][c];
    if (loss.type() == LossType.BCE_WITH_LOGITS) {
      double k = s * (loss.reduction() == Reduction.MEAN ? 1.0 / c : 1.0);
      for (int i = 0; i < c; i++) {
        double sig = 1.0 / (1.0 + Math.exp(-f[i]));
        h[i][i] = k * sig * (1.0 - sig);
      }
      return h;
    }
    if (loss.type() == LossType.MSE) {
      double diag = s * (loss.reduction() == Reduction.MEAN ? 2.0 / c : 2.0);
      for (int i = 0; i < c; i++) {
        h[i][i] = diag;
      }
      return h;
    }
    double max = ReferenceTestSupport.maxAbs(f);
    double z = 0.0;
    double[] p = new double[c];
    for (int i = 0; i < c; i++) {
      p[i] = Math.exp(f[i] - max);
      z += p[i];
    }
    for (int i = 0; i < c; i++) {
      p[i] /= z;
    }
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        h[i][j] = s * ((i == j ? p[i] : 0.0) - p[i] * p[j]);
      }
    }
    return h;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void batchQuantitiesAreMeansOfPerSampleOnes(
      String name, NetworkSpec net, LossType type, Reduction red, long seed) {
    LossSpec loss = new LossSpec(type, red);
    int n = 4;
    Batch batch = ReferenceTestSupport.batch(new Random(seed + 1), net, loss, n);
    ReferenceResult r =
        ReferenceComputation.compute(
            net, loss, batch, null, null, ReferenceTestSupport.allParams(net));
    double meanLoss = 0.0;
    double[] meanGrad = new double[net.numParams()];
    for (int s = 0; s < n; s++) {
      meanLoss += r.perSampleLosses()[s] / n;
      for (int i = 0; i < meanGrad.length; i++) {
        meanGrad[i] += r.perSampleGrads()[s][i] / n;
      }
    }
    assertEquals(meanLoss, r.loss(), 1e-13 * Math.abs(meanLoss), name + " L = mean L_n");
    assertBelow(relErr(r.grad(), meanGrad), 1e-12, name + " ∇L = mean g_n");
  }

  @Test
  void ggnOfASingleLinearLayerIsTheHessianOfTheLoss() {
    // f is linear in θ, so ∇²_θ L = Σ R J_nᵀ H_n J_n = G exactly; compare with finite differences
    // of the tape gradient ∇L.
    for (LossType type : LossType.values()) {
      Random rng = new Random(type.ordinal() + 31);
      NetworkSpec net =
          new NetworkSpec(List.of(ReferenceTestSupport.linear(rng, 3, 3, true)), new int[] {3});
      LossSpec loss = new LossSpec(type, Reduction.MEAN);
      Batch batch = ReferenceTestSupport.batch(rng, net, loss, 5);
      double[][] g =
          ReferenceComputation.compute(
                  net, loss, batch, null, null, ReferenceTestSupport.allParams(net))
              .groups()
              .get(0)
              .ggn();
      double[] theta = net.flatParams();
      int d = theta.length;
      double[][] fd = new double[d][];
      double h = 1e-5;
      for (int i = 0; i < d; i++) {
        double[] tp = theta.clone();
        double[] tm = theta.clone();
        tp[i] += h;
        tm[i] -= h;
        double[] gp = batchGrad(net, loss, batch, tp);
        double[] gm = batchGrad(net, loss, batch, tm);
        fd[i] = new double[d];
        for (int j = 0; j < d; j++) {
          fd[i][j] = (gp[j] - gm[j]) / (2 * h);
        }
      }
      assertBelow(relErr(g, fd), 1e-7, type + ": GGN vs Hessian");
    }
  }

  private static double[] batchGrad(NetworkSpec net, LossSpec loss, Batch batch, double[] theta) {
    NetworkSpec moved = withParams(net, theta);
    return ReferenceComputation.compute(
            moved, loss, batch, null, null, ReferenceTestSupport.allParams(moved))
        .grad();
  }

  /** A copy of a single-Linear network with parameters θ. */
  private static NetworkSpec withParams(NetworkSpec net, double[] theta) {
    LinearSpec l = (LinearSpec) net.layers().get(0);
    int w = l.in() * l.out();
    double[] weight = java.util.Arrays.copyOfRange(theta, 0, w);
    double[] bias = java.util.Arrays.copyOfRange(theta, w, w + l.out());
    return new NetworkSpec(
        List.of(new LinearSpec(l.in(), l.out(), weight, bias)), net.inputShape());
  }

  private static void assertBelow(double err, double tol, String what) {
    assertTrue(err <= tol, what + ": relative discrepancy " + err + " > " + tol);
  }
}
