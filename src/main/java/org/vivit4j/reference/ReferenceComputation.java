package org.vivit4j.reference;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;

/**
 * The float64 "truth" for the fast path, computed by definition with the reverse-mode tape of this
 * package and nothing else of the project's math.
 *
 * <p>For every sample {@code n} (one tape per sample):
 *
 * <ul>
 *   <li>the output {@code f_n = f(x_n; θ)} and the per-sample loss {@code L_n = N·R·ℓ(f_n, y_n)};
 *   <li>the per-sample gradient {@code g_n = ∇_θ L_n} (one backward pass from {@code L_n});
 *   <li>the Jacobian {@code J_n = ∂f_n/∂θ ∈ R^{C×D}}, one row per backward pass seeded with {@code
 *       e_c};
 *   <li>the loss Hessian {@code H_n = ∂²L_n/∂f²} by reverse-over-reverse differentiation of the
 *       loss alone: the gradient {@code ∇_f L_n} is recorded on a second tape, then differentiated
 *       once per output. No closed form of the Hessian is used.
 * </ul>
 *
 * The batch loss {@code L = R Σ_n ℓ_n} and {@code ∇L} come from one more tape holding the whole
 * batch. Per group, the GGN block is {@code G = (1/|S|) Σ_m J_{s_m}ᵀ H_{s_m} J_{s_m}}, with the
 * Jacobians restricted to the group's columns (see {@link ReferenceGroup}).
 */
public final class ReferenceComputation {
  private ReferenceComputation() {}

  /**
   * Everything the reference knows about one sample.
   *
   * @param output {@code f_n} ({@code [C]})
   * @param loss {@code L_n}
   * @param grad {@code g_n = ∇_θ L_n} ({@code [D]})
   * @param jacobian {@code J_n} ({@code [C][D]})
   * @param hessian {@code H_n = ∂²L_n/∂f²} ({@code [C][C]}, symmetrised)
   */
  record SampleDerivatives(
      double[] output, double loss, double[] grad, double[][] jacobian, double[][] hessian) {}

  /**
   * float64 reference for a whole problem.
   *
   * @param net the network with its weights
   * @param loss the loss function and reduction
   * @param batch inputs and targets
   * @param subsamplingGrad samples {@code t} whose gradients give the rows of γ; {@code null} = all
   *     samples {@code 0..N−1}
   * @param subsamplingGgn samples {@code S} that define the GGN and the rows of λ; {@code null} =
   *     all samples
   * @param groupParams parameter groups: lists of parameter-tensor indices into {@link
   *     NetworkSpec#params()}; a group's vector concatenates the tensors in the listed order
   * @throws IllegalArgumentException for unsupported or inconsistent input, or non-finite results
   */
  public static ReferenceResult compute(
      NetworkSpec net,
      LossSpec loss,
      Batch batch,
      int[] subsamplingGrad,
      int[] subsamplingGgn,
      List<int[]> groupParams) {
    return compute(net, loss, batch, subsamplingGrad, subsamplingGgn, groupParams, null);
  }

  /**
   * As {@link #compute(NetworkSpec, LossSpec, Batch, int[], int[], List)}, with the loss Hessians
   * of the GGN replaced by given matrices: the GGN is then {@code (1/|S|) Σ_m J_{s_m}ᵀ H̃_{s_m}
   * J_{s_m}}. This evaluates a Monte-Carlo GGN by definition, {@code H̃_n = N·R·(1/M) Σ_m s_m s_mᵀ}
   * for given draws {@code s_m}: the draws are data, the Jacobians and everything after them are
   * the reference's own.
   *
   * @param lossHessians {@code [N][C][C]}: {@code H̃_n}, replacing {@code H_n = ∂²L_n/∂f²} of
   *     sample n (symmetric), or {@code null} for the autograd Hessians
   */
  public static ReferenceResult compute(
      NetworkSpec net,
      LossSpec loss,
      Batch batch,
      int[] subsamplingGrad,
      int[] subsamplingGgn,
      List<int[]> groupParams,
      double[][][] lossHessians) {
    ReferenceModel.validate(net, loss, batch);
    if (lossHessians != null && lossHessians.length != batch.n()) {
      throw new IllegalArgumentException("need one loss Hessian per sample, N = " + batch.n());
    }
    int n = batch.n();
    int[] gradIdx = indices(subsamplingGrad, n, "subsampling_grad", true);
    int[] ggnIdx = indices(subsamplingGgn, n, "subsampling_ggn", false);
    List<int[]> groupColumns = groupColumns(net, groupParams);

    double[] theta = net.flatParams();
    List<SampleDerivatives> samples = new ArrayList<>();
    double[] perSampleLosses = new double[n];
    double[][] perSampleGrads = new double[n][];
    for (int s = 0; s < n; s++) {
      SampleDerivatives d = sample(net, loss, batch, theta, s);
      if (lossHessians != null) {
        double[][] h = lossHessians[s];
        if (h.length != d.output().length) {
          throw new IllegalArgumentException("loss Hessian " + s + " must be C × C");
        }
        d = new SampleDerivatives(d.output(), d.loss(), d.grad(), d.jacobian(), h);
      }
      samples.add(d);
      perSampleLosses[s] = d.loss();
      perSampleGrads[s] = d.grad();
    }

    Tape tape = new Tape();
    List<Node> leaves = ReferenceModel.paramLeaves(tape, net, theta);
    Node total = null;
    for (int s = 0; s < n; s++) {
      Node f = ReferenceModel.forward(net, ReferenceModel.input(tape, net, batch, s), leaves);
      Node l = ReferenceModel.sampleLoss(loss, f, batch, s);
      total = total == null ? l : Ops.add(total, l);
    }
    Node batchLoss = Ops.affine(total, ReferenceModel.batchFactor(loss, n), 0.0);
    double[] grad =
        ReferenceModel.flatten(
            tape.backward(batchLoss, new double[] {1.0}, false, leaves.toArray(new Node[0])),
            net.numParams());

    requireFinite(new double[] {batchLoss.item()}, "loss");
    requireFinite(perSampleLosses, "per-sample losses");
    requireFinite(grad, "gradient");
    for (SampleDerivatives d : samples) {
      requireFinite(d.grad(), "per-sample gradient");
      for (double[] row : d.jacobian()) {
        requireFinite(row, "Jacobian");
      }
      for (double[] row : d.hessian()) {
        requireFinite(row, "loss Hessian");
      }
    }

    List<SampleDerivatives> ggnSamples = new ArrayList<>();
    for (int s : ggnIdx) {
      ggnSamples.add(samples.get(s));
    }
    double[][] gradRows = new double[gradIdx.length][];
    for (int r = 0; r < gradIdx.length; r++) {
      gradRows[r] = perSampleGrads[gradIdx[r]];
    }
    List<ReferenceGroup> groups = new ArrayList<>();
    for (int[] columns : groupColumns) {
      groups.add(new ReferenceGroup(columns, ggnSamples, gradRows));
    }
    return new ReferenceResult(
        batchLoss.item(), perSampleLosses, grad, perSampleGrads, List.copyOf(groups));
  }

