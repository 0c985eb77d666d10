package org.vivit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    Path p = dir.resolve("data.csv");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsLabelsAndFeaturesWithAnOptionalHeader() throws IOException {
    Dataset d = CsvDataset.read(csv("label,a,b\n1,0.5,-2\n0, 3e-1 ,4\n\n"), 2);
    assertArrayEquals(new int[] {1, 0}, d.labels());
    assertArrayEquals(new double[] {0.5, -2, 0.3, 4}, d.x(), 0);
    assertArrayEquals(new int[] {2}, d.sampleShape());
  }

  private void assertRejected(String text, String phrase) throws IOException {
    Path p = csv(text);
    DataFormatException e = assertThrows(DataFormatException.class, () -> CsvDataset.read(p, 3));
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  @Test
  void badInputNamesTheLineAndColumn() throws IOException {
    assertRejected("1,2,3\n1,2\n", "line 2: 1 features, earlier lines have 2");
    assertRejected("1,2,x\n", "line 1, column 3: 'x' is not a number");
    assertRejected("1,2\n5,1\n", "line 2, column 1: label 5 is outside [0, 3)");
    assertRejected("1.5,2\n", "line 1, column 1: label '1.5' is not an integer");
    assertRejected("1,NaN\n", "line 1, column 2: NaN is not finite");
    assertRejected("label,x\n", "no samples");
  }
}
