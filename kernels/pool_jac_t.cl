/*
 * max_pool_jac_t: MaxPool2d's Jacobian-transposed product (route each entry to its arg-max)
 *
 *   x[r, c, h, w] = sum over windows (i, j) containing (h, w) with
 *                   argmax[r / block, c, i, j] == h·W + w   of   y[r, c, i, j]
 *   y [R × C·T] (T = Hout·Wout), argmax [(R / block) × C·T] (in-plane index h·W + w of each
 *   window's first maximum, stored as an exact float), x [R × C·H·W], row-major float32.
 *   Window (i, j) covers (i·sh − ph + a·dh, j·sw − pw + b·dw).
 *
 * Launch grid (1-D): one work item per entry of x (a gather: no write conflicts between
 * overlapping windows), id = r · C·H·W + (c·H + h)·W + w; global rounded up to a multiple of the
 * local size; ids past the end return.
 */
__kernel void max_pool_jac_t(const int count, const int C, const int H, const int W,
                             const int kh, const int kw, const int sh, const int sw,
                             const int ph, const int pw, const int dh, const int dw,
                             const int Hout, const int Wout, const int block,
                             __global const float *y, __global const float *argmax,
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
  __global const float *yr = y + (long) r * C * T + c * T;
  __global const float *am = argmax + (long) (r / block) * C * T + c * T;
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
      const int pos = i * Wout + wj / sw;
      if ((int) am[pos] == hw) {
        acc += yr[pos];
      }
    }
  }
  x[id] = acc;
}

/*
 * avg_pool_jac_t: AvgPool2d's Jacobian-transposed product (count_include_pad = true, dilation 1)
 *
 *   x[r, c, h, w] = (1 / (kh·kw)) · sum over windows (i, j) containing (h, w) of y[r, c, i, j]
 *   y [R × C·T], x [R × C·H·W], row-major float32; window (i, j) covers (i·sh − ph + a, j·sw − pw + b).
 *
 * Launch grid (1-D): one work item per entry of x, as max_pool_jac_t.
 */
__kernel void avg_pool_jac_t(const int count, const int C, const int H, const int W,
                             const int kh, const int kw, const int sh, const int sw,
                             const int ph, const int pw, const int Hout, const int Wout,
                             __global const float *y, __global float *x) {
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
  __global const float *yr = y + (long) r * C * T + c * T;
  float acc = 0.0f;
  for (int a = 0; a < kh; a++) {
    const int hi = h + ph - a;
    if (hi < 0 || hi % sh != 0 || hi / sh >= Hout) {
      continue;
    }
    for (int b = 0; b < kw; b++) {
      const int wj = w + pw - b;
      if (wj < 0 || wj % sw != 0 || wj / sw >= Wout) {
        continue;
      }
      acc += yr[(hi / sh) * Wout + wj / sw];
    }
  }
  x[id] = acc / (float) (kh * kw);
}
