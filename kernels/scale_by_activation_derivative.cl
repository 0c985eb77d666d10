/*
 * scale_by_activation_derivative: b ⊙= φ'(z) expanded over the factor columns of each sample
 *
 *   b[i, f] *= φ'(z[i / block, f])                          (integer division)
 *   b [rows × cols] (rows = N · block), z [rows / block × cols], row-major float32.
 *   The Jacobian-transposed product of an element-wise activation, in place on the factor
 *   rows (n · C̃ + c) of sample n = i / block, with z the activation's input.
 *
 *   act = the ordinal of org.vivit4j.model.Activation; φ' of each activation is defined once
 *   there (Activation.openClDerivative: statements assigning d from x and param) and filled in
 *   below by org.vivit4j.opencl.ActivationKernelSource before the program is built, one branch
 *   per activation. param is the activation's hyper-parameter as a float (negative_slope, alpha).
 * At z = 0 the z ≤ 0 branch is taken, as in PyTorch's backward.
 * The definitions keep a small relative error where φ' is tiny (sigmoid as e / (1 + e)² with
 * e = exp(−|z|), not σ (1 − σ), which cancels in float32 when |z| is large).
 *
 * Launch grid (1-D): one work item per element of b, id = i · cols + f;
 *   global = rows · cols rounded up to a multiple of the local size; ids past the end return.
 */
__kernel void scale_by_activation_derivative(const int rows, const int cols, const int block,
                                             const int act, const float param,
                                             __global float *b, __global const float *z) {
  const int id = get_global_id(0);
  if (id >= rows * cols) {
    return;
  }
  const int i = id / cols;
  const int f = id - i * cols;
  const float x = z[(i / block) * cols + f];
  float d;
  /* ACTIVATION_DERIVATIVES: one `if (act == k) { ... }` branch per activation */
  b[id] *= d;
}
