/*
 * Layout passes of the structured Conv2d weight Gram by sample blocks (MATH.md §6), which runs
 * as two tiled products per block of Q = U Uᵀ: batched_mul (a factor block times a T × T block
 * of Q) and mul_trans_b (the other factor block against that result).
 */

/*
 * copy_columns: a range of columns of a matrix
 *
 *   out[i, j] = src[i, col0 + j]        i < rows, j < width
 *   src [≥ rows × srcCols] with col0 + width ≤ srcCols, out [rows × width], row-major float32.
 *   With width = T and col0 = m·T it stacks the T × T blocks Q[n, m] of Q for n < rows / T.
 *
 * Launch grid (1-D): one work item per entry of out, id = i · width + j; global = rows·width
 * rounded up to a multiple of the local size; ids past the end return. A copy: exact.
 */
__kernel void copy_columns(const int rows, const int width, const int srcCols, const int col0,
                           __global const float *src, __global float *out) {
  const int id = get_global_id(0);
  if (id >= rows * width) {
    return;
  }
  const int i = id / width;
  const int j = id - i * width;
  out[id] = src[(long) i * srcCols + col0 + j];
}

/*
 * flag_asymmetric: whether a square matrix is exactly symmetric
 *
 *   flag[0] = 1 if q[i, j] != q[j, i] for some i > j (NaN included); flag[0] is left as it was
 *   (the host sets 0) otherwise.
 *   q [n × n], flag [1], row-major float32.
 *
 * Launch grid (1-D): one work item per entry of q, id = i · n + j; global = n·n rounded up to a
 * multiple of the local size; ids past the end and items with i ≤ j return. Every item that
 * writes, writes the same value 1.
 */
__kernel void flag_asymmetric(const int n, __global const float *q, __global float *flag) {
  const int id = get_global_id(0);
  if (id >= n * n) {
    return;
  }
  const int i = id / n;
  const int j = id - i * n;
  if (i > j && !(q[id] == q[(long) j * n + i])) {
    flag[0] = 1.0f;
  }
}
