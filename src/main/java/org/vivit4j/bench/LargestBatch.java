package org.vivit4j.bench;

import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.model.InvalidInputException;

/**
 * The largest batch of a bench network whose exact top-10 directional derivatives fit a heap limit,
 * by the library's own memory estimate ({@link MemoryEstimate}: the check every run makes before
 * computing), with the run sized as it would be in that heap (its sample chunks from the default
 * budget, its Gram storage). A measured curve cannot give this once runs are chunked: a chunked
 * run's peak follows its budget, a share of the heap, not N.
 */
public final class LargestBatch {
  private LargestBatch() {}

  /** Batches the search never goes past (far beyond any Gram a machine holds). */
  static final int MAX_N = 1 << 20;

  /**
   * Issue 10's goal for {@code network} in a 20 GiB heap in float32 (twice ViViT's CPU critical
   * batch size), or 0 where it sets none.
   */
  public static int goal(String network) {
    return switch (network) {
      case "fmnist_2c2d" -> 8448;
      case "cifar10_3c3d" -> 5376;
      case "cifar100_allcnnc" -> 192;
      default -> 0;
    };
  }

  /**
   * The estimate of a {@code bench-point} run of {@code network} at batch size {@code n} in a heap
   * of {@code heapBytes} on the CPU backend in {@code dtype}.
   *
   * @throws InvalidInputException when an array of that run cannot exist (too large)
   */
  public static MemoryEstimate estimate(String network, int n, long heapBytes, String dtype) {
    return estimate(carrier(network), n, heapBytes, dtype);
  }

  /** A small case of {@code network}: its network, loss and groups do not depend on N. */
  private static BenchCase carrier(String network) {
    return BenchCase.of(network, 16);
  }

  private static MemoryEstimate estimate(BenchCase c, int n, long heapBytes, String dtype) {
    boolean float32 = Precision.fromTypeName(dtype) == Precision.FLOAT32;
    return new DirectionalDerivativesComputation(ComputationOptions.defaults())
        .assumingHeapLimit(heapBytes)
        .memoryEstimate(c.network(), c.loss(), n, c.groups(), true, float32);
  }

  /** Whether the estimate of the run at {@code n} fits {@code heapBytes}. */
  private static boolean fits(BenchCase c, int n, long heapBytes, String dtype) {
    try {
      return estimate(c, n, heapBytes, dtype).fits(heapBytes);
    } catch (InvalidInputException e) {
      return false; // an array of that run cannot exist
    }
  }

  /**
   * The largest N, a multiple of {@link #step}, whose estimated peak fits {@code heapBytes} (0 when
   * not even one step does): doubling, then bisection, assuming a larger batch never needs less.
   */
  public static int largest(String network, long heapBytes, String dtype) {
    BenchCase c = carrier(network);
    int lo = 0; // fits (0 trivially)
    int hi = 16; // the first candidate
    while (hi < MAX_N && fits(c, hi, heapBytes, dtype)) {
      lo = hi;
      hi *= 2;
    }
    if (hi >= MAX_N && fits(c, MAX_N, heapBytes, dtype)) {
      return MAX_N;
    }
    // lo fits, hi does not: narrow to one step
    while (hi - lo > step(lo)) {
      int mid = roundDown(lo + (hi - lo) / 2, step(lo));
      if (mid <= lo) {
        mid = lo + step(lo);
      }
      if (fits(c, mid, heapBytes, dtype)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The resolution of {@link #largest}: 16 below 1024 samples, 64 from there. */
  static int step(int n) {
    return n < 1024 ? 16 : 64;
  }

  private static int roundDown(int n, int step) {
    return n / step * step;
  }
}
