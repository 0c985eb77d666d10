/*
 * conv_transpose: the transposed convolution (a Conv2d layer's Jacobian-transposed product)
 *
 *   x[r, c, h, w] = sum_{o, a, b} W[o, c, a, b] · y[r, o, i, j]
 *   over the taps with h = i·sh − ph + a·dh, w = j·sw − pw + b·dw and (i, j) inside the
 *   Hout × Wout output grid.
 *   y [R × O·T] (T = Hout·Wout, row (o, i, j)), W [O × C·kh·kw] (PyTorch's [O, C, kh, kw]),
 *   x [R × C·H·W], row-major float32. With y = B_out (rows n·C̃ + c̃) this is B_in = J_zᵀ B_out.
 *
 * Launch grid (1-D): one work item per entry of x (a gather, so no two items write the same
 * address), id = r · C·H·W + (c·H + h)·W + w; global = R·C·H·W rounded up to a multiple of the
 * local size; ids past the end return. For each tap (a, b) the output position is
 * i = (h + ph − a·dh) / sh when that division is exact and in range.
 */
__kernel void conv_transpose(const int count, const int C, const int H, const int W,
                             const int kh, const int kw, const int sh, const int sw,
                             const int ph, const int pw, const int dh, const int dw,
                             const int Hout, const int Wout, const int O,
                             __global const float *y, __global const float *wt,
                             __global float *x) {
  const int id = get_global_id(0);
  if (id >= count) {
    return;
  }
  const int in = C * H * W;
  const int r = id / in;
  const int q = id - r * in;
  const int c = q / (H * W);
  const int hw = q - c * H * W;
  const int h = hw / W;
  const int w = hw - h * W;
  const int T = Hout * Wout;
  const int K = C * kh * kw;
  __global const float *yr = y + (long) r * O * T;
  float acc = 0.0f;
  for (int a = 0; a < kh; a++) {
    const int hi = h + ph - a * dh;
    if (hi < 0 || hi % sh != 0 || hi / sh >= Hout) {
      continue;
    }
    const int i = hi / sh;
    for (int b = 0; b < kw; b++) {
      const int wj = w + pw - b * dw;
      if (wj < 0 || wj % sw != 0 || wj / sw >= Wout) {
        continue;
      }
      const int j = wj / sw;
      const int tap = (c * kh + a) * kw + b;
      const int pos = i * Wout + j;
      for (int o = 0; o < O; o++) {
        acc += wt[o * K + tap] * yr[o * T + pos];
      }
    }
  }
  x[id] = acc;
}
