package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.DeviceMatrix;

/** Kernels {@code accumulate_hadamard_expanded} and {@code accumulate} against their twin. */
class KernelAccumulateHadamardExpandedTest {
  private static OpenClBackend backend;

  @BeforeAll
  static void open() {
    backend = new OpenClBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** acc and p {@code [rows × cols]}, q {@code [rows/rowBlock × cols/colBlock]}. */
  record Case(int rows, int cols, int rowBlock, int colBlock) {
    @Override
    public String toString() {
      return rows + "×" + cols + " blocks " + rowBlock + "×" + colBlock;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(1, 1, 1, 1),
        new Case(7, 13, 1, 1),
        new Case(7, 13, 7, 13),
        new Case(12, 12, 3, 3),
        new Case(37, 65, 37, 5),
        new Case(65, 129, 5, 3),
        new Case(299, 257, 13, 257),
        new Case(300, 300, 3, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hadamardExpandedMatchesTwin(Case c) {
    SplittableRandom rng = new SplittableRandom(17L * c.rows() + c.cols() + c.rowBlock());
    double[] acc = KernelTwins.randomFloats(rng, c.rows() * c.cols(), 1.0);
    double[] p = KernelTwins.randomFloats(rng, c.rows() * c.cols(), 1.0);
    int qRows = c.rows() / c.rowBlock();
    int qCols = c.cols() / c.colBlock();
    double[] q = KernelTwins.randomFloats(rng, qRows * qCols, 1.0);
    try (DeviceMatrix dAcc = backend.upload(acc, c.rows(), c.cols());
        DeviceMatrix dp = backend.upload(p, c.rows(), c.cols());
        DeviceMatrix dq = backend.upload(q, qRows, qCols)) {
      backend.accumulateHadamardExpanded(dAcc, dp, dq, c.rowBlock(), c.colBlock());
      KernelAssertions.assertMatchesTwin(
          KernelTwins.accumulateHadamardExpanded(
              acc, p, q, c.rows(), c.cols(), c.rowBlock(), c.colBlock()),
          backend.download(dAcc),
          c.cols(),
          KernelTolerances.ACCUMULATE,
          "accumulate_hadamard_expanded " + c);
      assertArrayEquals(p, backend.download(dp), "p must not be modified");
      assertArrayEquals(q, backend.download(dq), "q must not be modified");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void withoutQAddsP(Case c) {
    SplittableRandom rng = new SplittableRandom(23L * c.rows() + c.cols());
    double[] acc = KernelTwins.randomFloats(rng, c.rows() * c.cols(), 1.0);
    double[] p = KernelTwins.randomFloats(rng, c.rows() * c.cols(), 1.0);
    try (DeviceMatrix dAcc = backend.upload(acc, c.rows(), c.cols());
        DeviceMatrix dp = backend.upload(p, c.rows(), c.cols())) {
      // the blocks are ignored without q
      backend.accumulateHadamardExpanded(dAcc, dp, null, c.rowBlock(), c.colBlock());
      KernelAssertions.assertMatchesTwin(
          KernelTwins.accumulateHadamardExpanded(acc, p, null, c.rows(), c.cols(), 1, 1),
          backend.download(dAcc),
          c.cols(),
          KernelTolerances.ACCUMULATE,
          "accumulate " + c);
      assertArrayEquals(p, backend.download(dp), "p must not be modified");
    }
  }

  @Test
  void repeatedCallsKeepAccumulatingIntoTheSameMatrix() {
    int rows = 12;
    int cols = 9;
    SplittableRandom rng = new SplittableRandom(5);
    double[] p1 = KernelTwins.randomFloats(rng, rows * cols, 1.0);
    double[] q1 = KernelTwins.randomFloats(rng, 4 * 3, 1.0);
    double[] p2 = KernelTwins.randomFloats(rng, rows * cols, 1.0);
    try (DeviceMatrix acc = backend.zeros(rows, cols);
        DeviceMatrix dp1 = backend.upload(p1, rows, cols);
        DeviceMatrix dq1 = backend.upload(q1, 4, 3);
        DeviceMatrix dp2 = backend.upload(p2, rows, cols)) {
      backend.accumulateHadamardExpanded(acc, dp1, dq1, 3, 3);
      backend.accumulateHadamardExpanded(acc, dp2, null, 1, 1);
      backend.accumulateHadamardExpanded(acc, dp1, dq1, 3, 3);
      double[] expected = new double[rows * cols];
      double[] magnitude = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          int t = i * cols + j;
          double h = p1[t] * q1[(i / 3) * 3 + j / 3];
          expected[t] = 2 * h + p2[t];
          magnitude[t] = 2 * Math.abs(h) + Math.abs(p2[t]);
        }
      }
      // three float32 additions and two products: γ₅ of the magnitude
      KernelAssertions.assertMatchesTwin(
          new KernelTwins.Twin(expected, magnitude),
          backend.download(acc),
          cols,
          KernelTolerances.dot(5),
          "acc after three accumulations");
    }
  }

  @Test
  void zerosPlusPIsExactlyP() {
    double[] p = KernelTwins.randomFloats(new SplittableRandom(9), 37 * 13, 3.0);
    try (DeviceMatrix acc = backend.zeros(37, 13);
        DeviceMatrix dp = backend.upload(p, 37, 13)) {
      backend.accumulateHadamardExpanded(acc, dp, null, 1, 1);
      assertArrayEquals(p, backend.download(acc));
    }
  }

  @Test
  void blocksThatDoNotTilePAreRejected() {
    try (DeviceMatrix acc = backend.zeros(6, 6);
        DeviceMatrix p = backend.zeros(6, 6);
        DeviceMatrix q = backend.zeros(2, 2)) {
      assertThrows(
          IllegalArgumentException.class,
          () -> backend.accumulateHadamardExpanded(acc, p, q, 2, 3));
      assertThrows(
          IllegalArgumentException.class,
          () -> backend.accumulateHadamardExpanded(acc, p, q, 0, 3));
    }
  }
}
