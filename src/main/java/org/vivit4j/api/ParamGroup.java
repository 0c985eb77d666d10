package org.vivit4j.api;

import java.util.Arrays;
import java.util.List;

/**
 * A parameter group: a subset of the network's parameter tensors (indices into {@link
 * org.vivit4j.model.NetworkSpec#params()}) with the criterion that selects its directions. Its GGN
 * block uses only the rows of {@code V} that belong to these tensors. Results are looked up by this
 * object or by its name.
 *
 * @param name a label for reports and look-ups, unique within a computation
 * @param params parameter-tensor indices, ascending and unique
 * @param criterion selects the kept eigen-directions
 * @param paramNames the tensors' names, one per entry of {@code params} (PyTorch's {@code
 *     state_dict} names, see {@link org.vivit4j.model.ParamNames}), or {@code null} when the group
 *     was built without them
 */
public record ParamGroup(String name, int[] params, Criterion criterion, List<String> paramNames) {
  public ParamGroup {
    params = params.clone();
    if (paramNames != null) {
      paramNames = List.copyOf(paramNames);
      if (paramNames.size() != params.length) {
        throw new IllegalArgumentException(
            paramNames.size() + " names for " + params.length + " parameter tensors");
      }
    }
  }

  /** A group without parameter names. */
  public ParamGroup(String name, int[] params, Criterion criterion) {
    this(name, params, criterion, null);
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
