package org.vivit4j.api;

/**
 * Which backend and device ran a computation, in which precision, and how long it took.
 *
 * @param backend {@code cpu} or {@code opencl}
 * @param device device description
 * @param dtype {@code float64} or {@code float32}
 * @param seconds wall time of the computation (forward, factor backpropagation, eigensolve)
 */
public record RunInfo(String backend, String device, String dtype, double seconds) {}
