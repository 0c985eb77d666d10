package org.vivit4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.GramSpace;

/**
 * {@link CanonicalSigns} from pieces offered in any order gives {@link GramSpace#canonicalSign} of
 * the whole vector (its two-pass twin): on vectors whose largest magnitudes tie within {@link
 * CanonicalSigns#TIE}, almost tie (just outside it), repeat with both signs, sit in the first or
 * last entry, or are all zero.
 */
class CanonicalSignsTest {

  @Test
  void piecesInAnyOrderGiveTheWholeVectorsSign() {
    Random rnd = new Random(7);
    int checked = 0;
    int negative = 0;
    for (int trial = 0; trial < 2000; trial++) {
      int d = 1 + rnd.nextInt(300);
      double[] e = new double[d];
      for (int i = 0; i < d; i++) {
        e[i] = rnd.nextInt(10) == 0 ? 0 : rnd.nextDouble() * 2 - 1;
      }
      double m = 1 + rnd.nextDouble();
      // a few entries near the top: exact ties, ties within TIE, just outside, of either sign
      double[] near = {1, 1 - 0.4e-12, 1 - 0.9e-12, 1 - 1.5e-12, 1 - 3e-12};
      int count = rnd.nextInt(5);
      for (int j = 0; j < count; j++) {
        int at = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? 0 : d - 1) : rnd.nextInt(d);
        e[at] = (rnd.nextBoolean() ? 1 : -1) * m * near[rnd.nextInt(near.length)];
      }
      if (trial % 100 == 0) {
        java.util.Arrays.fill(e, trial % 200 == 0 ? 0.0 : -0.0);
      }
      double expected = GramSpace.canonicalSign(e);
      negative += expected < 0 ? 1 : 0;
      // cut into pieces, offered in a shuffled order, next to a second vector's pieces
      List<int[]> pieces = new ArrayList<>();
      for (int from = 0; from < d; ) {
        int len = 1 + rnd.nextInt(Math.max(1, d / 3));
        len = Math.min(len, d - from);
        pieces.add(new int[] {from, len});
        from += len;
      }
      Collections.shuffle(pieces, rnd);
      CanonicalSigns signs = new CanonicalSigns(2);
      double[] other = new double[d];
      for (int i = 0; i < d; i++) {
        other[i] = -e[d - 1 - i];
      }
      for (int[] p : pieces) {
        double[] copy = new double[p[1] + 3];
        System.arraycopy(e, p[0], copy, 3, p[1]);
        signs.offer(1, copy, 3, p[1], p[0]);
        signs.offer(0, other, p[0], p[1], p[0]);
      }
      assertEquals(expected, signs.sign(1), "trial " + trial + " (" + d + " entries)");
      assertEquals(GramSpace.canonicalSign(other), signs.sign(0), "trial " + trial + " other");
      checked++;
    }
    assertEquals(2000, checked);
    // both signs occur, so a tracker answering +1 always would fail
    assertEquals(true, negative > 100 && negative < 1900, negative + " negative of 2000");
  }
}
