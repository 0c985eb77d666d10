/*
 * The layout passes around the matrix product that lowers a transposed convolution (the
 * Jacobian-transposed product of Conv2d, MATH.md §6) to one GEMM per chunk of b factor rows, in
 * the column layout of the CPU backend's ConvLowering:
 *
 *   wt = channels_last(W)          [K × O]       (W [O × K] read as one row, K = C·kh·kw; once)
 *   ys = gather_channels(y)        [O × b·T]     (rows r0 .. r0 + b − 1 of y [R × O·T])
 *   u  = wt · ys                   [K × b·T]     (mul.cl)
 *   x  = conv_fold(u)              rows r0 .. r0 + b − 1 of x [R × C·H·W]
 *
 * Column s·T + t of u is the patch of output position t of row r0 + s, and conv_fold is the
 * adjoint of unfolding: each input entry gathers the patch entries that read it. Neighbouring
 * work items of gather_channels and conv_fold touch neighbouring addresses (t, w run fastest).
 */

/*
 * channels_last: rows r0 .. r0 + rows − 1 of y, each read as an O × T matrix, transposed
 *
 *   yt[r·T + t, o] = y[r0 + r, o·T + t]        r < rows, t < T, o < O
 *   y [≥ r0 + rows × O·T], yt [rows·T × O], row-major float32.
 *
 * With rows = 1 and T = K it transposes the weight W [O × K] into Wᵀ [K × O].
 *
 * Launch grid (1-D): one work item per entry of yt, id = (r·T + t)·O + o; global = rows·T·O
 * rounded up to a multiple of the local size; ids past the end return. A copy: exact.
 */
__kernel void channels_last(const int rows, const int O, const int T, const int r0,
                            __global const float *y, __global float *yt) {
  const int id = get_global_id(0);
  if (id >= rows * T * O) {
    return;
  }
  const int rt = id / O;
  const int o = id - rt * O;
  const int r = rt / T;
  const int t = rt - r * T;
  yt[id] = y[(long) (r0 + r) * O * T + o * T + t];
}

/*
 * gather_channels: rows r0 .. r0 + rows − 1 of y, channel by channel, side by side
 *
 *   ys[o, r·T + t] = y[r0 + r, o·T + t]        o < O, r < rows, t < T
 *   y [≥ r0 + rows × O·T], ys [O × rows·T], row-major float32.
 *
 * Launch grid (1-D): one work item per entry of ys, id = o · rows·T + r·T + t; global = O·rows·T
 * rounded up to a multiple of the local size; ids past the end return. A copy: exact.
 */
__kernel void gather_channels(const int rows, const int O, const int T, const int r0,
                              __global const float *y, __global float *ys) {
  const int id = get_global_id(0);
  const int ld = rows * T;
  if (id >= O * ld) {
    return;
  }
  const int o = id / ld;
  const int rt = id - o * ld;
  const int r = rt / T;
  const int t = rt - r * T;
  ys[id] = y[(long) (r0 + r) * O * T + o * T + t];
}

/*
 * conv_fold: col2im, the adjoint of unfolding, into rows r0 .. r0 + rows − 1 of x
 *
 *   x[r0 + r, c, h, w] = sum_{a, b} u[(c·kh + a)·kw + b, r·T + i·Wout + j]
 *   over the taps (a, b) with h = i·sh − ph + a·dh, w = j·sw − pw + b·dw and (i, j) inside the
 *   Hout × Wout output grid.
 *   u [C·kh·kw × rows·T], x [≥ r0 + rows × C·H·W], row-major float32; rows = count / (C·H·W).
 *
 * Launch grid (1-D): one work item per entry of the rows written, id = r · C·H·W + (c·H + h)·W
 * + w; global = count = rows·C·H·W rounded up to a multiple of the local size; ids past the end
 * return. A gather (no two items write the same address): for each tap the output position is
 * i = (h + ph − a·dh) / sh when that division is exact and in range. At most kh·kw terms.
 */
__kernel void conv_fold(const int count, const int C, const int H, const int W,
                        const int kh, const int kw, const int sh, const int sw,
                        const int ph, const int pw, const int dh, const int dw,
                        const int Hout, const int Wout, const int r0,
                        __global const float *u, __global float *x) {
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
  const long ld = (long) (count / in) * T;
  __global const float *ur = u + (long) r * T;
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
      acc += ur[((c * kh + a) * kw + b) * ld + i * Wout + j];
    }
  }
  x[(long) r0 * in + id] = acc;
}
