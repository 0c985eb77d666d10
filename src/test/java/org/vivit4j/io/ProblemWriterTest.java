package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.problems.DeepObsProblems;

/** Problem files written by {@link ProblemWriter} read back to exactly the same problem. */
class ProblemWriterTest {

  static void assertSameProblem(Problem a, Problem b) {
    assertEquals(a.name(), b.name());
    NetworkSpec na = a.network();
    NetworkSpec nb = b.network();
    assertArrayEquals(na.inputShape(), nb.inputShape());
    assertEquals(na.layers().size(), nb.layers().size());
    for (int i = 0; i < na.layers().size(); i++) {
      LayerSpec la = na.layers().get(i);
      assertEquals(la.type(), nb.layers().get(i).type(), "layer " + i);
      assertArrayEquals(na.shapeBefore(i + 1), nb.shapeBefore(i + 1), "shape after layer " + i);
    }
    assertArrayEquals(na.flatParams(), nb.flatParams(), 0.0, "parameters");
    assertEquals(a.loss(), b.loss());
    assertArrayEquals(a.batch().x(), b.batch().x(), 0.0, "X");
    if (a.batch().yClass() != null) {
      assertArrayEquals(a.batch().yClass(), b.batch().yClass());
    } else {
      assertArrayEquals(a.batch().yReal(), b.batch().yReal(), 0.0);
    }
    assertEquals(a.computationClass(), b.computationClass());
    assertArrayEquals(a.options().subsamplingGrad(), b.options().subsamplingGrad());
    assertArrayEquals(a.options().subsamplingGgn(), b.options().subsamplingGgn());
    assertEquals(a.options().warnSmallEigvals(), b.options().warnSmallEigvals());
    assertEquals(a.groups().size(), b.groups().size());
    for (int j = 0; j < a.groups().size(); j++) {
      assertArrayEquals(a.groups().get(j).params(), b.groups().get(j).params());
      assertEquals(a.groups().get(j).criterion(), b.groups().get(j).criterion());
    }
  }

  @Test
  void everyGoldenCaseRoundTrips(@TempDir Path dir) throws IOException {
    try (var files = Files.list(Path.of("src/test/resources/golden"))) {
      for (Path f : files.sorted().toList()) {
        Problem p = ProblemReader.read(f);
        Path out = dir.resolve(f.getFileName());
        ProblemWriter.write(out, p, null);
        assertSameProblem(p, ProblemReader.read(out));
      }
    }
  }

  @Test
  void fmnist2c2dRoundTripsWithCompactExactEncodings(@TempDir Path dir) throws IOException {
    Problem p = DeepObsProblems.fmnist2c2d(3, 4, 10, null).problem();
    assertEquals(3_274_634, p.network().numParams());
    Path out = dir.resolve("fmnist.json");
    ProblemWriter.write(out, p, DeepObsProblems.PIXEL_SCALE);
    String text = Files.readString(out);
    assertTrue(text.contains("\"uint8\""), "pixels as uint8 codes");
    assertTrue(text.contains("\"float32\""), "weights as float32");
    assertTrue(!text.contains("\"float64\""), "nothing needs float64");
    // 3.27 M float32 weights in base64: about 4/3 · 13.1 MB
    assertTrue(Files.size(out) < 18_000_000, "file is " + Files.size(out) + " bytes");
    assertSameProblem(p, ProblemReader.read(out));
  }
}
