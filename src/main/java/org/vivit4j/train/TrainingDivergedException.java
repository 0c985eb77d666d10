package org.vivit4j.train;

/**
 * Training produced a non-finite loss or non-finite parameters (a learning rate too large for the
 * problem, typically): going on would only log NaN.
 */
public class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
