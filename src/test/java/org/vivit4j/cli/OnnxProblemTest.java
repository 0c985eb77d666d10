package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.data.NpyReader;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.io.ProblemWriter;

/**
 * A problem file whose model is an ONNX file beside it, with parameter groups named by PyTorch's
 * state_dict names: solved, its results equal those of the same network written as a JSON problem
 * (indices instead of names), and its result lists the names.
 */
class OnnxProblemTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private ObjectNode onnxProblem(String model) throws Exception {
    Path src = Path.of("src/test/resources/onnx");
    Files.copy(
        src.resolve(model + ".onnx"),
        dir.resolve("net.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    NpyReader.NpyArray x = NpyReader.read(src.resolve(model + ".x.npy"));
    NpyReader.NpyArray y = NpyReader.read(src.resolve(model + ".y.npy"));
    ObjectNode p = JSON.createObjectNode();
    p.put("name", "onnx " + model);
    p.put("N", x.shape()[0]);
    ArrayNode shape = p.putArray("input_shape");
    for (int d = 1; d < x.shape().length; d++) {
      shape.add(x.shape()[d]);
    }
    p.putObject("loss").put("type", "cross_entropy").put("reduction", "mean");
    p.putObject("model").put("format", "onnx").put("path", "net.onnx");
    // X nested as the array's shape
    nest(p.putArray("X"), x.reals(), x.shape(), 0, 0);
    ArrayNode ys = p.putArray("y");
    for (long v : y.ints()) {
      ys.add(v);
    }
    ArrayNode groups = p.putArray("param_groups");
    ObjectNode g0 = groups.addObject();
    g0.putArray("params").add("1.weight").add("1.bias");
    g0.putObject("criterion").put("type", "top_k").put("k", 3);
    ObjectNode g1 = groups.addObject();
    g1.putArray("params").add("3.bias").add("5.weight");
    g1.putObject("criterion").put("type", "top_k").put("k", 2);
    p.putObject("computation").put("class", "directional_derivatives");
    return p;
  }

  /** Writes {@code data[offset …]} of shape {@code shape[axis …]} into {@code into} as lists. */
  private static void nest(ArrayNode into, double[] data, int[] shape, int axis, int offset) {
    int stride = 1;
    for (int d = axis + 1; d < shape.length; d++) {
      stride *= shape[d];
    }
    for (int i = 0; i < shape[axis]; i++) {
      if (axis == shape.length - 1) {
        into.add(data[offset + i]);
      } else {
        nest(into.addArray(), data, shape, axis + 1, offset + i * stride);
      }
    }
  }

  private JsonNode solve(Path problem) throws Exception {
    Path out = problem.resolveSibling(problem.getFileName() + ".result.json");
    CliRun r = CliRun.of("solve", "--problem", problem.toString(), "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    return JSON.readTree(out.toFile());
  }

  @Test
  void anOnnxModelBesideTheProblemSolvesAsTheSameNetworkInJson() throws Exception {
    ObjectNode p = onnxProblem("mlp");
    Path onnxFile = dir.resolve("onnx-problem.json");
    JSON.writeValue(onnxFile.toFile(), p);
    JsonNode fromOnnx = solve(onnxFile);

    // The same network written out by ProblemWriter as a layer list, groups by index.
    Problem imported = ProblemReader.read(onnxFile);
    Path jsonFile = dir.resolve("json-problem.json");
    ProblemWriter.write(jsonFile, imported, null);
    ObjectNode written = (ObjectNode) JSON.readTree(jsonFile.toFile());
    assertTrue(written.get("model").isArray(), "written as layers");
    ((ObjectNode) written.get("param_groups").get(0)).putArray("params").add(0).add(1);
    ((ObjectNode) written.get("param_groups").get(1)).putArray("params").add(3).add(4);
    JSON.writeValue(jsonFile.toFile(), written);
    JsonNode fromJson = solve(jsonFile);

    assertEquals(fromJson.get("loss").doubleValue(), fromOnnx.get("loss").doubleValue());
    assertEquals(fromJson.get("grad"), fromOnnx.get("grad"));
    for (int j = 0; j < 2; j++) {
      JsonNode a = fromOnnx.get("groups").get(j);
      JsonNode b = fromJson.get("groups").get(j);
      assertEquals(b.get("params"), a.get("params"));
      for (String key : List.of("evals", "gammas", "lambdas", "gram_evals")) {
        assertEquals(b.get(key), a.get(key), key + " of group " + j);
      }
    }
    assertEquals(
        "[\"1.weight\",\"1.bias\"]", fromOnnx.get("groups").get(0).get("param_names").toString());
    assertEquals(
        "[\"3.bias\",\"5.weight\"]", fromOnnx.get("groups").get(1).get("param_names").toString());
    // a JSON model's tensors are named as an nn.Sequential's: the layer index and weight/bias
    assertEquals(
        "[\"1.weight\",\"1.bias\"]", fromJson.get("groups").get(0).get("param_names").toString());
  }

  /**
   * A PyTorch ConvTranspose1d network ({@code export_models.py}: {@code convtranspose1d}) as an
   * ONNX file beside the problem, groups by state_dict names, gives the same numbers as the network
   * written back as a JSON layer list with groups by index.
   */
  @Test
  void aConvTranspose1dOnnxModelSolvesAsTheSameNetworkInJson() throws Exception {
    BothWays r = solveBothWays("convtranspose1d", "4.bias", new int[] {2, 4});
    assertEquals("convtranspose1d", r.written().get("model").get(0).get("type").textValue());
  }

  /**
   * PyTorch's nn.Mish, exported as {@code Mul(h, Tanh(Softplus(h)))} ({@code export_models.py}:
   * {@code mish_mlp}) and imported as the {@code mish} activation, gives the same numbers as the
   * network written back as a JSON layer list with groups by index.
   */
  @Test
  void aMishOnnxModelSolvesAsTheSameNetworkInJson() throws Exception {
    BothWays r = solveBothWays("mish_mlp", "4.bias", new int[] {2, 5});
    assertEquals("mish", r.written().get("model").get(1).get("type").textValue());
    assertEquals("mish", r.written().get("model").get(3).get("type").textValue());
  }

  /** The JSON problem written back from an imported model, and the two results. */
  private record BothWays(ObjectNode written, JsonNode fromOnnx, JsonNode fromJson) {}

  /**
   * Solves the ONNX model {@code name} with groups {@code {0.weight, 0.bias}} and {@code {2.weight,
   * secondName}}, writes it back as JSON with groups {@code {0, 1}} and {@code secondIndices},
   * solves that, and asserts the loss, gradient, eigenvalues, γ, λ and Gram spectra are equal and
   * the second group's names as given.
   */
  private BothWays solveBothWays(String name, String secondName, int[] secondIndices)
      throws Exception {
    ObjectNode p = onnxProblem(name);
    ArrayNode groups = (ArrayNode) p.get("param_groups");
    ((ObjectNode) groups.get(0)).putArray("params").add("0.weight").add("0.bias");
    ((ObjectNode) groups.get(1)).putArray("params").add("2.weight").add(secondName);
    Path onnxFile = dir.resolve(name + "-problem.json");
    JSON.writeValue(onnxFile.toFile(), p);
    JsonNode fromOnnx = solve(onnxFile);
    Problem imported = ProblemReader.read(onnxFile);
    Path jsonFile = dir.resolve(name + "-json.json");
    ProblemWriter.write(jsonFile, imported, null);
    ObjectNode written = (ObjectNode) JSON.readTree(jsonFile.toFile());
    ((ObjectNode) written.get("param_groups").get(0)).putArray("params").add(0).add(1);
    ArrayNode second = ((ObjectNode) written.get("param_groups").get(1)).putArray("params");
    for (int i : secondIndices) {
      second.add(i);
    }
    JSON.writeValue(jsonFile.toFile(), written);
    JsonNode fromJson = solve(jsonFile);
    assertEquals(fromJson.get("loss").doubleValue(), fromOnnx.get("loss").doubleValue());
    assertEquals(fromJson.get("grad"), fromOnnx.get("grad"));
    for (int j = 0; j < 2; j++) {
      for (String key : List.of("evals", "gammas", "lambdas", "gram_evals")) {
        assertEquals(
            fromJson.get("groups").get(j).get(key),
            fromOnnx.get("groups").get(j).get(key),
            key + " of group " + j);
      }
    }
    assertEquals(
        "[\"2.weight\",\"" + secondName + "\"]",
        fromOnnx.get("groups").get(1).get("param_names").toString());
    return new BothWays(written, fromOnnx, fromJson);
  }

  @Test
  void theResultMayNotReplaceTheModelFile() throws Exception {
    ObjectNode p = onnxProblem("mlp");
    Path file = dir.resolve("p.json");
    JSON.writeValue(file.toFile(), p);
    byte[] model = Files.readAllBytes(dir.resolve("net.onnx"));
    CliRun r =
        CliRun.of(
            "solve", "--problem", file.toString(), "--out", dir.resolve("net.onnx").toString());
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .startsWith(
                "error: --out: "
                    + dir.resolve("net.onnx")
                    + ": is the input file (the"
                    + " problem's model.path)"),
        r.err());
    assertTrue(java.util.Arrays.equals(model, Files.readAllBytes(dir.resolve("net.onnx"))));
  }

  /** A params table as a golden file of an exported model writes it: state_dict names. */
  private static void addParamsTable(ObjectNode p, String firstName) {
    ArrayNode table = p.putArray("params");
    String[] names = {firstName, "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"};
    int[][] shapes = {{16, 784}, {16}, {12, 16}, {12}, {10, 12}, {10}};
    int offset = 0;
    for (int i = 0; i < names.length; i++) {
      int numel = 1;
      ObjectNode e = table.addObject().put("index", i).put("layer", 7 * i).put("name", names[i]);
      ArrayNode shape = e.putArray("shape");
      for (int d : shapes[i]) {
        shape.add(d);
        numel *= d;
      }
      e.put("offset", offset).put("numel", numel);
      offset += numel;
    }
  }

  @Test
  void aParamsTableWithStateDictNamesIsChecked() throws Exception {
    ObjectNode p = onnxProblem("mlp");
    addParamsTable(p, "1.weight");
    Path file = dir.resolve("table.json");
    JSON.writeValue(file.toFile(), p);
    solve(file);
    addParamsTable(p, "fc1.weight");
    String e = refused(p);
    assertTrue(
        e.startsWith(
            "error: params[0].name: is 'fc1.weight' but the model defines '1.weight' ('weight')"),
        e);
  }

  @Test
  void theModelMayBeInlineAsBase64() throws Exception {
    ObjectNode p = onnxProblem("mlp");
    byte[] bytes = Files.readAllBytes(dir.resolve("net.onnx"));
    p.putObject("model")
        .put("format", "onnx")
        .put("base64", Base64.getMimeEncoder().encodeToString(bytes));
    Path file = dir.resolve("inline.json");
    JSON.writeValue(file.toFile(), p);
    Files.delete(dir.resolve("net.onnx"));
    JsonNode r = solve(file);
    assertEquals(3, r.get("groups").get(0).get("evals").size());
  }

  private String refused(ObjectNode p) throws Exception {
    Path file = dir.resolve("bad.json");
    JSON.writeValue(file.toFile(), p);
    CliRun r =
        CliRun.of("solve", "--problem", file.toString(), "--out", dir.resolve("r.json").toString());
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
    assertTrue(Files.notExists(dir.resolve("r.json")));
    return r.err().strip();
  }

  @Test
  void badReferencesAndNamesAreOneLineNamingTheField() throws Exception {
    ObjectNode p = onnxProblem("mlp");
    ((ObjectNode) p.get("model")).put("path", "missing.onnx");
    assertTrue(refused(p).startsWith("error: model.path: "), refused(p));

    p = onnxProblem("mlp");
    ((ObjectNode) p.get("model")).put("format", "tflite");
    assertEquals(
        "error: model.format: is 'tflite'; the one model format read is 'onnx'", refused(p));

    p = onnxProblem("mlp");
    ((ArrayNode) p.get("input_shape")).set(1, 27);
    assertTrue(
        refused(p).contains("input_shape: is [1, 27, 28] but the ONNX model's input 'x' takes"),
        refused(p));

    p = onnxProblem("mlp");
    ((ArrayNode) p.get("param_groups").get(0).get("params")).set(1, "1.bais");
    String e = refused(p);
    assertTrue(
        e.startsWith(
            "error: param_groups[0].params[1]: '1.bais' is not a parameter name; the names are"
                + " 1.weight, 1.bias, 3.weight"),
        e);

    p = onnxProblem("mlp");
    ArrayNode swapped = ((ObjectNode) p.get("param_groups").get(0)).putArray("params");
    swapped.add("1.bias").add("1.weight");
    assertTrue(
        refused(p).contains("'1.weight' (parameter 0) comes after parameter 1; list params in"),
        refused(p));

    p = onnxProblem("resnet_tiny");
    Files.write(
        dir.resolve("net.onnx"),
        org.vivit4j.onnx.OnnxTestModels.withOpType("resnet_tiny", "Add", "Sub"));
    assertTrue(refused(p).contains("model.path: node '/layer1/Add' (Sub) combines"), refused(p));
  }

  /**
   * The residual network as an ONNX file beside the problem solves as a graph, and the problem
   * written back as JSON (a {@code graph} with the exporter's node names) gives the same numbers.
   */
  @Test
  void aResidualOnnxModelSolvesAndWritesBackAsAGraph() throws Exception {
    ObjectNode p = onnxProblem("resnet_tiny");
    ArrayNode groups = (ArrayNode) p.get("param_groups");
    ((ObjectNode) groups.get(0)).putArray("params").add("layer1.conv1.weight").add("fc.bias");
    ((ObjectNode) groups.get(1)).putArray("params").add("layer2.shortcut.0.weight");
    Path onnxFile = dir.resolve("resnet-problem.json");
    JSON.writeValue(onnxFile.toFile(), p);
    JsonNode fromOnnx = solve(onnxFile);
    Problem imported = ProblemReader.read(onnxFile);
    Path jsonFile = dir.resolve("resnet-json.json");
    ProblemWriter.write(jsonFile, imported, null);
    ObjectNode written = (ObjectNode) JSON.readTree(jsonFile.toFile());
    assertTrue(written.get("graph").isObject(), "written as a graph");
    JsonNode fromJson = solve(jsonFile);
    assertEquals(fromJson.get("grad"), fromOnnx.get("grad"));
    for (int j = 0; j < 2; j++) {
      for (String key : List.of("evals", "gammas", "lambdas", "gram_evals")) {
        assertEquals(
            fromJson.get("groups").get(j).get(key),
            fromOnnx.get("groups").get(j).get(key),
            key + " of group " + j);
      }
    }
  }
}
