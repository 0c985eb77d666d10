package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.blas.NativeBlas;

/**
 * {@link CpuBackend} stores every matrix in its precision: in float32 a {@code float[]} of {@code
 * rows·cols} entries (4 bytes each, half the float64 storage) and no {@code double[]}, for uploads,
 * zeros and the result of every operation that returns a matrix, so that {@code sgemm} and the
 * element-wise loops run on the stored arrays with no per-operation conversion. Values cross to
 * float64 only at download. A matrix of the other precision is refused.
 */
class CpuStorageTest {

  static Stream<Arguments> backends() {
    List<Arguments> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      out.add(Arguments.of(p, Gemm.PLAIN));
      out.add(Arguments.of(p, Gemm.BLAS));
    }
    return out.stream();
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble(-1, 1);
    }
    return v;
  }

  private static void assertStorage(Precision p, DeviceMatrix m, String op) {
    HostMatrix h = assertInstanceOf(HostMatrix.class, m, op);
    long entries = (long) h.rows * h.cols;
    if (p == Precision.FLOAT32) {
      assertNull(h.data, op + ": a float32 matrix holds no double[]");
      assertEquals(entries, h.data32.length, op + ": float[] of rows·cols entries");
    } else {
      assertNull(h.data32, op + ": a float64 matrix holds no float[]");
      assertEquals(entries, h.data.length, op + ": double[] of rows·cols entries");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void everyMatrixIsStoredInTheBackendsPrecision(Precision p, Gemm gemm) {
    assertTrue(gemm != Gemm.BLAS || NativeBlas.isAvailable(), "the native BLAS must load");
    SplittableRandom rng = new SplittableRandom(5);
    // 40×40×40 products exceed BLAS_MIN_MULTIPLY_ADDS: with BLAS they run sgemm/ssyrk
    int n = 40;
    ConvGeometry conv =
        ConvGeometry.of(
            new int[] {2, 5, 4},
            new int[] {3, 2},
            new int[] {1, 1},
            new int[] {1, 0},
            new int[] {1, 1});
    ConvGeometry pool =
        ConvGeometry.of(
            new int[] {2, 4, 4},
            new int[] {2, 2},
            new int[] {2, 2},
            new int[] {0, 0},
            new int[] {1, 1});
    try (CpuBackend b = new CpuBackend(p, gemm)) {
      DeviceMatrix a = b.upload(random(rng, n * n), n, n);
      DeviceMatrix c = b.upload(random(rng, n * n), n, n);
      assertStorage(p, a, "upload");
      assertStorage(p, b.zeros(3, 7), "zeros");
      assertStorage(p, b.mul(a, c), "mul");
      assertStorage(p, b.mulTransB(a, c), "mulTransB");
      assertStorage(p, b.mulTransB(a, a), "mulTransB (Gram)");
      assertStorage(p, b.copyRows(a, 3, 9), "copyRows");
      assertStorage(p, b.layerNormParamJacT(a, c, 8, 1), "layerNormParamJacT");
      assertStorage(p, b.sumGroups(a, 4), "sumGroups");
      DeviceMatrix x = b.upload(random(rng, 2 * conv.inputSize()), 2, conv.inputSize());
      DeviceMatrix u = b.convUnfold(x, conv);
      assertStorage(p, u, "convUnfold");
      int o = 3;
      DeviceMatrix w = b.upload(random(rng, o * conv.patchSize()), o, conv.patchSize());
      DeviceMatrix y = b.upload(random(rng, 4 * o * conv.positions()), 4, o * conv.positions());
      assertStorage(p, b.convTranspose(y, w, conv), "convTranspose");
      assertStorage(p, b.batchedMul(y, u, 2, o), "batchedMul");
      int t = pool.positions();
      double[] idx = new double[2 * t];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = rng.nextInt(pool.height() * pool.width());
      }
      DeviceMatrix py = b.upload(random(rng, 2 * 2 * t), 2, 2 * t);
      assertStorage(p, b.maxPoolJacT(py, b.upload(idx, 1, 2 * t), 2, pool), "maxPoolJacT");
      assertStorage(p, b.avgPoolJacT(py, pool), "avgPoolJacT");
      DeviceMatrix acc = b.zeros(n, n);
      b.accumulateFactorGram(acc, a, null, false, true, 1);
      assertStorage(p, acc, "accumulateFactorGram");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void uploadRoundsOnceAndDownloadWidensExactly(Precision p, Gemm gemm) {
    double[] v = {1.0 / 3.0, -2.5, 1e-30, 0.1};
    try (CpuBackend b = new CpuBackend(p, gemm)) {
      double[] got = b.download(b.upload(v, 2, 2));
      for (int i = 0; i < v.length; i++) {
        double want = p == Precision.FLOAT32 ? (float) v[i] : v[i];
        assertEquals(want, got[i], 0.0, "entry " + i);
      }
      DeviceMatrix m = b.upload(v, 2, 2);
      assertArrayEquals(got, b.take(m), "take");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void aMatrixOfTheOtherPrecisionIsRefused(Precision p, Gemm gemm) {
    Precision other = p == Precision.FLOAT32 ? Precision.FLOAT64 : Precision.FLOAT32;
    try (CpuBackend b = new CpuBackend(p, gemm);
        CpuBackend o = new CpuBackend(other, gemm)) {
      DeviceMatrix mine = b.upload(new double[] {1, 2, 3, 4}, 2, 2);
      DeviceMatrix theirs = o.upload(new double[] {1, 2, 3, 4}, 2, 2);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> b.mul(mine, theirs));
      assertTrue(e.getMessage().contains(other.typeName()), e.getMessage());
    }
  }
}
