package org.vivit4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.golden.GoldenOutputs;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.reference.ReferenceComputation;
import org.vivit4j.reference.ReferenceGroup;
import org.vivit4j.reference.ReferenceResult;

/**
 * ViViT's example "directional derivatives along GGN eigenvectors", checked number by number: the
 * fast path against the autograd-style reference, the identity {@code mean_n λ_nk = λ_k}, and (when
 * given) the numbers the real ViViT produced. Prints a table and counts mismatches.
 */
final class SeedCheck {
  /** Normwise tolerance for a float64 run (golden README: γ and λ to 1e-9). */
  static final double TOL_F64 = 1e-9;

  /** Normwise tolerance for a float32 run (ViViT's own float32 check, MATH.md §9). */
  static final double TOL_F32 = 1e-4;

  private final PrintWriter out;
  private int checks;
  private int mismatches;

  SeedCheck(PrintWriter out) {
    this.out = out;
  }

  int checks() {
    return checks;
  }

  int mismatches() {
    return mismatches;
  }

  /**
   * Runs the whole check.
   *
   * @param golden the real ViViT's numbers, or null for a random problem
   */
  void run(
      NetworkSpec net, LossSpec loss, Batch batch, int k, Backend backend, GoldenOutputs golden) {
    double tol = backend.precision() == Precision.FLOAT64 ? TOL_F64 : TOL_F32;
    int[] all = java.util.stream.IntStream.range(0, net.params().size()).toArray();
    ParamGroup group = new ParamGroup("all", all, org.vivit4j.api.Criterion.topK(k));
    DirectionalDerivativesComputation computation =
        new DirectionalDerivativesComputation(ComputationOptions.defaults());
    ComputationResult result = computation.run(net, loss, batch, List.of(group), backend);
    GroupResult mine = computation.result(group);
    out.printf(
        "backend: %s, device: %s, dtype: %s (%.1f ms)%n",
        result.runInfo().backend(),
        result.runInfo().device(),
        result.runInfo().dtype(),
        result.runInfo().seconds() * 1e3);
    result.warnings().forEach(w -> out.println("warning: " + w));
    out.printf(Locale.ROOT, "tolerance: |a − b| ≤ %.0e · max|b| per quantity%n%n", tol);

    ReferenceResult refAll =
        ReferenceComputation.compute(net, loss, batch, null, null, List.of(all));
    ReferenceGroup.Directional ref = refAll.groups().get(0).topK(k);

    out.println("First-order directional derivatives |γ_nk| (eigenvector signs are arbitrary):");
    compareTable("γ", abs(mine.gammas()), abs(ref.gammas()), "reference (autograd)", tol);
    out.println("Second-order directional derivatives λ_nk:");
    compareTable("λ", mine.lambdas(), ref.lambdas(), "reference (autograd)", tol);

    out.println("Sample mean of λ_nk equals the eigenvalue λ_k:");
    out.printf("  %-3s %-24s %-24s %s%n", "k", "mean_n λ_nk", "λ_k", "close");
    double[] means = new double[k];
    for (int j = 0; j < k; j++) {
      for (double[] row : mine.lambdas()) {
        means[j] += row[j] / mine.lambdas().length;
      }
    }
    compareRows(means, mine.evals(), tol);
    out.println("Eigenvalues λ_k against the reference's dense GGN:");
    out.printf("  %-3s %-24s %-24s %s%n", "k", "vivit4j", "reference", "close");
    compareRows(mine.evals(), ref.evals(), tol);

    if (golden != null) {
      GoldenOutputs.Group g = golden.groups().get(0);
      out.println();
      out.println(
          "Comparison with the real ViViT (golden case; ViViT 1.0.0, BackPACK 1.5.2, PyTorch"
              + " 1.13.1, float64):");
      summary("eigenvalues", mine.evals(), g.evals(), tol);
      summary("|γ|", flat(abs(mine.gammas())), flat(abs(g.gammas())), tol);
      summary("λ", flat(mine.lambdas()), flat(g.lambdas()), tol);
      summary("loss", new double[] {result.batch().loss()}, new double[] {golden.loss()}, tol);
      if (golden.grad() != null) {
        summary("gradient", result.batch().grad(), golden.grad(), tol);
      }
    }
    out.println();
    if (mismatches == 0) {
      out.printf("RESULT: all %d checks match%n", checks);
    } else {
      out.printf("RESULT: %d of %d checks do NOT match%n", mismatches, checks);
    }
  }

  private void compareTable(String name, double[][] a, double[][] b, String refName, double tol) {
    double scale = maxAbs(flat(b));
    out.printf("  %-3s %-3s %-24s %-24s %s%n", "n", "k", "vivit4j", refName, "close");
    for (int n = 0; n < b.length; n++) {
      for (int k = 0; k < b[n].length; k++) {
        boolean close = Math.abs(a[n][k] - b[n][k]) <= tol * scale;
        record(close);
        out.printf(
            Locale.ROOT, "  %-3d %-3d %-24.16e %-24.16e %s%n", n, k, a[n][k], b[n][k], close);
      }
    }
  }

  private void compareRows(double[] a, double[] b, double tol) {
    double scale = maxAbs(b);
    for (int k = 0; k < b.length; k++) {
      boolean close = Math.abs(a[k] - b[k]) <= tol * scale;
      record(close);
      out.printf(Locale.ROOT, "  %-3d %-24.16e %-24.16e %s%n", k, a[k], b[k], close);
    }
  }

  private void summary(String what, double[] a, double[] b, double tol) {
    double err = 0;
    for (int i = 0; i < b.length; i++) {
      err = Math.max(err, Math.abs(a[i] - b[i]));
    }
    double rel = err / Math.max(maxAbs(b), Double.MIN_NORMAL);
    boolean close = a.length == b.length && rel <= tol;
    record(close);
    out.printf(Locale.ROOT, "  %-12s normwise relative error %.2e  close: %s%n", what, rel, close);
  }

  private void record(boolean close) {
    checks++;
    if (!close) {
      mismatches++;
    }
  }

  private static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static double[][] abs(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = Math.abs(a[i][j]);
      }
    }
    return out;
  }

  private static double[] flat(double[][] a) {
    return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).toArray();
  }
}
