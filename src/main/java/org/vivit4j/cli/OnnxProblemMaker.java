package org.vivit4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.data.DataFormatException;
import org.vivit4j.data.Dataset;
import org.vivit4j.data.FashionMnist;
import org.vivit4j.data.NpyReader;
import org.vivit4j.io.InputFile;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.onnx.OnnxImportException;
import org.vivit4j.onnx.OnnxImporter;
import org.vivit4j.onnx.OnnxModel;

/**
 * {@code make-problem --onnx net.onnx}: a problem for an exported model on the first N samples of
 * Fashion-MNIST (pixels scaled to [0, 1], as torchvision's {@code ToTensor} gives them) or of a
 * {@code .npy} file with a {@code .npy} of labels; one group of every parameter (by name), top-k.
 */
final class OnnxProblemMaker {
  private OnnxProblemMaker() {}

  /** A problem and where its samples came from. */
  record Made(Problem problem, String dataSource) {}

  static OnnxImporter.Imported importModel(Path onnx) {
    try {
      return OnnxImporter.importModel(OnnxModel.read(InputFile.readBytes("--onnx", onnx)));
    } catch (OnnxImportException e) {
      throw e.as("--onnx");
    }
  }

  static Made make(
      OnnxImporter.Imported imported,
      String name,
      String data,
      Path labels,
      int n,
      int k,
      String lossName)
      throws IOException {
    NetworkSpec net = imported.network();
    LossType type = LossType.fromTypeName(lossName);
    if (type == null) {
      throw new InvalidInputException(
          "--loss",
          "unknown loss '" + lossName + "'; expected cross_entropy, mse or bce_with_logits");
    }
    int c = net.outputSize();
    if (k < 1 || (long) k > (long) c * n) {
      throw new InvalidInputException("--k", "must be in [1, C·N] = [1, " + (long) c * n + "]");
    }
    int per = net.inputSize();
    Batch batch;
    String source;
    if (data.equals("fashion-mnist") || Files.isDirectory(Path.of(data))) {
      if (labels != null) {
        throw new InvalidInputException("--labels", "is only for --data FILE.npy");
      }
      if (type != LossType.CROSS_ENTROPY) {
        throw new InvalidInputException(
            "--loss", "Fashion-MNIST has class labels: use cross_entropy");
      }
      Path dir = data.equals("fashion-mnist") ? FashionMnist.DEBIAN_DIR : Path.of(data);
      Dataset d;
      try {
        d = FashionMnist.load(dir, true);
      } catch (DataFormatException | IOException e) {
        throw new InvalidInputException("--data", e.getMessage());
      }
      if (per != d.sampleSize() || c != d.numClasses()) {
        throw new InvalidInputException(
            "--data",
            "Fashion-MNIST samples are 784 pixels in 10 classes; the model takes "
                + Arrays.toString(net.inputShape())
                + " and has "
                + c
                + " outputs");
      }
      d = d.head(n);
      batch = new Batch(n, d.x().clone(), null, d.labels().clone());
      source = "Fashion-MNIST training images 0.." + (n - 1) + " (" + dir + "), pixels / 255";
    } else {
      if (labels == null) {
        throw new InvalidInputException("--labels", "is required with --data FILE.npy");
      }
      batch = fromNpy(net, Path.of(data), labels, n, type, c);
      source = "the first " + n + " rows of " + data + " and " + labels;
    }
    int[] all = new int[net.params().size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    Problem p =
        new Problem(
            name,
            net,
            new LossSpec(type, Reduction.MEAN),
            batch,
            ComputationOptions.defaults(),
            List.of(new ParamGroup("all", all, Criterion.topK(k), imported.paramNames())),
            "directional_derivatives");
    return new Made(p, source);
  }

  private static Batch fromNpy(NetworkSpec net, Path xFile, Path yFile, int n, LossType type, int c)
      throws IOException {
    NpyReader.NpyArray x = read("--data", xFile);
    int[] shape = x.shape();
    int[] perSample = shape.length == 0 ? shape : Arrays.copyOfRange(shape, 1, shape.length);
    // a model whose input is read by an embedding takes integer indices, any other reals
    boolean indices = net.layers().stream().anyMatch(LayerSpec::readsIndices);
    if (x.isInteger() != indices || !Arrays.equals(perSample, net.inputShape())) {
      throw new InvalidInputException(
          "--data",
          xFile
              + " holds "
              + (x.isInteger() ? "integers" : "reals")
              + " of shape "
              + Arrays.toString(shape)
              + "; the model takes "
              + (indices ? "integer indices" : "reals")
              + " of shape [M, "
              + Arrays.toString(net.inputShape()).substring(1));
    }
    if (shape[0] < n) {
      throw new InvalidInputException(
          "--n", "is " + n + " but " + xFile + " has " + shape[0] + " samples");
    }
    int per = net.inputSize();
    double[] xs;
    if (indices) {
      xs = new double[n * per];
      for (int i = 0; i < xs.length; i++) {
        long v = x.ints()[i];
        // beyond 2^53 a long does not survive the double; such an index is out of range anyway
        xs[i] = Math.abs(v) > (1L << 53) ? Double.MAX_VALUE : v;
      }
      net.checkNetworkInput(xs, "--data " + xFile + ": X");
    } else {
      xs = Arrays.copyOf(x.reals(), n * per);
    }
    NpyReader.NpyArray y = read("--labels", yFile);
    if (y.shape().length == 0 || y.shape()[0] < n) {
      throw new InvalidInputException(
          "--labels",
          yFile + " has shape " + Arrays.toString(y.shape()) + "; needs " + n + " rows");
    }
    if (type.realTargets()) {
      if (y.isInteger() || y.shape().length != 2 || y.shape()[1] != c) {
        throw new InvalidInputException(
            "--labels", yFile + " must hold reals of shape [M, " + c + "] for " + type.typeName());
      }
      return new Batch(n, xs, Arrays.copyOf(y.reals(), n * c), null);
    }
    if (!y.isInteger() || y.shape().length != 1) {
      throw new InvalidInputException(
          "--labels", yFile + " must hold integer class indices of shape [M] for cross_entropy");
    }
    int[] classes = new int[n];
    for (int i = 0; i < n; i++) {
      long v = y.ints()[i];
      if (v < 0 || v >= c) {
        throw new InvalidInputException(
            "--labels",
            yFile + " row " + i + " is class " + v + "; the model has " + c + " outputs");
      }
      classes[i] = (int) v;
    }
    return new Batch(n, xs, null, classes);
  }

  private static NpyReader.NpyArray read(String option, Path file) throws IOException {
    InputFile.check(option, file);
    try {
      return NpyReader.read(file);
    } catch (DataFormatException e) {
      throw new InvalidInputException(option, e.getMessage());
    }
  }

  /** How the problem file at {@code out} names {@code onnx}: relative to its folder when it can. */
  static String pathFrom(Path out, Path onnx) {
    Path from = out.toAbsolutePath().normalize().getParent();
    Path to = onnx.toAbsolutePath().normalize();
    try {
      return from.relativize(to).toString();
    } catch (IllegalArgumentException e) {
      return to.toString();
    }
  }
}
