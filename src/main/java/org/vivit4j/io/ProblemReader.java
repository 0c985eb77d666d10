package org.vivit4j.io;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.vivit4j.api.Problem;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamNames;
import org.vivit4j.model.Reduction;
import org.vivit4j.onnx.OnnxImporter;

/**
 * Reads a problem file (the input part of the golden JSON schema, {@code schema_version} 1) into a
 * validated {@link Problem}. The golden files' metadata keys ({@code outputs}, {@code check}, ...)
 * are skipped, so golden files are valid problem files; any other unknown top-level key is skipped
 * with a warning in {@link Problem#readWarnings()} ({@link TopLevelKeys}). Every bad input is
 * reported as one {@link InvalidInputException} naming the JSON path of the offending value;
 * malformed JSON is reported under the field {@code <json>} with Jackson's line and column.
 */
public final class ProblemReader {
  private ProblemReader() {}

  /** The field name used for errors of the JSON text itself. */
  public static final String JSON_FIELD = "<json>";

  // NaN/Infinity literals are accepted by the parser only so that they can be rejected by name;
  // duplicate keys and trailing content are errors because they make the file ambiguous. The
  // whole text is in memory already, so one string (a base64 array) may be as long as the text:
  // Jackson's default limit of 20 million characters would call a large valid file malformed.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The byte order mark some editors put before the text; it is not part of the JSON. */
  private static final char BYTE_ORDER_MARK = '\uFEFF';

  /**
   * Reads and validates the problem file at {@code file} (UTF-8). The file is checked first ({@link
   * InputFile}): a missing path, a directory, a device or FIFO, an unreadable file or one too large
   * for the heap is bad input naming {@code problem file}, and nothing is read.
   *
   * @throws IOException when the file cannot be read
   * @throws InvalidInputException when it is not a readable regular file within {@link
   *     InputFile#sizeLimit()}, or its content is not a valid problem
   */
  public static Problem read(Path file) throws IOException {
    return parse(InputFile.readText("problem file", file), file.toAbsolutePath().getParent());
  }

  /**
   * Parses and validates a problem given as JSON text.
   *
   * @throws InvalidInputException when the text is not a valid problem
   */
  public static Problem parse(String json) {
    return parse(json, null);
  }

