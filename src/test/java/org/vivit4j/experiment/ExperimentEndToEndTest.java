package org.vivit4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.Precision;
import org.vivit4j.data.Dataset;
import org.vivit4j.data.FashionMnist;

/**
 * A short experiment on a small slice of the real Fashion-MNIST (installed by tornado-env/setup;
 * the test fails, never skips, without it): files exist, hold finite numbers with the right shapes,
 * and training lowers the loss.
 */
class ExperimentEndToEndTest {
  @TempDir Path dir;

  @Test
  void shortExperimentWritesFiniteResultsAndTrainingLowersTheLoss() throws IOException {
    Dataset train = FashionMnist.load(FashionMnist.DEBIAN_DIR, true).head(384);
    Dataset test = FashionMnist.load(FashionMnist.DEBIAN_DIR, false).head(200);
    ExperimentConfig config =
        ExperimentConfig.defaults()
            .with(
                Map.of(
                    "name", "test",
                    "epochs", 2,
                    "batch_size", 32,
                    "measure_every", 6,
                    "curvature_batch", 8,
                    "top_k", 3,
                    "subsample_ggn", 4,
                    "lr", 0.05),
                "test");
    StringWriter console = new StringWriter();
    Experiment.Summary s =
        new Experiment(config, dir, new PrintWriter(console, true))
            .run(train, test, new CpuBackend(Precision.FLOAT64), Map.of("commit", "test"));
    assertTrue(s.finalTestLoss() < s.initialTestLoss(), "training must lower the test loss: " + s);
    assertEquals(24, s.steps());
    assertTrue(console.toString().contains("100%"), "progress bar");

    List<String> training = Files.readAllLines(dir.resolve("training.csv"));
    assertEquals(1 + 24, training.size());
    List<String> directions = Files.readAllLines(dir.resolve("directions.csv"));
    // 4 measuring points (steps 0, 6, 12, 18) × 3 layer groups × top-3 directions
    assertEquals(1 + 4 * 3 * 3, directions.size());
    List<String> groups = Files.readAllLines(dir.resolve("groups.csv"));
    assertEquals(1 + 4 * 3, groups.size());
    for (List<String> file : List.of(training, directions, groups)) {
      int columns = file.get(0).split(",").length;
      for (String line : file.subList(1, file.size())) {
        String[] f = line.split(",");
        assertEquals(columns, f.length, line);
        for (int i = 1; i < f.length; i++) {
          double v = Double.parseDouble(f[i]);
          assertTrue(Double.isFinite(v), "non-finite value in " + line);
        }
      }
    }
    for (String line : directions.subList(1, directions.size())) {
      String[] f = line.split(",");
      assertTrue(Double.parseDouble(f[4]) > 0, "eigenvalue must be positive: " + line);
      assertTrue(
          Double.parseDouble(f[5]) >= 0 && Double.parseDouble(f[6]) >= 0, "SNR >= 0: " + line);
    }
    for (String line : groups.subList(1, groups.size())) {
      String[] f = line.split(",");
      for (int col : new int[] {4, 7}) {
        double overlap = Double.parseDouble(f[col]);
        assertTrue(overlap >= 0 && overlap <= 1 + 1e-9, "overlaps in [0, 1]: " + line);
      }
    }
    for (String png :
        List.of(
            "loss.png",
            "eigenvalues_layer0.png",
            "snr_gamma_layer2.png",
            "snr_lambda_layer4.png",
            "newton.png",
            "overlap.png",
            "trace.png")) {
      assertTrue(Files.size(dir.resolve(png)) > 1000, png);
    }
    assertTrue(Files.readString(dir.resolve("config.json")).contains("\"curvature_batch\" : 8"));
  }
}
