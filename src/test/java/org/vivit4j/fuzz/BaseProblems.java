package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.io.ProblemWriter;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomConvNets;
import org.vivit4j.problems.RandomProblems;

/**
 * The valid problems the fuzzer mutates: every public golden problem file, and a few generated
 * problems written by {@link ProblemWriter} that cover what the golden files do not (LayerNorm,
 * dropout, the other activations, BCE, pooling, Monte-Carlo GGN, sub-sampling, eigh, eigvalsh,
 * damped Newton, threshold criteria, base64 arrays in float64, float32 and uint8). Generated
 * problems are kept small so that a thousand mutants run in well under a minute. The list is the
 * same on every run (fixed seeds, sorted file names), so a mutant seed names the same mutant.
 */
final class BaseProblems {
  private BaseProblems() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A named valid problem file as a JSON tree (never modified: mutants work on copies). */
  record Base(String name, ObjectNode tree) {}

  /** Golden files first (sorted by name), then the generated problems. */
  static List<Base> load(Path scratch) {
    List<Base> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/golden"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        bases.add(new Base("golden/" + f.getFileName(), (ObjectNode) JSON.readTree(f.toFile())));
      }
      int i = 0;
      for (Problem p : generated()) {
        Path file = scratch.resolve("generated" + i++ + ".json");
        // ProblemWriter writes BCE targets as class labels (a bug for the triage): write the
        // same real targets as MSE and put the loss back into the tree.
        boolean bce = p.loss().type() == LossType.BCE_WITH_LOGITS;
        Problem written =
            bce
                ? new Problem(
                    p.name(),
                    p.network(),
                    new LossSpec(LossType.MSE, p.loss().reduction()),
                    p.batch(),
                    p.options(),
                    p.groups(),
                    p.computationClass())
                : p;
        ProblemWriter.write(file, written, p.name().contains("uint8") ? 1.0 / 255 : null);
        ObjectNode tree = (ObjectNode) JSON.readTree(file.toFile());
        Files.delete(file);
        if (bce) {
          ((ObjectNode) tree.get("loss")).put("type", LossType.BCE_WITH_LOGITS.typeName());
        }
        bases.add(new Base("generated/" + p.name(), tree));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bases.add(dampedNewton(bases.get(bases.size() - 1)));
    return bases;
  }

  /** The last generated problem asking for {@code damped_newton} (the writer has no damping). */
  private static Base dampedNewton(Base from) {
    ObjectNode tree = from.tree().deepCopy();
    ObjectNode c = (ObjectNode) tree.get("computation");
    c.put("class", "damped_newton");
    c.putObject("damping").put("type", "lambda_standard_error").put("scale", 0.5);
    tree.put("name", "damped_newton_from_" + from.tree().get("name").asText());
    return new Base("generated/" + tree.get("name").asText(), tree);
  }

