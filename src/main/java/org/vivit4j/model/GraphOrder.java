package org.vivit4j.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The structural checks of a graph and its topological order: unique names, inputs that exist, no
 * cycle, every node feeding the output. Kahn's algorithm takes the lowest listed index among the
 * ready nodes, so a list in which every node follows its inputs keeps its order.
 *
 * @param sorted listed indices of the nodes in topological order
 * @param inputs per sorted node, the values it reads: 0 the network input, {@code u + 1} the output
 *     of sorted node {@code u}
 */
record GraphOrder(int[] sorted, List<int[]> inputs) {

  static GraphOrder of(String path, String inputName, List<GraphNode> nodes, String output) {
    if (nodes.isEmpty()) {
      throw new InvalidInputException(path + ".nodes", "must contain at least one node");
    }
    Map<String, Integer> byName = new HashMap<>();
    for (int j = 0; j < nodes.size(); j++) {
      GraphNode node = nodes.get(j);
      if (node.name().equals(inputName)) {
        throw new InvalidInputException(
            node.where() + ".name", "'" + node.name() + "' is already the name of the graph input");
      }
      Integer before = byName.putIfAbsent(node.name(), j);
      if (before != null) {
        throw new InvalidInputException(
            node.where() + ".name",
            "'" + node.name() + "' is already the name of " + nodes.get(before).where());
      }
    }
    int k = nodes.size();
    List<List<Integer>> consumers = new ArrayList<>();
    int[] pending = new int[k];
    for (int j = 0; j < k; j++) {
      consumers.add(new ArrayList<>());
    }
    for (int j = 0; j < k; j++) {
      GraphNode node = nodes.get(j);
      for (int q = 0; q < node.inputs().size(); q++) {
        String in = node.inputs().get(q);
        if (in.equals(inputName)) {
          continue;
        }
        Integer from = byName.get(in);
        if (from == null) {
          throw new InvalidInputException(
              node.where() + ".inputs[" + q + "]",
              "'"
                  + in
                  + "' is neither the graph input '"
                  + inputName
                  + "' nor a node (node '"
                  + node.name()
                  + "')");
        }
        consumers.get(from).add(j);
        pending[j]++;
      }
    }
    Integer out = byName.get(output);
    if (out == null) {
      throw new InvalidInputException(
          path + ".output", "'" + output + "' is not the name of a node");
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int j = 0; j < k; j++) {
      if (pending[j] == 0) {
        ready.add(j);
      }
    }
    int[] sorted = new int[k];
    int[] position = new int[k];
    int done = 0;
    while (!ready.isEmpty()) {
      int j = ready.poll();
      position[j] = done;
      sorted[done++] = j;
      for (int c : consumers.get(j)) {
        if (--pending[c] == 0) {
          ready.add(c);
        }
      }
    }
    if (done < k) {
      throw cycle(nodes, byName, pending, inputName);
    }
    checkFeedsOutput(nodes, consumers, sorted, out, output);
    List<int[]> inputs = new ArrayList<>();
    for (int j : sorted) {
      GraphNode node = nodes.get(j);
      int[] values = new int[node.inputs().size()];
      for (int q = 0; q < values.length; q++) {
        String in = node.inputs().get(q);
        values[q] = in.equals(inputName) ? 0 : position[byName.get(in)] + 1;
      }
      inputs.add(values);
    }
    return new GraphOrder(sorted, inputs);
  }

  /**
   * The cycle through the first listed node left unsorted: every unsorted node reads another
   * unsorted node, so following those inputs must come back.
   */
  private static InvalidInputException cycle(
      List<GraphNode> nodes, Map<String, Integer> byName, int[] pending, String inputName) {
    int start = 0;
    while (pending[start] == 0) {
      start++;
    }
    List<Integer> walk = new ArrayList<>();
    int j = start;
    while (!walk.contains(j)) {
      walk.add(j);
      for (String in : nodes.get(j).inputs()) {
        Integer from = in.equals(inputName) ? null : byName.get(in);
        if (from != null && pending[from] > 0) {
          j = from;
          break;
        }
      }
    }
    List<Integer> loop = walk.subList(walk.indexOf(j), walk.size());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < loop.size(); i++) {
      int a = loop.get(i);
      int b = loop.get((i + 1) % loop.size());
      text.append(i == 0 ? "" : ", ")
          .append("'")
          .append(nodes.get(a).name())
          .append("' reads '")
          .append(nodes.get(b).name())
          .append("'");
    }
    GraphNode first = nodes.get(loop.get(0));
    return new InvalidInputException(
        first.where() + ".inputs",
        "node '" + first.name() + "' is on a cycle: " + text + "; a network graph must be acyclic");
  }

  /** Every node must reach the output node: anything else computes nothing the loss sees. */
  private static void checkFeedsOutput(
      List<GraphNode> nodes, List<List<Integer>> consumers, int[] sorted, int out, String output) {
    boolean[] feeds = new boolean[nodes.size()];
    // consumers come later in topological order: one pass from the end decides every node
    for (int i = sorted.length - 1; i >= 0; i--) {
      int j = sorted[i];
      feeds[j] = j == out || consumers.get(j).stream().anyMatch(c -> feeds[c]);
    }
    for (int j = 0; j < nodes.size(); j++) {
      if (!feeds[j]) {
        throw new InvalidInputException(
            nodes.get(j).where(),
            "node '"
                + nodes.get(j).name()
                + "' does not feed the output '"
                + output
                + "'; every node must lie on a path to it");
      }
    }
  }
}
