package org.vivit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.model.InvalidInputException;

class ViVitTimingsTest {
  @TempDir Path dir;

  /** Rows shaped as the reference timing script writes them. */
  static final String SCRIPT_JSON =
      """
      {"meta": {"torch_version": "1.13.0a0", "torch_num_threads": 2,
                "OPENBLAS_NUM_THREADS": "2", "cpu_model": "Intel Xeon Processor"},
       "results": [
        {"dtype": "float64", "label": "seed", "kind": "seed", "k": 4, "N": 4,
         "vivit_directional_derivatives": {"median_s": 0.0032, "min_s": 0.003, "max_s": 0.004},
         "linalg_eigh_of_NC_x_NC_matrix": {"median_s": 0.00002}},
        {"dtype": "float32", "label": "mlp", "kind": "mnist", "k": 10, "N": 128,
         "vivit_directional_derivatives": {"median_s": 3.5},
         "linalg_eigh_of_NC_x_NC_matrix": {"error": "LAPACK"}},
        {"dtype": "float64", "label": "2c2d", "kind": "fmnist_2c2d", "k": 10, "N": 32,
         "vivit_directional_derivatives": {"median_s": 17.6},
         "linalg_eigh_of_NC_x_NC_matrix": {"median_s": 0.05}}
       ]}
      """;

  @Test
  void readsTheReferenceScriptsJson() throws Exception {
    Path f = Files.writeString(dir.resolve("t.json"), SCRIPT_JSON);
    ViVitTimings v = ViVitTimings.load(f);
    assertTrue(v.measuredHere());
    assertEquals(0.0032, v.seconds("seed_n4", "float64"));
    assertNull(v.seconds("seed_n4", "float32"));
    assertEquals(3.5, v.seconds("mlp784_n128", "float32"));
    assertEquals(17.6, v.seconds("fmnist_2c2d_n32", "float64"));
    assertEquals("50.00 ms", v.entry("fmnist_2c2d_n32").eigensolveNote());
    assertTrue(v.source().contains("measured on this machine"), v.source());
    assertTrue(v.source().contains("Intel Xeon Processor"), v.source());
    // the report names its own copy of the file, never this machine's path to it
    assertTrue(v.source().contains(ViVitTimings.COPY_NAME), v.source());
    assertFalse(v.source().contains(dir.toString()), v.source());
    // the report stores the table it used; replot reads it back
    ObjectMapper json = new ObjectMapper();
    Path stored = dir.resolve("vivit_timings.json");
    json.writeValue(stored.toFile(), v);
    assertEquals(v, json.readValue(stored.toFile(), ViVitTimings.class));
    assertFalse(ViVitTimings.quoted().measuredHere());
  }

  @Test
  void aFileThatIsNotTheScriptsJsonIsRefusedNamingTheOption() throws Exception {
    Path text = Files.writeString(dir.resolve("a.json"), "not json");
    Path other = Files.writeString(dir.resolve("b.json"), "{\"results\": [{\"kind\": \"x\"}]}");
    for (Path f : new Path[] {text, other}) {
      String e = assertThrows(InvalidInputException.class, () -> ViVitTimings.load(f)).getMessage();
      assertTrue(e.startsWith("--vivit-timings: " + f), e);
    }
  }
}
