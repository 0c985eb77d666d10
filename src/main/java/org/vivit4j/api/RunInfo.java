package org.vivit4j.api;

import java.util.List;

/**
 * Which backend and device ran a computation, in which precision, how long it took, and what the
 * layers chose on the way (verbose notes).
 *
 * @param backend {@code cpu} or {@code opencl}
 * @param device device description
 * @param dtype {@code float64} or {@code float32}
 * @param seconds wall time of the computation (forward, factor backpropagation, eigensolve)
 * @param notes one line per choice a layer made, e.g. how a Conv2d weight's Gram was contracted and
 *     why; empty for networks without such choices
 */
public record RunInfo(
    String backend, String device, String dtype, double seconds, List<String> notes) {

  public RunInfo {
    notes = List.copyOf(notes);
  }

  /** Without notes. */
  public RunInfo(String backend, String device, String dtype, double seconds) {
    this(backend, device, dtype, seconds, List.of());
  }
}
