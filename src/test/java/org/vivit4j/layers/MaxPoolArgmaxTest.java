package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;

/**
 * {@link MaxPool2dLayer#argmax} against a plain scan of every window (first maximum in window
 * order, NaN never replacing the running maximum) on inputs full of ties and NaN, on windows that
 * tile the input (with rows and columns left over) and windows that overlap, pad or dilate, for
 * samples taken out of order.
 */
class MaxPoolArgmaxTest {
  @ParameterizedTest(name = "C {0}, {1}×{2}, kernel {3}×{4}, stride {5}×{6}, pad {7}, dil {8}")
  @CsvSource({
    "3, 6, 8, 2, 2, 2, 2, 0, 1",
    "2, 7, 5, 3, 2, 3, 2, 0, 1",
    "1, 5, 5, 1, 1, 1, 1, 0, 1",
    "2, 6, 6, 2, 2, 1, 1, 0, 1",
    "2, 6, 7, 3, 3, 2, 2, 1, 1",
    "1, 9, 9, 2, 2, 2, 2, 0, 2"
  })
  void argmaxIsTheFirstMaximumOfEachWindow(
      int c, int h, int w, int kh, int kw, int sh, int sw, int pad, int dil) {
    MaxPool2dLayer pool =
        new MaxPool2dLayer(
            new MaxPool2dSpec(
                new int[] {kh, kw}, new int[] {sh, sw}, new int[] {pad, pad}, new int[] {dil, dil}),
            new int[] {c, h, w});
    int n = 3;
    SplittableRandom rnd = new SplittableRandom(h * 31L + w);
    double[] x = new double[n * c * h * w];
    for (int i = 0; i < x.length; i++) {
      int pick = rnd.nextInt(8);
      x[i] = pick == 0 ? Double.NaN : pick % 3; // many ties, some NaN
    }
    int[] rows = {2, 0, 1};
    int outH = (h + 2 * pad - dil * (kh - 1) - 1) / sh + 1;
    int outW = (w + 2 * pad - dil * (kw - 1) - 1) / sw + 1;
    int[] expected = new int[n * c * outH * outW];
    int e = 0;
    for (int s : rows) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < outH; i++) {
          for (int j = 0; j < outW; j++) {
            int best = -1;
            double max = 0;
            for (int a = 0; a < kh; a++) {
              for (int b = 0; b < kw; b++) {
                int hh = i * sh - pad + a * dil;
                int ww = j * sw - pad + b * dil;
                if (hh < 0 || hh >= h || ww < 0 || ww >= w) {
                  continue;
                }
                double v = x[((s * c + ch) * h + hh) * w + ww];
                if (best < 0 || v > max) {
                  best = hh * w + ww;
                  max = v;
                }
              }
            }
            expected[e++] = best;
          }
        }
      }
    }
    assertArrayEquals(expected, pool.argmax(x, rows));
  }
}
