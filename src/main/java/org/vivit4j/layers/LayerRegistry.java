package org.vivit4j.layers;

import java.util.List;
import org.vivit4j.layers.types.LayerTypes;
import org.vivit4j.model.NetworkSpec;

/** Builds the fast-path layer objects for a network spec through {@link LayerTypes}. */
public final class LayerRegistry {
  private LayerRegistry() {}

  /** The layers of {@code net} in order. */
  public static List<Layer> build(NetworkSpec net) {
    return build(net, ConvGramPolicy.defaults());
  }

  /**
   * As {@link #build(NetworkSpec)}, with Conv2d layers contracting their Gram by {@code convGram}.
   */
  public static List<Layer> build(NetworkSpec net, ConvGramPolicy convGram) {
    return LayerTypes.build(net, convGram);
  }
}
