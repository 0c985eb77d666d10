package org.vivit4j.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * Peak JVM heap of a run, measured two ways: the heap in use sampled every few milliseconds by a
 * daemon thread ({@code MemoryMXBean}, a lower bound of the true peak), and the sum over the heap
 * pools of each pool's own peak since the start ({@code MemoryPoolMXBean.getPeakUsage}, an upper
 * bound, since the pools need not peak together). Device memory (OpenCL buffers) is not counted.
 */
final class MemoryReport implements AutoCloseable {
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile long sampledPeak;

  /** Resets the pools' peaks and starts sampling. */
  MemoryReport() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        pool.resetPeakUsage();
      }
    }
    sample();
    sampler =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "vivit4j-memory-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    if (used > sampledPeak) {
      sampledPeak = used;
    }
  }

  /** Largest sampled heap in use, in bytes. */
  long sampledPeakBytes() {
    sample();
    return sampledPeak;
  }

  /** Sum of the heap pools' peaks, in bytes. */
  static long poolPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** One line for the console. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "peak JVM heap: %.1f MiB sampled in use (MemoryMXBean every 5 ms), %.1f MiB sum of"
            + " heap-pool peaks (MemoryPoolMXBean), max heap %.0f MiB",
        sampledPeakBytes() / 1048576.0,
        poolPeakBytes() / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
