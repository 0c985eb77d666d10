/*
 * mul: c = a · b
 *
 *   c[i, j] = sum_p a[i, p] · b[p, j]
 *   a [m × k], b [k × n], c [m × n], all row-major float32.
 *   A Linear layer's Jacobian-transposed product over all factor rows: B_in = B_out · W
 *   with B_out [N·C̃ × O] and W [O × I].
 *
 * Launch grid (2-D, dimension 0 = columns j, dimension 1 = rows i):
 *   local  = (TILE / WPT, TILE / WPT)                    (16 × 16 with the defaults)
 *   global = (ceil(n / TILE) · TILE / WPT, ceil(m / TILE) · TILE / WPT)
 * Each work-group computes one TILE × TILE block of c; each work item a WPT × WPT register
 * block of it, at rows row0 + ly + r·(TILE/WPT) and columns col0 + lx + s·(TILE/WPT) (strided,
 * so that neighbouring work items touch neighbouring addresses). The k axis is walked in
 * slices of TILE_K staged through local memory. Loads past m, n or k read zero and stores past
 * m or n are skipped, so any sizes work.
 */
#ifndef TILE
#define TILE 64
#endif
#ifndef WPT
#define WPT 4
#endif
#ifndef TILE_K
#define TILE_K 16
#endif
#define RTS (TILE / WPT)
#define LOADS ((TILE * TILE_K) / (RTS * RTS))

__kernel __attribute__((reqd_work_group_size(RTS, RTS, 1)))
void mul(const int m, const int n, const int k,
         __global const float *a, __global const float *b, __global float *c) {
  const int lx = get_local_id(0);
  const int ly = get_local_id(1);
  const int col0 = get_group_id(0) * TILE;
  const int row0 = get_group_id(1) * TILE;
  const int tid = ly * RTS + lx;

  /* +1 padding: the transposed writes of aTile would otherwise hit one memory bank. */
  __local float aTile[TILE_K][TILE + 1];
  __local float bTile[TILE_K][TILE + 1];

  float acc[WPT][WPT];
  for (int r = 0; r < WPT; r++) {
    for (int s = 0; s < WPT; s++) {
      acc[r][s] = 0.0f;
    }
  }

  for (int p0 = 0; p0 < k; p0 += TILE_K) {
    for (int l = 0; l < LOADS; l++) {
      const int idx = tid + l * RTS * RTS;
      /* a slice: TILE rows × TILE_K columns, read along k (contiguous in a row of a) */
      const int ar = idx / TILE_K;
      const int ap = idx % TILE_K;
      const int gi = row0 + ar;
      const int gp = p0 + ap;
      aTile[ap][ar] = (gi < m && gp < k) ? a[gi * k + gp] : 0.0f;
      /* b slice: TILE_K rows × TILE columns, read along j (contiguous in a row of b) */
      const int bp = idx / TILE;
      const int bc = idx % TILE;
      const int gq = p0 + bp;
      const int gj = col0 + bc;
      bTile[bp][bc] = (gq < k && gj < n) ? b[gq * n + gj] : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    for (int p = 0; p < TILE_K; p++) {
      float av[WPT];
      float bv[WPT];
      for (int r = 0; r < WPT; r++) {
        av[r] = aTile[p][ly + r * RTS];
      }
      for (int s = 0; s < WPT; s++) {
        bv[s] = bTile[p][lx + s * RTS];
      }
      for (int r = 0; r < WPT; r++) {
        for (int s = 0; s < WPT; s++) {
          acc[r][s] += av[r] * bv[s];
        }
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }

  for (int r = 0; r < WPT; r++) {
    const int i = row0 + ly + r * RTS;
    if (i < m) {
      for (int s = 0; s < WPT; s++) {
        const int j = col0 + lx + s * RTS;
        if (j < n) {
          c[i * n + j] = acc[r][s];
        }
      }
    }
  }
}
