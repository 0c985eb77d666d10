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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.Precision;
import org.vivit4j.cli.Main;
import org.vivit4j.data.Dataset;
import org.vivit4j.data.FashionMnist;
import org.vivit4j.data.SyntheticFashionMnist;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.train.Trainer;

/**
 * Regression (issue 11, item 7) through the command line: with a curvature batch of 32 the
 * 784-128-64-10 MLP's Gram matrix (320) is solved by Lanczos, and groups.csv's trace at step 0 must
 * still be the whole GGN trace, recomputed here independently with the dense eigensolver (sum of
 * the whole spectrum).
 */
class ExperimentTraceColumnTest {
  @TempDir Path dir;

  @Test
  void traceColumnIsTheWholeSpectrumsSumWhenLanczosSolvesTheGram() throws IOException {
    Path data = SyntheticFashionMnist.write(dir.resolve("data"), 32, 8, 3);
    Path out = dir.resolve("run");
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    int code =
        cl.execute(
            "experiment",
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--network",
            "mlp",
            "--groups",
            "all",
            "--epochs",
            "1",
            "--batch-size",
            "32",
            "--curvature-batch",
            "32",
            "--top-k",
            "5",
            "--seed",
            "4");
    assertEquals(0, code, err.toString());
    List<String> rows = Files.readAllLines(out.resolve("groups.csv"));
    assertEquals(2, rows.size(), "one measurement at step 0: " + rows);
    String[] step0 = rows.get(1).split(",");
    assertEquals("0", step0[1]);
    double loggedTrace = Double.parseDouble(step0[3]);

    // The same network (seed 4) and the same curvature batch: the first epoch's permutation.
    NetworkSpec net =
        Experiment.network(ExperimentConfig.defaults().with(Map.of("seed", 4L), "test"));
    Dataset train = FashionMnist.load(data, true).reshaped(784);
    int[] idx = Trainer.shuffled(train.size(), new SplittableRandom(4 + 1));
    ParamGroup all = new ParamGroup("all", new int[] {0, 1, 2, 3, 4, 5}, Criterion.topK(5));
    LossSpec loss = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);
    CpuBackend backend = new CpuBackend(Precision.FLOAT64);
    GroupResult dense =
        new EighComputation(new ComputationOptions(null, null, 0, 1e-4, 0L, EigenSolver.DENSE))
            .run(net, loss, train.batch(idx), List.of(all), backend)
            .group(all);
    GroupResult auto =
        new EighComputation(ComputationOptions.defaults())
            .run(net, loss, train.batch(idx), List.of(all), backend)
            .group(all);
    assertEquals("lanczos", auto.spectrum().eigensolver(), "the run solved the Gram by Lanczos");
    double spectrumSum = 0;
    for (double v : dense.gramEvals()) {
      spectrumSum += v;
    }
    double topSum = 0;
    for (double v : auto.gramEvals()) {
      topSum += v;
    }
    assertTrue(topSum < 0.9 * spectrumSum, "the case must tell the sums apart: " + topSum);
    assertEquals(spectrumSum, loggedTrace, 1e-8 * spectrumSum);
  }
}
