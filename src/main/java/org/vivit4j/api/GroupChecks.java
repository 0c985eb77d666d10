package org.vivit4j.api;

import java.util.List;
import org.vivit4j.core.GramSpace;
import org.vivit4j.model.NumericalOverflowException;

/**
 * The checks and warnings on one parameter group's results that {@link GgnComputation#run} makes
 * before it returns them: no non-finite number leaves the library (an overflow of the backend's
 * dtype, named by group and quantity), a criterion that selects nothing or cuts through a cluster
 * of eigenvalues is warned about, and eigenvectors get their canonical signs.
 */
final class GroupChecks {
  private GroupChecks() {}

  /**
   * A finite Gram can still give non-finite derived numbers (its trace or Frobenius norm, γ from
   * huge cross terms): an overflow of the dtype, reported naming the group and the quantity. The
   * SNRs are left out: NaN is their documented "undefined" (zero variance).
   */
  static void checkFinite(GroupResult g, int j, String dtype) {
    String field = "param_groups[" + j + "]";
    double[] scalars = {g.ggnTrace(), g.ggnFrobeniusNorm()};
    String[] names = {"the GGN's trace", "the GGN's Frobenius norm"};
    for (int i = 0; i < scalars.length; i++) {
      if (!Double.isFinite(scalars[i])) {
        throw new NumericalOverflowException(field, dtype, names[i], scalars[i], "the group");
      }
    }
    NumericalOverflowException.checkFinite(
        g.gramEvals(), 0, "", field, dtype, "the Gram's eigenvalues");
    NumericalOverflowException.checkFinite(
        g.evals(), 0, "", field, dtype, "the selected eigenvalues");
    checkRows(g.gammas(), field, dtype, "γ (first-order directional derivatives)");
    checkRows(g.lambdas(), field, dtype, "λ (second-order directional derivatives)");
    checkRows(g.evecs(), field, dtype, "the eigenvectors");
    if (g.dampings() != null) {
      NumericalOverflowException.checkFinite(g.dampings(), 0, "", field, dtype, "the dampings");
    }
    if (g.newtonStep() != null) {
      NumericalOverflowException.checkFinite(
          g.newtonStep(), 0, "", field, dtype, "the damped Newton step");
    }
  }

  static void checkRows(double[][] rows, String field, String dtype, String what) {
    if (rows == null) {
      return;
    }
    for (int r = 0; r < rows.length; r++) {
      NumericalOverflowException.checkFinite(rows[r], 0, "", field, dtype, what + " row " + r);
    }
  }

  /**
   * The warning for a criterion that keeps no direction: the run is valid (every per-direction
   * quantity is empty) but almost certainly not what was asked for, so it must not pass unseen.
   */
  static String selectsNothing(String field, Criterion criterion, GramSpace space) {
    double[] evals = space.evals();
    String largest =
        evals.length == 0
            ? ""
            : " (the largest Gram eigenvalue is " + evals[evals.length - 1] + ")";
    String why =
        criterion instanceof Criterion.Threshold t
            ? "threshold " + t.threshold() + " keeps no eigenvalue" + largest
            : "the criterion keeps no eigenvalue" + largest;
    return field
        + ": selects no direction: "
        + why
        + "; evals, gammas and lambdas of this group are empty";
  }

  /**
   * Relative gap below which the eigenvalue just under the selection counts as part of the smallest
   * selected eigenvalue's cluster.
   */
  static final double CLUSTER_CUT_GAP = 1e-8;

  /**
   * Warns when the selection's lower edge cuts through a cluster: the largest unselected computed
   * eigenvalue is within {@link #CLUSTER_CUT_GAP} (relative) of the smallest selected one, so the
   * selected directions are one arbitrary choice among the cluster's (MATH.md §3). Clusters of
   * eigenvalues below {@code warnBelow} are covered by the small-eigenvalue warning instead.
   */
  static void clusterCut(
      GramSpace gs, int[] sel, String field, double warnBelow, List<String> warnings) {
    if (sel.length == 0 || sel[0] == 0) {
      return;
    }
    double[] evals = gs.evals();
    double lowest = evals[sel[0] - gs.offset()];
    double below;
    if (sel[0] - 1 >= gs.offset()) {
      below = evals[sel[0] - 1 - gs.offset()];
    } else if (!Double.isNaN(gs.nextBelow())) {
      // partial spectrum: the next eigenvalue is only estimated; warn if it may be in the cluster
      below = gs.nextBelow() + gs.nextBelowError();
    } else {
      return;
    }
    if (lowest >= warnBelow && lowest - below <= CLUSTER_CUT_GAP * Math.abs(lowest)) {
      warnings.add(
          field
              + ": the selection cuts through a cluster: unselected eigenvalue "
              + below
              + " (index "
              + (sel[0] - 1)
              + ") equals the smallest selected "
              + lowest
              + " to "
              + CLUSTER_CUT_GAP
              + "; directions within the cluster are not determined by the spectrum");
    }
  }

  /**
   * Flips each eigenvector so that its largest-magnitude entry is positive and returns the signs
   * applied ({@code γ_nk = g_n·e_k} flips with {@code e_k}).
   */
  static double[] canonicalise(double[][] evecs) {
    double[] signs = new double[evecs.length];
    for (int k = 0; k < evecs.length; k++) {
      double[] e = evecs[k];
      signs[k] = GramSpace.canonicalSign(e);
      if (signs[k] < 0) {
        for (int i = 0; i < e.length; i++) {
          e[i] = -e[i];
        }
      }
    }
    return signs;
  }
}
