package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.EigvalshComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.reference.ReferenceComputation;
import org.vivit4j.reference.ReferenceResult;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * MaxPool2d's tie rule (PyTorch: the first maximum in window order) where it matters: a 1×1
 * convolution with weight {@code (½, ½)} maps the different input pixels {@code (1, 0)} and {@code
 * (0, 1)} to the same value, so the pooled output is tied between two positions whose derivatives
 * with respect to the weight differ. The fast path must route like the reference on every backend,
 * and the reference with the tie broken the other way must differ (so the test can fail).
 */
class MaxPoolTieTest {
  static List<String> backends() {
    return TestBackends.names();
  }

  /** conv 1×1 (2 → 1) → tanh → maxpool 2×2 → flatten → linear 1 → 2, MSE. */
  private static NetworkSpec net() {
    int[] one = {1, 1};
    return new NetworkSpec(
        List.of(
            new Conv2dSpec(
                2, 1, one, one, new int[] {0, 0}, one, new double[] {0.5, 0.5}, new double[] {0.1}),
            new ActivationSpec(Activation.TANH),
            new MaxPool2dSpec(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, one),
            new FlattenSpec(1, -1),
            new LinearSpec(1, 2, new double[] {0.7, -1.3}, new double[] {0.2, 0.1})),
        new int[] {2, 2, 2});
  }

  /**
   * Two samples; channel planes (position order (0,0), (0,1), (1,0), (1,1)). Sample 0 ties
   * positions 0 and 1 ({@code ½·1 + ½·0 = ½·0 + ½·1}); sample 1 ties positions 1 and 3.
   *
   * @param breakTowardLater nudges the later tied pixel up by 1e-6, so it wins instead
   */
  private static Batch batch(boolean breakTowardLater) {
    double e = breakTowardLater ? 1e-6 : 0;
    double[] x = {
      1,
      0,
      0.2,
      -1, // sample 0, channel 0
      0,
      1 + e,
      0.2,
      0.5, // sample 0, channel 1
      -2,
      0.8,
      0.3,
      0.0, // sample 1, channel 0
      0.1,
      0.0,
      0.3,
      0.8 + e // sample 1, channel 1
    };
    return new Batch(2, x, new double[] {0.5, -0.5, 1.0, 0.25}, null);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void tiesGoToTheFirstMaximumInWindowOrder(String backendName) {
    NetworkSpec net = net();
    LossSpec loss = new LossSpec(LossType.MSE, Reduction.MEAN);
    List<int[]> groups = List.of(new int[] {0, 1, 2, 3});
    ReferenceResult ref = ReferenceComputation.compute(net, loss, batch(false), null, null, groups);
    ReferenceResult other =
        ReferenceComputation.compute(net, loss, batch(true), null, null, groups);
    // the routing changes the gradient and the GGN by O(1)
    assertTrue(Compare.normwise(other.grad(), ref.grad()) > 1e-2, "the tie does not matter");

    var comp = new EigvalshComputation(ComputationOptions.defaults());
    ParamGroup all = new ParamGroup("all", groups.get(0), Criterion.topK(1));
    ComputationResult r =
        comp.run(net, loss, batch(false), List.of(all), TestBackends.get(backendName));
    boolean f64 = backendName.equals("cpu-float64");
    Compare.assertClose(
        "gradient",
        r.batch().grad(),
        ref.grad(),
        Tolerances.F64_FIRST_ORDER); // gradients are host float64 on every backend
    double[] refEvals = ref.groups().get(0).nonzeroEvals(Tolerances.F64_ZERO_EVAL);
    double[] gram = r.group(all).gramEvals();
    double[] top = java.util.Arrays.copyOfRange(gram, gram.length - refEvals.length, gram.length);
    Compare.assertClose(
        "non-zero Gram eigenvalues",
        top,
        refEvals,
        f64 ? Tolerances.F64_EVALS : Tolerances.F32_RESULTS);
  }
}
