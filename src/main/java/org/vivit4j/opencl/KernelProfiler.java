package org.vivit4j.opencl;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * Per-kernel device time from profiling events. Launch events are kept pending and read in batches
 * ({@link #drain()}), so recording a launch never waits for the device. Not thread-safe: the owning
 * backend serialises calls.
 */
final class KernelProfiler {
  /** Pending events are drained once this many accumulate, bounding the events held. */
  static final int MAX_PENDING = 256;

  private record Pending(String kernel, cl_event event, double flops) {}

  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, KernelStats> stats = new TreeMap<>();

  /** Takes ownership of {@code event} (released after it is read). */
  void record(String kernel, cl_event event, double flops) {
    pending.add(new Pending(kernel, event, flops));
    if (pending.size() >= MAX_PENDING) {
      drain();
    }
  }

  /** Waits for the pending launches, adds their device times and releases their events. */
  void drain() {
    if (pending.isEmpty()) {
      return;
    }
    cl_event[] events = new cl_event[pending.size()];
    for (int i = 0; i < events.length; i++) {
      events[i] = pending.get(i).event();
    }
    try {
      CL.clWaitForEvents(events.length, events);
      long[] start = new long[1];
      long[] end = new long[1];
      for (Pending p : pending) {
        CL.clGetEventProfilingInfo(
            p.event(), CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
        CL.clGetEventProfilingInfo(
            p.event(), CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
        stats.merge(
            p.kernel(),
            new KernelStats(p.kernel(), 1, end[0] - start[0], p.flops()),
            (a, b) -> a.plus(b.deviceNanos(), b.flops()));
      }
    } finally {
      for (cl_event e : events) {
        CL.clReleaseEvent(e);
      }
      pending.clear();
    }
  }

  /** Drains, then returns a snapshot sorted by kernel name. */
  Map<String, KernelStats> snapshot() {
    drain();
    return Collections.unmodifiableMap(new TreeMap<>(stats));
  }

  /** Drains and forgets all statistics (e.g. after warm-up). */
  void reset() {
    drain();
    stats.clear();
  }
}
