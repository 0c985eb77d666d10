package org.vivit4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of parameter tensors, as PyTorch's {@code state_dict} gives them. A network read from a
 * problem file's {@code model} list is an {@code nn.Sequential} of those layers, so its tensors are
 * named {@code "<layer index>.weight"} and {@code "<layer index>.bias"} ({@code "1.weight"} for the
 * first Linear after a Flatten); an imported ONNX model keeps its exporter's names.
 */
public final class ParamNames {
  private ParamNames() {}

  /** {@code "<layer>.<weight|bias>"} for every tensor, in {@link NetworkSpec#params()} order. */
  public static List<String> sequential(NetworkSpec network) {
    List<String> names = new ArrayList<>();
    for (ParamTensor p : network.params()) {
      names.add(p.layer() + "." + p.name());
    }
    return names;
  }
}
