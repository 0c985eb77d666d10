/*
 * batched_mul: one matrix product per row of a
 *
 *   c[r, i·q + j] = sum_{s < t} a[r, i·t + s] · b[(r / block)·t + s, j]
 *   i.e. C_r = A_r · B_{r / block} with A_r (row r of a read as a p × t matrix), B_g (rows
 *   g·t .. g·t + t − 1 of b, a t × q matrix) and C_r (row r of c read as p × q).
 *   a [R × p·t], b [(R / block)·t × q], c [R × p·q], row-major float32.
 *   Forms a Conv2d weight's factor V_W: with a = B_out (p = O, t = T), b = the unfolded input
 *   patches (q = C·kh·kw) and block = C̃, row (n, c̃) of c is Σ_t B[n, c̃, :, t] ⊗ u_{n,t}.
 *
 * Launch grid (3-D, dimension 0 = columns j, 1 = rows i, 2 = the product r):
 *   local  = (TILE / WPT, TILE / WPT, 1)                  (16 × 16 × 1 with the defaults)
 *   global = (ceil(q / TILE) · TILE / WPT, ceil(p / TILE) · TILE / WPT, R)
 * Each product is tiled as in mul.cl: one TILE × TILE block of C_r per work-group, a WPT × WPT
 * register block per work item at strided rows and columns, the inner dimension walked in
 * slices of TILE_K through local memory. Loads past p, q or t read zero and stores past p or q
 * are skipped, so any sizes work.
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
void batched_mul(const int p, const int t, const int q, const int block,
                 __global const float *a, __global const float *b, __global float *c) {
  const int lx = get_local_id(0);
  const int ly = get_local_id(1);
  const int col0 = get_group_id(0) * TILE;
  const int row0 = get_group_id(1) * TILE;
  const int r = get_global_id(2);
  const int tid = ly * RTS + lx;
  __global const float *ar = a + (long) r * p * t;
  __global const float *bg = b + (long) (r / block) * t * q;
  __global float *cr = c + (long) r * p * q;

  /* +1 padding: the transposed writes of aTile would otherwise hit one memory bank. */
  __local float aTile[TILE_K][TILE + 1];
  __local float bTile[TILE_K][TILE + 1];

  float acc[WPT][WPT];
  for (int u = 0; u < WPT; u++) {
    for (int v = 0; v < WPT; v++) {
      acc[u][v] = 0.0f;
    }
  }

  for (int s0 = 0; s0 < t; s0 += TILE_K) {
    for (int l = 0; l < LOADS; l++) {
      const int idx = tid + l * RTS * RTS;
      /* A_r slice: TILE rows × TILE_K columns, read along s */
      const int ai = idx / TILE_K;
      const int as = idx % TILE_K;
      const int gi = row0 + ai;
      const int gs = s0 + as;
      aTile[as][ai] = (gi < p && gs < t) ? ar[gi * t + gs] : 0.0f;
      /* B_g slice: TILE_K rows × TILE columns, read along j */
      const int bs = idx / TILE;
      const int bj = idx % TILE;
      const int hs = s0 + bs;
      const int gj = col0 + bj;
      bTile[bs][bj] = (hs < t && gj < q) ? bg[hs * q + gj] : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    for (int s = 0; s < TILE_K; s++) {
      float av[WPT];
      float bv[WPT];
      for (int u = 0; u < WPT; u++) {
        av[u] = aTile[s][ly + u * RTS];
      }
      for (int v = 0; v < WPT; v++) {
        bv[v] = bTile[s][lx + v * RTS];
      }
      for (int u = 0; u < WPT; u++) {
        for (int v = 0; v < WPT; v++) {
          acc[u][v] += av[u] * bv[v];
        }
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }

  for (int u = 0; u < WPT; u++) {
    const int i = row0 + ly + u * RTS;
    if (i < p) {
      for (int v = 0; v < WPT; v++) {
        const int j = col0 + lx + v * RTS;
        if (j < q) {
          cr[i * q + j] = acc[u][v];
        }
      }
    }
  }
}
