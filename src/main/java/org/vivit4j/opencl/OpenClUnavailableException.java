package org.vivit4j.opencl;

/**
 * No usable OpenCL device: the OpenCL library (ICD loader) or the JOCL natives could not be loaded,
 * no OpenCL platform is installed, or no device matches the requested selector. The message says
 * what is missing and how to fix it. A run that asked for the OpenCL backend fails with this
 * exception; it never falls back to the CPU.
 */
public class OpenClUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OpenClUnavailableException(String message) {
    super(message);
  }

  public OpenClUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
