package org.vivit4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.AvgPool2dSpec;
import org.vivit4j.model.Conv2dSpec;
import org.vivit4j.model.DropoutSpec;
import org.vivit4j.model.FlattenSpec;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.LayerNormSpec;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LinearSpec;
import org.vivit4j.model.MaxPool2dSpec;
import org.vivit4j.model.NetworkSpec;

/** Builds the fast-path layer objects for a network spec: one line per layer type. */
public final class LayerRegistry {
  private LayerRegistry() {}

  /** The layers of {@code net} in order; a clear error for layer types not supported yet. */
  public static List<Layer> build(NetworkSpec net) {
    return build(net, ConvGramPolicy.defaults());
  }

  /**
   * As {@link #build(NetworkSpec)}, with Conv2d layers contracting their Gram by {@code convGram}.
   */
  public static List<Layer> build(NetworkSpec net, ConvGramPolicy convGram) {
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < net.layers().size(); i++) {
      LayerSpec spec = net.layers().get(i);
      int in = net.sizeBefore(i);
      Layer layer;
      if (spec instanceof LinearSpec l) {
        layer = new LinearLayer(l);
      } else if (spec instanceof ActivationSpec a) {
        layer = new ActivationLayer(a.activation(), a.param(), in);
      } else if (spec instanceof FlattenSpec) {
        layer = new FlattenLayer(in);
      } else if (spec instanceof IdentitySpec) {
        layer = new IdentityLayer(in, "Identity");
      } else if (spec instanceof DropoutSpec d) {
        layer = new IdentityLayer(in, "Dropout(p=" + d.p() + ", eval)");
      } else if (spec instanceof LayerNormSpec ln) {
        layer = new LayerNormLayer(ln, in);
      } else if (spec instanceof Conv2dSpec c) {
        layer = new Conv2dLayer("model[" + i + "]", c, net.shapeBefore(i), convGram);
      } else if (spec instanceof MaxPool2dSpec m) {
        layer = new MaxPool2dLayer(m, net.shapeBefore(i));
      } else if (spec instanceof AvgPool2dSpec a) {
        layer = new AvgPool2dLayer(a, net.shapeBefore(i));
      } else {
        throw new IllegalStateException("no fast-path layer for " + spec.type());
      }
      out.add(layer);
    }
    return out;
  }
}
