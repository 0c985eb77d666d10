package org.vivit4j.opencl;

import org.jocl.cl_mem;
import org.vivit4j.backend.DeviceMatrix;

/**
 * A row-major float32 {@code rows × cols} matrix in a device-only buffer ({@code
 * CL_MEM_READ_WRITE}, never mapped to host memory). An empty matrix still holds a one-float buffer,
 * so every matrix has a valid {@code cl_mem}.
 */
final class OpenClMatrix implements DeviceMatrix {
  final OpenClBackend owner;
  final cl_mem mem;
  private final int rows;
  private final int cols;
  private boolean released;

  OpenClMatrix(OpenClBackend owner, cl_mem mem, int rows, int cols) {
    this.owner = owner;
    this.mem = mem;
    this.rows = rows;
    this.cols = cols;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  /** {@code rows · cols}. */
  int size() {
    return rows * cols;
  }

  /** Whether the buffer has been released (by {@link #close()} or by closing the backend). */
  boolean isReleased() {
    synchronized (owner) {
      return released;
    }
  }

  /** Marks the buffer released; returns whether it was live. Called with the owner's lock held. */
  boolean markReleased() {
    boolean wasLive = !released;
    released = true;
    return wasLive;
  }

  /** Releases the device buffer; idempotent, also after the backend was closed. */
  @Override
  public void close() {
    owner.release(this);
  }

  @Override
  public String toString() {
    return "OpenClMatrix[" + rows + "×" + cols + (isReleased() ? ", released]" : "]");
  }
}
