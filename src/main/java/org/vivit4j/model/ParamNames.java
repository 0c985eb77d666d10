package org.vivit4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of parameter tensors, as PyTorch's {@code state_dict} gives them. A network read from a
 * problem file's {@code model} list is an {@code nn.Sequential} of those layers, so its tensors are
 * named {@code "<layer index>.weight"} and {@code "<layer index>.bias"} ({@code "1.weight"} for the
 * first Linear after a Flatten); a graph's are {@code "<node name>.weight"} and {@code "<node
 * name>.bias"}; an imported ONNX model keeps its exporter's names.
 */
public final class ParamNames {
  private ParamNames() {}

  /**
   * {@code "<node name>.<weight|bias>"} for every tensor, in {@link NetworkSpec#params()} order (a
   * chain's nodes are named by their index).
   */
  public static List<String> of(NetworkSpec network) {
    List<String> names = new ArrayList<>();
    for (ParamTensor p : network.params()) {
      names.add(network.nodeName(p.layer()) + "." + p.name());
    }
    return names;
  }
}