  /**
   * The file a problem's {@code model} names ({@code {"format": "onnx", "path": ...}}, resolved
   * against {@code baseDir}), or {@code null} when the model is inline or the text is not such a
   * problem. Found by streaming over the top-level keys without building the tree, so a command can
   * refuse an output path onto it before the problem is read and computed.
   */
  public static Path referencedModelFile(String json, Path baseDir) {
    try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(json)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String key = p.currentName();
        com.fasterxml.jackson.core.JsonToken value = p.nextToken();
        if (key.equals("model") && value == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
          // streamed too (the mapper refuses trailing tokens after a tree it reads)
          while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String k = p.currentName();
            com.fasterxml.jackson.core.JsonToken v = p.nextToken();
            if (k.equals("path") && v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
              Path file = Path.of(p.getText());
              return file.isAbsolute() || baseDir == null ? file : baseDir.resolve(file);
            }
            p.skipChildren();
          }
          return null;
        }
        p.skipChildren();
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return null; // the reader reports what is wrong with the file
    }
    return null;
  }

  /**
   * Parses and validates a problem given as JSON text read from a file in {@code baseDir}, against
   * which a model reference's relative path is resolved ({@code null}: relative paths are refused).
   *
   * @throws InvalidInputException when the text is not a valid problem
   */
  public static Problem parse(String json, Path baseDir) {
    JsonNode root;
    if (!json.isEmpty() && json.charAt(0) == BYTE_ORDER_MARK) {
      json = json.substring(1);
    }
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new InvalidInputException(
          JSON_FIELD, "malformed JSON" + where + ": " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidInputException(JSON_FIELD, "malformed JSON: the input is empty");
    }
    if (!root.isObject()) {
      throw new InvalidInputException(
          JSON_FIELD, "must be a JSON object at the top level, got " + JsonFields.describe(root));
    }
    return fromTree(root, baseDir);
  }

  private static Problem fromTree(JsonNode root, Path baseDir) {
    List<String> warnings = TopLevelKeys.unknownKeyWarnings(root);
    JsonNode version = JsonFields.optional(root, "schema_version");
    if (version != null && JsonFields.intValue(version, "schema_version") != 1) {
      throw new InvalidInputException(
          "schema_version", "is " + version.intValue() + " but only schema_version 1 is supported");
    }
    String name = JsonFields.requiredString(root, "", "name");
    int n = JsonFields.atLeast(JsonFields.requiredInt(root, "", "N"), 1, "N");
    int[] inputShape =
        JsonFields.intList(JsonFields.required(root, "", "input_shape"), "input_shape");
    if (inputShape.length == 0) {
      throw new InvalidInputException("input_shape", "must not be empty");
    }
    for (int d = 0; d < inputShape.length; d++) {
      JsonFields.atLeast(inputShape[d], 1, at("input_shape", d));
    }
    LossSpec loss = readLoss(JsonFields.required(root, "", "loss"), "loss");
    JsonNode graphNode = JsonFields.optional(root, "graph");
    JsonNode modelNode =
        graphNode == null
            ? JsonFields.required(root, "", "model")
            : JsonFields.optional(root, "model");
    if (graphNode != null && modelNode != null) {
      throw new InvalidInputException(
          "graph",
          "is given with model; a problem has one of them (model: a layer list or an ONNX file;"
              + " graph: nodes with named inputs)");
    }
    NetworkSpec network;
    List<String> paramNames;
    if (graphNode != null) {
      network = ModelReader.readGraph(graphNode, "graph", inputShape);
      paramNames = ParamNames.of(network);
    } else if (OnnxModelFile.isModelReference(modelNode)) {
      OnnxImporter.Imported imported = OnnxModelFile.read(modelNode, "model", baseDir);
      warnings = new java.util.ArrayList<>(warnings);
      warnings.addAll(imported.warnings());
      network = imported.network();
      paramNames = imported.paramNames();
      if (!java.util.Arrays.equals(network.inputShape(), inputShape)) {
        throw new InvalidInputException(
            "input_shape",
            "is "
                + java.util.Arrays.toString(inputShape)
                + " but the ONNX model's input '"
                + imported.input()
                + "' takes "
                + java.util.Arrays.toString(network.inputShape())
                + " per sample");
      }
    } else {
      List<LayerSpec> layers = ModelReader.readLayers(modelNode, "model");
      network = new NetworkSpec(layers, inputShape); // checks that the shapes chain
      paramNames = ParamNames.of(network);
    }
    network.checkIndexReaders();
    int c = network.outputSize();
    checkDerived(root, "num_outputs", c, "the model's output size");
    checkDerived(root, "num_params", network.numParams(), "the model's parameter count");
    JsonNode table = JsonFields.optional(root, "params");
    if (table != null) {
      ModelReader.checkParamTable(
          table,
          "params",
          network,
          paramNames,
          modelNode != null && OnnxModelFile.isModelReference(modelNode));
    }
    // X is read before anything sized by N is allocated: its N rows bound N by the file size.
    Batch batch = readBatch(root, n, inputShape, loss, c);
    network.checkNetworkInput(batch.x(), "X");
    ComputationReader.Computation comp =
        ComputationReader.readComputation(
            JsonFields.optional(root, "computation"), "computation", n);
    int[] ggn = comp.options().subsamplingGgn();
    int nGgn = ggn == null ? n : ggn.length;
    int mc = comp.options().mcSamples();
    // C̃ factor columns per sample: C, or M for the Monte-Carlo GGN
    String gramWhat =
        mc == 0 ? "C·N_ggn = " + c + "·" + nGgn : "M·N_ggn = " + mc + "·" + nGgn + " (Monte-Carlo)";
    var groups =
        ComputationReader.readGroups(
            JsonFields.required(root, "", "param_groups"),
            "param_groups",
            paramNames,
            (int) Math.min(Integer.MAX_VALUE, (long) (mc == 0 ? c : mc) * nGgn),
            gramWhat);
    Problem problem =
        new Problem(
            name,
            network,
            loss,
            batch,
            comp.options(),
            groups,
            comp.className(),
            comp.damping(),
            warnings,
            comp.outputs());
    // every array the run needs must fit a Java array: refused here, naming the field, in long
    problem.computation().memoryEstimate(network, n, groups, true);
    return problem;
  }

  private static LossSpec readLoss(JsonNode node, String path) {
    JsonFields.object(node, path);
    JsonFields.onlyKeys(node, path, "loss", "type", "reduction");
    String type = JsonFields.requiredString(node, path, "type");
    LossType lossType = LossType.fromTypeName(type);
    if (lossType == null) {
      throw new InvalidInputException(
          at(path, "type"),
          "unknown loss type '" + type + "'; expected mse, cross_entropy or bce_with_logits");
    }
    String red = JsonFields.requiredString(node, path, "reduction");
    Reduction reduction = Reduction.fromTypeName(red);
    if (reduction == null) {
      throw new InvalidInputException(
          at(path, "reduction"), "unknown loss reduction '" + red + "'; expected mean or sum");
    }
    return new LossSpec(lossType, reduction);
  }

  private static Batch readBatch(JsonNode root, int n, int[] inputShape, LossSpec loss, int c) {
    int[] xShape = new int[inputShape.length + 1];
    xShape[0] = n;
    System.arraycopy(inputShape, 0, xShape, 1, inputShape.length);
    double[] x =
        JsonArrays.readDoubles(
            JsonFields.required(root, "", "X"), "X", xShape, "[N] + input_shape");
    JsonNode yNode = JsonFields.required(root, "", "y");
    if (loss.type().realTargets()) {
      String name = loss.type().typeName();
      double[] y = JsonArrays.readDoubles(yNode, "y", new int[] {n, c}, "[N, C] for " + name);
      if (loss.type() == LossType.BCE_WITH_LOGITS) {
        for (int i = 0; i < y.length; i++) {
          if (y[i] < 0 || y[i] > 1) {
            throw new InvalidInputException(
                JsonArrays.elementPath("y", new int[] {n, c}, i),
                "is " + y[i] + " but bce_with_logits targets must lie in [0, 1]");
          }
        }
      }
      return new Batch(n, x, y, null);
    }
    return new Batch(n, x, null, JsonArrays.readClassIndices(yNode, "y", n, c));
  }

  /** A derived count such as {@code num_outputs}: optional, but must agree when given. */
  private static void checkDerived(JsonNode root, String key, int expected, String what) {
    JsonNode v = JsonFields.optional(root, key);
    if (v != null && JsonFields.intValue(v, key) != expected) {
      throw new InvalidInputException(
          key, "is " + v.intValue() + " but " + what + " is " + expected);
    }
  }
}
