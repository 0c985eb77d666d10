/*
 * jact_layer_norm: LayerNorm's Jacobian-transposed product, in place on every factor row
 *
 *   For factor row i (sample s = i / block) and group g of M features, with u = γ ⊙ b[i, g, :]:
 *     b[i, g, j] = r[s, g] · (u_j − mean(u) − x̂[s, g, j] · mean(x̂[s, g, :] ⊙ u))
 *   b [rows × G·M] (rows = N · block), xhat [rows / block × G·M], rstd [rows / block × G],
 *   gamma [M] (ones without elementwise affine); row-major float32. Feature (g, j) is column
 *   g·M + j. This is J_aᵀ b for z = γ ⊙ x̂ + β, J_a = diag(γ) · r · (I − 11ᵀ/M − x̂ x̂ᵀ/M).
 *
 * Launch grid (1-D): one work item per (row, group), id = i · G + g; each reads its M entries
 *   twice (the two means, then the update), so updating in place is safe.
 *   global = rows · G rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void jact_layer_norm(const int rows, const int groups, const int size, const int block,
                              __global float *b, __global const float *xhat,
                              __global const float *rstd, __global const float *gamma) {
  const int id = get_global_id(0);
  if (id >= rows * groups) {
    return;
  }
  const int i = id / groups;
  const int g = id - i * groups;
  const int s = i / block;
  const int width = groups * size;
  __global float *bi = b + i * width + g * size;
  __global const float *xi = xhat + s * width + g * size;
  float su = 0.0f;
  float sxu = 0.0f;
  for (int j = 0; j < size; j++) {
    const float u = gamma[j] * bi[j];
    su += u;
    sxu += xi[j] * u;
  }
  const float mu = su / (float)size;
  const float mxu = sxu / (float)size;
  const float r = rstd[s * groups + g];
  for (int j = 0; j < size; j++) {
    const float u = gamma[j] * bi[j];
    bi[j] = r * ((u - mu) - xi[j] * mxu);
  }
}

/*
 * jact_layer_norm_weight: Jacobian-transposed product w.r.t. LayerNorm's weight γ
 *
 *   out[i, j] = Σ_g b[i, g·M + j] · x̂[i / block, g·M + j]
 *   b [rows × G·M], xhat [rows / block × G·M], out [rows × M]; row-major float32.
 *   With b = B_out the rows of out are the columns of V_γ; with b = Δ (block 1) they are the
 *   per-sample gradients ∂L_n/∂γ.
 *
 * Launch grid (1-D): one work item per element of out, id = i · M + j;
 *   global = rows · M rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void jact_layer_norm_weight(const int rows, const int groups, const int size,
                                     const int block, __global const float *b,
                                     __global const float *xhat, __global float *out) {
  const int id = get_global_id(0);
  if (id >= rows * size) {
    return;
  }
  const int i = id / size;
  const int j = id - i * size;
  const int width = groups * size;
  const int s = i / block;
  float acc = 0.0f;
  for (int g = 0; g < groups; g++) {
    acc += b[i * width + g * size + j] * xhat[s * width + g * size + j];
  }
  out[id] = acc;
}

/*
 * jact_layer_norm_bias: Jacobian-transposed product w.r.t. LayerNorm's bias β
 *
 *   out[i, j] = Σ_g b[i, g·M + j]
 *   b [rows × G·M], out [rows × M]; row-major float32. The columns of V_β (b = B_out), or the
 *   per-sample gradients ∂L_n/∂β (b = Δ).
 *
 * Launch grid (1-D): one work item per element of out, id = i · M + j;
 *   global = rows · M rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void jact_layer_norm_bias(const int rows, const int groups, const int size,
                                   __global const float *b, __global float *out) {
  const int id = get_global_id(0);
  if (id >= rows * size) {
    return;
  }
  const int i = id / size;
  const int j = id - i * size;
  const int width = groups * size;
  float acc = 0.0f;
  for (int g = 0; g < groups; g++) {
    acc += b[i * width + g * size + j];
  }
  out[id] = acc;
}
