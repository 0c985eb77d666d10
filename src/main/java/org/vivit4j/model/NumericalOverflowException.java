package org.vivit4j.model;

/**
 * A computation overflowed to infinity (or to NaN through {@code ∞ − ∞}) in its floating-point
 * type: the input is too large for the dtype rather than malformed. Names where it overflowed (a
 * layer's output {@code model[i]}, the {@code loss}, a group's Gram {@code param_groups[j]}) and
 * the dtype, and suggests float64 when the run is in float32.
 */
public final class NumericalOverflowException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  /**
   * @param field where the overflow happened
   * @param dtype the floating-point type the value was computed in ({@code float32}, {@code
   *     float64})
   * @param what the quantity that overflowed, e.g. "the layer's output"
   * @param value the first non-finite value found
   * @param at where in the quantity, e.g. "sample 0, entry 3"
   */
  public NumericalOverflowException(
      String field, String dtype, String what, double value, String at) {
    super(
        field,
        "numerical overflow in "
            + dtype
            + ": "
            + what
            + " is "
            + value
            + " at "
            + at
            + (Double.isNaN(value) ? " (an infinity met another: ∞ − ∞ or 0·∞)" : "")
            + "; the weights or inputs are too large for "
            + dtype
            + ("float32".equals(dtype) ? " (run with --dtype float64)" : ""));
  }

  /**
   * Throws for the first non-finite entry of {@code values}, read as rows of {@code width} ({@code
   * rowName} 0, 1, …; 0: a flat list); returns quietly when all are finite.
   */
  public static void checkFinite(
      double[] values, int width, String rowName, String field, String dtype, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        String at =
            width > 1
                ? rowName + " " + i / width + ", column " + i % width
                : (width == 1 ? rowName : "entry") + " " + i;
        throw new NumericalOverflowException(field, dtype, what, values[i], at);
      }
    }
  }
}
