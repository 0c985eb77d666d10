/*
 * accumulate_hadamard_expanded: acc += p ⊙ (q ⊗ 1_{rowBlock × colBlock})
 *
 *   acc[i, j] += p[i, j] · q[i / rowBlock, j / colBlock]      (integer division)
 *   acc, p [rows × cols], q [rows / rowBlock × cols / colBlock], all row-major float32.
 *   With p = B Bᵀ and q = A Aᵀ (C̃ × C̃ blocks) this adds a Linear weight's Gram
 *   contribution (B Bᵀ) ⊙ (A Aᵀ ⊗ 1_{C̃×C̃}).
 *
 * Launch grid (1-D): one work item per element of acc, id = i · cols + j;
 *   global = rows · cols rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void accumulate_hadamard_expanded(const int rows, const int cols,
                                           const int rowBlock, const int colBlock,
                                           __global float *acc, __global const float *p,
                                           __global const float *q) {
  const int id = get_global_id(0);
  if (id >= rows * cols) {
    return;
  }
  const int i = id / cols;
  const int j = id - i * cols;
  const int qCols = cols / colBlock;
  acc[id] += p[id] * q[(i / rowBlock) * qCols + j / colBlock];
}

/*
 * accumulate: acc += p   (the q-absent variant of accumulate_hadamard_expanded)
 *
 *   acc[t] += p[t] for every element t; acc, p [rows × cols] row-major float32, count = rows·cols.
 *
 * Launch grid (1-D): one work item per element; global = count rounded up to a multiple of the
 * local size; ids past the end return.
 */
__kernel void accumulate(const int count, __global float *acc, __global const float *p) {
  const int id = get_global_id(0);
  if (id < count) {
    acc[id] += p[id];
  }
}
