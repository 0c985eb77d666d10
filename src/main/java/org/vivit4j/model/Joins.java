package org.vivit4j.model;

import java.util.List;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;

/** The errors the join specs ({@link AddSpec}, {@link ConcatSpec}) share. */
public final class Joins {
  private Joins() {}

  /** A join in the {@code model} list, which feeds each layer the previous one's output only. */
  public static InvalidInputException needsGraph(LayerSpec join, String where) {
    return new InvalidInputException(
        where,
        join.type()
            + " joins two or more inputs; it can only be a node of a graph (\"graph\" instead of"
            + " \"model\")");
  }

  public static void checkCount(LayerSpec join, List<int[]> in, String where) {
    if (in.size() < 2) {
      throw new InvalidInputException(
          where + ".inputs",
          "lists " + in.size() + " input but " + join.type() + " joins two or more");
    }
  }

  public static InvalidInputException mismatch(
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
