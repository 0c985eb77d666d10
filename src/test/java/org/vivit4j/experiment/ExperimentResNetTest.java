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
 * {@code experiment --network resnet} on a slice of the real Fashion-MNIST (installed by
 * tornado-env/setup; the test fails, never skips, without it): the residual graph with BatchNorm
 * trains (batch statistics) and its curvature is measured (eval mode) with finite values, and the
 * training loss falls.
 */
class ExperimentResNetTest {
  @TempDir Path dir;

  @Test
  void theResNetTrainsAndItsCurvatureIsMeasured() throws IOException {
    Dataset train = FashionMnist.load(FashionMnist.DEBIAN_DIR, true).head(512);
    Dataset test = FashionMnist.load(FashionMnist.DEBIAN_DIR, false).head(100);
    ExperimentConfig config =
        ExperimentConfig.defaults()
            .with(
                Map.of(
                    "name", "resnet-test",
                    "network", "resnet",
                    "groups", "all",
                    "epochs", 1,
                    "batch_size", 32,
                    "measure_every", 8,
                    "curvature_batch", 4,
                    "top_k", 3,
                    "subsample_ggn", 2,
                    "lr", 0.05),
                "test");
    Experiment.Summary s =
        new Experiment(config, dir, new PrintWriter(new StringWriter(), true))
            .run(train, test, new CpuBackend(Precision.FLOAT64), Map.of("commit", "test"));
    assertEquals(16, s.steps());
    assertTrue(Double.isFinite(s.finalTestLoss()), s.toString());
    List<String> training = Files.readAllLines(dir.resolve("training.csv"));
    double first = Double.parseDouble(training.get(1).split(",")[2]);
    double last = 0;
    for (String line : training.subList(training.size() - 4, training.size())) {
      last += Double.parseDouble(line.split(",")[2]) / 4;
    }
    assertTrue(last < first, "the training loss falls: first " + first + ", last four " + last);
    List<String> directions = Files.readAllLines(dir.resolve("directions.csv"));
    // measured at steps 0 and 8, one group, top 3
    assertEquals(1 + 2 * 3, directions.size());
    for (String line : directions.subList(1, directions.size())) {
      double eigenvalue = Double.parseDouble(line.split(",")[4]);
      assertTrue(eigenvalue > 0 && Double.isFinite(eigenvalue), line);
    }
  }
}
