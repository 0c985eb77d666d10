package org.vivit4j.bench;

import java.util.Map;

/**
 * ViViT + BackPACK + PyTorch 1.13 (OpenBLAS, 2 threads) timings of the whole {@code
 * DirectionalDerivativesComputation} (forward + backward + eigensolve, median after warm-up), as
 * measured by the ViViT side on a 2-core machine like the CI machines and quoted in issue 5.
 * Constants: vivit4j never re-measures them.
 */
public final class ViVitTimings {
  private ViVitTimings() {}

  /** Seconds per case id and dtype; a missing entry means ViViT has no number (it crashed). */
  public record Entry(Double float64, Double float32, String eigensolveNote) {}

  public static final String SOURCE =
      "ViViT+BackPACK on PyTorch 1.13 with OpenBLAS, 2 threads, on a 2-core machine like the CI"
          + " machines (measured by the ViViT side; numbers quoted from issue 5)";

  /** Case id → ViViT's median seconds. */
  public static final Map<String, Entry> TABLE =
      Map.of(
          "seed_n4", new Entry(1.82e-3, 2.19e-3, "0.02 ms"),
          "mlp784_n32", new Entry(0.343, 0.189, "25 / 21 ms"),
          "mlp784_n128", new Entry(7.10, 2.49, "1.42 / 1.19 s"),
          "mlp784_n512",
              new Entry(
                  213.7, null, "172.8 s (float32 crashed: LAPACK ssyevd error at 5120×5120)"));

  /** ViViT's seconds for a case and dtype, or null. */
  public static Double seconds(String caseId, String dtype) {
    Entry e = TABLE.get(caseId);
    if (e == null) {
      return null;
    }
    return "float64".equals(dtype) ? e.float64() : e.float32();
  }

  /** The speed-up goals of issue 5 (vivit4j CPU backend vs ViViT, same dtype). */
  public static double goal(String caseId) {
    return switch (caseId) {
      case "seed_n4", "mlp784_n128" -> 20;
      case "mlp784_n512" -> 50;
      default -> Double.NaN;
    };
  }
}
