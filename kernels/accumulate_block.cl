/*
 * accumulate_block: adds a block into a larger matrix at an offset, optionally transposed
 *
 *   transposed = 0:  acc[row0 + i, col0 + j] += p[i, j]      i < pRows, j < pCols
 *   transposed = 1:  acc[row0 + j, col0 + i] += p[i, j]
 *   acc [accRows × accCols], p [pRows × pCols], row-major float32. Accumulates the Gram block
 *   V_i V_jᵀ of two sample blocks (and its mirror image) into the Gram matrix.
 *
 * Launch grid (1-D): one work item per entry of p, id = i · pCols + j; global = pRows·pCols
 * rounded up to a multiple of the local size; ids past the end return. The host checks that the
 * block fits inside acc.
 */
__kernel void accumulate_block(const int pRows, const int pCols, const int accCols,
                               const int row0, const int col0, const int transposed,
                               __global float *acc, __global const float *p) {
  const int id = get_global_id(0);
  if (id >= pRows * pCols) {
    return;
  }
  const int i = id / pCols;
  const int j = id - i * pCols;
  const int dst = transposed ? (row0 + j) * accCols + col0 + i : (row0 + i) * accCols + col0 + j;
  acc[dst] += p[id];
}

/*
 * accumulate_block_mirrored: adds a block row of a symmetric matrix and its mirror image
 *
 *   acc[row0 + i, j] += p[i, j]                      i < pRows, j < pCols
 *   acc[j, row0 + i] += p[i, j]                      also, for j < mirrorCols
 *   acc [accRows × accCols], p [pRows × pCols], row-major float32; the host checks
 *   mirrorCols ≤ row0 (so the two writes of one launch never meet) and that both fit acc.
 *   With p = the Gram blocks of sample block n against blocks 0 .. n (columns 0 .. (n+1)·c) and
 *   mirrorCols = row0 = n·c, this fills block row n and, mirrored, block column n above the
 *   diagonal.
 *
 * Launch grid (1-D): one work item per entry of p, id = i · pCols + j; global = pRows·pCols
 * rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void accumulate_block_mirrored(const int pRows, const int pCols, const int accCols,
                                        const int row0, const int mirrorCols,
                                        __global float *acc, __global const float *p) {
  const int id = get_global_id(0);
  if (id >= pRows * pCols) {
    return;
  }
  const int i = id / pCols;
  const int j = id - i * pCols;
  const float v = p[id];
  acc[(row0 + i) * accCols + j] += v;
  if (j < mirrorCols) {
    acc[j * accCols + row0 + i] += v;
  }
}
