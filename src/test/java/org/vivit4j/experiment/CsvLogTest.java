package org.vivit4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLogTest {
  @Test
  void undefinedValuesAreEmptyCellsNotNaN(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("groups.csv");
    try (CsvLog log = new CsvLog(file, "group,step,overlap,trace")) {
      log.row("all", 3, Double.NaN, 0.125);
      log.row("all", 4, 0.5, Double.NaN);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(
        List.of("group,step,overlap,trace", "all,3,,0.1250000000", "all,4,0.5000000000,"), lines);
    assertFalse(Files.readString(file).contains("NaN"));
  }

  @Test
  void cellsOfNumbers() {
    assertEquals("12", CsvLog.cell(12.0));
    assertEquals("-3", CsvLog.cell(-3.0));
    assertEquals("1.234567890e+20", CsvLog.cell(1.23456789e20));
    assertEquals("", CsvLog.cell(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> CsvLog.cell(Double.POSITIVE_INFINITY));
  }
}
