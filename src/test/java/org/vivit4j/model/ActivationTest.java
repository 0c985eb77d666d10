package org.vivit4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each {@link Activation} definition: values and derivatives at points where PyTorch's (float64)
 * results are known, its derivative against finite differences of its value, and its
 * hyper-parameter's text form. A new activation needs a row in {@link #KNOWN}.
 */
class ActivationTest {

  /**
   * {@code φ(z)} and {@code φ'(z)} with hyper-parameter {@code param}, as PyTorch computes them in
   * float64 (evaluated to 100 digits with mpmath from PyTorch's formulas and constants).
   */
  record Known(Activation act, double param, double z, double value, double derivative) {}

  static final List<Known> KNOWN =
      List.of(
          new Known(Activation.RELU, 0, -1.5, 0, 0),
          new Known(Activation.RELU, 0, 0, 0, 0),
          new Known(Activation.RELU, 0, 2, 2, 1),
          new Known(Activation.SIGMOID, 0, 0, 0.5, 0.25),
          new Known(Activation.SIGMOID, 0, 1, 0.73105857863000488, 0.19661193324148185),
          new Known(Activation.SIGMOID, 0, -30, 9.357622968839299e-14, 9.3576229688384233e-14),
          new Known(Activation.TANH, 0, 0, 0, 1),
          new Known(Activation.TANH, 0, 1, 0.76159415595576489, 0.41997434161402607),
          new Known(Activation.LEAKY_RELU, 0.01, -2, -0.02, 0.01),
          new Known(Activation.LEAKY_RELU, 0.2, 0, 0, 0.2),
          new Known(Activation.ELU, 1, -1, -0.63212055882855768, 0.36787944117144233),
          new Known(Activation.ELU, 1.5, 0, 0, 1.5),
          new Known(Activation.SELU, 0, -1, -1.1113307378125628, 0.6467686030348141),
          new Known(Activation.SELU, 0, 1, 1.0507009873554805, 1.0507009873554805),
          // gelu: approximate "none" (param 0), "tanh" (param 1); far tails where 1 + erf and
          // 1 + tanh cancel in PyTorch's own float64 formula
          new Known(Activation.GELU, 0, 1, 0.84134474606854295, 1.0833154705876863),
          new Known(Activation.GELU, 0, -0.5, -0.15426876936299345, 0.13250487534383716),
          new Known(Activation.GELU, 0, -3, -0.0040496940948902836, -0.011945647204183927),
          new Known(Activation.GELU, 0, -10, -7.6198530241605261e-23, -7.6184000964648141e-22),
          new Known(Activation.GELU, 0, 0, 0, 0.5),
          new Known(Activation.GELU, 1, 1, 0.8411919906082767, 1.0829640838457826),
          new Known(Activation.GELU, 1, -0.5, -0.15428599017485608, 0.13263009646535769),
          new Known(Activation.GELU, 1, 2.5, 2.4849157339100014, 1.0379515762126662),
          new Known(Activation.GELU, 1, -10, -1.204092348209806e-37, -2.7576380638540316e-36),
          // softplus (param = beta, threshold 20): the linear branch above βz = 20
          new Known(Activation.SOFTPLUS, 1, 0, 0.6931471805599453, 0.5),
          new Known(Activation.SOFTPLUS, 1, 1, 1.3132616875182228, 0.7310585786300049),
          new Known(Activation.SOFTPLUS, 1, -30, 9.357622968839737e-14, 9.357622968839299e-14),
          new Known(Activation.SOFTPLUS, 1, 25, 25, 1),
          new Known(Activation.SOFTPLUS, 2, 0.7, 0.8102087049592255, 0.8021838885585817),
          new Known(Activation.SOFTPLUS, 2, 12, 12, 1),
          new Known(Activation.SOFTPLUS, 0.5, -3, 0.4028265559655048, 0.18242552380635635),
          new Known(Activation.SILU, 0, 0, 0, 0.5),
          new Known(Activation.SILU, 0, 1, 0.7310585786300049, 0.9276705118714867),
          new Known(Activation.SILU, 0, -1.5, -0.2736382857095345, -0.041294154299142946),
          new Known(Activation.SILU, 0, -4, -0.07194483984836623, -0.05266461489107291),
          new Known(Activation.SILU, 0, -30, -2.8072868906517896e-12, -2.713710660963134e-12),
          new Known(Activation.SILU, 0, 20, 19.99999995877693, 1.0000000391619186),
          new Known(Activation.MISH, 0, 0, 0, 0.6),
          new Known(Activation.MISH, 0, 0.3, 0.20800137234811503, 0.7828272995511304),
          new Known(Activation.MISH, 0, 1, 0.8650983882673103, 1.0490362200997922),
          new Known(Activation.MISH, 0, -1.5, -0.29809974216680674, -0.06409781589225864),
          new Known(Activation.MISH, 0, -4, -0.07259174079202536, -0.053773209793480325),
          new Known(Activation.MISH, 0, -30, -2.807286890651921e-12, -2.713710660963392e-12),
          new Known(Activation.MISH, 0, 20, 20.0, 1.0000000000000002),
          new Known(Activation.LOGSIGMOID, 0, 0, -0.6931471805599453, 0.5),
          new Known(Activation.LOGSIGMOID, 0, 1, -0.3132616875182228, 0.2689414213699951),
          new Known(Activation.LOGSIGMOID, 0, -30, -30.000000000000092, 0.9999999999999064),
          new Known(Activation.LOGSIGMOID, 0, 40, -4.248354255291589e-18, 4.248354255291589e-18));

