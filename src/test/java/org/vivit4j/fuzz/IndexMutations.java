package org.vivit4j.fuzz;

import static org.vivit4j.fuzz.TreeMutations.F;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Wrong indices (labels, parameter indices, sub-sampling) and wrong sizes (shapes, counts). */
final class IndexMutations {
  private IndexMutations() {}

  /** Class labels, group parameter indices, sub-sampling indices, the parameter table. */
  static String changeIndex(ObjectNode root, SplittableRandom rnd) {
    boolean classes = "cross_entropy".equals(root.path("loss").path("type").asText());
    Slot s =
        TreeMutations.pick(
            root,
            rnd,
            x ->
                x.value().isIntegralNumber()
                    && ((classes && x.path().matches("y\\[\\d+\\]"))
                        || x.path().matches("param_groups\\[\\d+\\]\\.params\\[\\d+\\]")
                        || x.path().matches("computation\\.subsampling_(grad|ggn)\\[\\d+\\]")
                        || x.path().matches("params\\[\\d+\\]\\.(index|layer|offset|numel)")));
    if (s == null) {
      return null;
    }
    int n = root.path("N").asInt(4);
    int c = root.path("num_outputs").asInt(3);
    int tensors = root.path("params").size() > 0 ? root.path("params").size() : 6;
    int range =
        s.path().startsWith("y")
            ? c
            : s.path().startsWith("computation") ? n : s.path().startsWith("param_") ? tensors : 8;
    int old = s.value().asInt();
    JsonNode v =
        switch (rnd.nextInt(8)) {
          case 0 -> F.numberNode(-1);
          case 1 -> F.numberNode(range);
          case 2 -> F.numberNode(range + 1);
          case 3 -> F.numberNode(rnd.nextInt(Math.max(1, range)));
          case 4 -> F.numberNode(2147483647);
          case 5 -> F.numberNode(old + 0.0);
          case 6 -> F.numberNode(old + 0.5);
          default -> F.numberNode(old == 0 ? 1 : old - 1);
        };
    s.set(v);
    return s.path() + " " + old + " -> " + v;
  }

  private static final Set<String> SIZE_KEYS =
      Set.of(
          "N",
          "num_outputs",
          "num_params",
          "in",
          "out",
          "in_channels",
          "out_channels",
          "kernel_size",
          "stride",
          "padding",
          "dilation",
          "normalized_shape",
          "mc_samples_ggn",
          "N_grad",
          "N_ggn",
          "k",
          "start_dim",
          "end_dim",
          "eps",
          "p");

  /**
   * Sizes that must be refused: zero, negatives, beyond int, and large ones whose Gram products
   * overflow int for every batch ({@code 65536² > 2³¹}). Sizes that fit, but only slowly (a Monte-
   * Carlo GGN with 3000 draws is a legitimate dense eigenproblem of minutes), are left out: the
   * suite must stay under a minute and such a run is no bug.
   */
  private static final List<String> SIZES =
      List.of(
          "0",
          "-1",
          "-2147483648",
          "65536",
          "100000",
          "2147483647",
          "1431655766",
          "1000000000",
          "1099511627776",
          "[65536, 65537]",
          "[0, 0]",
          "[]",
          "[1, 2, 3]");

  /** A shape or count entry set to zero, a negative, or a number whose products overflow. */
  static String hugeSize(ObjectNode root, SplittableRandom rnd) {
    Slot s =
        TreeMutations.pick(
            root,
            rnd,
            x ->
                !x.path().startsWith("outputs")
                    && !x.path().startsWith("check")
                    && ((x.key() != null && SIZE_KEYS.contains(x.key()))
                        || x.path().matches("input_shape(\\[\\d+\\])?")
                        || x.path().matches(".*\\.shape\\[\\d+\\]")));
    if (s == null) {
      return null;
    }
    String v = TreeMutations.oneOf(rnd, SIZES);
    JsonNode old = s.value();
    try {
      s.set(new com.fasterxml.jackson.databind.ObjectMapper().readTree(v));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(v, e);
    }
    return s.path() + " " + TreeMutations.brief(old) + " -> " + v;
  }
}
