/*
 * scale_by_activation_derivative: b ⊙= φ'(z) expanded over the factor columns of each sample
 *
 *   b[i, f] *= φ'(z[i / block, f])                          (integer division)
 *   b [rows × cols] (rows = N · block), z [rows / block × cols], row-major float32.
 *   The Jacobian-transposed product of an element-wise activation, in place on the factor
 *   rows (n · C̃ + c) of sample n = i / block, with z the activation's input.
 *
 *   act = 0: ReLU       φ'(z) = 1 if z > 0 else 0  (φ'(0) = 0, as PyTorch)
 *   act = 1: sigmoid    φ'(z) = σ(z) (1 − σ(z)) = e / (1 + e)²  with e = exp(−|z|)
 *   act = 2: tanh       φ'(z) = 1 − tanh²(z)    = 4e / (1 + e)²  with e = exp(−2|z|)
 *   act = 3: LeakyReLU  φ'(z) = 1 if z > 0 else param            (param = negative_slope)
 *   act = 4: ELU        φ'(z) = 1 if z > 0 else param · exp(z)   (param = alpha)
 *   act = 5: SELU       φ'(z) = λ if z > 0 else λα · exp(z)      (PyTorch's fixed λ, α)
 * At z = 0 the z ≤ 0 branch is taken, as in PyTorch's backward.
 * The exp(−|z|) forms avoid the cancellation of 1 − σ and 1 − tanh² in float32 when |z| is
 * large, so the result keeps a small relative error.
 *
 * Launch grid (1-D): one work item per element of b, id = i · cols + f;
 *   global = rows · cols rounded up to a multiple of the local size; ids past the end return.
 */
#define ACT_RELU 0
#define ACT_SIGMOID 1
#define ACT_TANH 2
#define ACT_LEAKY_RELU 3
#define ACT_ELU 4
#define ACT_SELU 5

#define SELU_SCALE 1.0507009873554804934f
#define SELU_SCALE_ALPHA 1.7580993408473768599f

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
  if (act == ACT_RELU) {
    d = x > 0.0f ? 1.0f : 0.0f;
  } else if (act == ACT_SIGMOID) {
    const float e = exp(-fabs(x));
    const float s = 1.0f + e;
    d = e / (s * s);
  } else if (act == ACT_TANH) {
    const float e = exp(-2.0f * fabs(x));
    const float s = 1.0f + e;
    d = 4.0f * e / (s * s);
  } else if (act == ACT_LEAKY_RELU) {
    d = x > 0.0f ? 1.0f : param;
  } else if (act == ACT_ELU) {
    d = x > 0.0f ? 1.0f : param * exp(x);
  } else {
    d = x > 0.0f ? SELU_SCALE : SELU_SCALE_ALPHA * exp(x);
  }
  b[id] *= d;
}
