/*
 * accumulate_conv_gram_structured: a Conv2d weight's Gram block without forming V (MATH.md §6)
 *
 *   acc[i, j] += sum_{t, t'} ( sum_o l[i, o·T + t] · r[j, o·T + t'] ) · q[(i / lBlock)·T + t,
 *                                                                          (j / rBlock)·T + t']
 *   l [Rl × O·T], r [Rr × O·T] (factor rows, (o, t) row-major), q [(Rl/lBlock)·T × (Rr/rBlock)·T]
 *   (inner products of unfolded patches u_{n,t}·u_{m,t'}), acc [Rl × Rr], row-major float32.
 *   With l = r = B_out and q = U Uᵀ this is Ĝ_W[(n,c),(m,c')] = Σ_{t,t'} (B[n,c,:,t]·B[m,c',:,t'])
 *   (u_{n,t}·u_{m,t'}); with l = δ (lBlock = 1) it gives the gradient cross terms.
 *
 * Launch grid (1-D): one work item per entry of acc, id = i · Rr + j; global = Rl·Rr rounded up
 * to a multiple of the local size; ids past the end return. Work per item: T²·(O + 1).
 */
__kernel void accumulate_conv_gram_structured(const int rowsL, const int rowsR, const int O,
                                              const int T, const int lBlock, const int rBlock,
                                              __global float *acc, __global const float *l,
                                              __global const float *r, __global const float *q) {
  const int id = get_global_id(0);
  if (id >= rowsL * rowsR) {
    return;
  }
  const int i = id / rowsR;
  const int j = id - i * rowsR;
  const int qCols = (rowsR / rBlock) * T;
  __global const float *li = l + (long) i * O * T;
  __global const float *rj = r + (long) j * O * T;
  __global const float *qi = q + (long) (i / lBlock) * T * qCols + (j / rBlock) * T;
  float s = 0.0f;
  for (int t = 0; t < T; t++) {
    for (int t2 = 0; t2 < T; t2++) {
      float d = 0.0f;
      for (int o = 0; o < O; o++) {
        d += li[o * T + t] * rj[o * T + t2];
      }
      s += d * qi[t * qCols + t2];
    }
  }
  acc[id] += s;
}
