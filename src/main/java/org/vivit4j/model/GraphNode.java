package org.vivit4j.model;

import java.util.List;

/**
 * One node of a network graph as a problem file or the API gives it: its unique {@code name}, the
 * layer or join it computes, and the names of the values it reads (the graph input or other nodes'
 * outputs), in order.
 *
 * @param name unique among the graph's nodes and different from its input; names the node's
 *     parameters {@code <name>.weight}, {@code <name>.bias}
 * @param spec the layer (one input) or join ({@code add}, {@code concat}: two or more)
 * @param inputs the names of the values it reads
 * @param where the node's field path for errors, e.g. {@code graph.nodes[3]}
 */
public record GraphNode(String name, LayerSpec spec, List<String> inputs, String where) {
  public GraphNode {
    inputs = List.copyOf(inputs);
  }
}