  @Test
  void everyActivationHasKnownValues() {
    Set<Activation> covered = EnumSet.noneOf(Activation.class);
    KNOWN.forEach(k -> covered.add(k.act()));
    assertEquals(EnumSet.allOf(Activation.class), covered, "activations without a KNOWN row");
  }

  /**
   * Within {@code 4(1 + z²)} ulps of the known value: accurate to float64 rounding, up to the
   * amplification of rounding z², z³ or {@code 2√(2/π)(z + 0.044715z³)} once, by about z² in the
   * exponential tails (gelu's tanh form at z = −10: 130 ulps).
   */
  @Test
  void valuesAndDerivativesMatchPyTorch() {
    for (Known k : KNOWN) {
      String what = k.act().typeName() + "(" + k.z() + ", " + k.param() + ")";
      double ulps = 4 * (1 + k.z() * k.z());
      assertEquals(k.value(), k.act().value(k.z(), k.param()), ulps * Math.ulp(k.value()), what);
      assertEquals(
          k.derivative(),
          k.act().derivative(k.z(), k.param()),
          ulps * Math.ulp(k.derivative()),
          what + "'");
      assertTrue(
          k.act().derivativeMagnitude(k.z(), k.param()) >= Math.abs(k.derivative()) * (1 - 1e-15),
          what + ": the magnitude bounds |φ'|");
    }
  }

  /**
   * φ' against the fourth-order central difference of φ, away from kinks at 0: error {@code O(h⁴)}
   * plus rounding {@code O(u/h)}, below {@code 1e-9} of the scale for {@code h = 1e-3}.
   */
  @Test
  void derivativesAreThoseOfTheValues() {
    double h = 1e-3;
    double[] zs = {-7.5, -3.1, -1.2, -0.4, -0.05, 0.05, 0.3, 0.9, 2.2, 4.7};
    for (Activation act : Activation.values()) {
      for (double p : sampleParams(act)) {
        for (double z : zs) {
          double fd =
              (8 * (act.value(z + h, p) - act.value(z - h, p))
                      - (act.value(z + 2 * h, p) - act.value(z - 2 * h, p)))
                  / (12 * h);
          double scale = 1 + Math.abs(act.value(z, p));
          assertEquals(
              fd, act.derivative(z, p), 1e-9 * scale, act.typeName() + " p=" + p + " z=" + z);
        }
      }
    }
  }

  /**
   * The float32 derivative of the CPU backend is the float64 one to float32 accuracy: within 64u of
   * {@code max(|φ'|, 1)}, since the float32 forms may subtract terms of order 1 ({@code 1 − tanh²},
   * {@code σ(1 − σ)}).
   */
  @Test
  void float32DerivativesAgreeWithFloat64() {
    for (Activation act : Activation.values()) {
      for (double p : sampleParams(act)) {
        for (double z = -4; z <= 4; z += 0.125) {
          float zf = (float) z;
          double want = act.derivative(zf, (float) p);
          assertEquals(
              want,
              act.derivativeF32(zf, (float) p),
              64 * 0x1p-24 * Math.max(act.derivativeMagnitude(zf, (float) p), 1),
              act.typeName() + " p=" + p + " z=" + z);
        }
      }
    }
  }

  @Test
  void hyperParametersHaveTheirTextAndChecks() {
    for (Activation act : Activation.values()) {
      assertEquals(act, Activation.fromTypeName(act.typeName()));
      assertFalse(act.openClDerivative().isBlank(), act + " has OpenCL statements");
      assertNull(act.paramProblem(act.defaultParam()), act + ": the default is valid");
      if (act.param() == null) {
        assertNull(act.paramName());
        continue;
      }
      List<String> choices = act.param().choices();
      if (choices.isEmpty()) {
        assertNotNull(act.paramProblem(Double.NaN), act + ": NaN");
        assertNotNull(act.paramProblem(Double.POSITIVE_INFINITY), act + ": ∞");
      } else {
        for (int c = 0; c < choices.size(); c++) {
          assertEquals(choices.get(c), act.paramText(c));
          assertNull(act.paramProblem(c));
        }
        assertNotNull(act.paramProblem(choices.size()), act + ": past the last choice");
        assertNotNull(act.paramProblem(0.5), act + ": not an index");
      }
    }
    assertNull(Activation.fromTypeName("softmax"));
  }

  /** PyTorch's default and, for a number, two others; every choice of a named one. */
  static List<Double> sampleParams(Activation act) {
    List<Double> out = new ArrayList<>();
    if (act.param() == null) {
      out.add(act.defaultParam());
    } else if (act.param().choices().isEmpty()) {
      out.add(act.defaultParam());
      out.add(0.2);
      out.add(1.7);
    } else {
      for (int c = 0; c < act.param().choices().size(); c++) {
        out.add((double) c);
      }
    }
    return out;
  }
}
