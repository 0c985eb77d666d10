package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Mutations of a problem's JSON tree, as a careless or hostile user makes them. Each returns a
 * description naming the path it changed, or {@code null} when the tree offers nothing to apply it
 * to (the mutator then draws another kind).
 */
final class TreeMutations {
  private TreeMutations() {}

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  enum Kind {
    DROP_KEY,
    RENAME_KEY,
    DUPLICATE_KEY,
    CHANGE_TYPE,
    FLIP_SIGN,
    EXTREME_NUMBER,
    SCALE_ARRAY,
    RESIZE_ARRAY,
    CORRUPT_BASE64,
    PERMUTE_LAYERS,
    CHANGE_INDEX,
    HUGE_SIZE,
    DEEP_NESTING,
    HOSTILE_NAME,
    COMPUTATION_OPTION,
    CRITERION,
    REGROUP,
    UNKNOWN_KEY,
    DROP_COMPUTATION,
    RESAMPLE
  }

  static String apply(Kind kind, ObjectNode root, SplittableRandom rnd, Mutator.RawTokens raw) {
    return switch (kind) {
      case DROP_KEY -> dropKey(root, rnd);
      case RENAME_KEY -> renameKey(root, rnd);
      case DUPLICATE_KEY -> duplicateKey(root, rnd, raw);
      case CHANGE_TYPE -> changeType(root, rnd);
      case FLIP_SIGN -> flipSign(root, rnd);
      case EXTREME_NUMBER -> extremeNumber(root, rnd, raw);
      case SCALE_ARRAY -> scaleArray(root, rnd);
      case RESIZE_ARRAY -> resizeArray(root, rnd);
      case CORRUPT_BASE64 -> Base64Mutations.corrupt(root, rnd, raw);
      case PERMUTE_LAYERS -> permuteLayers(root, rnd);
      case CHANGE_INDEX -> IndexMutations.changeIndex(root, rnd);
      case HUGE_SIZE -> IndexMutations.hugeSize(root, rnd);
      case DEEP_NESTING -> deepNesting(root, rnd, raw);
      case HOSTILE_NAME -> hostileName(root, rnd);
      case COMPUTATION_OPTION -> OptionMutations.computationOption(root, rnd, raw);
      case CRITERION -> OptionMutations.criterion(root, rnd, raw);
      case REGROUP -> OptionMutations.regroup(root, rnd);
      case UNKNOWN_KEY -> unknownKey(root, rnd);
      case DROP_COMPUTATION -> root.remove("computation") == null ? null : "computation";
      case RESAMPLE -> SampleMutations.resample(root, rnd);
    };
  }

  /** A walked slot satisfying {@code p}, or null after some tries. */
  static Slot find(ObjectNode root, SplittableRandom rnd, Predicate<Slot> p) {
    for (int i = 0; i < 40; i++) {
      Slot s = Slot.walk(root, rnd);
      if (s != null && p.test(s)) {
        return s;
      }
    }
    return null;
  }

  /** A uniformly drawn slot of the whole tree satisfying {@code p}, or null. */
  static Slot pick(ObjectNode root, SplittableRandom rnd, Predicate<Slot> p) {
    List<Slot> all = Slot.all(root).stream().filter(p).toList();
    return all.isEmpty() ? null : all.get(rnd.nextInt(all.size()));
  }

  static <T> T oneOf(SplittableRandom rnd, List<T> values) {
    return values.get(rnd.nextInt(values.size()));
  }

  private static String dropKey(ObjectNode root, SplittableRandom rnd) {
    Slot s = find(root, rnd, x -> x.key() != null);
    if (s == null) {
      return null;
    }
    ((ObjectNode) s.parent()).remove(s.key());
    return s.path();
  }

  private static String renameKey(ObjectNode root, SplittableRandom rnd) {
    Slot s = find(root, rnd, x -> x.key() != null && !x.key().isEmpty());
    if (s == null) {
      return null;
    }
    String k = s.key();
    int i = rnd.nextInt(k.length());
    List<String> variants = new ArrayList<>();
    variants.add(k.substring(0, i) + k.substring(i + 1)); // a letter dropped
    variants.add(k.toUpperCase(java.util.Locale.ROOT));
    variants.add(k + "s");
    variants.add(k + " ");
    variants.add(k.replace('a', '\u0430').replace('e', '\u0435')); // Cyrillic look-alikes
    variants.add("");
    if (k.length() > 1 && i + 1 < k.length()) {
      variants.add(k.substring(0, i) + k.charAt(i + 1) + k.charAt(i) + k.substring(i + 2));
    }
    String nk = oneOf(rnd, variants);
    ObjectNode parent = (ObjectNode) s.parent();
    if (parent.has(nk)) {
      return null;
    }
    JsonNode v = parent.remove(k);
    parent.set(nk, v);
    return s.path() + " -> " + TextMutations.show(nk);
  }

