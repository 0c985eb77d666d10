package org.vivit4j.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * The canonical signs of K parameter-space vectors ({@code GramSpace.canonicalSign}: +1 when the
 * largest-magnitude entry is positive; entries within {@link #TIE} (relative) of the largest
 * magnitude are ties and the first of them by index decides; +1 for a zero vector) from pieces of
 * the vectors offered in any order, so that a {@code V·w} that only needs the signs never stores
 * the vectors: a layer offers each tile of its products while it is in cache.
 *
 * <p>Per vector it keeps the largest magnitude {@code M} so far and the entries within {@code TIE}
 * of it ("candidates", with their indices). {@code M} only grows, so an entry below {@code M·(1 −
 * TIE)} at any time is below the final bound too and can be dropped; at the end the candidate with
 * the smallest index is the first tie of the whole vector.
 */
public final class CanonicalSigns {
  /** Relative distance below the largest magnitude within which entries tie. */
  public static final double TIE = 1e-12;

  private final double[] max;
  private final List<List<double[]>> candidates = new ArrayList<>();

  /** Signs of {@code vectors} vectors, nothing offered yet. */
  public CanonicalSigns(int vectors) {
    this.max = new double[vectors];
    for (int k = 0; k < vectors; k++) {
      candidates.add(new ArrayList<>());
    }
  }

  /** Number of vectors. */
  public int vectors() {
    return max.length;
  }

  /**
   * Offers entries {@code data[from … from + len)} of vector {@code k}, whose first is the vector's
   * entry {@code index}; every entry of a vector must be offered once, in any order.
   */
  public void offer(int k, double[] data, int from, int len, long index) {
    double m = 0;
    for (int i = from; i < from + len; i++) {
      double a = Math.abs(data[i]); // not Math.max: its NaN and −0 rules cost a branch per entry
      if (a > m) {
        m = a;
      }
    }
    if (m == 0) {
      return; // zeros decide only a zero vector, whose sign is +1 either way
    }
    List<double[]> c = candidates.get(k);
    if (m > max[k]) {
      max[k] = m;
      double bound = m * (1 - TIE);
      c.removeIf(e -> Math.abs(e[1]) < bound);
    }
    double bound = max[k] * (1 - TIE);
    if (m < bound) {
      return;
    }
    for (int i = from; i < from + len; i++) {
      if (Math.abs(data[i]) >= bound) {
        c.add(new double[] {index + (i - from), data[i]});
      }
    }
  }

  /**
   * Whether an entry of vector {@code k} as large as {@code bound} would be kept as a candidate
   * now: an entry whose magnitude is surely below a {@code bound} that cannot reach may be skipped.
   */
  public boolean mayReach(int k, double bound) {
    return bound >= max[k] * (1 - TIE);
  }

  /** The sign of vector {@code k} from everything offered. */
  public double sign(int k) {
    double[] first = null;
    for (double[] e : candidates.get(k)) {
      if (first == null || e[0] < first[0]) {
        first = e;
      }
    }
    return first == null || first[1] >= 0 ? 1 : -1;
  }

  /** Every vector's sign. */
  public double[] signs() {
    double[] s = new double[max.length];
    for (int k = 0; k < s.length; k++) {
      s[k] = sign(k);
    }
    return s;
  }
}
