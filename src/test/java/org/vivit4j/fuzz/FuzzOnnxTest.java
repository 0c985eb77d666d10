package org.vivit4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.cli.Main;

/**
 * Bad ONNX models through {@code tornado-run inspect}, which reads, folds and maps a model as a
 * problem file's ONNX model is: seeded mutants of the shipped PyTorch exports (truncated or
 * corrupted bytes, a missing initializer, an unknown operator, a wrong input rank, an old or absurd
 * opset, a dangling input, a wrong attribute type, a bad dimension). Each must end as a mapped
 * model (exit 0) or one error line naming what is wrong (exit 2), never a Java exception. {@code
 * -Dfuzz.onnx.seed=S -Dfuzz.onnx.count=N} varies the run; a failure names the mutant's seed and
 * mutation.
 */
class FuzzOnnxTest {
  static final long CI_BASE_SEED = 2_200_000L;
  static final int CI_COUNT = 600;
  static final List<String> BASES =
      List.of(
          "mlp",
          "zeropad_conv",
          "resnet_tiny",
          "concat_scale",
          "layernorm_gelu",
          "layernorm_gelu_opset13",
          "pad_conv_pool",
          "embedding_mlp",
          "convtranspose1d",
          "silu_residual",
          "gemm_alpha",
          "mish_mlp",
          "global_pool1d",
          "pool1d",
          "conv1d",
          "convtranspose",
          "batchnorm_chain",
          "folded_batchnorm",
          "silu_logsigmoid_softplus",
          "tied_gemm",
          "linear_nobias_view",
          "fixed_batch");

  @TempDir Path dir;

