package org.vivit4j.bench;

import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.MemoryEstimate;

/**
 * The largest batch of a bench network whose exact top-10 directional derivatives fit a heap limit,
 * by the library's own memory estimate ({@link MemoryEstimate}: the check every run makes before
 * computing), with the run sized as it would be in that heap (its sample chunks from the default
 * budget, its Gram storage). A measured curve cannot give this once runs are chunked: a chunked
 * run's peak follows its budget, a share of the heap, not N.
 */
public final class LargestBatch {
  private LargestBatch() {}

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
   * @throws org.vivit4j.model.InvalidInputException when an array of that run cannot exist (too
   *     large)
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

  /**
   * The largest N whose estimated peak fits {@code heapBytes} ({@link
   * org.vivit4j.api.GgnComputation#largestBatch}: a multiple of {@link #step}; 0 when not even one
   * step does).
   */
  public static int largest(String network, long heapBytes, String dtype) {
    BenchCase c = carrier(network);
    // the heap taken whole, as under a collector that moves large arrays (the summary says so)
    return new DirectionalDerivativesComputation(ComputationOptions.defaults())
        .assumingHeapLimit(heapBytes)
        .largestBatch(
            c.network(),
            c.loss(),
            c.groups(),
            true,
            Precision.fromTypeName(dtype) == Precision.FLOAT32,
            heapBytes);
  }

  /** The resolution of {@link #largest} around {@code n}. */
  static int step(int n) {
    return org.vivit4j.api.GgnComputation.largestBatchStep(n);
  }
}
