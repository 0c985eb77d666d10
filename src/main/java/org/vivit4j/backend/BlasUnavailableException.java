package org.vivit4j.backend;

/**
 * The native BLAS was asked for ({@link Gemm#BLAS}) and cannot be loaded. The message says what is
 * missing and how to fix it. A run that asked for BLAS fails with this exception; it never falls
 * back to the plain loops.
 */
public class BlasUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BlasUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
