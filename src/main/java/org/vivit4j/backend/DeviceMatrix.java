package org.vivit4j.backend;

/**
 * A row-major {@code rows × cols} matrix owned by a {@link Backend} (host memory for the CPU
 * backend, a device buffer for OpenCL). Only the backend that created it may read it.
 */
public interface DeviceMatrix extends AutoCloseable {
  int rows();

  int cols();

  /** Frees the storage; idempotent. */
  @Override
  void close();
}
