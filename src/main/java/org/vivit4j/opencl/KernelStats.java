package org.vivit4j.opencl;

/**
 * Accumulated device time of one kernel, from OpenCL profiling events ({@code
 * CL_PROFILING_COMMAND_END − CL_PROFILING_COMMAND_START} summed over launches).
 *
 * @param kernel the kernel's name, as in {@code kernels/*.cl}
 * @param launches number of completed launches
 * @param deviceNanos summed device execution time in nanoseconds
 * @param flops summed nominal floating-point operations: {@code 2·m·n·k} per matrix product, {@code
 *     2} per element for {@code accumulate_hadamard_expanded}, {@code 1} per element for {@code
 *     accumulate} and {@code scale_by_activation_derivative}
 */
public record KernelStats(String kernel, long launches, long deviceNanos, double flops) {

  /** Summed device time in seconds. */
  public double deviceSeconds() {
    return deviceNanos * 1e-9;
  }

  /** Mean device time per launch in microseconds ({@code 0} without launches). */
  public double meanMicros() {
    return launches == 0 ? 0.0 : deviceNanos * 1e-3 / launches;
  }

  /** {@code flops / deviceSeconds / 1e9} ({@code 0} when no time was recorded). */
  public double gflopsPerSecond() {
    return deviceNanos == 0 ? 0.0 : flops / deviceNanos;
  }

  KernelStats plus(long nanos, double moreFlops) {
    return new KernelStats(kernel, launches + 1, deviceNanos + nanos, flops + moreFlops);
  }
}
