package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunking of the lowered transposed convolution: with the loop products (no BLAS) each entry
 * is the same sum in the same order whatever the chunk, so a chunk of one row, an awkward chunk
 * that leaves a short last one, and one chunk for all rows give identical results (the unchunked
 * result is checked against the direct-loop twin in {@code KernelConvTest}).
 */
class CpuConvChunkTest {
  private static final ConvGeometry G =
      ConvGeometry.of(
          new int[] {3, 9, 7},
          new int[] {3, 2},
          new int[] {2, 1},
          new int[] {1, 1},
          new int[] {1, 2});
  private static final int O = 5;
  private static final int ROWS = 11;

  private static HostMatrix random(SplittableRandom rng, int rows, int cols, boolean f32) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextDouble(-1, 1);
    }
    return HostMatrix.of(rows, cols, v, f32);
  }

  @ParameterizedTest(name = "float32 = {0}")
  @ValueSource(booleans = {false, true})
  void everyChunkSizeGivesTheSameTransposedConvolution(boolean f32) {
    SplittableRandom rng = new SplittableRandom(7);
    HostMatrix y = random(rng, ROWS, O * G.positions(), f32);
    HostMatrix w = random(rng, O, G.patchSize(), f32);
    HostMatrix wholeMatrix = CpuConvOps.convTranspose(y, w, G, null, Integer.MAX_VALUE);
    assertEquals(f32, wholeMatrix.isFloat32(), "stored in the operands' precision");
    double[] whole = wholeMatrix.toDoubles();
    int perRow = Math.max(G.patchSize(), O) * G.positions();
    for (int entries : new int[] {1, 3 * perRow, 4 * perRow + 1}) {
      double[] chunked = CpuConvOps.convTranspose(y, w, G, null, entries).toDoubles();
      assertArrayEquals(whole, chunked, "chunk budget " + entries);
    }
  }

  @Test
  void chunksAreAsFewAsTheBudgetAllowsAndDifferByAtMostOne() {
    for (int n = 0; n <= 130; n++) {
      for (int max = 1; max <= 40; max++) {
        ConvLowering.Chunks c = ConvLowering.Chunks.of(n, max);
        String at = n + " samples, at most " + max;
        assertEquals((n + max - 1) / max, c.count(), at);
        assertEquals(0, c.start(0), at);
        assertEquals(n, c.start(c.count()), at);
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int i = 0; i < c.count(); i++) {
          int size = c.start(i + 1) - c.start(i);
          smallest = Math.min(smallest, size);
          largest = Math.max(largest, size);
        }
        assertTrue(c.count() == 0 || largest - smallest <= 1 && smallest >= 1, at);
        assertTrue(largest <= max, at);
        assertEquals(largest, c.maxSize(), at);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ConvLowering.Chunks.of(5, 0));
    assertThrows(IllegalArgumentException.class, () -> ConvLowering.Chunks.of(-1, 3));
  }
}
