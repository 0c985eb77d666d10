package org.vivit4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.Problem;
import org.vivit4j.data.Dataset;
import org.vivit4j.data.FashionMnist;
import org.vivit4j.io.OutputFile;
import org.vivit4j.io.ProblemWriter;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.onnx.OnnxImporter;
import org.vivit4j.problems.DeepObsCifar;
import org.vivit4j.problems.DeepObsProblems;
import org.vivit4j.problems.FmnistResNet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tornado-run make-problem fmnist_2c2d}: writes a DeepOBS problem (or {@code fmnist_resnet},
 * a small ResNet) as a problem file for {@code solve}. Uses the Fashion-MNIST training images of
 * Debian's {@code dataset-fashion-mnist} when installed (or {@code --data DIR}), else random pixel
 * codes and labels, and says which.
 */
@Command(
    name = "make-problem",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a DeepOBS problem file: fmnist_2c2d (2 conv + 2 linear layers, 3.27 M parameters),",
      "cifar10_3c3d (895 k), cifar100_allcnnc (1.39 M; both on random data), fmnist_resnet (a",
      "small ResNet as a graph with PyTorch's state_dict names: conv stem, two basic blocks with",
      "BatchNorm in eval mode, global average pool, linear head; 19 706 parameters), or one for",
      "an ONNX model (--onnx); exact top-k directional derivatives over all parameters."
    })
final class MakeProblemCommand implements Callable<Integer> {
  private static final List<String> KNOWN =
      List.of("fmnist_2c2d", "cifar10_3c3d", "cifar100_allcnnc", FmnistResNet.NAME);

  @Parameters(
      index = "0",
      arity = "0..1",
      description =
          "fmnist_2c2d, cifar10_3c3d, cifar100_allcnnc or fmnist_resnet (none with --onnx)")
  String problem;

  @Option(
      names = "--onnx",
      description = "an ONNX model: the problem is this model on --data (see README)")
  Path onnx;

  @Option(
      names = "--labels",
      description = "with --onnx and --data FILE.npy: the targets (.npy, class indices or reals)")
  Path labels;

  @Option(
      names = "--loss",
      defaultValue = "cross_entropy",
      description =
          "with --onnx: cross_entropy, mse or bce_with_logits (mean). Default: ${DEFAULT-VALUE}")
  String loss;

  @Option(names = "--n", defaultValue = "128", description = "batch size N (default 128)")
  int n;

  @Option(names = "--k", defaultValue = "10", description = "top-k directions (default 10)")
  int k;

  @Option(names = "--seed", defaultValue = "0", description = "seed of the weights (default 0)")
  long seed;

  @Option(
      names = "--data",
      description =
          "folder with Fashion-MNIST's IDX files (default: /usr/share/datasets/fashion-mnist when"
              + " installed); with --onnx also 'fashion-mnist' or a FILE.npy of inputs")
  String data;

  @Option(names = "--random-data", description = "random pixels and labels even if data exists")
  boolean randomData;

  @Option(
      names = "--outputs",
      split = ",",
      description =
          "computation.outputs of the problem, e.g. eigenvalues,eigenvectors,gammas,lambdas"
              + " (default: the directional_derivatives class)")
  List<String> outputs;

  @Option(
      names = "--eigensolver",
      defaultValue = "auto",
      description =
          "computation.eigensolver of the problem: auto (the default: dense up to N·C̃ = 160,"
              + " Lanczos above, so gram_evals holds the top of the spectrum), lanczos, or dense"
              + " (the whole Gram spectrum in gram_evals, O((N·C̃)³) on the host)")
  String eigensolver;

  @Option(
      names = "--out",
      required = true,
      description = "problem JSON to write: a new path or a writable regular file")
  Path out;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private EigenSolver solver;

  /** {@code p} with the {@code --eigensolver} choice, which the problem file then records. */
  private Problem withEigenSolver(Problem p) {
    return p.withOptions(p.options().withEigenSolver(solver));
  }