  private static List<Problem> generated() {
    List<Problem> problems = new ArrayList<>();
    // LayerNorm, dropout, tanh/sigmoid, cross-entropy mean; 9·8 = 72 weights: base64 float64.
    RandomProblems.Instance a =
        RandomProblems.mlp(
            11,
            new int[] {9, 8, 4, 3},
            new Activation[] {Activation.TANH, Activation.SIGMOID},
            new RandomProblems.Extra[] {
              RandomProblems.Extra.LAYER_NORM, RandomProblems.Extra.DROPOUT
            },
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            5,
            true);
    problems.add(
        problem(
            "mlp_layernorm_ce_eigh",
            a,
            "eigh",
            new ComputationOptions(new int[] {4, 0, 2}, null, 0, 1e-4),
            new int[][] {{0, 1, 2, 3, 4, 5}, {6, 7}},
            new Criterion[] {Criterion.topK(3), Criterion.threshold(1e-3)}));
    // Leaky ReLU / ELU, BCE sum with a Monte-Carlo GGN on a sub-sample.
    RandomProblems.Instance b =
        RandomProblems.mlp(
            12,
            new int[] {4, 5, 5, 2},
            new Activation[] {Activation.LEAKY_RELU, Activation.ELU},
            new RandomProblems.Extra[] {
              RandomProblems.Extra.LAYER_NORM_NO_BIAS, RandomProblems.Extra.IDENTITY
            },
            new LossSpec(LossType.BCE_WITH_LOGITS, Reduction.SUM),
            4,
            true);
    problems.add(
        problem(
            "mlp_bce_monte_carlo_subsampled",
            b,
            "directional_derivatives",
            new ComputationOptions(null, new int[] {3, 1, 2}, 2, 1e-4, 77),
            new int[][] {{0, 1, 2}, {3, 4, 5, 6}}, // LayerNorm without bias: 7 tensors
            new Criterion[] {Criterion.topK(2), Criterion.topK(1)}));
    // A convolution with pooling on uint8-coded inputs, MSE sum, eigvalsh with a threshold.
    SplittableRandom rnd = new SplittableRandom(13);
    RandomConvNets.Arch arch = RandomConvNets.drawArch(rnd, 3);
    RandomProblems.Instance c =
        RandomConvNets.instance(13, arch, new LossSpec(LossType.MSE, Reduction.SUM), 3);
    double[] x = c.batch().x().clone();
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextInt(256) / 255.0;
    }
    RandomProblems.Instance cu =
        new RandomProblems.Instance(
            c.network(), c.loss(), new Batch(3, x, c.batch().yReal(), null));
    int tensors = c.network().params().size();
    int[] all = new int[tensors];
    for (int i = 0; i < tensors; i++) {
      all[i] = i;
    }
    problems.add(
        problem(
            "conv_pool_mse_sum_eigvalsh_uint8",
            cu,
            "eigvalsh",
            new ComputationOptions(null, null, 0, 1e-4),
            new int[][] {all},
            new Criterion[] {Criterion.threshold(1e-6)}));
    // A residual graph (sums with scales, concatenation), cross-entropy mean, per-node groups.
    RandomProblems.Instance g =
        org.vivit4j.problems.RandomResidualNets.instance(
            7, 3, new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN), 3, null);
    int graphTensors = g.network().params().size();
    problems.add(
        problem(
            "residual_graph_ce_directional",
            g,
            "directional_derivatives",
            new ComputationOptions(null, null, 0, 1e-4),
            new int[][] {
              java.util.stream.IntStream.range(0, graphTensors / 2).toArray(),
              java.util.stream.IntStream.range(graphTensors / 2, graphTensors).toArray()
            },
            new Criterion[] {Criterion.topK(2), Criterion.threshold(1e-6)}));
    // SELU without biases, MSE mean: the base of the damped Newton problem.
    RandomProblems.Instance d =
        RandomProblems.mlp(
            14,
            new int[] {6, 7, 3},
            new Activation[] {Activation.SELU},
            new LossSpec(LossType.MSE, Reduction.MEAN),
            4,
            false);
    problems.add(
        problem(
            "mlp_selu_nobias_mse",
            d,
            "directional_derivatives",
            new ComputationOptions(new int[] {1, 3}, new int[] {0, 1, 2, 3}, 0, 1e-4),
            new int[][] {{0, 1}},
            new Criterion[] {Criterion.topK(4)}));
    return problems;
  }

  private static Problem problem(
      String name,
      RandomProblems.Instance inst,
      String computation,
      ComputationOptions options,
      int[][] groups,
      Criterion[] criteria) {
    List<ParamGroup> list = new ArrayList<>();
    for (int g = 0; g < groups.length; g++) {
      list.add(new ParamGroup("g" + g, groups[g], criteria[g]));
    }
    return new Problem(name, inst.network(), inst.loss(), inst.batch(), options, list, computation);
  }

  /** A deep copy of the base's tree, for one mutant. */
  static ObjectNode copy(Base base) {
    return base.tree().deepCopy();
  }

  /** For tests of this class: the tree as text. */
  static String text(JsonNode tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
