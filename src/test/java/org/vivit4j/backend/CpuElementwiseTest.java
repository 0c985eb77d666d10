package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.model.Activation;

/**
 * The element-wise operations of {@link CpuBackend} (row loops, split over the cores above {@link
 * Rows#PARALLEL_ENTRIES}) against entry-by-entry twins that do the same arithmetic: the results are
 * bit-identical, in both precisions, below and above the parallel threshold.
 */
class CpuElementwiseTest {

  static Stream<Arguments> cases() {
    return Stream.of(Precision.FLOAT64, Precision.FLOAT32)
        .flatMap(
            p ->
                Stream.of(
                    Arguments.of(p, 1, 1, 1, 1),
                    Arguments.of(p, 7, 3, 7, 3),
                    Arguments.of(p, 12, 4, 3, 1),
                    Arguments.of(p, 330, 10, 10, 10),
                    Arguments.of(p, 330, 1, 330, 1)));
  }

  private static double[] random(SplittableRandom rng, int n, Precision p) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      double v = rng.nextDouble(-2, 2);
      a[i] = p == Precision.FLOAT32 ? (float) v : v;
    }
    return a;
  }

  @ParameterizedTest(name = "{0} q {1}x{3} blocks {2}x{4}")
  @MethodSource("cases")
  void accumulateHadamardExpandedMatchesTwin(
      Precision p, int qRows, int rowBlock, int qCols, int colBlock) {
    int rows = qRows * rowBlock;
    int cols = qCols * colBlock;
    SplittableRandom rng = new SplittableRandom(rows * 31L + cols);
    double[] acc = random(rng, rows * cols, p);
    double[] pm = random(rng, rows * cols, p);
    double[] q = random(rng, qRows * qCols, p);
    boolean f32 = p == Precision.FLOAT32;
    double[] want = acc.clone();
    double[] wantNoQ = acc.clone();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int ij = i * cols + j;
        double qv = q[(i / rowBlock) * qCols + j / colBlock];
        double term = f32 ? (double) ((float) pm[ij] * (float) qv) : pm[ij] * qv;
        want[ij] = f32 ? (double) ((float) want[ij] + (float) term) : want[ij] + term;
        wantNoQ[ij] = f32 ? (double) ((float) wantNoQ[ij] + (float) pm[ij]) : wantNoQ[ij] + pm[ij];
      }
    }
    for (Gemm g : Gemm.values()) {
      try (CpuBackend b = new CpuBackend(p, g)) {
        DeviceMatrix dacc = b.upload(acc, rows, cols);
        DeviceMatrix dp = b.upload(pm, rows, cols);
        b.accumulateHadamardExpanded(dacc, dp, b.upload(q, qRows, qCols), rowBlock, colBlock);
        assertArrayEquals(want, b.download(dacc), g + " with q");
        DeviceMatrix dacc2 = b.upload(acc, rows, cols);
        b.accumulateHadamardExpanded(dacc2, dp, null, rowBlock, colBlock);
        assertArrayEquals(wantNoQ, b.download(dacc2), g + " without q");
      }
    }
  }

  @ParameterizedTest(name = "{0} z {1}x{3}, block {2}")
  @MethodSource("cases")
  void scaleByActivationDerivativeMatchesTwin(
      Precision p, int samples, int block, int features, int unused) {
    SplittableRandom rng = new SplittableRandom(samples * 131L + features);
    double[] z = random(rng, samples * features, p);
    double[] bm = random(rng, samples * block * features, p);
    boolean f32 = p == Precision.FLOAT32;
    for (Activation act : Activation.values()) {
      double[] want = bm.clone();
      for (int i = 0; i < samples * block; i++) {
        for (int f = 0; f < features; f++) {
          double x = z[(i / block) * features + f];
          double dp = act.defaultParam();
          double d = f32 ? act.derivativeF32((float) x, (float) dp) : act.derivative(x, dp);
          double v = want[i * features + f] * d;
          want[i * features + f] = f32 ? (float) v : v;
        }
      }
      for (Gemm g : Gemm.values()) {
        try (CpuBackend b = new CpuBackend(p, g)) {
          DeviceMatrix db = b.upload(bm, samples * block, features);
          b.scaleByActivationDerivative(db, b.upload(z, samples, features), act, block);
          assertArrayEquals(want, b.download(db), g + " " + act);
        }
      }
    }
  }
}