  /** Output, loss, gradient, Jacobian and loss Hessian of sample {@code n} at parameters θ. */
  static SampleDerivatives sample(
      NetworkSpec net, LossSpec loss, Batch batch, double[] theta, int n) {
    int d = net.numParams();
    Tape tape = new Tape();
    List<Node> leaves = ReferenceModel.paramLeaves(tape, net, theta);
    Node[] wrt = leaves.toArray(new Node[0]);
    Node f = ReferenceModel.forward(net, ReferenceModel.input(tape, net, batch, n), leaves);
    double scale = batch.n() * ReferenceModel.batchFactor(loss, batch.n());
    Node ln = Ops.affine(ReferenceModel.sampleLoss(loss, f, batch, n), scale, 0.0);
    double[] grad = ReferenceModel.flatten(tape.backward(ln, new double[] {1.0}, false, wrt), d);

    int c = f.numel();
    double[][] jac = new double[c][];
    for (int k = 0; k < c; k++) {
      double[] seed = new double[c];
      seed[k] = 1.0;
      jac[k] = ReferenceModel.flatten(tape.backward(f, seed, false, wrt), d);
    }
    double[] out = f.value();
    return new SampleDerivatives(
        out, ln.item(), grad, jac, lossHessian(loss, batch, n, out, scale));
  }

  /**
   * {@code H = ∂²(scale·ℓ(f, y_n))/∂f²} at {@code f}, by differentiating the recorded gradient
   * {@code ∇_f} once per output (reverse over reverse), then symmetrised as {@code (H + Hᵀ)/2}.
   */
  static double[][] lossHessian(LossSpec loss, Batch batch, int n, double[] f, double scale) {
    int c = f.length;
    Tape tape = new Tape();
    Node leaf = tape.leaf(f, c);
    Node ln = Ops.affine(ReferenceModel.sampleLoss(loss, leaf, batch, n), scale, 0.0);
    Node gradF = tape.backward(ln, new double[] {1.0}, true, leaf)[0];
    double[][] h = new double[c][];
    for (int k = 0; k < c; k++) {
      h[k] = tape.backward(Ops.pick(gradF, k), new double[] {1.0}, false, leaf)[0].value();
    }
    double[][] sym = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        sym[i][j] = 0.5 * (h[i][j] + h[j][i]);
      }
    }
    return sym;
  }

  private static int[] indices(int[] given, int n, String what, boolean allowEmpty) {
    if (given == null) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    if (given.length == 0 && !allowEmpty) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    boolean[] seen = new boolean[n];
    for (int i : given) {
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException(what + ": index " + i + " out of range [0, " + n + ")");
      }
      if (seen[i]) {
        throw new IllegalArgumentException(what + ": index " + i + " repeated");
      }
      seen[i] = true;
    }
    return given.clone();
  }

  /** The θ positions of each group's vector: its tensors' ranges, in the listed order. */
  private static List<int[]> groupColumns(NetworkSpec net, List<int[]> groupParams) {
    if (groupParams == null || groupParams.isEmpty()) {
      throw new IllegalArgumentException("at least one parameter group is required");
    }
    List<ParamTensor> params = net.params();
    List<int[]> out = new ArrayList<>();
    for (int g = 0; g < groupParams.size(); g++) {
      int[] tensors = groupParams.get(g);
      if (tensors == null || tensors.length == 0) {
        throw new IllegalArgumentException("group " + g + " has no parameters");
      }
      boolean[] seen = new boolean[params.size()];
      int dim = 0;
      for (int t : tensors) {
        if (t < 0 || t >= params.size()) {
          throw new IllegalArgumentException(
              "group " + g + ": parameter index " + t + " out of range [0, " + params.size() + ")");
        }
        if (seen[t]) {
          throw new IllegalArgumentException("group " + g + ": parameter " + t + " repeated");
        }
        seen[t] = true;
        dim += params.get(t).numel();
      }
      int[] cols = new int[dim];
      int k = 0;
      for (int t : tensors) {
        ParamTensor p = params.get(t);
        for (int i = 0; i < p.numel(); i++) {
          cols[k++] = p.offset() + i;
        }
      }
      out.add(cols);
    }
    return out;
  }

  static void requireFinite(double[] a, String what) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("non-finite " + what + " (overflow in the reference)");
      }
    }
  }
}
