package org.vivit4j.api;

import java.util.Arrays;

/**
 * A parameter group: a subset of the network's parameter tensors (indices into {@link
 * org.vivit4j.model.NetworkSpec#params()}) with the criterion that selects its directions. Its GGN
 * block uses only the rows of {@code V} that belong to these tensors. Results are looked up by this
 * object or by its name.
 *
 * @param name a label for reports and look-ups, unique within a computation
 * @param params parameter-tensor indices, ascending and unique
 * @param criterion selects the kept eigen-directions
 */
public record ParamGroup(String name, int[] params, Criterion criterion) {
  public ParamGroup {
    params = params.clone();
  }

  @Override
  public int[] params() {
    return params.clone();
  }

  @Override
  public String toString() {
    return "ParamGroup[" + name + ", params=" + Arrays.toString(params) + ", " + criterion + "]";
  }
}
