/*
 * mul_trans_b: c = a · bᵀ
 *
 *   c[i, j] = sum_p a[i, p] · b[j, p]
 *   a [m × k], b [n × k], c [m × n], all row-major float32.
 *   The Gram-shaped contractions of ViViT: B_out B_outᵀ (factor Gram, m = n = N·C̃, k = O)
 *   and A Aᵀ (input Gram, m = n = N, k = I).
 *
 * Launch grid (2-D, dimension 0 = columns j, dimension 1 = rows i):
 *   local  = (TILE / WPT, TILE / WPT)                    (16 × 16 with the defaults)
 *   global = (ceil(n / TILE) · TILE / WPT, ceil(m / TILE) · TILE / WPT)
 * Same tiling as mul.cl: one TILE × TILE block of c per work-group, a WPT × WPT register
 * block per work item at strided rows and columns, k walked in TILE_K slices through local
 * memory. Both a and b are read along k (rows of a and rows of b), stored transposed in local
 * memory. Loads past m, n or k read zero and stores past m or n are skipped.
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
void mul_trans_b(const int m, const int n, const int k,
                 __global const float *a, __global const float *b, __global float *c) {
  const int lx = get_local_id(0);
  const int ly = get_local_id(1);
  const int col0 = get_group_id(0) * TILE;
  const int row0 = get_group_id(1) * TILE;
  const int tid = ly * RTS + lx;

  /* +1 padding: the transposed writes would otherwise hit one memory bank. */
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
      const int row = idx / TILE_K; /* row of the slice: i for a, j for b */
      const int p = idx % TILE_K;
      const int gp = p0 + p;
      const int gi = row0 + row;
      const int gj = col0 + row;
      aTile[p][row] = (gi < m && gp < k) ? a[gi * k + gp] : 0.0f;
      bTile[p][row] = (gj < n && gp < k) ? b[gj * k + gp] : 0.0f;
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