  @Override
  public Integer call() throws Exception {
    solver = EigenSolver.fromOptionName(eigensolver);
    if (solver == null) {
      throw new InvalidInputException(
          "--eigensolver", "unknown eigensolver '" + eigensolver + "' (auto, dense, lanczos)");
    }
    if (onnx != null) {
      return callOnnx();
    }
    if (labels != null) {
      throw new InvalidInputException("--labels", "is only for --onnx");
    }
    if (problem == null) {
      throw new InvalidInputException("problem", "missing: give fmnist_2c2d, or --onnx FILE");
    }
    if (!KNOWN.contains(problem)) {
      throw new InvalidInputException(
          "problem", "unknown problem '" + problem + "' (known: " + String.join(", ", KNOWN) + ")");
    }
    if (n < 1 || n > 60000) {
      throw new InvalidInputException("--n", "must be in [1, 60000], got " + n);
    }
    int classes = problem.equals("cifar100_allcnnc") ? 100 : 10;
    if (k < 1 || (long) k > (long) classes * n) {
      throw new InvalidInputException(
          "--k", "must be in [1, C·N] = [1, " + classes * n + "], got " + k);
    }
    Set<GgnOutput> listed = listedOutputs();
    OutputFile target = OutputFile.check("--out", out); // before the data is loaded
    if (problem.startsWith("cifar")) {
      return writeCifar(target, listed);
    }
    boolean resnet = problem.equals(FmnistResNet.NAME);
    Path dir = data != null ? Path.of(data) : FashionMnist.DEBIAN_DIR;
    Dataset samples = null;
    if (!randomData) {
      if (data != null || Files.isDirectory(dir)) {
        // fmnist_resnet also estimates its BatchNorm statistics from the first images
        int wanted = resnet ? Math.max(n, FmnistResNet.CALIBRATION_SAMPLES) : n;
        samples = FashionMnist.load(dir, true).head(wanted);
      }
    }
    DeepObsProblems.Generated gen =
        resnet
            ? FmnistResNet.problem(seed, n, k, samples)
            : DeepObsProblems.fmnist2c2d(seed, n, k, samples);
    Problem problem = gen.problem();
    if (listed != null) {
      problem =
          Problem.withOutputs(
              problem.name(),
              problem.network(),
              problem.loss(),
              problem.batch(),
              problem.options(),
              problem.groups(),
              listed,
              null);
    }
    ProblemWriter.write(target, withEigenSolver(problem), DeepObsProblems.PIXEL_SCALE);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s: %d parameters, N = %d, Gram %d×%d, data: %s%nwrote %s%n",
            gen.problem().name(),
            gen.problem().network().numParams(),
            n,
            10 * n,
            10 * n,
            gen.dataSource(),
            out);
    return 0;
  }

  /** A DeepOBS CIFAR network on random data (the CIFAR sets are not packaged). */
  private Integer writeCifar(OutputFile target, Set<GgnOutput> listed) throws Exception {
    if (data != null || randomData) {
      throw new InvalidInputException(
          data != null ? "--data" : "--random-data",
          problem + " always uses random inputs and labels (CIFAR is not packaged here)");
    }
    Problem p = DeepObsCifar.problem(problem, seed, n, k);
    if (listed != null) {
      p =
          Problem.withOutputs(
              p.name(), p.network(), p.loss(), p.batch(), p.options(), p.groups(), listed, null);
    }
    ProblemWriter.write(target, withEigenSolver(p), null);
    long gram = (long) p.network().outputSize() * n;
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s: %d parameters, N = %d, Gram %d×%d, data: random N(0, 1) inputs and labels (seed"
                + " %d; CIFAR is not packaged)%nwrote %s%n",
            p.name(),
            p.network().numParams(),
            n,
            gram,
            gram,
            seed,
            out);
    return 0;
  }

  private Integer callOnnx() throws Exception {
    if (problem != null) {
      throw new InvalidInputException("problem", "'" + problem + "' and --onnx: give one of them");
    }
    if (n < 1) {
      throw new InvalidInputException("--n", "must be at least 1, got " + n);
    }
    Set<GgnOutput> listed = listedOutputs();
    OutputFile target = OutputFile.check("--out", out, "--onnx", onnx);
    // nor may it replace the data it is made from
    if (data != null && !data.equals("fashion-mnist")) {
      OutputFile.check("--out", out, "--data", Path.of(data));
    }
    if (labels != null) {
      OutputFile.check("--out", out, "--labels", labels);
    }
    OnnxImporter.Imported imported = OnnxProblemMaker.importModel(onnx);
    for (String w : imported.warnings()) {
      spec.commandLine().getErr().println("warning: " + w);
    }
    String stem = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
    OnnxProblemMaker.Made made =
        OnnxProblemMaker.make(
            imported,
            stem + "_n" + n + "_top" + k,
            data == null ? "fashion-mnist" : data,
            labels,
            n,
            k,
            loss);
    Problem problem = made.problem();
    if (listed != null) {
      problem =
          Problem.withOutputs(
              problem.name(),
              problem.network(),
              problem.loss(),
              problem.batch(),
              problem.options(),
              problem.groups(),
              listed,
              null);
    }
    ProblemWriter.write(
        target, withEigenSolver(problem), null, OnnxProblemMaker.pathFrom(out, onnx));
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s: %d parameters in %d tensors, N = %d, Gram %d×%d, data: %s%nwrote %s%n",
            problem.name(),
            problem.network().numParams(),
            problem.network().params().size(),
            n,
            (long) problem.network().outputSize() * n,
            (long) problem.network().outputSize() * n,
            made.dataSource(),
            out);
    return 0;
  }

  /** {@code --outputs} as a set, or null when not given. */
  private Set<GgnOutput> listedOutputs() {
    if (outputs == null) {
      return null;
    }
    EnumSet<GgnOutput> set = EnumSet.noneOf(GgnOutput.class);
    for (String name : outputs) {
      GgnOutput o = GgnOutput.fromFileName(name);
      if (o == null) {
        throw new InvalidInputException(
            "--outputs", "unknown output '" + name + "' (" + GgnOutput.fileNames() + ")");
      }
      if (o == GgnOutput.NEWTON_STEP) {
        throw new InvalidInputException(
            "--outputs", "newton_step needs a damping, which make-problem does not write");
      }
      set.add(o);
    }
    return set;
  }
}
