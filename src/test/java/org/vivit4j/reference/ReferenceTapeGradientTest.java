package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vivit4j.reference.ReferenceTestSupport.randn;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every tape operation against central finite differences: first derivatives of {@code φ(x) = ⟨w,
 * op(x)⟩} for a random {@code w}, and, for the smooth operations, second derivatives
 * (Hessian-vector products of φ from a recorded backward pass against finite differences of the
 * tape gradient).
 */
class ReferenceTapeGradientTest {
  private static final double H = 1e-6;
  private static final double TOL = 1e-7;
  private static final double H2 = 1e-5;
  private static final double TOL2 = 1e-6;

  /** A tape operation of several inputs. */
  interface Op extends Function<Node[], Node> {}

  /** Inputs {@code shapes}, each filled from a seeded Gaussian. */
  private static double[][] inputs(long seed, int[]... shapes) {
    Random rng = new Random(seed);
    double[][] x = new double[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      x[i] = randn(rng, Node.numel(shapes[i]), 1.0);
    }
    return x;
  }

  private static Node[] leaves(Tape tape, double[][] x, int[][] shapes) {
    Node[] n = new Node[x.length];
    for (int i = 0; i < x.length; i++) {
      n[i] = tape.leaf(x[i], shapes[i]);
    }
    return n;
  }

  private static double phi(Op op, double[][] x, int[][] shapes, double[] w) {
    Tape tape = new Tape();
    return ReferenceTestSupport.dot(op.apply(leaves(tape, x, shapes)).data(), w);
  }

  /** Tape gradient of {@code ⟨w, op(x)⟩} vs central differences, for every input. */
  static void checkFirstOrder(Op op, double[][] x, int[][] shapes, long seed) {
    Tape tape = new Tape();
    Node[] in = leaves(tape, x, shapes);
    Node out = op.apply(in);
    double[] w = randn(new Random(seed), out.numel(), 1.0);
    Node[] grads = tape.backward(out, w, false, in);
    for (int i = 0; i < x.length; i++) {
      assertArrayEquals(shapes[i], grads[i].shape(), "adjoint shape of input " + i);
      double[] fd = new double[x[i].length];
      for (int j = 0; j < fd.length; j++) {
        double[][] plus = copy(x);
        double[][] minus = copy(x);
        plus[i][j] += H;
        minus[i][j] -= H;
        fd[j] = (phi(op, plus, shapes, w) - phi(op, minus, shapes, w)) / (2 * H);
      }
      double err = fdErr(grads[i].value(), fd);
      assertTrue(err < TOL, "input " + i + ": tape vs finite differences " + err);
    }
  }

  /**
   * Second order: with {@code ∇φ} recorded, {@code ∂⟨v, ∇_{x_i}φ⟩/∂x_l} from a second backward pass
   * against central differences of {@code ⟨v, ∇_{x_i}φ⟩} (first-order tape gradients).
   */
  static void checkSecondOrder(Op op, double[][] x, int[][] shapes, long seed) {
    Random rng = new Random(seed);
    double[] w;
    {
      Tape probe = new Tape();
      w = randn(rng, op.apply(leaves(probe, x, shapes)).numel(), 1.0);
    }
    for (int i = 0; i < x.length; i++) {
      double[] v = randn(rng, x[i].length, 1.0);
      Tape tape = new Tape();
      Node[] in = leaves(tape, x, shapes);
      Node gi = tape.backward(op.apply(in), w, true, in)[i];
      Node[] hv = tape.backward(gi, v, false, in);
      for (int l = 0; l < x.length; l++) {
        double[] fd = new double[x[l].length];
        for (int j = 0; j < fd.length; j++) {
          double[][] plus = copy(x);
          double[][] minus = copy(x);
          plus[l][j] += H2;
          minus[l][j] -= H2;
          fd[j] = (vGrad(op, plus, shapes, w, v, i) - vGrad(op, minus, shapes, w, v, i)) / (2 * H2);
        }
        double err = fdErr(hv[l].value(), fd);
        assertTrue(err < TOL2, "d/dx" + l + " <v, dphi/dx" + i + ">: " + err);
      }
    }
  }

