package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * Concatenation along channels, {@code torch.cat([a_1, …, a_k], dim=1)}: per-sample shapes {@code
 * [C_j, …]} with equal trailing dimensions give {@code [Σ_j C_j, …]} (flat {@code [D_j]} samples
 * give {@code [Σ_j D_j]}). In C order each sample's output is its inputs' values one after another.
 * No parameters; a join: it needs the graph form.
 */
public record ConcatSpec() implements LayerSpec {
  @Override
  public String type() {
    return "concat";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    throw Joins.needsGraph(this, where);
  }

  @Override
  public int[] outputShape(List<int[]> in, String where) {
    Joins.checkCount(this, in, where);
    int[] first = in.get(0);
    long channels = 0;
    for (int j = 0; j < in.size(); j++) {
      int[] s = in.get(j);
      if (s.length != first.length
          || !Arrays.equals(
              Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(first, 1, first.length))) {
        throw Joins.mismatch(
            this, in, j, "inputs that agree in every dimension but the first (channels)", where);
      }
      channels += s[0];
    }
    int[] out = first.clone();
    out[0] = ArraySizes.checked(channels, where, "the concatenated channels");
    return out;
  }
}