  private static String duplicateKey(ObjectNode root, SplittableRandom rnd, Mutator.RawTokens r) {
    Slot s = find(root, rnd, x -> x.key() != null);
    if (s == null) {
      return null;
    }
    ObjectNode parent = (ObjectNode) s.parent();
    JsonNode second = rnd.nextBoolean() ? s.value().deepCopy() : F.numberNode(1);
    parent.set(r.marker(quote(s.key())), second);
    return s.path() + " twice, second " + brief(second);
  }

  private static String changeType(ObjectNode root, SplittableRandom rnd) {
    Slot s = Slot.walk(root, rnd);
    if (s == null) {
      return null; // every key dropped already
    }
    JsonNode v = s.value();
    List<JsonNode> others = new ArrayList<>();
    others.add(F.textNode(v.isValueNode() ? v.asText() : "3"));
    others.add(F.numberNode(3));
    others.add(F.numberNode(1.5));
    others.add(F.booleanNode(true));
    others.add(F.nullNode());
    others.add(F.objectNode());
    others.add(F.arrayNode());
    others.add(F.arrayNode().add(v.deepCopy()));
    others.add(F.objectNode().set("value", v.deepCopy()));
    JsonNode n = oneOf(rnd, others);
    if (n.getNodeType() == v.getNodeType() && !n.isArray() && !n.isObject()) {
      return null;
    }
    s.set(n);
    return s.path() + " " + v.getNodeType() + " -> " + brief(n);
  }

  private static String flipSign(ObjectNode root, SplittableRandom rnd) {
    Slot s = find(root, rnd, x -> x.value().isNumber());
    if (s == null) {
      s = pick(root, rnd, x -> x.value().isNumber());
    }
    if (s == null) {
      return null;
    }
    JsonNode v = s.value();
    JsonNode n;
    if (v.isIntegralNumber()) {
      n = v.asLong() == 0 ? F.numberNode(-1) : F.numberNode(-v.asLong());
    } else {
      n = F.numberNode(-v.asDouble());
    }
    s.set(n);
    return s.path() + " " + v + " -> " + n;
  }

  /** Replacement numbers: limits of double and int, bare non-finite tokens, non-integers. */
  private static final List<String> EXTREMES =
      List.of(
          "0",
          "-0.0",
          "1",
          "1e308",
          "-1e308",
          "1e-308",
          "4.9e-324",
          "1e400",
          "-1e400",
          "NaN",
          "Infinity",
          "-Infinity",
          "\"NaN\"",
          "\"Infinity\"",
          "2147483648",
          "-2147483649",
          "9223372036854775808",
          "0.5",
          "1.0",
          "1e20",
          "1E+2",
          "01",
          "1e-400",
          "\"1\"");

  private static String extremeNumber(ObjectNode root, SplittableRandom rnd, Mutator.RawTokens r) {
    Slot s = find(root, rnd, x -> x.value().isNumber());
    if (s == null) {
      s = pick(root, rnd, x -> x.value().isNumber());
    }
    if (s == null) {
      return null;
    }
    String text = oneOf(rnd, EXTREMES);
    JsonNode old = s.value();
    s.set(F.textNode(r.marker(text)));
    return s.path() + " " + old + " -> " + text;
  }

  private static final double[] FACTORS = {0, -1, 1e30, 1e200, 1e-200, 1e154, 1e-30, 1e8};

  private static String scaleArray(ObjectNode root, SplittableRandom rnd) {
    Predicate<Slot> numeric = x -> x.value().isContainerNode() && countNumbers(x.value()) > 0;
    Slot s =
        rnd.nextBoolean()
            ? pick(
                root,
                rnd,
                x ->
                    numeric.test(x)
                        && x.key() != null
                        && List.of("weight", "bias", "X", "y").contains(x.key()))
            : find(root, rnd, numeric);
    if (s == null) {
      return null;
    }
    double f = FACTORS[rnd.nextInt(FACTORS.length)];
    s.set(scaled(s.value(), f));
    return s.path() + " times " + f;
  }

