package org.vivit4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The config files the README's commands use pass the option checks with the values they hold. */
class ShippedExperimentConfigsTest {
  @Test
  void everyShippedConfigResolvesToItsOwnValues() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("tornado-env", "experiments"))) {
      files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      Map<String, Object> keys = new ObjectMapper().readValue(f.toFile(), new TypeReference<>() {});
      Map<String, Object> resolved = ExperimentConfig.resolve(keys, f.toString(), Map.of()).toMap();
      for (var e : keys.entrySet()) {
        Object v = resolved.get(e.getKey());
        if (v instanceof Number n) {
          assertEquals(((Number) e.getValue()).doubleValue(), n.doubleValue(), f + ": " + e);
        } else {
          assertEquals(e.getValue(), v, f + ": " + e);
        }
      }
    }
  }
}
