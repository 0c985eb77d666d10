/*
 * The matrix products of mul.cl, mul_trans_b.cl and batched_mul.cl, written for CPU OpenCL
 * devices (PoCL): explicit float16 vectors and a register block per work item, no local memory
 * and no barriers.
 *
 * Why a second form: a CPU OpenCL compiler runs a work-group as a loop over its work items and
 * vectorizes that loop only when the kernel body has no inner loop; the tiled kernels' k-loop
 * keeps them scalar there (6–11 GFLOP/s on PoCL, OPENCL-NOTES), and their local-memory barriers
 * split each work item into pieces. Here the vectors are in the source, so the compiler maps
 * float16 onto the machine's SIMD registers whatever it does with the work items. On a GPU the
 * tiled kernels stay the better form (coalesced loads, shared tiles).
 *
 * mul_vector:          c[i, j] = sum_p a[i, p] · b[p, j]        a [m × k], b [k × n], c [m × n]
 * batched_mul_vector:  c[r, i·q + j] = sum_{s < t} a[r, i·t + s] · b[(r / block)·t + s, j]
 *                      (one product C_r = A_r · B_{r / block} per row r, as batched_mul.cl)
 * mul_trans_b_vector:  c[i, j] = sum_p a[i, p] · b[j, p]        a [m × k], b [n × k], c [m × n]
 * gram_vector:         c = a · aᵀ, one block per pair on or below the diagonal, mirrored
 * All row-major float32.
 *
 * Launch grids (no local size: the driver picks the work-groups; the global size is exact):
 *   mul_vector          (ceil(n / 16), ceil(m / ROWS))      one ROWS × 16 block of c per item
 *   batched_mul_vector  (ceil(q / 16), ceil(p / ROWS), R)   one ROWS × 16 block of C_r per item
 *   mul_trans_b_vector  (ceil(n / 4), ceil(m / 4))          one 4 × 4 block of c per item
 *   gram_vector         nb·(nb + 1)/2, nb = ceil(m / 4)     one 4 × 4 block and its mirror
 * mul_vector walks k with a row of b as one float16 and each of the ROWS entries of a
 * broadcast; the last column strip (n not a multiple of 16) gathers its lanes one by one, lanes
 * past n reading column n − 1 and not stored. mul_trans_b_vector walks k in float16 slices of
 * both operands (16 partial sums per entry, added at the end) and the last k mod 16 terms one
 * by one. Rows past m read row m − 1 and are not stored, so any sizes work.
 */
#ifndef ROWS
#define ROWS 12
#endif
#define LANES 16
#define TB 4

/*
 * The rows i0 .. i0 + ROWS − 1 of a (a row past m reads row m − 1; it is never stored) and zeroed
 * accumulators for them.
 */
void start_rows(const int m, const int k, __global const float *a, const int i0,
                       __global const float **ar, float16 *acc) {
  for (int r = 0; r < ROWS; r++) {
    ar[r] = a + min((long) i0 + r, (long) m - 1) * k;
    acc[r] = (float16)(0.0f);
  }
}

/* Rows i0 .. i0 + ROWS − 1 and columns j0 .. j0 + 15 of c = a · b (i0 < m, j0 + 16 ≤ n). */
void mul_strip(const int m, const int n, const int k, __global const float *a,
                      __global const float *b, __global float *c, const int i0, const int j0) {
  __global const float *ar[ROWS];
  float16 acc[ROWS];
  start_rows(m, k, a, i0, ar, acc);
  for (int p = 0; p < k; p++) {
    const float16 bv = vload16(0, b + (long) p * n + j0);
    for (int r = 0; r < ROWS; r++) {
      acc[r] = fma((float16)(ar[r][p]), bv, acc[r]);
    }
  }
  for (int r = 0; r < ROWS; r++) {
    if (r < m - i0) {
      vstore16(acc[r], 0, c + (long) (i0 + r) * n + j0);
    }
  }
}

/* The same block for the last column strip, j0 < n < j0 + 16: lanes are gathered one by one. */
void mul_last_strip(const int m, const int n, const int k, __global const float *a,
                           __global const float *b, __global float *c, const int i0,
                           const int j0) {
  __global const float *ar[ROWS];
  float16 acc[ROWS];
  start_rows(m, k, a, i0, ar, acc);
  for (int p = 0; p < k; p++) {
    __global const float *bp = b + (long) p * n;
    float lanes[LANES];
    for (int l = 0; l < LANES; l++) {
      lanes[l] = bp[min((long) j0 + l, (long) n - 1)];
    }
    const float16 bv = vload16(0, lanes);
    for (int r = 0; r < ROWS; r++) {
      acc[r] = fma((float16)(ar[r][p]), bv, acc[r]);
    }
  }
  for (int r = 0; r < ROWS; r++) {
    if (r < m - i0) {
      float out[LANES];
      vstore16(acc[r], 0, out);
      for (int l = 0; l < n - j0; l++) {
        c[(long) (i0 + r) * n + j0 + l] = out[l];
      }
    }
  }
}

