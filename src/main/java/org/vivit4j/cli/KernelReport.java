package org.vivit4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.opencl.KernelStats;
import org.vivit4j.opencl.OpenClBackend;

/**
 * {@code --verbose}: program build time, per-kernel device times and the peak of device buffers in
 * use of an OpenCL run.
 */
final class KernelReport {
  private KernelReport() {}

  static void print(Backend backend, PrintWriter out) {
    if (!(backend instanceof OpenClBackend ocl)) {
      out.println("kernels: the " + backend.name() + " backend has no device profiling");
      return;
    }
    out.printf(Locale.ROOT, "kernels: program build (warm-up) %.3f s%n", ocl.buildSeconds());
    out.printf(
        Locale.ROOT,
        "  %-32s %8s %12s %12s %10s%n",
        "kernel",
        "launches",
        "device ms",
        "mean µs",
        "GFLOP/s");
    for (KernelStats s : ocl.kernelStats().values()) {
      out.printf(
          Locale.ROOT,
          "  %-32s %8d %12.3f %12.1f %10.2f%n",
          s.kernel(),
          s.launches(),
          s.deviceSeconds() * 1e3,
          s.meanMicros(),
          s.gflopsPerSecond());
    }
    out.printf(
        Locale.ROOT,
        "device buffers: peak %s in use, of %s%n",
        MemoryEstimate.gib(ocl.peakBytesInUse()),
        ocl.describeDeviceMemory());
  }
}
