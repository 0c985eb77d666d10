package org.vivit4j.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak heap use of this JVM through the memory-pool beans: {@link #reset()} before a run, then
 * {@link #peakBytes()} and {@link #peakLiveBytes()} after. The sum of the heap pools' peaks is an
 * upper bound of the simultaneous peak (pools may peak at different times, and the young generation
 * fills with garbage as far as the collector lets it grow). The largest heap use right after a
 * collection is what was reachable then plus the garbage that collection did not visit: after a
 * young collection, dead arrays in the old generation still count. So it may exceed the live peak:
 * cifar100_allcnnc at N = 12 in float64 (chunks of 4) showed 1.44 GB after collections under G1 and
 * 1.41 GB under the serial collector, while the run fitted an old generation of 1.405 GB (and not
 * one of 1.399 GB).
 */
public final class PeakMemory {
  private PeakMemory() {}

  private static final java.util.concurrent.atomic.AtomicLong PEAK_LIVE =
      new java.util.concurrent.atomic.AtomicLong();
  private static volatile boolean listening;

  public static void reset() {
    listen();
    System.gc();
    PEAK_LIVE.set(0);
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum over heap pools of the peak used bytes since {@link #reset()}. */
  public static long peakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * The largest heap use right after a collection since {@link #reset()} (0 when none ran): heap
   * pools' {@code memoryUsageAfterGc}, summed, from the collectors' notifications.
   */
  public static long peakLiveBytes() {
    return PEAK_LIVE.get();
  }

  private static synchronized void listen() {
    if (listening) {
      return;
    }
    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heapPools.add(p.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof javax.management.NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (!com.sun.management.GarbageCollectionNotificationInfo
                  .GARBAGE_COLLECTION_NOTIFICATION
                  .equals(notification.getType())) {
                return;
              }
              var info =
                  com.sun.management.GarbageCollectionNotificationInfo.from(
                      (javax.management.openmbean.CompositeData) notification.getUserData());
              long after = 0;
              for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                  after += e.getValue().getUsed();
                }
              }
              PEAK_LIVE.accumulateAndGet(after, Math::max);
            },
            null,
            null);
      }
    }
    listening = true;
  }

  /** Collections so far over all collectors. */
  public static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  /** {@code MemAvailable} of {@code /proc/meminfo} in bytes, or -1. */
  public static long machineAvailableBytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
