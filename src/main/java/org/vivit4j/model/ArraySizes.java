package org.vivit4j.model;

import java.util.Locale;

/**
 * Sizes of the arrays a problem asks for, computed in {@code long} so that a product too large for
 * a Java array is refused by name instead of wrapping around to a negative or small {@code int}.
 */
public final class ArraySizes {
  private ArraySizes() {}

  /**
   * Largest length of a Java array: HotSpot refuses {@code Integer.MAX_VALUE} and a few below it
   * ("Requested array size exceeds VM limit"), so the last 8 are kept free.
   */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /**
   * {@code a·b} in {@code long}, saturating at {@link Long#MAX_VALUE} (sizes are never negative).
   */
  public static long times(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  /**
   * {@code a + b} for sizes ({@code ≥ 0}) in {@code long}, saturating at {@link Long#MAX_VALUE}.
   */
  public static long plus(long a, long b) {
    return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }

  /** The product of {@code dims}, saturating. */
  public static long product(int... dims) {
    long p = 1;
    for (int d : dims) {
      p = times(p, d);
    }
    return p;
  }

  /** Whether an array of {@code length} entries can exist. */
  public static boolean fits(long length) {
    return length >= 0 && length <= MAX_ARRAY_LENGTH;
  }

  /**
   * {@code length} as an {@code int}, or an error naming {@code field}: "{@code what} = length
   * values, more than a Java array holds".
   */
  public static int checked(long length, String field, String what) {
    if (!fits(length)) {
      throw new InvalidInputException(field, what + " = " + count(length) + tooLarge());
    }
    return (int) length;
  }

  /** The tail of every refusal: the limit. */
  public static String tooLarge() {
    return " values, more than a Java array holds (" + MAX_ARRAY_LENGTH + ")";
  }

  /** A count for messages: exact up to 10⁹, else also in scientific notation. */
  public static String count(long n) {
    if (n == Long.MAX_VALUE) {
      return "more than 9.2e18";
    }
    return n < 1_000_000_000L
        ? Long.toString(n)
        : String.format(Locale.ROOT, "%d (%.3g)", n, n * 1.0);
  }
}