/* Rows i0 .. i0 + ROWS − 1 and columns j0 .. j0 + 15 (those < n) of c = a · b. */
void mul_block(const int m, const int n, const int k, __global const float *a,
                      __global const float *b, __global float *c, const int i0, const int j0) {
  if (n - j0 >= LANES) {
    mul_strip(m, n, k, a, b, c, i0, j0);
  } else {
    mul_last_strip(m, n, k, a, b, c, i0, j0);
  }
}

__kernel void mul_vector(const int m, const int n, const int k, __global const float *a,
                         __global const float *b, __global float *c) {
  const int j0 = get_global_id(0) * LANES;
  const int i0 = get_global_id(1) * ROWS;
  if (i0 < m && j0 < n) {
    mul_block(m, n, k, a, b, c, i0, j0);
  }
}

__kernel void batched_mul_vector(const int p, const int t, const int q, const int block,
                                 __global const float *a, __global const float *b,
                                 __global float *c) {
  const int j0 = get_global_id(0) * LANES;
  const int i0 = get_global_id(1) * ROWS;
  const long r = get_global_id(2);
  if (i0 < p && j0 < q) {
    mul_block(p, q, t, a + r * p * t, b + (r / block) * t * q, c + r * p * q, i0, j0);
  }
}

/*
 * Rows i0 .. i0 + 3 and columns j0 .. j0 + 3 (those < m, < n) of c = a · bᵀ; with mirror (a Gram,
 * b = a, m = n) also their mirror images c[j, i], so the block on the diagonal's other side is
 * never computed.
 */
void trans_b_block(const int m, const int n, const int k, __global const float *a,
                          __global const float *b, __global float *c, const int i0,
                          const int j0, const bool mirror) {
  __global const float *ar[TB];
  __global const float *bs[TB];
  float16 acc[TB][TB];
  for (int r = 0; r < TB; r++) {
    ar[r] = a + min((long) i0 + r, (long) m - 1) * k;
    bs[r] = b + min((long) j0 + r, (long) n - 1) * k;
    for (int s = 0; s < TB; s++) {
      acc[r][s] = (float16)(0.0f);
    }
  }
  int p = 0;
  for (; p + LANES <= k; p += LANES) {
    float16 av[TB];
    float16 bv[TB];
    for (int r = 0; r < TB; r++) {
      av[r] = vload16(0, ar[r] + p);
      bv[r] = vload16(0, bs[r] + p);
    }
    for (int r = 0; r < TB; r++) {
      for (int s = 0; s < TB; s++) {
        acc[r][s] = fma(av[r], bv[s], acc[r][s]);
      }
    }
  }
  for (int r = 0; r < TB && r < m - i0; r++) {
    for (int s = 0; s < TB && s < n - j0; s++) {
      const float16 v = acc[r][s];
      const float8 h8 = v.lo + v.hi;
      const float4 h4 = h8.lo + h8.hi;
      const float2 h2 = h4.lo + h4.hi;
      float sum = h2.x + h2.y;
      for (int u = p; u < k; u++) {
        sum = fma(ar[r][u], bs[s][u], sum);
      }
      c[(long) (i0 + r) * n + j0 + s] = sum;
      if (mirror) {
        c[(long) (j0 + s) * n + i0 + r] = sum;
      }
    }
  }
}

__kernel void mul_trans_b_vector(const int m, const int n, const int k, __global const float *a,
                                 __global const float *b, __global float *c) {
  const int j0 = get_global_id(0) * TB;
  const int i0 = get_global_id(1) * TB;
  if (i0 < m && j0 < n) {
    trans_b_block(m, n, k, a, b, c, i0, j0, false);
  }
}

/*
 * gram_vector: c = a · aᵀ, a [m × k], c [m × m] (mul_trans_b_vector with b = a), exactly
 * symmetric. Launch grid (1-D, no local size): one item per 4 × 4 block on or below the diagonal,
 * global = nb·(nb + 1)/2 with nb = ceil(m / 4), item id = ib·(ib + 1)/2 + jb (jb ≤ ib); the item
 * writes its block and the mirror image. Half of mul_trans_b_vector's work, and no idle items.
 */
__kernel void gram_vector(const int m, const int k, __global const float *a, __global float *c) {
  const long id = get_global_id(0);
  /* invert id = ib·(ib + 1)/2 + jb: a float estimate, then exact integer corrections */
  int ib = (int) ((sqrt(8.0f * (float) id + 1.0f) - 1.0f) * 0.5f);
  while (ib > 0 && (long) ib * (ib + 1) / 2 > id) {
    ib--;
  }
  while ((long) (ib + 1) * (ib + 2) / 2 <= id) {
    ib++;
  }
  const int jb = (int) (id - (long) ib * (ib + 1) / 2);
  if (ib * TB < m) {
    trans_b_block(m, m, k, a, a, c, ib * TB, jb * TB, true);
  }
}
