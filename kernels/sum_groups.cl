/*
 * sum_groups: sums of consecutive groups of t entries in every row
 *
 *   c[r, i] = sum_{s < t} a[r, i·t + s]
 *   a [R × p·t], c [R × p], row-major float32. With a = B_out of a Conv2d layer (p = O,
 *   t = T output positions) this is the bias factor sum_t B[r, o, t].
 *
 * Launch grid (1-D): one work item per entry of c, id = r · p + i; global = R·p rounded up to a
 * multiple of the local size; ids past the end return.
 */
__kernel void sum_groups(const int count, const int t, __global const float *a,
                         __global float *c) {
  const int id = get_global_id(0);
  if (id >= count) {
    return;
  }
  __global const float *src = a + (long) id * t;
  float s = 0.0f;
  for (int k = 0; k < t; k++) {
    s += src[k];
  }
  c[id] = s;
}