  private static int countNumbers(JsonNode n) {
    if (n.isNumber()) {
      return 1;
    }
    int c = 0;
    for (JsonNode e : n) {
      c += countNumbers(e);
    }
    return c;
  }

  private static JsonNode scaled(JsonNode n, double f) {
    if (n.isNumber()) {
      double v = n.asDouble() * f;
      if (n.isIntegralNumber() && v == Math.rint(v) && Math.abs(v) < 9e15) {
        return F.numberNode((long) v);
      }
      return F.numberNode(v);
    }
    if (n.isArray()) {
      ArrayNode a = F.arrayNode();
      n.forEach(e -> a.add(scaled(e, f)));
      return a;
    }
    if (n.isObject()) {
      ObjectNode o = F.objectNode();
      n.fields().forEachRemaining(e -> o.set(e.getKey(), scaled(e.getValue(), f)));
      return o;
    }
    return n;
  }

  private static String resizeArray(ObjectNode root, SplittableRandom rnd) {
    Slot s = find(root, rnd, x -> x.value().isArray());
    if (s == null) {
      s = pick(root, rnd, x -> x.value().isArray());
    }
    if (s == null) {
      return null;
    }
    ArrayNode a = (ArrayNode) s.value();
    int n = a.size();
    switch (rnd.nextInt(7)) {
      case 0 -> {
        if (n == 0) {
          return null;
        }
        a.remove(n - 1);
        return s.path() + " last element removed (" + n + " -> " + (n - 1) + ")";
      }
      case 1 -> {
        if (n == 0) {
          return null;
        }
        int i = rnd.nextInt(n);
        a.remove(i);
        return s.path() + " element " + i + " removed";
      }
      case 2 -> {
        if (n == 0) {
          return null;
        }
        int i = rnd.nextInt(n);
        a.insert(i, a.get(i).deepCopy());
        return s.path() + " element " + i + " duplicated";
      }
      case 3 -> {
        a.removeAll();
        return s.path() + " emptied";
      }
      case 4 -> {
        if (n == 0 || n > 2000) {
          return null;
        }
        int times = 2 + rnd.nextInt(4);
        List<JsonNode> copy = new ArrayList<>();
        a.forEach(copy::add);
        for (int t = 1; t < times; t++) {
          copy.forEach(e -> a.add(e.deepCopy()));
        }
        return s.path() + " repeated " + times + " times";
      }
      case 5 -> {
        a.add(F.nullNode());
        return s.path() + " null appended";
      }
      default -> {
        if (n < 2) {
          return null;
        }
        int i = rnd.nextInt(n);
        int j = rnd.nextInt(n);
        JsonNode t = a.get(i);
        a.set(i, a.get(j));
        a.set(j, t);
        return s.path() + " elements " + i + " and " + j + " swapped";
      }
    }
  }

  private static String permuteLayers(ObjectNode root, SplittableRandom rnd) {
    JsonNode m = root.get("model");
    if (m == null && root.get("graph") instanceof ObjectNode graph) {
      return rewireGraph(graph, rnd);
    }
    if (m == null || !m.isArray() || m.size() < 2) {
      return null;
    }
    ArrayNode model = (ArrayNode) m;
    int n = model.size();
    int i = rnd.nextInt(n);
    int j = rnd.nextInt(n);
    switch (rnd.nextInt(4)) {
      case 0 -> {
        JsonNode t = model.get(i);
        model.set(i, model.get(j));
        model.set(j, t);
        return "model[" + i + "] <-> model[" + j + "]";
      }
      case 1 -> {
        model.remove(i);
        return "model[" + i + "] removed";
      }
      case 2 -> {
        model.insert(j, model.get(i).deepCopy());
        return "model[" + i + "] copied to " + j;
      }
      default -> {
        List<JsonNode> layers = new ArrayList<>();
        model.forEach(layers::add);
        model.removeAll();
        for (int k = layers.size() - 1; k >= 0; k--) {
          model.add(layers.get(k));
        }
        return "model reversed";
      }
    }
  }

