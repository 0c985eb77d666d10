package org.vivit4j.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vivit4j.io.EncodedArrays;
import org.vivit4j.model.InvalidInputException;

/**
 * The {@code outputs} part of a golden case (numbers computed by the real ViViT + BackPACK +
 * PyTorch in float64; schema in docs/SCHEMA.md), parsed for comparisons by the seed job and the
 * tests. Every float array may be a list or the schema's base64 object ({@link EncodedArrays}), as
 * in result files written with {@code --encode base64}. A case that lacks a needed field, or has
 * one of the wrong type or shape, is an {@link InvalidInputException} naming the field, never a
 * {@code NullPointerException}.
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

  /**
   * Parses the outputs of a golden case given its whole JSON document.
   *
   * @throws InvalidInputException naming the field (a JSON path such as {@code
   *     outputs.groups[0].evals}) when a field the comparison needs is missing, is not a number or
   *     an array of numbers, or has a shape that does not match {@code evals}
   */
  public static GoldenOutputs fromJson(JsonNode root) {
    JsonNode out = field(root, "", "outputs");
    if (!out.isObject()) {
      throw new InvalidInputException("outputs", "must be an object");
    }
    List<Group> groups = new ArrayList<>();
    JsonNode groupsNode = field(out, "outputs", "groups");
    if (!groupsNode.isArray() || groupsNode.isEmpty()) {
      throw new InvalidInputException("outputs.groups", "must be a non-empty array");
    }
    JsonNode checks = root.path("check").path("groups");
    for (int j = 0; j < groupsNode.size(); j++) {
      groups.add(group(groupsNode.get(j), "outputs.groups[" + j + "]", checks.path(j), j));
    }
    return new GoldenOutputs(
        number(field(out, "outputs", "loss"), "outputs.loss"),
        numbers(field(out, "outputs", "per_sample_losses"), "outputs.per_sample_losses"),
        out.has("grad") ? numbers(out.get("grad"), "outputs.grad") : null,
        groups,
        root);
  }

  private static Group group(JsonNode g, String p, JsonNode check, int j) {
    if (!g.isObject()) {
      throw new InvalidInputException(p, "must be an object");
    }
    double[] evals = numbers(field(g, p, "evals"), p + ".evals");
    int k = evals.length;
    int[] selected = indices(field(g, p, "selected_indices"), p + ".selected_indices");
    if (selected.length != k) {
      throw new InvalidInputException(
          p + ".selected_indices", selected.length + " entries, but evals has " + k);
    }
    int dim = (int) whole(field(g, p, "dim"), p + ".dim");
    List<int[]> clusters = new ArrayList<>();
    JsonNode clusterNode = g.path("degenerate_clusters");
    for (int c = 0; c < clusterNode.size(); c++) {
      String cp = p + ".degenerate_clusters[" + c + "]";
      int[] cluster = indices(clusterNode.get(c), cp);
      for (int position : cluster) {
        if (position >= k) {
          throw new InvalidInputException(cp, "position " + position + " ≥ K = " + k);
        }
      }
      clusters.add(cluster);
    }
    JsonNode margin = check.path("canonical_sign_min_margin");
    return new Group(
        dim,
        numbers(field(g, p, "gram_evals"), p + ".gram_evals"),
        number(field(g, p, "rank_tol"), p + ".rank_tol"),
        numbers(field(g, p, "nonzero_evals"), p + ".nonzero_evals"),
        selected,
        evals,
        columns(field(g, p, "gammas"), p + ".gammas", k),
        columns(field(g, p, "gammas_canonical"), p + ".gammas_canonical", k),
        columns(field(g, p, "lambdas"), p + ".lambdas", k),
        g.has("evecs") ? rows(g.get("evecs"), p + ".evecs", k, dim) : null,
        g.has("gram") ? strictMatrix(g.get("gram"), p + ".gram") : null,
        clusters,
        margin.isMissingNode()
            ? Double.NaN
            : number(margin, "check.groups[" + j + "].canonical_sign_min_margin"));
  }

  private static JsonNode field(JsonNode node, String path, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new InvalidInputException(path.isEmpty() ? key : path + "." + key, "missing");
    }
    return v;
  }

  private static double number(JsonNode v, String path) {
    if (!v.isNumber()) {
      throw new InvalidInputException(path, "must be a number, got " + v.getNodeType());
    }
    return v.asDouble();
  }

  private static long whole(JsonNode v, String path) {
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
      throw new InvalidInputException(path, "must be a non-negative integer, got " + v);
    }
    return v.asInt();
  }

  private static double[] numbers(JsonNode a, String path) {
    if (a.isObject()) {
      return EncodedArrays.readDoubles(a, path);
    }
    if (!a.isArray()) {
      throw new InvalidInputException(path, "must be an array of numbers");
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(a.get(i), path + "[" + i + "]");
    }
    return out;
  }

  private static int[] indices(JsonNode a, String path) {
    if (!a.isArray()) {
      throw new InvalidInputException(path, "must be an array of indices");
    }
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) whole(a.get(i), path + "[" + i + "]");
    }
    return out;
  }

  private static double[][] strictMatrix(JsonNode a, String path) {
    if (a.isObject()) {
      return EncodedArrays.readMatrix(a, path);
    }
    if (!a.isArray()) {
      throw new InvalidInputException(path, "must be an array of rows");
    }
    double[][] out = new double[a.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = numbers(a.get(i), path + "[" + i + "]");
    }
    return out;
  }

  /** A matrix whose rows have {@code k} entries each (one per selected direction). */
  private static double[][] columns(JsonNode a, String path, int k) {
    double[][] m = strictMatrix(a, path);
    for (int i = 0; i < m.length; i++) {
      if (m[i].length != k) {
        throw new InvalidInputException(
            path + "[" + i + "]", m[i].length + " entries, but evals has " + k);
      }
    }
    return m;
  }

  /** A matrix of {@code k} rows of {@code length} entries. */
  private static double[][] rows(JsonNode a, String path, int k, int length) {
    double[][] m = strictMatrix(a, path);
    if (m.length != k) {
      throw new InvalidInputException(path, m.length + " rows, but evals has " + k);
    }
    for (int i = 0; i < m.length; i++) {
      if (m[i].length != length) {
        throw new InvalidInputException(
            path + "[" + i + "]", m[i].length + " entries, but dim is " + length);
      }
    }
    return m;
  }

  /**
   * A float array of a golden or result file, as a list or an encoded object; a list's entries are
   * read leniently ({@link JsonNode#asDouble()}).
   */
  public static double[] doubles(JsonNode a) {
    if (a.isObject()) {
      return EncodedArrays.readDoubles(a, "");
    }
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

  /** A float matrix of a golden or result file, as a list of rows or an encoded object. */
  public static double[][] matrix(JsonNode a) {
    if (a.isObject()) {
      return EncodedArrays.readMatrix(a, "");
    }
    double[][] out = new double[a.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(a.get(i));
    }
    return out;
  }
}
