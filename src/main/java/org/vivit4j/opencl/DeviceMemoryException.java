package org.vivit4j.opencl;

/**
 * The OpenCL device has no room for a buffer the run needs: the backend's buffers would exceed the
 * device's global memory (after the pool of free buffers was released), the driver refused an
 * allocation for lack of memory ({@code CL_MEM_OBJECT_ALLOCATION_FAILURE}, {@code
 * CL_OUT_OF_RESOURCES} or {@code CL_OUT_OF_HOST_MEMORY} from {@code clCreateBuffer}), or a write,
 * fill, copy or launch that first touched a buffer reported {@code
 * CL_MEM_OBJECT_ALLOCATION_FAILURE}. The message names the buffer, what the backend holds and the
 * device's size, and says how to run smaller. Like a heap that runs out, a run ends with one line
 * and exit code 2; nothing falls back to the CPU.
 */
public class DeviceMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeviceMemoryException(String message) {
    super(message);
  }

  public DeviceMemoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