  private static double vGrad(Op op, double[][] x, int[][] shapes, double[] w, double[] v, int i) {
    Tape tape = new Tape();
    Node[] in = leaves(tape, x, shapes);
    return ReferenceTestSupport.dot(tape.backward(op.apply(in), w, false, in)[i].data(), v);
  }

  /** {@code max|tape − fd| / max(max|fd|, 1e-3)}: relative, absolute for (near-)zero values. */
  private static double fdErr(double[] tape, double[] fd) {
    assertEquals(fd.length, tape.length, "adjoint size");
    double diff = 0.0;
    for (int i = 0; i < fd.length; i++) {
      diff = Math.max(diff, Math.abs(tape[i] - fd[i]));
    }
    return diff / Math.max(ReferenceTestSupport.maxAbs(fd), 1e-3);
  }

  private static double[][] copy(double[][] x) {
    double[][] c = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i].clone();
    }
    return c;
  }

  private static void checkBoth(Op op, long seed, int[]... shapes) {
    double[][] x = inputs(seed, shapes);
    checkFirstOrder(op, x, shapes, seed + 1);
    checkSecondOrder(op, x, shapes, seed + 2);
  }

  // ------------------------------------------------------------------ element-wise

  @Test
  void binaryElementwise() {
    int[] s = {2, 3};
    checkBoth(a -> Ops.add(a[0], a[1]), 1, s, s);
    checkBoth(a -> Ops.sub(a[0], a[1]), 2, s, s);
    checkBoth(a -> Ops.mul(a[0], a[1]), 3, s, s);
    checkBoth(a -> Ops.mul(a[0], a[0]), 4, s);
  }

  @Test
  void unaryElementwise() {
    int[] s = {5};
    checkBoth(a -> Ops.affine(a[0], -1.7, 0.3), 10, s);
    checkBoth(a -> Ops.exp(a[0]), 11, s);
    checkBoth(a -> Ops.sigmoid(a[0]), 12, s);
    checkBoth(a -> Ops.tanh(a[0]), 13, s);
    checkBoth(a -> Ops.sigmoid(Ops.affine(a[0], 8.0, 0.0)), 14, s);
  }

  @Test
  void reluAwayFromKink() {
    double[][] x = {{-1.3, 0.7, 2.1, -0.4, 0.05, -2.2}};
    int[][] shapes = {{6}};
    checkFirstOrder(a -> Ops.relu(a[0]), x, shapes, 20);
    checkSecondOrder(a -> Ops.mul(Ops.relu(a[0]), Ops.relu(a[0])), x, shapes, 21);
    Tape t = new Tape();
    assertArrayEquals(
        new double[] {0, 0.7, 2.1, 0, 0.05, 0},
        Ops.relu(t.leaf(x[0], 6)).value(),
        0.0,
        "relu values");
  }

  @Test
  void piecewiseActivationsAwayFromTheKink() {
    double[][] x = {{-1.3, 0.7, 2.1, -0.4, 0.05, -2.2}};
    int[][] shapes = {{6}};
    checkFirstOrder(a -> Ops.leakyRelu(a[0], 0.2), x, shapes, 22);
    checkFirstOrder(a -> Ops.leakyRelu(a[0], -0.7), x, shapes, 23);
    // ELU/SELU are smooth away from 0 in their negative branch: second order too
    checkFirstOrder(a -> Ops.elu(a[0], 1.3, 1.0), x, shapes, 24);
    checkSecondOrder(a -> Ops.elu(a[0], 1.3, 1.0), x, shapes, 25);
    checkSecondOrder(a -> Ops.elu(a[0], 1.6732632423543772, 1.0507009873554805), x, shapes, 26);
    Tape t = new Tape();
    assertArrayEquals(
        new double[] {-0.26, 0.7, 2.1, -0.08, 0.05, -0.44},
        Ops.leakyRelu(t.leaf(x[0], 6), 0.2).value(),
        1e-15,
        "leaky_relu values");
    assertEquals(2.0 * Math.expm1(-0.4), Ops.elu(t.leaf(new double[] {-0.4}, 1), 2.0, 1.0).item());
    // At 0 the lower branch is used, as PyTorch's backward: slope, α, λα.
    Node zero = t.leaf(new double[] {0.0}, 1);
    assertEquals(
        0.2, t.backward(Ops.leakyRelu(zero, 0.2), new double[] {1}, false, zero)[0].item());
    assertEquals(1.5, t.backward(Ops.elu(zero, 1.5, 1.0), new double[] {1}, false, zero)[0].item());
  }

  @Test
  void reciprocalSquareRoot() {
    double[][] x = {{0.3, 1.7, 4.0, 0.05}};
    int[][] shapes = {{4}};
    checkFirstOrder(a -> Ops.rsqrt(a[0]), x, shapes, 27);
    checkSecondOrder(a -> Ops.rsqrt(a[0]), x, shapes, 28);
    assertEquals(0.5, Ops.rsqrt(new Tape().leaf(new double[] {4.0}, 1)).item());
  }

  @Test
  void layerNormOfASample() {
    org.vivit4j.layers.LayerNormLayer.LayerNormSpec ln =
        new org.vivit4j.layers.LayerNormLayer.LayerNormSpec(
            new int[] {3}, 1e-5, new double[3], new double[3]);
    checkBoth(
        a -> LayerNormOps.layerNorm(a[0], ln, a[1], a[2]),
        29,
        new int[] {2, 3},
        new int[] {3},
        new int[] {3});
    org.vivit4j.layers.LayerNormLayer.LayerNormSpec plain =
        new org.vivit4j.layers.LayerNormLayer.LayerNormSpec(new int[] {2, 3}, 1e-3, null, null);
    checkBoth(a -> LayerNormOps.layerNorm(a[0], plain, null, null), 39, new int[] {2, 2, 3});
    // The definition: zero mean, unit biased variance (up to eps) per normalised group.
    Tape t = new Tape();
    double[] y =
        LayerNormOps.layerNorm(t.leaf(new double[] {1, 2, 3, 10, 20, 60}, 2, 3), plain, null, null)
            .value();
    double mean = 0;
    double sq = 0;
    for (double v : y) {
      mean += v / 6;
      sq += v * v / 6;
    }
    assertEquals(0.0, mean, 1e-14);
    assertEquals(1.0, sq, 1e-5);
  }

  @Test
  void activationsAreStableForLargeInputs() {
    Tape t = new Tape();
    double[] big = {-800, -40, 40, 800};
    double[] s = Ops.sigmoid(t.leaf(big, 4)).value();
    double e = Math.exp(-40);
    // σ(−40) ≈ 4.2e-18 must keep its relative accuracy, σ(±800) must not become NaN.
    assertArrayEquals(new double[] {0.0, e / (1 + e), 1 / (1 + e), 1.0}, s, 0.0);
    double lse = Ops.logSumExp(t.leaf(new double[] {1000, 1000}, 2)).item();
    assertEquals(1000 + Math.log(2), lse, 1e-12);
  }

  // ------------------------------------------------------------------ shapes and reductions

  @Test
  void shapesAndReductions() {
    checkBoth(a -> Ops.reshape(Ops.mul(a[0], a[0]), 3, 2), 30, new int[] {2, 3});
    checkBoth(a -> Ops.mul(Ops.expandRows(a[0], 3), Ops.expandRows(a[0], 3)), 31, new int[] {4});
    checkBoth(a -> Ops.sumRows(Ops.mul(a[0], a[0])), 32, new int[] {3, 4});
    checkBoth(a -> Ops.mul(Ops.sum(a[0]), Ops.mean(a[0])), 33, new int[] {2, 2, 3});
    checkBoth(a -> Ops.mul(Ops.broadcast(a[0], 2, 3), a[1]), 34, new int[0], new int[] {2, 3});
    checkBoth(a -> Ops.mul(Ops.pick(a[0], 4), Ops.pick(a[0], 1)), 35, new int[] {2, 3});
    checkBoth(a -> Ops.mul(Ops.scatter(a[0], 2, 5), a[1]), 36, new int[0], new int[] {5});
  }

  @Test
  void logSumExpAndLogSoftmax() {
    checkBoth(a -> Ops.logSumExp(a[0]), 40, new int[] {6});
    checkBoth(a -> Ops.logSoftmax(a[0]), 41, new int[] {4});
    checkBoth(a -> Ops.logSoftmax(Ops.affine(a[0], 30.0, 0.0)), 42, new int[] {3});
  }

  // ------------------------------------------------------------------ matrices

  @Test
  void matrixOps() {
    checkBoth(a -> Ops.matvec(a[0], a[1]), 50, new int[] {3, 4}, new int[] {4});
    checkBoth(a -> Ops.transpose(Ops.mul(a[0], a[0])), 51, new int[] {2, 5});
    checkBoth(a -> Ops.outer(a[0], a[1]), 52, new int[] {3}, new int[] {2});
    checkBoth(
        a -> Ops.tanh(Ops.matvec(a[0], Ops.sigmoid(Ops.matvec(a[1], a[2])))),
        53,
        new int[] {2, 3},
        new int[] {3, 4},
        new int[] {4});
  }

  // ------------------------------------------------------------------ conv2d

  /** {@code [C, H, W, O, kh, kw, sh, sw, ph, pw, dh, dw]}. */
  static final int[][] CONV_GEOMETRIES = {
    {2, 5, 6, 3, 2, 3, 1, 1, 0, 0, 1, 1},
    {1, 6, 5, 2, 3, 1, 2, 1, 1, 2, 1, 2},
    {2, 7, 6, 2, 2, 2, 2, 3, 2, 0, 2, 1},
    {3, 4, 4, 2, 1, 1, 1, 1, 0, 0, 1, 1},
    {1, 5, 7, 1, 3, 2, 3, 2, 1, 1, 1, 3},
  };

  private static int[][] convShapes(int[] g) {
    int[] stride = {g[6], g[7]};
    int[] pad = {g[8], g[9]};
    int[] dil = {g[10], g[11]};
    ConvOps.Geometry geo =
        new ConvOps.Geometry(
            new int[] {g[0], g[1], g[2]}, new int[] {g[3], g[0], g[4], g[5]}, stride, pad, dil);
    return new int[][] {geo.xShape, geo.wShape, geo.yShape};
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void conv2dAndItsAdjoints(int which) {
    int[] g = CONV_GEOMETRIES[which];
    int[] stride = {g[6], g[7]};
    int[] pad = {g[8], g[9]};
    int[] dil = {g[10], g[11]};
    int[][] s = convShapes(g);
    ConvOps.Geometry geo = new ConvOps.Geometry(s[0], s[1], stride, pad, dil);
    long seed = 100 + which * 10L;
    checkBoth(a -> ConvOps.conv2d(a[0], a[1], stride, pad, dil), seed, s[0], s[1]);
    checkBoth(a -> ConvOps.convTranspose(a[0], a[1], geo), seed + 3, s[2], s[1]);
    checkBoth(a -> ConvOps.weightGrad(a[0], a[1], geo), seed + 6, s[2], s[0]);
    int[] bias = {s[1][0]};
    checkBoth(
        a -> Ops.tanh(ConvOps.addChannelBias(ConvOps.conv2d(a[0], a[1], stride, pad, dil), a[2])),
        seed + 9,
        s[0],
        s[1],
        bias);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void conv2dForwardMatchesZeroPaddedCrossCorrelation(int which) {
    int[] g = CONV_GEOMETRIES[which];
    int[][] s = convShapes(g);
    double[][] in = inputs(200 + which, s[0], s[1]);
    Tape tape = new Tape();
    double[] y =
        ConvOps.conv2d(
                tape.constant(in[0], s[0]),
                tape.constant(in[1], s[1]),
                new int[] {g[6], g[7]},
                new int[] {g[8], g[9]},
                new int[] {g[10], g[11]})
            .value();
    assertArrayEquals(naiveConv(in[0], in[1], g, s[2]), y, 1e-13);
  }

  /** Explicitly zero-padded input, then the textbook cross-correlation sum. */
  private static double[] naiveConv(double[] x, double[] w, int[] g, int[] yShape) {
    int c = g[0];
    int h = g[1];
    int wd = g[2];
    int o = g[3];
    int kh = g[4];
    int kw = g[5];
    int hp = h + 2 * g[8];
    int wp = wd + 2 * g[9];
    double[][][] padded = new double[c][hp][wp];
    for (int cc = 0; cc < c; cc++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < wd; j++) {
          padded[cc][i + g[8]][j + g[9]] = x[(cc * h + i) * wd + j];
        }
      }
    }
    int ho = yShape[1];
    int wo = yShape[2];
    assertEquals((hp - g[10] * (kh - 1) - 1) / g[6] + 1, ho);
    assertEquals((wp - g[11] * (kw - 1) - 1) / g[7] + 1, wo);
    double[] y = new double[o * ho * wo];
    for (int oo = 0; oo < o; oo++) {
      for (int i = 0; i < ho; i++) {
        for (int j = 0; j < wo; j++) {
          double acc = 0.0;
          for (int cc = 0; cc < c; cc++) {
            for (int a = 0; a < kh; a++) {
              for (int b = 0; b < kw; b++) {
                acc +=
                    w[((oo * c + cc) * kh + a) * kw + b]
                        * padded[cc][i * g[6] + a * g[10]][j * g[7] + b * g[11]];
              }
            }
          }
          y[(oo * ho + i) * wo + j] = acc;
        }
      }
    }
    return y;
  }

  // ------------------------------------------------------------------ tape mechanics

  @Test
  void adjointsAccumulateOverFanOut() {
    // φ(x) = Σ (x ⊙ x ⊙ x): the leaf feeds three uses; dφ/dx = 3x².
    Tape tape = new Tape();
    Node x = tape.leaf(new double[] {1.0, -2.0, 0.5}, 3);
    Node y = Ops.sum(Ops.mul(Ops.mul(x, x), x));
    assertArrayEquals(
        new double[] {3.0, 12.0, 0.75},
        tape.backward(y, new double[] {1.0}, false, x)[0].value(),
        1e-15);
  }

  @Test
  void unrelatedLeafGetsZeroAdjointAndConstantsAreNotRecorded() {
    Tape tape = new Tape();
    Node x = tape.leaf(new double[] {2.0}, 1);
    Node z = tape.leaf(new double[] {5.0, 6.0}, 2);
    int before = tape.size();
    Node c = Ops.exp(tape.constant(new double[] {1.0}, 1));
    assertEquals(before, tape.size(), "operations on constants are not recorded");
    Node y = Ops.mul(x, c);
    Node[] g = tape.backward(y, new double[] {1.0}, false, x, z);
    assertEquals(Math.E, g[0].item(), 1e-15);
    assertArrayEquals(new double[] {0.0, 0.0}, g[1].value(), 0.0);
    int recorded = tape.size();
    tape.backward(y, new double[] {1.0}, false, x);
    assertEquals(recorded, tape.size(), "a first-order backward pass records nothing");
  }

  @Test
  void rejectsMisuse() {
    Tape tape = new Tape();
    Node a = tape.leaf(new double[] {1, 2, 3}, 3);
    Node b = tape.leaf(new double[] {1, 2}, 2);
    assertThrows(IllegalArgumentException.class, () -> Ops.add(a, b));
    assertThrows(IllegalArgumentException.class, () -> Ops.reshape(a, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> Ops.pick(a, 3));
    assertThrows(IllegalArgumentException.class, () -> Ops.matvec(a, b));
    assertThrows(
        IllegalArgumentException.class, () -> Ops.add(a, new Tape().leaf(new double[3], 3)));
    assertThrows(
        IllegalArgumentException.class, () -> tape.backward(a, new double[] {1.0}, false, a));
    assertThrows(
        IllegalArgumentException.class,
        () -> tape.backward(a, new double[3], false, tape.constant(new double[1], 1)));
  }
}
