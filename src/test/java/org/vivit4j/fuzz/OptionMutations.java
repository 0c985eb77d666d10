package org.vivit4j.fuzz;

import static org.vivit4j.fuzz.TreeMutations.F;
import static org.vivit4j.fuzz.TreeMutations.oneOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Other computations, options, criteria and groupings: many of these are valid, so that mutants
 * reach the solver in every configuration and their results are checked, not only their errors.
 */
final class OptionMutations {
  private OptionMutations() {}

  private static final List<String> CLASSES =
      List.of(
          "directional_derivatives",
          "eigvalsh",
          "eigh",
          "damped_newton",
          "vivit.EighComputation",
          "vivit.DirectionalDampedNewtonComputation",
          "EIGH",
          "newton",
          "");

  static String computationOption(ObjectNode root, SplittableRandom rnd, Mutator.RawTokens raw) {
    JsonNode existing = root.get("computation");
    ObjectNode c;
    if (existing instanceof ObjectNode o) {
      c = o;
    } else {
      c = root.putObject("computation");
    }
    int n = root.path("N").asInt(4);
    String key;
    JsonNode v;
    switch (rnd.nextInt(9)) {
      case 0 -> {
        key = "class";
        v = F.textNode(oneOf(rnd, CLASSES));
      }
      case 1 -> {
        key = "eigensolver";
        v = F.textNode(oneOf(rnd, List.of("dense", "lanczos", "auto", "Dense", "qr")));
      }
      case 2 -> {
        key = "mc_samples_ggn";
        v = F.numberNode(oneOf(rnd, List.of(0, 1, 2, 3, 7, -1, 100_000, 1_431_655_766)));
      }
      case 3 -> {
        key = "seed";
        v =
            oneOf(
                rnd,
                List.of(
                    F.numberNode(0),
                    F.numberNode(-5),
                    F.numberNode(Long.MAX_VALUE),
                    F.numberNode(1.5),
                    F.textNode("7")));
      }
      case 4 -> {
        key = "damping";
        v =
            oneOf(
                rnd,
                List.of(
                    F.numberNode(0),
                    F.numberNode(1e-3),
                    F.numberNode(-1),
                    F.objectNode().put("type", "constant").put("value", 0.1),
                    F.objectNode().put("type", "lambda_standard_error"),
                    F.objectNode().put("type", "lambda_standard_error").put("scale", -1),
                    F.objectNode().put("type", "bogus"),
                    F.textNode(raw.marker("NaN"))));
      }
      case 5 -> {
        key = "warn_small_eigvals";
        v = F.textNode(raw.marker(oneOf(rnd, List.of("0", "-1", "1e308", "NaN", "1", "1e-30"))));
      }
      case 6, 7 -> {
        key = rnd.nextBoolean() ? "subsampling_grad" : "subsampling_ggn";
        v = subset(rnd, n);
        c.remove(key.equals("subsampling_grad") ? "N_grad" : "N_ggn");
      }
      default -> {
        key = "verbose";
        v = rnd.nextBoolean() ? F.booleanNode(true) : F.textNode("yes");
      }
    }
    c.set(key, v);
    return "computation." + key + " -> " + TreeMutations.brief(v);
  }

  /** A sub-sampling list: valid (a permuted subset), null, empty, or with a bad entry. */
  private static JsonNode subset(SplittableRandom rnd, int n) {
    int r = rnd.nextInt(6);
    if (r == 0) {
      return F.nullNode();
    }
    if (r == 1) {
      return F.arrayNode();
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < Math.max(n, 1); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, new java.util.Random(rnd.nextLong()));
    ArrayNode a = F.arrayNode();
    idx.subList(0, 1 + rnd.nextInt(idx.size())).forEach(a::add);
    if (r == 5) {
      a.add(oneOf(rnd, List.of(-1, n, a.get(0).asInt())));
    }
    return a;
  }

  static String criterion(ObjectNode root, SplittableRandom rnd, Mutator.RawTokens raw) {
    JsonNode groups = root.get("param_groups");
    if (groups == null || !groups.isArray() || groups.isEmpty()) {
      return null;
    }
    int j = rnd.nextInt(groups.size());
    if (!(groups.get(j) instanceof ObjectNode g)) {
      return null;
    }
    ObjectNode crit = F.objectNode();
    String shown;
    switch (rnd.nextInt(4)) {
      case 0 -> {
        int k = oneOf(rnd, List.of(1, 2, 3, 5, 8, 12, 13, 100, 0, -1));
        crit.put("type", "top_k").put("k", k);
        shown = crit.toString();
      }
      case 1 -> {
        String t =
            oneOf(
                rnd, List.of("0", "-1", "1e-12", "1e-3", "0.1", "1e308", "-1e308", "NaN", "\"0\""));
        crit.put("type", "threshold").put("threshold", raw.marker(t));
        shown = "{\"type\":\"threshold\",\"threshold\":" + t + "}";
      }
      case 2 -> {
        crit.put("type", oneOf(rnd, List.of("bogus", "TOP_K", "custom", "")));
        shown = crit.toString();
      }
      default -> {
        crit.put("type", "top_k");
        shown = crit.toString();
      }
    }
    g.set("criterion", crit);
    return "param_groups[" + j + "].criterion -> " + shown;
  }

  /** Per-tensor groups, one group of every tensor, overlapping groups, no groups. */
  static String regroup(ObjectNode root, SplittableRandom rnd) {
    JsonNode table = root.get("params");
    int tensors = table != null && table.isArray() ? table.size() : 0;
    if (tensors == 0 || !(root.get("param_groups") instanceof ArrayNode groups)) {
      return null;
    }
    switch (rnd.nextInt(4)) {
      case 0 -> {
        groups.removeAll();
        for (int t = 0; t < tensors; t++) {
          ObjectNode g = groups.addObject();
          g.putArray("params").add(t);
          g.putObject("criterion").put("type", "top_k").put("k", 1);
        }
        return "param_groups -> one group per tensor, top_k 1";
      }
      case 1 -> {
        groups.removeAll();
        ObjectNode g = groups.addObject();
        ArrayNode p = g.putArray("params");
        for (int t = 0; t < tensors; t++) {
          p.add(t);
        }
        g.putObject("criterion").put("type", "threshold").put("threshold", 0.0);
        return "param_groups -> all tensors, threshold 0";
      }
      case 2 -> {
        if (groups.isEmpty()) {
          return null;
        }
        groups.add(groups.get(0).deepCopy());
        return "param_groups[0] duplicated (overlapping groups)";
      }
      default -> {
        groups.removeAll();
        return "param_groups emptied";
      }
    }
  }
}
