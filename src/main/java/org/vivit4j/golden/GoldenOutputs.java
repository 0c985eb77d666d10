package org.vivit4j.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code outputs} part of a golden case (numbers computed by the real ViViT + BackPACK +
 * PyTorch in float64; schema in docs/SCHEMA.md), parsed for comparisons by the seed job and the
 * tests.
 */
public record GoldenOutputs(
    double loss, double[] perSampleLosses, double[] grad, List<Group> groups, JsonNode root) {

  /** One group's golden outputs. */
  public record Group(
      int dim,
      double[] gramEvals,
      double rankTol,
      double[] nonzeroEvals,
      int[] selectedIndices,
      double[] evals,
      double[][] gammas,
      double[][] gammasCanonical,
      double[][] lambdas,
      double[][] evecs,
      double[][] gram,
      List<int[]> degenerateClusters,
      double canonicalSignMinMargin) {}

  public static GoldenOutputs read(Path file) throws IOException {
    return fromJson(new ObjectMapper().readTree(file.toFile()));
  }

  /** Parses the outputs of a golden case given its whole JSON document. */
  public static GoldenOutputs fromJson(JsonNode root) {
    JsonNode out = root.get("outputs");
    List<Group> groups = new ArrayList<>();
    JsonNode checks = root.path("check").path("groups");
    for (int j = 0; j < out.get("groups").size(); j++) {
      JsonNode g = out.get("groups").get(j);
      List<int[]> clusters = new ArrayList<>();
      for (JsonNode c : g.path("degenerate_clusters")) {
        clusters.add(ints(c));
      }
      JsonNode margin = checks.path(j).path("canonical_sign_min_margin");
      groups.add(
          new Group(
              g.get("dim").asInt(),
              doubles(g.get("gram_evals")),
              g.get("rank_tol").asDouble(),
              doubles(g.get("nonzero_evals")),
              ints(g.get("selected_indices")),
              doubles(g.get("evals")),
              matrix(g.get("gammas")),
              matrix(g.get("gammas_canonical")),
              matrix(g.get("lambdas")),
              g.has("evecs") ? matrix(g.get("evecs")) : null,
              g.has("gram") ? matrix(g.get("gram")) : null,
              clusters,
              margin.isMissingNode() ? Double.NaN : margin.asDouble()));
    }
    return new GoldenOutputs(
        out.get("loss").asDouble(),
        doubles(out.get("per_sample_losses")),
        out.has("grad") ? doubles(out.get("grad")) : null,
        groups,
        root);
  }

  public static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  public static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  public static double[][] matrix(JsonNode a) {
    double[][] out = new double[a.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(a.get(i));
    }
    return out;
  }
}
