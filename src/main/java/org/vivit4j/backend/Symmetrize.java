package org.vivit4j.backend;

/** Copies the lower triangle of a row-major square matrix onto its upper triangle. */
final class Symmetrize {
  private Symmetrize() {}

  /** Tile edge: a tile of the source rows and one of the destination rows stay in L1/L2. */
  private static final int TILE = 64;

  /** {@code c[j][i] = c[i][j]} for {@code i > j}. */
  static void lowerToUpper(double[] c, int n) {
    for (int ib = 0; ib < n; ib += TILE) {
      int ie = Math.min(n, ib + TILE);
      for (int jb = 0; jb <= ib; jb += TILE) {
        int je = Math.min(n, jb + TILE);
        for (int i = ib; i < ie; i++) {
          int row = i * n;
          for (int j = jb; j < Math.min(je, i); j++) {
            c[j * n + i] = c[row + j];
          }
        }
      }
    }
  }

  static void lowerToUpper(float[] c, int n) {
    for (int ib = 0; ib < n; ib += TILE) {
      int ie = Math.min(n, ib + TILE);
      for (int jb = 0; jb <= ib; jb += TILE) {
        int je = Math.min(n, jb + TILE);
        for (int i = ib; i < ie; i++) {
          int row = i * n;
          for (int j = jb; j < Math.min(je, i); j++) {
            c[j * n + i] = c[row + j];
          }
        }
      }
    }
  }
}
