package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;

/** Every golden case is a valid problem file, and what is read agrees with the file's own text. */
class ProblemReaderGoldenTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  static Stream<Path> goldenFiles() throws IOException, URISyntaxException {
    Path dir = Path.of(ProblemReaderGoldenTest.class.getResource("/golden").toURI());
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
    }
    return files.stream();
  }

  @Test
  void allTenGoldenCasesArePresent() throws Exception {
    assertEquals(10, goldenFiles().count());
  }

  @ParameterizedTest
  @MethodSource("goldenFiles")
  void parsesAndMatchesTheFile(Path file) throws IOException {
    Problem p = ProblemReader.read(file);
    JsonNode root = PLAIN.readTree(file.toFile());
    NetworkSpec net = p.network();

    assertEquals(root.get("name").asText(), p.name());
    assertEquals("directional_derivatives", p.computationClass());
    assertEquals(root.get("num_outputs").asInt(), net.outputSize());
    assertEquals(root.get("num_params").asInt(), net.numParams());
    assertEquals(root.get("model").size(), net.layers().size());

    JsonNode table = root.get("params");
    assertEquals(table.size(), net.params().size());
    for (int i = 0; i < table.size(); i++) {
      JsonNode e = table.get(i);
      ParamTensor t = net.params().get(i);
      assertEquals(e.get("index").asInt(), t.index());
      assertEquals(e.get("layer").asInt(), t.layer());
      assertEquals(e.get("name").asText(), t.name());
      assertArrayEquals(ints(e.get("shape")), t.shape());
      assertEquals(e.get("offset").asInt(), t.offset());
      assertEquals(e.get("numel").asInt(), t.numel());
      // The parameter values are the file's numbers, flattened row-major.
      LayerSpec layer = net.layers().get(t.layer());
      JsonNode values = root.get("model").get(t.layer()).get(t.name());
      assertArrayEquals(flatten(values), NetworkSpec.paramData(layer, t.name()));
    }

    int n = root.get("N").asInt();
    assertEquals(n, p.batch().n());
    assertArrayEquals(flatten(root.get("X")), p.batch().x());
    if (p.loss().type() == LossType.MSE) {
      assertArrayEquals(flatten(root.get("y")), p.batch().yReal());
      assertNull(p.batch().yClass());
    } else {
      assertArrayEquals(ints(root.get("y")), p.batch().yClass());
      assertNull(p.batch().yReal());
    }
    assertEquals(root.get("loss").get("type").asText(), p.loss().type().typeName());
    assertEquals(root.get("loss").get("reduction").asText(), p.loss().reduction().typeName());

    JsonNode comp = root.get("computation");
    ComputationOptions o = p.options();
    assertArrayEquals(intsOrNull(comp.get("subsampling_grad")), o.subsamplingGrad());
    assertArrayEquals(intsOrNull(comp.get("subsampling_ggn")), o.subsamplingGgn());
    assertEquals(0, o.mcSamples());
    assertEquals(comp.get("warn_small_eigvals").asDouble(), o.warnSmallEigvals());

    JsonNode groups = root.get("param_groups");
    assertEquals(groups.size(), p.groups().size());
    for (int j = 0; j < groups.size(); j++) {
      ParamGroup g = p.groups().get(j);
      assertEquals("group" + j, g.name());
      assertArrayEquals(ints(groups.get(j).get("params")), g.params());
      JsonNode c = groups.get(j).get("criterion");
      Criterion expected =
          c.get("type").asText().equals("top_k")
              ? Criterion.topK(c.get("k").asInt())
              : Criterion.threshold(c.get("threshold").asDouble());
      assertEquals(expected, g.criterion());
    }
  }

  @Test
  void absentComputationMeansDirectionalDerivativesWithDefaults() {
    var root = ProblemFixtures.mlp("mse");
    root.remove("computation");
    Problem absent = ProblemReader.parse(ProblemFixtures.json(root));
    assertEquals("directional_derivatives", absent.computationClass());
    // files default to the dense eigensolver (whole spectrum), the API to auto
    assertEquals(
        ComputationOptions.defaults().withEigenSolver(EigenSolver.DENSE),
        withoutArrays(absent.options()));
    assertNull(absent.options().subsamplingGrad());
    root.putObject("computation");
    Problem empty = ProblemReader.parse(ProblemFixtures.json(root));
    assertEquals(withoutArrays(absent.options()), withoutArrays(empty.options()));
    assertEquals(absent.computationClass(), empty.computationClass());
  }

  @Test
  void shortComputationNamesAreStored() {
    for (String name : new String[] {"directional_derivatives", "eigvalsh", "eigh"}) {
      var root = ProblemFixtures.mlp("cross_entropy");
      ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("computation")).put("class", name);
      assertEquals(name, ProblemReader.parse(ProblemFixtures.json(root)).computationClass());
    }
  }

  @Test
  void givenGroupNamesAndAbsentBiasAreKept() {
    var root = ProblemFixtures.mlp("mse");
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("param_groups").get(1))
        .put("name", "last");
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model").get(2)).putNull("bias");
    root.remove("params"); // the file's table would now list a bias the model no longer has
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("param_groups").get(1))
        .withArray("params")
        .remove(1);
    Problem p = ProblemReader.parse(ProblemFixtures.json(root));
    assertEquals(List.of("group0", "last"), p.groups().stream().map(ParamGroup::name).toList());
    assertEquals(3, p.network().params().size());
    assertTrue(
        p.network().params().stream().noneMatch(t -> t.layer() == 2 && t.name().equals("bias")));
  }

  // Records with arrays compare by identity; compare the scalar options only.
  private static ComputationOptions withoutArrays(ComputationOptions o) {
    return new ComputationOptions(
        null, null, o.mcSamples(), o.warnSmallEigvals(), o.seed(), o.eigenSolver());
  }

  static int[] ints(JsonNode list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i).asInt();
    }
    return out;
  }

  private static int[] intsOrNull(JsonNode list) {
    return list == null || list.isNull() ? null : ints(list);
  }

  /** Flattens a nested list row-major, parsing each number exactly as written. */
  static double[] flatten(JsonNode node) {
    List<Double> out = new ArrayList<>();
    flattenInto(node, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flattenInto(JsonNode node, List<Double> out) {
    if (node.isArray()) {
      node.forEach(child -> flattenInto(child, out));
    } else {
      out.add(Double.parseDouble(node.asText()));
    }
  }
}
