package org.vivit4j.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import org.vivit4j.core.MemoryEstimate;

/**
 * The device buffers of one {@link OpenClBackend}: created on demand, pooled by byte size when a
 * matrix is released (so a pipeline that runs again for the same network, N and C̃ creates none),
 * and kept within the device's memory ({@link DeviceMemoryLimit}). It counts the bytes in buffers
 * (in use or pooled), the bytes in use and their peak, which the memory estimate is tested against
 * ({@link MemoryEstimate#deviceBytes}).
 *
 * <p>Not thread-safe on its own: the backend calls it with its lock held.
 */
final class OpenClBufferPool {
  /** What a run that does not fit its device can change. */
  static final String RUN_SMALLER =
      "run with smaller chunks of the factor pass (--factor-chunk, or a smaller --factor-memory),"
          + " a smaller batch, or on a device with more memory";

  private final cl_context context;
  private final String deviceName;
  private final DeviceMemoryLimit limit;
  private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
  private long buffersCreated;
  private long bytesInBuffers;
  private long bytesInUse;
  private long peakBytesInUse;

  OpenClBufferPool(cl_context context, String deviceName, DeviceMemoryLimit limit) {
    this.context = context;
    this.deviceName = deviceName;
    this.limit = limit;
  }

  /** Bytes of a {@code rows × cols} float32 buffer; an empty matrix still holds one float. */
  static long bytesOf(long entries) {
    return Math.max(1L, entries) * Float.BYTES;
  }

  /**
   * A buffer for a {@code rows × cols} float32 matrix, from the pool if one of its size is free,
   * else new; counted in use until {@link #giveBack}.
   */
  cl_mem take(int rows, int cols) {
    long bytes = bytesOf((long) rows * cols);
    ArrayDeque<cl_mem> sized = free.get(bytes);
    cl_mem mem = sized == null ? null : sized.poll();
    if (mem == null) {
      mem = create(rows, cols, bytes);
    }
    bytesInUse += bytes;
    peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
    return mem;
  }

  /** Returns the buffer of a released {@code entries}-entry matrix to the pool. */
  void giveBack(cl_mem mem, long entries) {
    long bytes = bytesOf(entries);
    bytesInUse -= bytes;
    free.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(mem);
  }

  /**
   * A new device buffer of {@code bytes}. When it would take the buffers past the device's memory,
   * or the driver refuses it for lack of memory, the pool of free buffers is released first and the
   * allocation tried once more; then {@link DeviceMemoryException}.
   */
  private cl_mem create(int rows, int cols, long bytes) {
    if (bytesInBuffers + bytes > limit.bytes()) {
      releaseFree();
      if (bytesInBuffers + bytes > limit.bytes()) {
        throw noRoom(rows, cols, bytes, null);
      }
    }
    try {
      return clCreateBuffer(bytes);
    } catch (CLException refused) {
      if (!isOutOfMemory(refused.getStatus())) {
        throw refused;
      }
    }
    releaseFree();
    try {
      return clCreateBuffer(bytes);
    } catch (CLException again) {
      throw isOutOfMemory(again.getStatus()) ? noRoom(rows, cols, bytes, again) : again;
    }
  }

  private cl_mem clCreateBuffer(long bytes) {
    cl_mem mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
    buffersCreated++;
    bytesInBuffers += bytes;
    return mem;
  }

  /** Whether an OpenCL status says the device or its driver ran out of memory. */
  static boolean isOutOfMemory(int status) {
    return status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE
        || status == CL.CL_OUT_OF_RESOURCES
        || status == CL.CL_OUT_OF_HOST_MEMORY;
  }

  private DeviceMemoryException noRoom(int rows, int cols, long bytes, CLException cause) {
    String what =
        "the OpenCL device "
            + deviceName
            + " has no room for a "
            + rows
            + "×"
            + cols
            + " float32 buffer ("
            + MemoryEstimate.gib(bytes)
            + "): the run holds "
            + MemoryEstimate.gib(bytesInBuffers)
            + " in device buffers, of "
            + limit.reason()
            + (cause == null ? "" : "; the driver said " + cause.getMessage())
            + "; "
            + RUN_SMALLER;
    return new DeviceMemoryException(what, cause);
  }

  /** Frees every pooled buffer (none is in use). */
  void releaseFree() {
    for (Map.Entry<Long, ArrayDeque<cl_mem>> e : free.entrySet()) {
      for (cl_mem mem : e.getValue()) {
        CL.clReleaseMemObject(mem);
        bytesInBuffers -= e.getKey();
      }
    }
    free.clear();
  }

  /** Number of device buffers created so far ({@code clCreateBuffer} calls). */
  long buffersCreated() {
    return buffersCreated;
  }

  /** Bytes in device buffers, in use or pooled. */
  long bytesInBuffers() {
    return bytesInBuffers;
  }

  /** The most bytes in use at once (pooled free buffers not counted) since the last reset. */
  long peakBytesInUse() {
    return peakBytesInUse;
  }

  /** Starts {@link #peakBytesInUse} again from the bytes in use now. */
  void resetPeakBytesInUse() {
    peakBytesInUse = bytesInUse;
  }
}
