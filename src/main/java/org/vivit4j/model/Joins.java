package org.vivit4j.model;

import java.util.List;

/** The errors the join specs ({@link AddSpec}, {@link ConcatSpec}) share. */
final class Joins {
  private Joins() {}

  /** A join in the {@code model} list, which feeds each layer the previous one's output only. */
  static InvalidInputException needsGraph(LayerSpec join, String where) {
    return new InvalidInputException(
        where,
        join.type()
            + " joins two or more inputs; it can only be a node of a graph (\"graph\" instead of"
            + " \"model\")");
  }

  static void checkCount(LayerSpec join, List<int[]> in, String where) {
    if (in.size() < 2) {
      throw new InvalidInputException(
          where + ".inputs",
          "lists " + in.size() + " input but " + join.type() + " joins two or more");
    }
  }

  static InvalidInputException mismatch(
      LayerSpec join, List<int[]> in, int j, String rule, String where) {
    return new InvalidInputException(
        where + ".inputs[" + j + "]",
        "has shape "
            + java.util.Arrays.toString(in.get(j))
            + " but inputs[0] has "
            + java.util.Arrays.toString(in.get(0))
            + ": "
            + join.type()
            + " needs "
            + rule);
  }
}
