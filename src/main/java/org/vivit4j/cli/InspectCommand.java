package org.vivit4j.cli;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vivit4j.io.InputFile;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.onnx.OnnxImportException;
import org.vivit4j.onnx.OnnxImporter;
import org.vivit4j.onnx.OnnxModel;
import org.vivit4j.onnx.OnnxSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tornado-run inspect net.onnx}: what vivit4j makes of an ONNX model, before any data: the
 * graph's input and output, the layers it maps to with their shapes, the parameters with their
 * names and sizes, for an embedding model the range of the indices X holds; and, when it cannot be
 * imported, every node whose operator is not supported and the first reason the import stops (exit
 * 2).
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Shows how an ONNX model maps onto vivit4j's layers: input, layers and shapes, parameter",
      "names and sizes, and what is not supported."
    })
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "the ONNX model file")
  Path file;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    OnnxModel model;
    try {
      model = OnnxModel.read(InputFile.readBytes(null, file));
    } catch (OnnxImportException e) {
      throw e.as(file.toString());
    }
    out.printf(
        Locale.ROOT,
        "model: %s (producer %s, opset %d, %d nodes, %d initializers)%n",
        TerminalText.escape(file.toString()),
        TerminalText.escape(model.producer().isEmpty() ? "unknown" : model.producer()),
        model.opset(),
        model.nodes().size(),
        model.initializers().size());
    for (OnnxModel.Input in : model.inputs()) {
      out.printf(
          Locale.ROOT,
          "input: %s %s %s%n",
          TerminalText.escape(in.name()),
          in.elementType(),
          in.dims());
    }
    out.println("output: " + TerminalText.escape(String.join(", ", model.outputs())));
    List<NodeProto> unsupported = OnnxSupport.unsupportedNodes(model);
    OnnxImporter.Imported imported;
    try {
      imported = OnnxImporter.importModel(model);
    } catch (OnnxImportException e) {
      for (NodeProto n : unsupported) {
        out.println("unsupported: " + TerminalText.escape(OnnxModel.describe(n)));
      }
      out.flush();
      throw e.as(file.toString());
    }
    for (String w : imported.warnings()) {
      out.println("warning: " + TerminalText.escape(w));
    }
    NetworkSpec net = imported.network();
    out.printf(Locale.ROOT, "layers (%d):%n", net.layers().size());
    List<List<String>> paramsOf = new ArrayList<>();
    for (int i = 0; i < net.layers().size(); i++) {
      paramsOf.add(new ArrayList<>());
    }
    long total = 0;
    for (ParamTensor p : net.params()) {
      paramsOf
          .get(p.layer())
          .add(
              TerminalText.escape(imported.paramNames().get(p.index()))
                  + " "
                  + Arrays.toString(p.shape()));
      total += p.numel();
    }
    for (int i = 0; i < net.layers().size(); i++) {
      List<String> inShapes = new ArrayList<>();
      List<String> reads = new ArrayList<>();
      for (int v : net.inputsOf(i)) {
        inShapes.add(Arrays.toString(net.valueShape(v)));
        reads.add(TerminalText.escape(v == 0 ? net.inputName() : net.nodeName(v - 1)));
      }
      out.printf(
          Locale.ROOT,
          "  %2d %-10s %s -> %s%s%s%n",
          i,
          net.layers().get(i).type(),
          String.join(" + ", inShapes),
          Arrays.toString(net.shapeAfter(i)),
          paramsOf.get(i).isEmpty() ? "" : "  " + String.join(", ", paramsOf.get(i)),
          // a graph's nodes say what they read (a chain's read the line above)
          net.isGraph()
              ? "  (node "
                  + TerminalText.escape(net.nodeName(i))
                  + " reads "
                  + String.join(", ", reads)
                  + ")"
              : "");
    }
    out.printf(
        Locale.ROOT,
        "parameters: %d tensors, %d entries (param_groups[].params takes these names)%n",
        net.params().size(),
        total);
    // an integer input: what X must hold (make-problem --onnx checks it)
    int smallest = Integer.MAX_VALUE;
    for (int i = 0; i < net.layers().size(); i++) {
      if (net.layers().get(i) instanceof EmbeddingSpec e) {
        smallest = Math.min(smallest, e.numEmbeddings());
      }
    }
    if (smallest < Integer.MAX_VALUE) {
      out.printf(
          Locale.ROOT,
          "X: integer indices in [0, %d) (the embedding rows; an integer X.npy for make-problem)%n",
          smallest);
    }
    return 0;
  }
}
