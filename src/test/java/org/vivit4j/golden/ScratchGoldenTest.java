package org.vivit4j.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.*;
import java.util.*;
import org.junit.jupiter.api.Test;
import org.vivit4j.api.*;
import org.vivit4j.backend.*;
import org.vivit4j.model.*;

class ScratchGoldenTest {
  static double[] flat(JsonNode a) {
    List<Double> l = new ArrayList<>();
    walk(a, l);
    return l.stream().mapToDouble(d -> d).toArray();
  }

  static void walk(JsonNode a, List<Double> l) {
    if (a.isArray()) for (JsonNode c : a) walk(c, l);
    else l.add(a.asDouble());
  }

  @Test
  void all() throws Exception {
    for (Path f : Files.list(Path.of("src/test/resources/golden")).sorted().toList()) {
      JsonNode r = new ObjectMapper().readTree(f.toFile());
      if (r.toString().contains("conv2d")) continue;
      List<LayerSpec> layers = new ArrayList<>();
      for (JsonNode l : r.get("model")) {
        String t = l.get("type").asText();
        if (t.equals("linear"))
          layers.add(
              new LinearSpec(
                  l.get("in").asInt(),
                  l.get("out").asInt(),
                  flat(l.get("weight")),
                  flat(l.get("bias"))));
        else layers.add(new ActivationSpec(Activation.fromTypeName(t)));
      }
      int[] inShape = GoldenOutputs.ints(r.get("input_shape"));
      NetworkSpec net = new NetworkSpec(layers, inShape);
      LossSpec loss =
          new LossSpec(
              LossType.fromTypeName(r.get("loss").get("type").asText()),
              Reduction.fromTypeName(r.get("loss").get("reduction").asText()));
      int n = r.get("N").asInt();
      Batch b =
          loss.type() == LossType.MSE
              ? new Batch(n, flat(r.get("X")), flat(r.get("y")), null)
              : new Batch(n, flat(r.get("X")), null, GoldenOutputs.ints(r.get("y")));
      JsonNode comp = r.get("computation");
      int[] sg =
          comp.get("subsampling_grad").isNull()
              ? null
              : GoldenOutputs.ints(comp.get("subsampling_grad"));
      int[] sn =
          comp.get("subsampling_ggn").isNull()
              ? null
              : GoldenOutputs.ints(comp.get("subsampling_ggn"));
      List<ParamGroup> groups = new ArrayList<>();
      int j = 0;
      for (JsonNode g : r.get("param_groups")) {
        JsonNode c = g.get("criterion");
        Criterion cr =
            c.get("type").asText().equals("top_k")
                ? Criterion.topK(c.get("k").asInt())
                : Criterion.threshold(c.get("threshold").asDouble());
        groups.add(new ParamGroup("g" + j++, GoldenOutputs.ints(g.get("params")), cr));
      }
      var comp2 = new DirectionalDerivativesComputation(new ComputationOptions(sg, sn, 0, 1e-4));
      var res = comp2.run(net, loss, b, groups, new CpuBackend(Precision.FLOAT64));
      GoldenOutputs go = GoldenOutputs.read(f);
      double e1 = Math.abs(res.batch().loss() - go.loss()) / Math.abs(go.loss());
      double eg = 0, mg = 0;
      for (int i = 0; i < go.grad().length; i++) {
        eg = Math.max(eg, Math.abs(res.batch().grad()[i] - go.grad()[i]));
        mg = Math.max(mg, Math.abs(go.grad()[i]));
      }
      StringBuilder sb = new StringBuilder(f.getFileName() + " loss " + e1 + " grad " + eg / mg);
      for (int g = 0; g < groups.size(); g++) {
        var gr = res.groups().get(g);
        var gg = go.groups().get(g);
        sb.append(" | evals ").append(relErr(gr.evals(), gg.evals()));
        sb.append(" lam ").append(relErr(flat2(gr.lambdas()), flat2(gg.lambdas())));
        sb.append(" gamC ").append(relErr(flat2(gr.gammas()), flat2(gg.gammasCanonical())));
        sb.append(" sel ").append(Arrays.equals(gr.selectedIndices(), gg.selectedIndices()));
      }
      System.err.println(sb);
    }
  }

  static double[] flat2(double[][] a) {
    return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
  }

  static double relErr(double[] a, double[] b) {
    if (a.length != b.length) return -1;
    double e = 0, m = 0;
    for (int i = 0; i < a.length; i++) {
      e = Math.max(e, Math.abs(a[i] - b[i]));
      m = Math.max(m, Math.abs(b[i]));
    }
    return e / m;
  }
}
