/*
 * conv_unfold: unfolds the input patches of a convolution (im2col)
 *
 *   u[n·T + t, (c·kh + a)·kw + b] = x[n, c, i·sh − ph + a·dh, j·sw − pw + b·dw]
 *   (zero where that position lies outside the H × W input), t = i·Wout + j.
 *   x [N × C·H·W] (each row (c, h, w) row-major), u [N·T × C·kh·kw], row-major float32.
 *   Each row of u is one patch u_{n,t}; a Conv2d output is W_mat · u_{n,t}.
 *
 * Launch grid (1-D): one work item per entry of u, id = row · (C·kh·kw) + col;
 *   global = N·T·C·kh·kw rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void conv_unfold(const int count, const int C, const int H, const int W,
                          const int kh, const int kw, const int sh, const int sw,
                          const int ph, const int pw, const int dh, const int dw,
                          const int Hout, const int Wout,
                          __global const float *x, __global float *u) {
  const int id = get_global_id(0);
  if (id >= count) {
    return;
  }
  const int K = C * kh * kw;
  const int T = Hout * Wout;
  const int row = id / K;
  const int col = id - row * K;
  const int n = row / T;
  const int t = row - n * T;
  const int i = t / Wout;
  const int j = t - i * Wout;
  const int c = col / (kh * kw);
  const int ab = col - c * kh * kw;
  const int a = ab / kw;
  const int b = ab - a * kw;
  const int h = i * sh - ph + a * dh;
  const int w = j * sw - pw + b * dw;
  float v = 0.0f;
  if (h >= 0 && h < H && w >= 0 && w < W) {
    v = x[n * (C * H * W) + (c * H + h) * W + w];
  }
  u[id] = v;
}