  @Test
  void everyMutantMapsOrFailsWithOneLine() throws Exception {
    long base = Long.getLong("fuzz.onnx.seed", CI_BASE_SEED);
    int count = Integer.getInteger("fuzz.onnx.count", CI_COUNT);
    List<byte[]> models = new ArrayList<>();
    for (String b : BASES) {
      models.add(Files.readAllBytes(Path.of("src/test/resources/onnx", b + ".onnx")));
    }
    List<String> failures = new ArrayList<>();
    int ok = 0;
    int refused = 0;
    int solved = 0;
    // a problem file naming m.onnx beside it: the mlp mutants also go through solve
    Path src = Path.of("src/test/resources/onnx");
    Files.write(dir.resolve("m.onnx"), models.get(0));
    String[] make = {
      "make-problem",
      "--onnx",
      dir.resolve("m.onnx").toString(),
      "--data",
      src.resolve("mlp.x.npy").toString(),
      "--labels",
      src.resolve("mlp.y.npy").toString(),
      "--n",
      "4",
      "--k",
      "2",
      "--out",
      dir.resolve("p.json").toString()
    };
    assertTrue(run(make)[0].equals("0"), "the template problem");
    for (long seed = base; seed < base + count; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      // the mlp (the one also solved) a quarter of the time, else any base
      int which = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(models.size());
      StringBuilder what = new StringBuilder(BASES.get(which));
      byte[] mutant = mutate(models.get(which), rnd, what);
      Path file = Files.write(dir.resolve(seed + ".onnx"), mutant);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      var cl = Main.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      int code;
      try {
        code = cl.execute("inspect", file.toString());
      } catch (RuntimeException e) {
        failures.add(seed + " " + what + ": threw " + e);
        continue;
      }
      String e = err.toString().strip();
      boolean clean =
          (code == 0 && e.isEmpty() && out.toString().contains("parameters:"))
              || (code == Main.EXIT_BAD_INPUT
                  && e.startsWith("error: " + file)
                  && !e.contains("\n")
                  && !e.contains("Exception"));
      if (!clean) {
        failures.add(seed + " " + what + ": exit " + code + ", stderr: " + e);
      } else if (code == 0) {
        ok++;
      } else {
        refused++;
      }
      Files.delete(file);
      if (which == 0) {
        Files.write(dir.resolve("m.onnx"), mutant);
        Path result = dir.resolve("r.json");
        String[] r =
            run("solve", "--problem", dir.resolve("p.json").toString(), "--out", result.toString());
        String se = r[2].strip();
        boolean solveClean =
            r[0].equals("0") && Files.exists(result) && !se.contains("error")
                || r[0].equals(String.valueOf(Main.EXIT_BAD_INPUT))
                    && se.startsWith("error: ")
                    && !se.contains("\n")
                    && !se.contains("Exception")
                    && Files.notExists(result)
                || r[0].equals("1") && se.contains("overflow") && Files.notExists(result);
        if (!solveClean) {
          failures.add(seed + " " + what + " (solve): exit " + r[0] + ", stderr: " + se);
        }
        solved++;
        Files.deleteIfExists(result);
      }
    }
    assertTrue(solved > count / 10, "mlp mutants through solve: " + solved);
    assertTrue(
        failures.isEmpty(),
        failures.size()
            + " of "
            + count
            + " mutants (base seed "
            + base
            + ") broke the contract:\n"
            + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    assertTrue(refused > count / 4, "the mutations must mostly produce bad models: " + refused);
    assertTrue(ok > 0, "some mutants stay importable (harmless mutations): " + ok);
  }

  /** mlp.onnx as a builder, for the cases below. */
  private static ModelProto.Builder mlp() throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(Path.of("src/test/resources/onnx/mlp.onnx")))
        .toBuilder();
  }

  /**
   * The bad inputs the ONNX issue names, each made once from mlp.onnx: through {@code inspect} and
   * through {@code solve} of a problem file naming it, one error line naming the model and what is
   * wrong, exit 2, no result written.
   */
  @Test
  void eachNamedBadModelIsOneLineAndExit2() throws Exception {
    byte[] good = Files.readAllBytes(Path.of("src/test/resources/onnx/mlp.onnx"));
    ModelProto.Builder unknown = mlp();
    unknown
        .getGraphBuilder()
        .setNode(1, unknown.getGraph().getNode(1).toBuilder().setOpType("FancyOp"));
    ModelProto.Builder missing = mlp();
    for (int i = missing.getGraph().getInitializerCount() - 1; i >= 0; i--) {
      if (missing.getGraph().getInitializer(i).getName().equals("3.weight")) {
        missing.getGraphBuilder().removeInitializer(i);
      }
    }
    ModelProto.Builder lowRank = mlp();
    lowRank
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .removeDim(3);
    ModelProto.Builder highRank = mlp();
    highRank
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2));
    ModelProto.Builder batchOnly = mlp();
    var dims =
        batchOnly
            .getGraphBuilder()
            .getInputBuilder(0)
            .getTypeBuilder()
            .getTensorTypeBuilder()
            .getShapeBuilder();
    while (dims.getDimCount() > 1) {
      dims.removeDim(1);
    }
    ModelProto.Builder old = mlp();
    old.setOpsetImport(0, old.getOpsetImport(0).toBuilder().setVersion(10));
    List<Object[]> cases =
        List.of(
            new Object[] {
              "truncated", java.util.Arrays.copyOf(good, good.length / 2), "not an ONNX model"
            },
            new Object[] {"unknown op", unknown.build().toByteArray(), "op type FancyOp is not"},
            new Object[] {"missing initializer", missing.build().toByteArray(), "'3.weight'"},
            new Object[] {"input rank low", lowRank.build().toByteArray(), "shape [16, 28]"},
            new Object[] {"input rank high", highRank.build().toByteArray(), "shape [16, 1568]"},
            new Object[] {"input rank 1", batchOnly.build().toByteArray(), "expected [N, features"},
            new Object[] {"opset 10", old.build().toByteArray(), "opset 10"});
    Path src = Path.of("src/test/resources/onnx");
    Path model = dir.resolve("m.onnx");
    Files.write(model, good);
    String[] make = {
      "make-problem",
      "--onnx",
      model.toString(),
      "--data",
      src.resolve("mlp.x.npy").toString(),
      "--labels",
      src.resolve("mlp.y.npy").toString(),
      "--n",
      "4",
      "--out",
      dir.resolve("p.json").toString()
    };
    assertTrue(run(make)[0].equals("0"), "the template problem");
    List<String> failures = new ArrayList<>();
    for (Object[] c : cases) {
      Files.write(model, (byte[]) c[1]);
      String[] inspect = run("inspect", model.toString());
      String e = inspect[2].strip();
      if (!inspect[0].equals(String.valueOf(Main.EXIT_BAD_INPUT))
          || !e.startsWith("error: " + model + ": ")
          || e.contains("\n")
          || e.contains("Exception")
          || !e.contains((String) c[2])) {
        failures.add(c[0] + " (inspect): exit " + inspect[0] + ", stderr: " + e);
      }
      Path result = dir.resolve("r.json");
      String[] solve =
          run("solve", "--problem", dir.resolve("p.json").toString(), "--out", result.toString());
      String se = solve[2].strip();
      if (!solve[0].equals(String.valueOf(Main.EXIT_BAD_INPUT))
          || !se.startsWith("error: ")
          || se.contains("\n")
          || se.contains("Exception")
          || !se.contains((String) c[2])
          || Files.exists(result)) {
        failures.add(c[0] + " (solve): exit " + solve[0] + ", stderr: " + se);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** Runs the command line in this JVM: exit code, stdout, stderr. */
  /**
   * Integers past 32 bits in a model (an absurd stride, the pads of the fuzz mutant 777587 of
   * zeropad_conv: byte 2370 flipped) are refused naming the node, not an ArithmeticException.
   */
  @Test
  void integersPast32BitsAreRefusedNamingTheNode() throws Exception {
    byte[] good = Files.readAllBytes(Path.of("src/test/resources/onnx/zeropad_conv.onnx"));
    byte[] flipped = good.clone();
    flipped[2370] ^= 1;
    ModelProto.Builder stride = ModelProto.parseFrom(good).toBuilder();
    GraphProto.Builder g = stride.getGraphBuilder();
    int conv = -1;
    for (int i = 0; i < g.getNodeCount() && conv < 0; i++) {
      conv = g.getNode(i).getOpType().equals("Conv") ? i : -1;
    }
    assertTrue(conv >= 0, "zeropad_conv has a Conv");
    NodeProto.Builder node = g.getNodeBuilder(conv);
    for (int a = node.getAttributeCount() - 1; a >= 0; a--) {
      if (node.getAttribute(a).getName().equals("strides")) {
        node.removeAttribute(a);
      }
    }
    node.addAttribute(
        AttributeProto.newBuilder()
            .setName("strides")
            .setType(AttributeProto.AttributeType.INTS)
            .addInts(1L << 40)
            .addInts(1));
    Object[][] cases = {
      {"pads", flipped, "(Pad): pads [0, 0, 281474976710656"},
      {"stride", stride.build().toByteArray(), "does not fit a 32-bit integer"}
    };
    for (Object[] c : cases) {
      Path model = Files.write(dir.resolve(c[0] + ".onnx"), (byte[]) c[1]);
      String[] inspect = run("inspect", model.toString());
      String e = inspect[2].strip();
      assertTrue(inspect[0].equals(String.valueOf(Main.EXIT_BAD_INPUT)), c[0] + ": " + e);
      assertTrue(e.startsWith("error: " + model + ": node '"), c[0] + ": " + e);
      assertTrue(e.contains((String) c[2]) && !e.contains("\n"), c[0] + ": " + e);
    }
  }

  /**
   * Window attributes no convolution or pooling has (found by the fuzzing at seed 16180000: mutant
   * 16180554, fixed_batch with a Conv stride flipped to 0, ended as 'error:
   * java.lang.ArithmeticException: / by zero', exit 1): each is one line naming the node, exit 2.
   */
  @Test
  void windowAttributesOutOfRangeAreRefusedNamingTheNode() throws Exception {
    Object[][] cases = {
      {"fixed_batch", "Conv", "strides", new long[] {0, 1}},
      {"zeropad_conv", "Conv", "dilations", new long[] {1, 0}},
      {"zeropad_conv", "Conv", "pads", new long[] {-1, 0, -1, 0}},
      {"conv1d", "Conv", "strides", new long[] {0}},
      {"convtranspose", "ConvTranspose", "output_padding", new long[] {-1, 0}},
      {"pool1d", "MaxPool", "kernel_shape", new long[] {0}},
      {"zeropad_conv", "AveragePool", "strides", new long[] {2, -3}},
    };
    for (Object[] c : cases) {
      ModelProto.Builder m = testModel((String) c[0]);
      GraphProto.Builder g = m.getGraphBuilder();
      NodeProto.Builder nb = firstNode(g, (String) c[1]);
      for (int a = nb.getAttributeCount() - 1; a >= 0; a--) {
        if (nb.getAttribute(a).getName().equals(c[2])) {
          nb.removeAttribute(a);
        }
      }
      AttributeProto.Builder attr =
          AttributeProto.newBuilder()
              .setName((String) c[2])
              .setType(AttributeProto.AttributeType.INTS);
      for (long v : (long[]) c[3]) {
        attr.addInts(v);
      }
      nb.addAttribute(attr);
      Path model = Files.write(dir.resolve(c[0] + "_" + c[2] + ".onnx"), m.build().toByteArray());
      String[] inspect = run("inspect", model.toString());
      String e = inspect[2].strip();
      String what = c[0] + " " + c[2] + ": " + e;
      assertEquals(String.valueOf(Main.EXIT_BAD_INPUT), inspect[0], what);
      assertTrue(e.startsWith("error: " + model + ": node '"), what);
      assertTrue(e.contains(c[2] + " [") && e.contains("must be at least"), what);
      assertFalse(e.contains("\n") || e.contains("Exception"), what);
    }
  }

  /**
   * A node short of its operator's required inputs, or with one left empty, or without an output
   * (found by the fuzzing at seed 57721566: mutant 57724267, gemm_alpha with the Gemm's weight
   * input dropped, ended as 'error: java.lang.IndexOutOfBoundsException', exit 1): one line naming
   * the node, exit 2.
   */
  @Test
  void nodesShortOfTheirInputsOrOutputsAreRefusedNamingTheNode() throws Exception {
    Object[][] cases = {
      {"gemm_alpha", "Gemm", "drop input", 1, "input 1 is missing"},
      {"gemm_alpha", "Gemm", "empty input", 1, "input 1 is empty"},
      {"fixed_batch", "Conv", "drop input", 1, "input 1 is missing"},
      {"batchnorm_chain", "BatchNormalization", "drop input", 4, "input 4 is missing"},
      {"fixed_batch", "Relu", "empty input", 0, "input 0 is empty"},
      {"gemm_alpha", "Gemm", "a node without output", 0, "it has no output"},
    };
    for (Object[] c : cases) {
      ModelProto.Builder m = testModel((String) c[0]);
      GraphProto.Builder g = m.getGraphBuilder();
      NodeProto.Builder nb = firstNode(g, (String) c[1]);
      int at = (Integer) c[3];
      switch ((String) c[2]) {
        case "drop input" -> {
          java.util.List<String> keep = new java.util.ArrayList<>(nb.getInputList().subList(0, at));
          nb.clearInput().addAllInput(keep);
        }
        case "empty input" -> nb.setInput(at, "");
        default ->
            g.addNode(
                NodeProto.newBuilder()
                    .setName("dangling")
                    .setOpType("Relu")
                    .addInput(g.getInput(0).getName()));
      }
      Path model = Files.write(dir.resolve(c[0] + "_arity.onnx"), m.build().toByteArray());
      String[] inspect = run("inspect", model.toString());
      String e = inspect[2].strip();
      String what = c[0] + " " + c[1] + " " + c[2] + ": " + e;
      assertEquals(String.valueOf(Main.EXIT_BAD_INPUT), inspect[0], what);
      assertTrue(e.startsWith("error: " + model + ": node '"), what);
      assertTrue(e.endsWith((String) c[4]), what);
      assertFalse(e.contains("\n") || e.contains("Exception"), what);
    }
  }

  /** A test model of {@code src/test/resources/onnx}, to edit. */
  private static ModelProto.Builder testModel(String name) throws java.io.IOException {
    return ModelProto.parseFrom(
        Files.readAllBytes(Path.of("src/test/resources/onnx", name + ".onnx")))
        .toBuilder();
  }

  /** The first node of {@code g} whose operator is {@code op}, to edit; it must have one. */
  private static NodeProto.Builder firstNode(GraphProto.Builder g, String op) {
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getOpType().equals(op)) {
        return g.getNodeBuilder(i);
      }
    }
    throw new AssertionError("the model has no " + op);
  }

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static byte[] mutate(byte[] bytes, SplittableRandom rnd, StringBuilder what) {
    int kind = rnd.nextInt(12);
    if (kind < 3) {
      byte[] b = bytes.clone();
      switch (kind) {
        case 0 -> {
          int at = rnd.nextInt(b.length);
          what.append(" truncated at ").append(at);
          return java.util.Arrays.copyOf(b, at);
        }
        case 1 -> {
          int flips = 1 + rnd.nextInt(8);
          what.append(" ").append(flips).append(" random bytes");
          for (int i = 0; i < flips; i++) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
          }
          return b;
        }
        default -> {
          int at = rnd.nextInt(b.length);
          what.append(" byte ").append(at).append(" flipped");
          b[at] ^= (byte) (1 << rnd.nextInt(8));
          return b;
        }
      }
    }
    ModelProto m;
    try {
      m = ModelProto.parseFrom(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    ModelProto.Builder mb = m.toBuilder();
    GraphProto.Builder g = mb.getGraphBuilder();
    int nodes = g.getNodeCount();
    switch (kind) {
      case 3 -> {
        int i = rnd.nextInt(g.getInitializerCount());
        what.append(" initializer ").append(g.getInitializer(i).getName()).append(" removed");
        g.removeInitializer(i);
      }
      case 4 -> {
        int i = rnd.nextInt(nodes);
        what.append(" node ").append(i).append(" op type unknown");
        g.setNode(i, g.getNode(i).toBuilder().setOpType("FancyOp"));
      }
      case 5 -> {
        TensorShapeProto.Builder s =
            g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        if (rnd.nextBoolean() && s.getDimCount() > 1) {
          what.append(" input rank reduced");
          s.removeDim(s.getDimCount() - 1);
        } else {
          what.append(" input rank increased");
          s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1 + rnd.nextInt(3)));
        }
      }
      case 6 -> {
        long v = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(30) - 2;
        what.append(" opset ").append(v);
        mb.setOpsetImport(0, mb.getOpsetImport(0).toBuilder().setVersion(v));
      }
      case 7 -> {
        int i = rnd.nextInt(nodes);
        NodeProto n = g.getNode(i);
        if (n.getInputCount() == 0) {
          what.append(" nothing (node without inputs)");
          break;
        }
        what.append(" node ").append(i).append(" input dangling");
        g.setNode(i, n.toBuilder().setInput(rnd.nextInt(n.getInputCount()), "nowhere"));
      }
      case 8 -> {
        int i = rnd.nextInt(nodes);
        NodeProto n = g.getNode(i);
        if (n.getAttributeCount() == 0) {
          what.append(" nothing (node without attributes)");
          break;
        }
        int a = rnd.nextInt(n.getAttributeCount());
        what.append(" node ").append(i).append(" attribute type changed");
        AttributeProto attr =
            n.getAttribute(a).toBuilder().setType(AttributeProto.AttributeType.STRING).build();
        g.setNode(i, n.toBuilder().setAttribute(a, attr));
      }
      case 9 -> {
        int i = rnd.nextInt(g.getInitializerCount());
        var t = g.getInitializerBuilder(i);
        if (t.getDimsCount() == 0) {
          what.append(" nothing (scalar initializer)");
          break;
        }
        long d = rnd.nextBoolean() ? -1 : t.getDims(0) + 1 + rnd.nextInt(3);
        what.append(" initializer ").append(t.getName()).append(" dim 0 = ").append(d);
        t.setDims(0, d);
      }
      case 10 -> {
        int i = rnd.nextInt(nodes);
        what.append(" node ").append(i).append(" removed");
        g.removeNode(i);
      }
      default -> {
        int i = rnd.nextInt(nodes);
        int j = rnd.nextInt(nodes);
        what.append(" nodes ").append(i).append(" and ").append(j).append(" swapped");
        NodeProto a = g.getNode(i);
        g.setNode(i, g.getNode(j));
        g.setNode(j, a);
      }
    }
    return mb.build().toByteArray();
  }
}
