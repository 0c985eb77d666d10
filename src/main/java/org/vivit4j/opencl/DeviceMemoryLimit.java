package org.vivit4j.opencl;

import java.lang.management.ManagementFactory;
import org.vivit4j.core.MemoryEstimate;

/**
 * How many bytes of buffers an {@link OpenClBackend} may hold at once, and why: a GPU's global
 * memory; on a CPU device (PoCL) the same, but no more than what the host's RAM leaves beside the
 * JVM's heap limit and {@link #hostReserve} — a CPU device's buffers are host memory, so a run
 * whose heap and device buffers together pass the RAM is not refused by either but killed by the
 * operating system (cifar100_allcnnc at N = 128 with {@code -Xmx12g} on a 24 GiB machine: 24.4 GB
 * resident, then signal 9).
 *
 * @param bytes the limit
 * @param reason what it is, for messages: {@code "the 21.5 GiB the device has"}
 */
record DeviceMemoryLimit(long bytes, String reason) {

  /**
   * What the host keeps beside the heap and a CPU device's buffers: the JVM outside its heap (code,
   * metaspace, thread stacks), the OpenCL driver and its compiled kernels, the operating system:
   * one sixteenth of the RAM, at least 1 GiB.
   */
  static long hostReserve(long ramBytes) {
    return Math.max(1L << 30, ramBytes / 16);
  }

  /**
   * The limit of a device with {@code globalBytes} of global memory; when {@code sharesHost}, also
   * at most {@code ramBytes − maxHeapBytes − hostReserve} (at least 1 byte, so that a run is
   * refused with this reason; {@code ramBytes} ≤ 0: unknown, the global memory alone).
   */
  static DeviceMemoryLimit of(
      long globalBytes, boolean sharesHost, long ramBytes, long maxHeapBytes) {
    String global = "the " + MemoryEstimate.gib(globalBytes) + " the device has";
    if (!sharesHost || ramBytes <= 0) {
      return new DeviceMemoryLimit(globalBytes, global);
    }
    long reserve = hostReserve(ramBytes);
    // at least 1 byte: a limit of 0 would read as "no device memory to plan for" (Backend)
    long room = Math.max(1, ramBytes - maxHeapBytes - reserve);
    if (room >= globalBytes) {
      return new DeviceMemoryLimit(globalBytes, global);
    }
    return new DeviceMemoryLimit(
        room,
        "the "
            + MemoryEstimate.gib(room)
            + " that the host's "
            + MemoryEstimate.gib(ramBytes)
            + " of RAM leave beside the JVM's heap limit ("
            + MemoryEstimate.gib(maxHeapBytes)
            + ") and "
            + MemoryEstimate.gib(reserve)
            + " for the JVM and driver (a CPU device's buffers are host memory: a smaller -Xmx"
            + " leaves them more)");
  }

  /**
   * {@link #of} for a device of this process, with this machine's RAM and this JVM's heap limit.
   */
  static DeviceMemoryLimit ofThisProcess(long globalBytes, boolean sharesHost) {
    return of(globalBytes, sharesHost, hostRamBytes(), Runtime.getRuntime().maxMemory());
  }

  /** The machine's (or container's) RAM in bytes, or −1 when the JVM does not say. */
  static long hostRamBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}
