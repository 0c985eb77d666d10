package org.vivit4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.vivit4j.model.InvalidInputException;

/**
 * ViViT + BackPACK + PyTorch timings of the whole {@code DirectionalDerivativesComputation}
 * (forward + backward + eigensolve, median after warm-up) per bench case: either measured on this
 * machine just before the bench by the reference timing script ({@code bench --vivit-timings FILE},
 * {@link #load}), or the numbers quoted in issue 5 from a machine of the same kind ({@link
 * #quoted}). The report says which.
 *
 * @param table case id ({@code seed_n4}, {@code mlp784_n128}, {@code fmnist_2c2d_n32}) → seconds
 * @param source where the numbers come from, for the report
 * @param measuredHere whether they were measured on this machine (a side-by-side comparison)
 */
public record ViVitTimings(Map<String, Entry> table, String source, boolean measuredHere) {
  /**
   * The name under which a bench report keeps a copy of the {@code --vivit-timings} file (its
   * command names that copy, so that no machine's path is recorded).
   */
  public static final String COPY_NAME = "time_vivit.json";

  /** Seconds per dtype (null: no number, e.g. ViViT crashed) and the eigensolve's time. */
  public record Entry(Double float64, Double float32, String eigensolveNote) {}

  public ViVitTimings {
    table = Map.copyOf(table);
  }

  /** The numbers quoted in issue 5 (measured by the ViViT side, not on this machine). */
  public static ViVitTimings quoted() {
    return new ViVitTimings(
        Map.of(
            "seed_n4", new Entry(1.82e-3, 2.19e-3, "0.02 ms"),
            "mlp784_n32", new Entry(0.343, 0.189, "25 / 21 ms"),
            "mlp784_n128", new Entry(7.10, 2.49, "1.42 / 1.19 s"),
            "mlp784_n512",
                new Entry(
                    213.7, null, "172.8 s (float32 crashed: LAPACK ssyevd error at 5120×5120)")),
        "ViViT+BackPACK on PyTorch 1.13 with OpenBLAS, 2 threads, on a 2-core machine like the CI"
            + " machines (measured by the ViViT side; numbers quoted from issue 5, not re-measured"
            + " here)",
        false);
  }

  /**
   * Reads the JSON the reference timing script ({@code time_vivit.py}) writes: {@code meta} and one
   * {@code results} row per dtype and size with {@code vivit_directional_derivatives.median_s}.
   *
   * @throws InvalidInputException naming {@code --vivit-timings} when the file is not such a JSON
   */
  public static ViVitTimings load(Path file) throws IOException {
    String field = "--vivit-timings";
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInputException(field, file + " is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.path("results").isArray()) {
      throw new InvalidInputException(field, file + " has no results list (time_vivit.py's JSON)");
    }
    Map<String, Double> f64 = new LinkedHashMap<>();
    Map<String, Double> f32 = new LinkedHashMap<>();
    Map<String, String> eig = new LinkedHashMap<>();
    for (JsonNode row : root.get("results")) {
      String kind = row.path("kind").asText();
      int n = row.path("N").asInt(-1);
      String id =
          switch (kind) {
            case "seed" -> "seed_n4";
            case "mnist" -> "mlp784_n" + n;
            case "fmnist_2c2d" -> "fmnist_2c2d_n" + n;
            default -> null;
          };
      JsonNode median = row.path("vivit_directional_derivatives").path("median_s");
      if (id == null || n < 1 || !median.isNumber()) {
        throw new InvalidInputException(
            field,
            file + ": a results row lacks kind, N or vivit_directional_derivatives.median_s");
      }
      String dtype = row.path("dtype").asText();
      (dtype.equals("float32") ? f32 : f64).put(id, median.doubleValue());
      JsonNode e = row.path("linalg_eigh_of_NC_x_NC_matrix").path("median_s");
      if (e.isNumber()) {
        eig.merge(id, seconds(e.doubleValue()), (a, b) -> a + " / " + b);
      }
    }
    Map<String, Entry> table = new LinkedHashMap<>();
    for (String id : union(f64, f32)) {
      table.put(id, new Entry(f64.get(id), f32.get(id), eig.getOrDefault(id, "–")));
    }
    JsonNode meta = root.path("meta");
    String source =
        String.format(
            Locale.ROOT,
            "ViViT+BackPACK measured on this machine by time_vivit.py (its JSON copied into this"
                + " report as %s): PyTorch %s, %s threads, OPENBLAS_NUM_THREADS=%s, %s",
            COPY_NAME,
            meta.path("torch_version").asText("?"),
            meta.path("torch_num_threads").asText("?"),
            meta.path("OPENBLAS_NUM_THREADS").asText("?"),
            meta.path("cpu_model").asText("?"));
    return new ViVitTimings(table, source, true);
  }

  private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
    java.util.Set<String> s = new java.util.LinkedHashSet<>(a.keySet());
    s.addAll(b.keySet());
    return s;
  }

  private static String seconds(double s) {
    return s < 1
        ? String.format(Locale.ROOT, "%.2f ms", s * 1e3)
        : String.format(Locale.ROOT, "%.2f s", s);
  }

  /** ViViT's seconds for a case and dtype, or null. */
  public Double seconds(String caseId, String dtype) {
    Entry e = table.get(caseId);
    if (e == null) {
      return null;
    }
    return "float64".equals(dtype) ? e.float64() : e.float32();
  }

  /** The entry of a case, or null. */
  public Entry entry(String caseId) {
    return table.get(caseId);
  }

  /** The speed-up goals of issue 5 (vivit4j CPU backend vs ViViT, same dtype). */
  public static double goal(String caseId) {
    return switch (caseId) {
      case "seed_n4", "mlp784_n128", "fmnist_2c2d_n32" -> 20;
      case "mlp784_n512" -> 50;
      default -> Double.NaN;
    };
  }
}
