package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * The residual sum {@code z = Σ_j s_j a_j} of two or more inputs of one shape (BackPACK's {@code
 * SumModule}, with a scale per branch; {@code torch.add(a, b, alpha=s)} is {@code s = [1, s]}): no
 * parameters, the output has the inputs' shape. A join: it needs the graph form.
 *
 * @param scales {@code s_j}, one finite number per input, in input order; {@code null}: 1 for every
 *     input
 */
public record AddSpec(double[] scales) implements LayerSpec {
  public AddSpec {
    scales = scales == null ? null : scales.clone();
  }

  /** The plain sum: scale 1 on every input. */
  public static AddSpec plain() {
    return new AddSpec(null);
  }

  @Override
  public double[] scales() {
    return scales == null ? null : scales.clone();
  }

  /** {@code s_j} for a node with {@code k} inputs. */
  public double[] scalesFor(int k) {
    if (scales == null) {
      double[] s = new double[k];
      Arrays.fill(s, 1.0);
      return s;
    }
    return scales.clone();
  }

  @Override
  public String type() {
    return "add";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    throw Joins.needsGraph(this, where);
  }

  @Override
  public int[] outputShape(List<int[]> in, String where) {
    Joins.checkCount(this, in, where);
    if (scales != null && scales.length != in.size()) {
      throw new InvalidInputException(
          where + ".scales",
          "has " + scales.length + " entries but the node has " + in.size() + " inputs");
    }
    for (int j = 1; j < in.size(); j++) {
      if (!Arrays.equals(in.get(j), in.get(0))) {
        throw Joins.mismatch(this, in, j, "all inputs of one shape", where);
      }
    }
    return in.get(0).clone();
  }

  @Override
  public void checkHyperParameters(String where) {
    if (scales == null) {
      return;
    }
    for (int j = 0; j < scales.length; j++) {
      if (!Double.isFinite(scales[j])) {
        throw new InvalidInputException(
            where + ".scales[" + j + "]", "is " + scales[j] + "; it must be finite");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddSpec a && Arrays.equals(scales, a.scales);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(scales);
  }

  @Override
  public String toString() {
    return "AddSpec" + (scales == null ? "" : Arrays.toString(scales));
  }
}
