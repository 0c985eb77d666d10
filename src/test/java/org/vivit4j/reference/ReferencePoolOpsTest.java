package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vivit4j.reference.ReferenceTestSupport.randn;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference's pooling operations: forward values against textbook definitions on explicitly
 * padded inputs, PyTorch's tie rule, and first and second derivatives against finite differences.
 */
class ReferencePoolOpsTest {
  /** {@code [C, H, W, kh, kw, sh, sw, ph, pw, dh, dw]}. */
  static final int[][] GEOMETRIES = {
    {2, 5, 6, 2, 2, 2, 2, 0, 0, 1, 1},
    {1, 6, 5, 3, 2, 1, 2, 1, 1, 1, 1},
    {2, 7, 6, 3, 3, 2, 1, 1, 0, 2, 1},
    {3, 4, 4, 1, 1, 1, 1, 0, 0, 1, 1},
    {1, 5, 7, 2, 3, 3, 1, 1, 1, 1, 2},
  };

  private static int[] pair(int[] g, int i) {
    return new int[] {g[i], g[i + 1]};
  }

  private static int[] shape(int[] g) {
    return new int[] {g[0], g[1], g[2]};
  }

  private static double[] input(long seed, int[] g) {
    return randn(new Random(seed), g[0] * g[1] * g[2], 1.0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void maxPoolMatchesTheMaxOverThePaddedWindow(int which) {
    int[] g = GEOMETRIES[which];
    double[] x = input(10 + which, g);
    Tape tape = new Tape();
    double[] y =
        PoolOps.maxPool2d(
                tape.constant(x, shape(g)), pair(g, 3), pair(g, 5), pair(g, 7), pair(g, 9))
            .value();
    assertArrayEquals(naivePool(x, g, true), y, 0.0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void avgPoolMatchesTheZeroPaddedMean(int which) {
    int[] g = GEOMETRIES[which].clone();
    g[9] = 1;
    g[10] = 1;
    double[] x = input(20 + which, g);
    Tape tape = new Tape();
    double[] y =
        PoolOps.avgPool2d(tape.constant(x, shape(g)), pair(g, 3), pair(g, 5), pair(g, 7)).value();
    assertArrayEquals(naivePool(x, g, false), y, 1e-15);
  }

  /** −∞ (max) or 0 (mean) padding made explicit, then the window's max or sum / (kh·kw). */
  private static double[] naivePool(double[] x, int[] g, boolean max) {
    int c = g[0];
    int hp = g[1] + 2 * g[7];
    int wp = g[2] + 2 * g[8];
    double[][][] p = new double[c][hp][wp];
    for (int cc = 0; cc < c; cc++) {
      for (int i = 0; i < hp; i++) {
        for (int j = 0; j < wp; j++) {
          int h = i - g[7];
          int w = j - g[8];
          boolean inside = h >= 0 && h < g[1] && w >= 0 && w < g[2];
          p[cc][i][j] =
              inside ? x[(cc * g[1] + h) * g[2] + w] : max ? Double.NEGATIVE_INFINITY : 0.0;
        }
      }
    }
    int ho = (hp - g[9] * (g[3] - 1) - 1) / g[5] + 1;
    int wo = (wp - g[10] * (g[4] - 1) - 1) / g[6] + 1;
    double[] y = new double[c * ho * wo];
    for (int cc = 0; cc < c; cc++) {
      for (int i = 0; i < ho; i++) {
        for (int j = 0; j < wo; j++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
          for (int a = 0; a < g[3]; a++) {
            for (int b = 0; b < g[4]; b++) {
              double v = p[cc][i * g[5] + a * g[9]][j * g[6] + b * g[10]];
              acc = max ? Math.max(acc, v) : acc + v;
            }
          }
          y[(cc * ho + i) * wo + j] = max ? acc : acc / (g[3] * g[4]);
        }
      }
    }
    return y;
  }

  @Test
  void maxPoolRoutesTiesToTheFirstMaximumInWindowOrder() {
    // one 2×3 window [[1, 3, 2], [3, 3, 0]]: the maximum 3 first appears at (0, 1)
    Tape tape = new Tape();
    Node x = tape.leaf(new double[] {1, 3, 2, 3, 3, 0}, 1, 2, 3);
    Node y =
        PoolOps.maxPool2d(
            x, new int[] {2, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});
    Node[] grad = tape.backward(y, new double[] {1.0}, false, x);
    assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0}, grad[0].value(), 0.0);
    // all equal: the first position of the window
    Tape t2 = new Tape();
    Node z = t2.leaf(new double[] {5, 5, 5, 5}, 1, 2, 2);
    Node m =
        PoolOps.maxPool2d(
            z, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1});
    assertArrayEquals(
        new double[] {1, 0, 0, 0}, t2.backward(m, new double[] {1.0}, false, z)[0].value(), 0.0);
  }

  @Test
  void maxPoolPaddingNeverWins() {
    // all inputs negative: zero padding would win if padding were read as 0
    Tape tape = new Tape();
    Node x = tape.leaf(new double[] {-4, -2, -3, -1}, 1, 2, 2);
    Node y =
        PoolOps.maxPool2d(
            x, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
    assertArrayEquals(new double[] {-4, -2, -2, -3, -1, -1, -3, -1, -1}, y.value(), 0.0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void maxPoolDerivativesMatchFiniteDifferences(int which) {
    int[] g = GEOMETRIES[which];
    double[][] x = {input(30 + which, g)};
    int[][] shapes = {shape(g)};
    ReferenceTapeGradientTest.Op op =
        a -> Ops.tanh(PoolOps.maxPool2d(a[0], pair(g, 3), pair(g, 5), pair(g, 7), pair(g, 9)));
    ReferenceTapeGradientTest.checkFirstOrder(op, x, shapes, 40 + which);
    ReferenceTapeGradientTest.checkSecondOrder(op, x, shapes, 50 + which);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void avgPoolDerivativesMatchFiniteDifferences(int which) {
    int[] g = GEOMETRIES[which];
    double[][] x = {input(60 + which, g)};
    int[][] shapes = {shape(g)};
    ReferenceTapeGradientTest.Op op =
        a -> Ops.sigmoid(PoolOps.avgPool2d(a[0], pair(g, 3), pair(g, 5), pair(g, 7)));
    ReferenceTapeGradientTest.checkFirstOrder(op, x, shapes, 70 + which);
    ReferenceTapeGradientTest.checkSecondOrder(op, x, shapes, 80 + which);
  }

  @Test
  void invalidHyperParametersAreRejected() {
    Tape tape = new Tape();
    Node x = tape.constant(new double[9], 1, 3, 3);
    int[] one = {1, 1};
    assertThrows(
        IllegalArgumentException.class,
        () -> PoolOps.maxPool2d(x, new int[] {2, 2}, one, new int[] {2, 0}, one));
    assertThrows(
        IllegalArgumentException.class,
        () -> PoolOps.avgPool2d(x, new int[] {5, 1}, one, new int[] {0, 0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PoolOps.maxPool2d(tape.constant(new double[3], 3), one, one, new int[2], one));
  }
}
