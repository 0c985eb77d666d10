package org.vivit4j.cli;

import java.util.concurrent.Callable;
import org.vivit4j.bench.BenchPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tornado-run bench-point --network NET --n N}: one cold run of the 784-128-64-10 MLP
 * ({@code mlp784}) or DeepOBS's fmnist_2c2d at batch size N on the default CPU backend, in this
 * JVM, printing time and peak heap as one JSON line (the memory curves of {@code bench} run one per
 * child JVM).
 */
@Command(
    name = "bench-point",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "One memory-curve point of `bench` (run in a child JVM)")
final class BenchPointCommand implements Callable<Integer> {
  @Option(names = "--n", required = true, description = "batch size N")
  int n;

  @Option(
      names = "--network",
      defaultValue = "mlp784",
      description = "mlp784 or fmnist_2c2d. Default: ${DEFAULT-VALUE}")
  String network;

  @Option(names = "--dtype", defaultValue = "float64", description = "float64 or float32")
  String dtype;

  @Override
  public Integer call() throws Exception {
    System.out.println(BenchPoint.line(network, n, dtype));
    return 0;
  }
}