  private static String deepNesting(ObjectNode root, SplittableRandom rnd, Mutator.RawTokens r) {
    Slot s = Slot.walk(root, rnd);
    if (s == null) {
      return null;
    }
    int depth = oneOf(rnd, List.of(10, 200, 999, 1001, 5000, 100_000));
    boolean objects = rnd.nextBoolean();
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < depth; d++) {
      sb.append(objects ? "{\"a\":" : "[");
    }
    sb.append("1");
    for (int d = 0; d < depth; d++) {
      sb.append(objects ? "}" : "]");
    }
    s.set(F.textNode(r.marker(sb.toString())));
    return s.path() + " -> " + (objects ? "objects" : "arrays") + " nested " + depth + " deep";
  }

  private static final List<String> NAMES =
      List.of(
          "",
          "line\nbreak",
          "\u001b[31mred\u001b[0m",
          "nul\u0000byte",
          "\u00e9\u6f22\u5b57\ud83d\ude42",
          "../../etc/passwd",
          "\ud800",
          "x".repeat(100_000));

  /**
   * A graph's nodes rewired: an input pointed at another node (a cycle, a node that no longer feeds
   * the output, a join of mismatched shapes) or at nothing, two nodes swapped in the list, a node
   * listed twice (a duplicate name).
   */
  private static String rewireGraph(ObjectNode graph, SplittableRandom rnd) {
    if (!(graph.get("nodes") instanceof ArrayNode nodes) || nodes.size() < 2) {
      return null;
    }
    int i = rnd.nextInt(nodes.size());
    int j = rnd.nextInt(nodes.size());
    if (!(nodes.get(i) instanceof ObjectNode node)
        || !(node.get("inputs") instanceof ArrayNode inputs)
        || inputs.isEmpty()
        || !(nodes.get(j) instanceof ObjectNode other)) {
      return null;
    }
    int q = rnd.nextInt(inputs.size());
    switch (rnd.nextInt(4)) {
      case 0 -> {
        inputs.set(q, other.get("name"));
        return "graph.nodes[" + i + "].inputs[" + q + "] reads graph.nodes[" + j + "]";
      }
      case 1 -> {
        inputs.set(q, F.textNode("ghost"));
        return "graph.nodes[" + i + "].inputs[" + q + "] reads nothing";
      }
      case 2 -> {
        nodes.set(i, other);
        nodes.set(j, node);
        return "graph.nodes[" + i + "] <-> graph.nodes[" + j + "]";
      }
      default -> {
        nodes.insert(j, node.deepCopy());
        return "graph.nodes[" + i + "] copied to " + j;
      }
    }
  }

  private static String hostileName(ObjectNode root, SplittableRandom rnd) {
    List<Slot> names =
        Slot.all(root).stream()
            .filter(x -> "name".equals(x.key()))
            .filter(x -> x.path().equals("name") || x.path().startsWith("param_groups"))
            .toList();
    if (names.isEmpty()) {
      return null;
    }
    Slot s = oneOf(rnd, names);
    int choice = rnd.nextInt(NAMES.size() + 3);
    JsonNode n =
        choice < NAMES.size()
            ? F.textNode(NAMES.get(choice))
            : choice == NAMES.size()
                ? F.numberNode(5)
                : choice == NAMES.size() + 1 ? F.nullNode() : duplicateGroupName(root);
    if (n == null) {
      return null;
    }
    s.set(n);
    return s.path() + " -> " + brief(n);
  }

  private static JsonNode duplicateGroupName(ObjectNode root) {
    JsonNode g = root.path("param_groups").path(0).get("name");
    return g == null ? F.textNode("group0") : g.deepCopy();
  }

  private static final List<String> UNKNOWN =
      List.of(
          "computaton", "modle", "paramgroups", "notes", "dtype", "Name", "n", "bais", "\u0435");

  private static String unknownKey(ObjectNode root, SplittableRandom rnd) {
    ObjectNode target = root;
    String where = "";
    if (rnd.nextBoolean()) {
      Slot s = find(root, rnd, x -> x.value().isObject());
      if (s != null) {
        target = (ObjectNode) s.value();
        where = s.path() + ".";
      }
    }
    String k = oneOf(rnd, UNKNOWN);
    if (target.has(k)) {
      return null;
    }
    target.set(k, rnd.nextBoolean() ? F.numberNode(1) : F.objectNode());
    return where + TextMutations.show(k) + " added";
  }

  static String quote(String s) {
    return BaseProblems.text(F.textNode(s));
  }

  /** A short form of a value for mutation lists. */
  static String brief(JsonNode n) {
    String s = n.isTextual() ? TextMutations.show(n.asText()) : n.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  static JsonNode bigInteger(String digits) {
    return F.numberNode(new BigInteger(digits));
  }
}
