package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A place in a JSON tree: the container holding a value and its key (objects) or index (arrays),
 * with the value's path in the notation of the error messages ({@code model[2].weight[0][1]}).
 */
record Slot(JsonNode parent, String key, int index, String path) {

  JsonNode value() {
    return key != null ? parent.get(key) : parent.get(index);
  }

  /** Replaces the value held here. */
  void set(JsonNode v) {
    if (key != null) {
      ((ObjectNode) parent).set(key, v);
    } else {
      ((ArrayNode) parent).set(index, v);
    }
  }

  /** Every slot of the tree, depth first in document order. */
  static List<Slot> all(ObjectNode root) {
    List<Slot> out = new ArrayList<>();
    collect(root, "", out);
    return out;
  }

  private static void collect(JsonNode node, String path, List<Slot> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        out.add(new Slot(node, e.getKey(), -1, p));
        collect(e.getValue(), p, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String p = path + "[" + i + "]";
        out.add(new Slot(node, null, i, p));
        collect(node.get(i), p, out);
      }
    }
  }

  /**
   * A slot reached by a random walk from the root that stops at each container with probability 1/3
   * (and always at a leaf or an empty container): every level of the structure is hit, not mostly
   * the entries of the largest arrays as a uniform pick over all slots would.
   */
  static Slot walk(ObjectNode root, SplittableRandom rnd) {
    JsonNode node = root;
    String path = "";
    Slot slot = null;
    while (true) {
      if (node.size() == 0 || !(node.isObject() || node.isArray())) {
        return slot;
      }
      if (node.isObject()) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        String k = keys.get(rnd.nextInt(keys.size()));
        path = path.isEmpty() ? k : path + "." + k;
        slot = new Slot(node, k, -1, path);
      } else {
        int i = rnd.nextInt(node.size());
        path = path + "[" + i + "]";
        slot = new Slot(node, null, i, path);
      }
      node = slot.value();
      if (rnd.nextInt(3) == 0) {
        return slot;
      }
    }
  }
}
