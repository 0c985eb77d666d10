package org.vivit4j.core;

import java.util.stream.IntStream;
import org.vivit4j.linalg.PackedSymmetricMatrix;

/**
 * The bookkeeping of the chunked factor pass ({@link FactorChunks}): which samples and gradient
 * rows a pass holds, and copying its Gram and cross-term blocks to where they belong in the whole
 * batch's (dense or packed).
 */
final class ChunkBlocks {
  private ChunkBlocks() {}

  /** {@code a} followed by the entries of {@code b} not in {@code a}. */
  static int[] union(int[] a, int[] b) {
    java.util.LinkedHashSet<Integer> all = new java.util.LinkedHashSet<>();
    for (int s : a) {
      all.add(s);
    }
    for (int s : b) {
      all.add(s);
    }
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The positions {@code r} in {@code gradRows} whose sample the view holds. */
  static int[] heldRows(SampleForward.View v, int[] gradRows) {
    return IntStream.range(0, gradRows.length).filter(r -> v.row(gradRows[r]) >= 0).toArray();
  }

  /** {@code values[positions[i]]}. */
  static int[] select(int[] values, int[] positions) {
    int[] out = new int[positions.length];
    for (int i = 0; i < positions.length; i++) {
      out[i] = values[positions[i]];
    }
    return out;
  }

  /** Batch sample → its GGN chunk. */
  static java.util.Map<Integer, Integer> ggnChunkOf(int[] ggnRows, int chunk) {
    java.util.Map<Integer, Integer> out = new java.util.HashMap<>();
    for (int m = 0; m < ggnRows.length; m++) {
      out.put(ggnRows[m], m / chunk);
    }
    return out;
  }

  /**
   * Copies the cross-term blocks {@code X[T, S]} ({@code T, S ∈ {a, b}}) of a pass over chunks
   * {@code (a, b)} with a recomputed forward: {@code uc} is {@code [passGrad.length × (la + lb)]},
   * row {@code i} the gradient row {@code passGrad[i]} of the run, columns chunk a's then chunk
   * b's. A block {@code X[T, S]} with {@code T ≠ S} is in this pass only; {@code X[T, T]} in every
   * pass holding T, taken from T's first ({@code (0, 1)} for chunk 0, {@code (0, T)} else).
   *
   * @param bounds {@code {a0, a1, b0, b1}}: the chunks' GGN positions
   */
  static void copyPairCross(
      double[] uc,
      int[] passGrad,
      int[] gradRows,
      java.util.Map<Integer, Integer> chunkOf,
      int a,
      int b,
      int[] bounds,
      int ct,
      double[] cross,
      int size) {
    int la = (bounds[1] - bounds[0]) * ct;
    int lb = (bounds[3] - bounds[2]) * ct;
    int u = la + lb;
    for (int i = 0; i < passGrad.length; i++) {
      int r = passGrad[i];
      int t = chunkOf.get(gradRows[r]);
      boolean firstOfT = a == 0 && (t == b || b == 1);
      if (t != a || firstOfT) {
        System.arraycopy(uc, i * u, cross, r * size + bounds[0] * ct, la);
      }
      if (t != b || firstOfT) {
        System.arraycopy(uc, i * u + la, cross, r * size + bounds[2] * ct, lb);
      }
    }
  }

  /**
   * Copies the part on or below the diagonal of the {@code rows × cols} block at {@code (r0, c0)}
   * of {@code src} (row length {@code srcCols}) to {@code (dr0, dc0)} of the packed {@code dst}.
   */
  static void copyBlock(
      double[] src,
      int srcCols,
      int r0,
      int c0,
      int rows,
      int cols,
      PackedSymmetricMatrix dst,
      int dr0,
      int dc0) {
    for (int r = 0; r < rows; r++) {
      int i = dr0 + r;
      int len = Math.min(cols, i - dc0 + 1);
      if (len > 0) {
        dst.setRow(i, dc0, src, (r0 + r) * srcCols + c0, len);
      }
    }
  }

  /**
   * Copies the {@code rows × cols} block at {@code (r0, c0)} of {@code src} (row length {@code
   * srcCols}) to {@code (dr0, dc0)} of {@code dst} (row length {@code dstCols}).
   */
  static void copyBlock(
      double[] src,
      int srcCols,
      int r0,
      int c0,
      int rows,
      int cols,
      double[] dst,
      int dstCols,
      int dr0,
      int dc0) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(src, (r0 + r) * srcCols + c0, dst, (dr0 + r) * dstCols + dc0, cols);
    }
  }
}
