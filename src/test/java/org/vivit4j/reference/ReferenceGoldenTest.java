package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vivit4j.reference.ReferenceGoldenCase.doubles;
import static org.vivit4j.reference.ReferenceGoldenCase.matrix;
import static org.vivit4j.reference.ReferenceTestSupport.dot;
import static org.vivit4j.reference.ReferenceTestSupport.relErr;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.model.ParamTensor;

/**
 * The reference against every golden case (real ViViT/BackPACK numbers in float64), with the
 * tolerances the golden README suggests: 1e-12 for loss and gradients, 1e-10 for the nonzero
 * spectrum, 1e-9 for evals, λ and |γ|. Inside degenerate clusters only the basis-independent
 * per-row sums {@code Σ_k γ²} and {@code Σ_k λ} are compared.
 */
class ReferenceGoldenTest {
  static final double TOL_FIRST_ORDER = 1e-12;
  static final double TOL_NONZERO_EVALS = 1e-10;
  static final double TOL_DIRECTIONAL = 1e-9;

  static List<Path> cases() throws Exception {
    return ReferenceGoldenCase.files();
  }

  @Test
  void allTenShippedCasesAreFound() throws Exception {
    assertTrue(cases().size() >= 10, "expected the 10 golden cases, found " + cases().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesGolden(Path file) throws Exception {
    ReferenceGoldenCase gc = ReferenceGoldenCase.load(file);
    JsonNode out = gc.root().get("outputs");
    ReferenceResult r =
        ReferenceComputation.compute(
            gc.net(),
            gc.loss(),
            gc.batch(),
            gc.subsamplingGrad(),
            gc.subsamplingGgn(),
            gc.groups());

    assertEquals(gc.root().get("num_params").asInt(), gc.net().numParams(), "num_params");
    double loss = out.get("loss").asDouble();
    assertTrue(Math.abs(r.loss() - loss) <= TOL_FIRST_ORDER * Math.abs(loss), "loss " + r.loss());
    assertBelow(
        relErr(r.perSampleLosses(), doubles(out.get("per_sample_losses"))),
        TOL_FIRST_ORDER,
        "per_sample_losses");
    if (out.has("grad")) {
      assertBelow(relErr(r.grad(), doubles(out.get("grad"))), TOL_FIRST_ORDER, "grad");
    } else {
      checkGradSummary(gc, r, out.get("grad_summary"));
    }
    if (out.has("per_sample_grads")) {
      assertBelow(
          relErr(r.perSampleGrads(), matrix(out.get("per_sample_grads"))),
          TOL_FIRST_ORDER,
          "per_sample_grads");
    }

    JsonNode groups = out.get("groups");
    assertEquals(gc.groups().size(), groups.size());
    for (int j = 0; j < groups.size(); j++) {
      checkGroup(gc, r, j, groups.get(j));
    }
  }

  private static void checkGradSummary(ReferenceGoldenCase gc, ReferenceResult r, JsonNode s) {
    assertTrue(s != null && s.has("norm"), "neither grad nor grad_summary.norm");
    double norm = Math.sqrt(dot(r.grad(), r.grad()));
    double expected = s.get("norm").asDouble();
    assertTrue(Math.abs(norm - expected) <= TOL_FIRST_ORDER * expected, "grad norm " + norm);
    JsonNode perParam = s.get("per_param_norm");
    if (perParam != null) {
      List<ParamTensor> params = gc.net().params();
      for (int p = 0; p < params.size(); p++) {
        double sq = 0.0;
        for (int i = 0; i < params.get(p).numel(); i++) {
          double g = r.grad()[params.get(p).offset() + i];
          sq += g * g;
        }
        double e = perParam.get(p).asDouble();
        assertTrue(
            Math.abs(Math.sqrt(sq) - e) <= TOL_FIRST_ORDER * Math.max(e, expected), "param " + p);
      }
    }
  }

  private static void checkGroup(ReferenceGoldenCase gc, ReferenceResult r, int j, JsonNode g)
      throws Exception {
    String where = gc.name() + " group " + j + ": ";
    ReferenceGroup group = r.groups().get(j);
    assertEquals(g.get("dim").asInt(), group.dim(), where + "dim");

    double[] nonzero = doubles(g.get("nonzero_evals"));
    double[] ours = group.nonzeroEvals(1e-10);
    assertEquals(nonzero.length, ours.length, where + "rank");
    assertBelow(relErr(ours, nonzero), TOL_NONZERO_EVALS, where + "nonzero_evals");

    double[] evals = doubles(g.get("evals"));
    JsonNode crit = g.get("criterion");
    int k;
    if ("top_k".equals(crit.get("type").asText())) {
      k = crit.get("k").asInt();
    } else {
      double t = crit.get("threshold").asDouble();
      k = (int) java.util.Arrays.stream(group.evalsAscending()).filter(v -> v > t).count();
    }
    assertEquals(evals.length, k, where + "number of selected directions");
    ReferenceGroup.Directional d = group.topK(k);
    assertBelow(relErr(d.evals(), evals), TOL_DIRECTIONAL, where + "evals");

    List<int[]> clusters = clusters(g.get("degenerate_clusters"), k);
    double[][] gammas = matrix(g.get("gammas"));
    double[][] lambdas = matrix(g.get("lambdas"));
    assertEquals(gammas.length, d.gammas().length, where + "N_grad");
    assertEquals(lambdas.length, d.lambdas().length, where + "N_ggn");
    assertBelow(
        relErr(clusterGammas(d.gammas(), clusters), clusterGammas(gammas, clusters)),
        TOL_DIRECTIONAL,
        where + "|gammas| (per-cluster Σγ² for degenerate clusters)");
    assertBelow(
        relErr(clusterLambdas(d.lambdas(), clusters), clusterLambdas(lambdas, clusters)),
        TOL_DIRECTIONAL,
        where + "lambdas (per-cluster Σλ for degenerate clusters)");

    // Canonical sign: where the golden margin is unambiguous, our sign must match gammas_canonical
    // and the stored evecs column by column (singleton clusters only).
    double margin =
        gc.root()
            .path("check")
            .path("groups")
            .path(j)
            .path("canonical_sign_min_margin")
            .asDouble(0);
    double[][] canonical = matrix(g.get("gammas_canonical"));
    double[][] evecs = g.has("evecs") ? matrix(g.get("evecs")) : null;
    for (int[] c : clusters) {
      if (c.length != 1) {
        continue;
      }
      int col = c[0];
      double[] ourGamma = column(d.gammas(), col);
      double[] refGamma = column(canonical, col);
      if (margin > 1e-6) {
        assertBelow(relErr(ourGamma, refGamma), TOL_DIRECTIONAL, where + "gammas_canonical " + col);
        if (evecs != null) {
          assertBelow(relErr(d.evecs()[col], evecs[col]), TOL_DIRECTIONAL, where + "evec " + col);
        }
      } else if (evecs != null) {
        double s = Math.signum(dot(d.evecs()[col], evecs[col]));
        double[] aligned = d.evecs()[col].clone();
        for (int i = 0; i < aligned.length; i++) {
          aligned[i] *= s;
        }
        assertBelow(relErr(aligned, evecs[col]), TOL_DIRECTIONAL, where + "evec " + col);
      }
    }

    // Identity: the column means of λ are the eigenvalues.
    for (int i = 0; i < k; i++) {
      double mean = 0.0;
      for (double[] row : d.lambdas()) {
        mean += row[i] / d.lambdas().length;
      }
      assertTrue(
          Math.abs(mean - d.evals()[i]) <= 1e-10 * d.evals()[k - 1], where + "mean λ vs eval " + i);
    }
    // Identity: without gradient sub-sampling the column means of γ are ∇L·e_k.
    if (gc.subsamplingGrad() == null) {
      int[] cols = columns(gc, gc.groups().get(j));
      double gradScale = ReferenceTestSupport.maxAbs(r.grad());
      for (int i = 0; i < k; i++) {
        double mean = 0.0;
        for (double[] row : d.gammas()) {
          mean += row[i] / d.gammas().length;
        }
        double gradDotE = 0.0;
        for (int a = 0; a < cols.length; a++) {
          gradDotE += r.grad()[cols[a]] * d.evecs()[i][a];
        }
        assertTrue(Math.abs(mean - gradDotE) <= 1e-12 * gradScale, where + "mean γ vs ∇L·e " + i);
      }
    }
    assertFalse(hasNaN(d.gammas()) || hasNaN(d.lambdas()), where + "NaN");
  }

  /** The clusters of the golden file, plus a singleton for every position not in one. */
  static List<int[]> clusters(JsonNode node, int k) {
    boolean[] covered = new boolean[k];
    List<int[]> out = new ArrayList<>();
    if (node != null) {
      for (JsonNode c : node) {
        int[] members = ReferenceGoldenCase.ints(c);
        for (int m : members) {
          covered[m] = true;
        }
        out.add(members);
      }
    }
    for (int i = 0; i < k; i++) {
      if (!covered[i]) {
        out.add(new int[] {i});
      }
    }
    return out;
  }

  /** Per row: {@code |γ_k|} for singletons, {@code Σ_{k∈cluster} γ_k²} for clusters. */
  static double[][] clusterGammas(double[][] gammas, List<int[]> clusters) {
    double[][] out = new double[gammas.length][clusters.size()];
    for (int r = 0; r < gammas.length; r++) {
      for (int c = 0; c < clusters.size(); c++) {
        int[] members = clusters.get(c);
        if (members.length == 1) {
          out[r][c] = Math.abs(gammas[r][members[0]]);
        } else {
          for (int m : members) {
            out[r][c] += gammas[r][m] * gammas[r][m];
          }
        }
      }
    }
    return out;
  }

  /** Per row: {@code Σ_{k∈cluster} λ_k} (a single λ for singletons). */
  static double[][] clusterLambdas(double[][] lambdas, List<int[]> clusters) {
    double[][] out = new double[lambdas.length][clusters.size()];
    for (int r = 0; r < lambdas.length; r++) {
      for (int c = 0; c < clusters.size(); c++) {
        for (int m : clusters.get(c)) {
          out[r][c] += lambdas[r][m];
        }
      }
    }
    return out;
  }

  /** The θ positions of a group's vector. */
  private static int[] columns(ReferenceGoldenCase gc, int[] tensors) {
    List<Integer> cols = new ArrayList<>();
    for (int t : tensors) {
      ParamTensor p = gc.net().params().get(t);
      for (int i = 0; i < p.numel(); i++) {
        cols.add(p.offset() + i);
      }
    }
    return cols.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] column(double[][] a, int col) {
    double[] out = new double[a.length];
    for (int r = 0; r < a.length; r++) {
      out[r] = a[r][col];
    }
    return out;
  }

  private static boolean hasNaN(double[][] a) {
    for (double[] row : a) {
      for (double v : row) {
        if (Double.isNaN(v)) {
          return true;
        }
      }
    }
    return false;
  }

  static void assertBelow(double err, double tol, String what) {
    assertTrue(err <= tol, what + ": normwise relative discrepancy " + err + " > " + tol);
  }

  @Test
  void clusterSumsAreBasisInvariant() {
    // A rotation inside a two-member cluster changes the columns but not Σγ² per row.
    double[][] g = {{3.0, 4.0, 1.0}, {0.0, 2.0, -1.0}};
    double c = Math.cos(0.3);
    double s = Math.sin(0.3);
    double[][] rotated = new double[2][3];
    for (int r = 0; r < 2; r++) {
      rotated[r][0] = c * g[r][0] - s * g[r][1];
      rotated[r][1] = s * g[r][0] + c * g[r][1];
      rotated[r][2] = -g[r][2];
    }
    List<int[]> clusters = List.of(new int[] {0, 1}, new int[] {2});
    double[][] a = clusterGammas(g, clusters);
    double[][] b = clusterGammas(rotated, clusters);
    for (int r = 0; r < 2; r++) {
      assertArrayEquals(a[r], b[r], 1e-12);
    }
    assertTrue(relErr(column(g, 0), column(rotated, 0)) > 0.1, "the columns themselves differ");
  }
}
