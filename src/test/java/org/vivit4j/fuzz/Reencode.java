package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Re-encodes one nested-list array ({@code X}, {@code y}, a layer's {@code weight} or {@code bias})
 * as base64 float64 with its shape: the same numbers, exactly, in the other notation of
 * docs/SCHEMA.md ("Encoded arrays"). Issue 11: a class label {@code 1.0} was rejected as a literal
 * but accepted in base64 float64; one rule for both is what the twin comparison asks.
 */
final class Reencode {
  private Reencode() {}

  /**
   * Replaces one eligible array in {@code root}, preferring one that holds a path the mutations
   * touched (a changed label is where the two notations' rules can differ); its path, or null when
   * none is eligible.
   *
   * @param mutations the mutant's mutation descriptions ({@code "KIND path ..."})
   */
  static String oneArray(ObjectNode root, List<String> mutations, SplittableRandom rnd) {
    List<Slot> eligible = new ArrayList<>();
    for (Slot s : Slot.all(root)) {
      boolean named =
          s.path().equals("X")
              || s.path().equals("y")
              || s.path().matches("model\\[\\d+\\]\\.(weight|bias)");
      if (named && s.value().isArray() && shape(s.value()) != null) {
        eligible.add(s);
      }
    }
    if (eligible.isEmpty()) {
      return null;
    }
    List<Slot> touched =
        eligible.stream()
            .filter(
                x ->
                    mutations.stream()
                        .map(d -> d.split(" ").length > 1 ? d.split(" ")[1] : "")
                        .anyMatch(p -> p.equals(x.path()) || p.startsWith(x.path() + "[")))
            .toList();
    List<Slot> from = touched.isEmpty() ? eligible : touched;
    Slot s = from.get(rnd.nextInt(from.size()));
    List<Integer> shape = shape(s.value());
    List<Double> values = new ArrayList<>();
    flatten(s.value(), values);
    ByteBuffer buf = ByteBuffer.allocate(8 * values.size()).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(buf::putDouble);
    ObjectNode e = TreeMutations.F.objectNode();
    e.put("encoding", "base64").put("dtype", "float64").put("byte_order", "little");
    ArrayNode sh = e.putArray("shape");
    shape.forEach(sh::add);
    e.put("data", Base64.getEncoder().encodeToString(buf.array()));
    s.set(e);
    return s.path();
  }

  /** The shape of a non-empty rectangular nest of finite numbers, else null. */
  private static List<Integer> shape(JsonNode n) {
    if (n.isNumber()) {
      return Double.isFinite(n.asDouble()) ? new ArrayList<>() : null;
    }
    if (!n.isArray() || n.isEmpty()) {
      return null;
    }
    List<Integer> inner = shape(n.get(0));
    if (inner == null) {
      return null;
    }
    for (JsonNode e : n) {
      List<Integer> other = shape(e);
      if (other == null || !other.equals(inner)) {
        return null;
      }
    }
    List<Integer> out = new ArrayList<>();
    out.add(n.size());
    out.addAll(inner);
    return out;
  }

  private static void flatten(JsonNode n, List<Double> out) {
    if (n.isNumber()) {
      out.add(n.asDouble());
    } else {
      n.forEach(e -> flatten(e, out));
    }
  }
}
