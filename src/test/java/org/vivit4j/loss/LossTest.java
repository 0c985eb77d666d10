package org.vivit4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.Tolerances;

/** Gradient and Hessian factor of each loss against central finite differences of its value. */
class LossTest {
  private static final double H = 1e-4;

  private static Loss.Target target(LossType type, SplittableRandom rnd, int c) {
    if (type.realTargets()) {
      double[] y = new double[c];
      for (int i = 0; i < c; i++) {
        // BCE targets lie in [0, 1]
        y[i] = type == LossType.MSE ? rnd.nextDouble(-1, 1) : rnd.nextDouble();
      }
      return new Loss.Target(y, 0, -1);
    }
    return new Loss.Target(null, 0, rnd.nextInt(c));
  }

  @ParameterizedTest
  @EnumSource(LossType.class)
  void gradientAndFactorMatchFiniteDifferences(LossType type) {
    for (Reduction red : Reduction.values()) {
      for (int c : new int[] {1, 2, 5}) {
        SplittableRandom rnd = new SplittableRandom(31L * c + red.ordinal());
        Loss loss = Loss.of(new LossSpec(type, red));
        double[] f = new double[c];
        for (int i = 0; i < c; i++) {
          f[i] = rnd.nextDouble(-2, 2);
        }
        Loss.Target t = target(type, rnd, c);
        double[] g = loss.gradient(f, t);
        double[] s = loss.sqrtHessian(f, t);
        int ct = loss.factorColumns(c);
        for (int i = 0; i < c; i++) {
          assertEquals(fdGradient(loss, f, t, i), g[i], 1e-7, type + " ∂ℓ/∂f_" + i);
          for (int j = 0; j < c; j++) {
            double sst = 0;
            for (int k = 0; k < ct; k++) {
              sst += s[i * ct + k] * s[j * ct + k];
            }
            assertEquals(fdHessian(loss, f, t, i, j), sst, 1e-6, type + " (S Sᵀ)_" + i + j);
          }
        }
      }
    }
  }

  /**
   * The rank-reduced factor gives the same Hessian with fewer columns: {@code R Rᵀ = S Sᵀ} to a few
   * ulps of the largest entry, with {@code C − 1} columns for cross-entropy (C ≥ 2) and the full
   * factor for the full-rank losses. Logits range up to ±30, so that one class holds almost all the
   * probability (the reflection's {@code 1 + u_m} then nears 2, never 0) or none does.
   */
  @ParameterizedTest
  @EnumSource(LossType.class)
  void reducedFactorHasTheSameHessian(LossType type) {
    for (int c : new int[] {1, 2, 3, 10}) {
      for (double spread : new double[] {0.1, 2, 30}) {
        SplittableRandom rnd = new SplittableRandom(13L * c + type.ordinal());
        Loss loss = Loss.of(new LossSpec(type, Reduction.MEAN));
        double[] f = new double[c];
        for (int i = 0; i < c; i++) {
          f[i] = rnd.nextDouble(-spread, spread);
        }
        Loss.Target t = target(type, rnd, c);
        double[] s = loss.sqrtHessian(f, t);
        double[] r = loss.reducedSqrtHessian(f, t);
        int ct = loss.factorColumns(c);
        int rt = loss.reducedFactorColumns(c);
        int expected = type == LossType.CROSS_ENTROPY && c >= 2 ? c - 1 : c;
        assertEquals(expected, rt, type + " C=" + c + ": reduced columns");
        assertEquals(c * rt, r.length, type + " C=" + c + ": reduced factor entries");
        double max = 0;
        double[] full = new double[c * c];
        double[] reduced = new double[c * c];
        for (int i = 0; i < c; i++) {
          for (int j = 0; j < c; j++) {
            for (int k = 0; k < ct; k++) {
              full[i * c + j] += s[i * ct + k] * s[j * ct + k];
            }
            for (int k = 0; k < rt; k++) {
              reduced[i * c + j] += r[i * rt + k] * r[j * rt + k];
            }
            max = Math.max(max, Math.abs(full[i * c + j]));
          }
        }
        for (int i = 0; i < c * c; i++) {
          assertEquals(
              full[i],
              reduced[i],
              Tolerances.F64_REDUCED_FACTOR * Math.max(max, Double.MIN_NORMAL),
              type + " C=" + c + " spread " + spread + ": (R Rᵀ) entry " + i);
        }
      }
    }
  }

  /**
   * The gradient coefficients span the gradient: {@code S a = ∂ℓ/∂f} for the full and the reduced
   * factor, to a few ulps of the largest of {@code |∂ℓ/∂f|}, {@code |a_c S_ic|} and the terms the
   * gradient is computed from ({@code |f|}, {@code |y|} and the probabilities, at most 1), for
   * logits up to ±30 (one class of cross-entropy then holds almost all the probability, the others
   * {@code e^-60}) and ±300 (BCE's {@code σ(1 − σ)} near 1e-130, still a normal number).
   */
  @ParameterizedTest
  @EnumSource(LossType.class)
  void gradientCoefficientsSpanTheGradient(LossType type) {
    for (Reduction red : Reduction.values()) {
      for (int c : new int[] {1, 2, 3, 10}) {
        for (double spread : new double[] {0.1, 2, 30, 300}) {
          for (boolean reduced : new boolean[] {false, true}) {
            SplittableRandom rnd = new SplittableRandom(17L * c + type.ordinal() + red.ordinal());
            Loss loss = Loss.of(new LossSpec(type, red));
            double[] f = new double[c];
            for (int i = 0; i < c; i++) {
              f[i] = rnd.nextDouble(-spread, spread);
            }
            Loss.Target t = target(type, rnd, c);
            if (type == LossType.CROSS_ENTROPY && spread == 300) {
              // the true class keeps a probability that is small but not 0
              f[t.classIndex()] = Math.max(f[t.classIndex()], -100 + spread);
            }
            String what =
                type + " " + red + " C=" + c + " spread " + spread + " reduced " + reduced;
            double[] s = reduced ? loss.reducedSqrtHessian(f, t) : loss.sqrtHessian(f, t);
            double[] a = loss.gradientCoefficients(f, t, reduced);
            double[] g = loss.gradient(f, t);
            int ct = s.length / c;
            assertEquals(ct, a.length, what + ": one coefficient per factor column");
            double scale = 1;
            for (int i = 0; i < c; i++) {
              scale = Math.max(scale, Math.max(Math.abs(g[i]), Math.abs(f[i])));
              for (int k = 0; k < ct; k++) {
                scale = Math.max(scale, Math.abs(a[k] * s[i * ct + k]));
              }
            }
            for (int i = 0; i < c; i++) {
              double sa = 0;
              for (int k = 0; k < ct; k++) {
                sa += s[i * ct + k] * a[k];
              }
              assertEquals(g[i], sa, 16 * Math.ulp(scale) * c, what + ": (S a)_" + i);
            }
          }
        }
      }
    }
  }

  /**
   * Where a factor column underflowed to 0 but the gradient there did not, no coefficients exist:
   * cross-entropy with the true class at probability 0, BCE with {@code σ(1 − σ) = 0} away from its
   * target.
   */
  @org.junit.jupiter.api.Test
  void noCoefficientsWhereTheFactorLostTheGradient() {
    Loss ce = Loss.of(new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN));
    double[] f = {0, -800, 3};
    Loss.Target y1 = new Loss.Target(null, 0, 1);
    assertEquals(null, ce.gradientCoefficients(f, y1, false));
    assertEquals(null, ce.gradientCoefficients(f, y1, true));
    // another class at probability 0 carries no gradient: coefficient 0
    Loss.Target y0 = new Loss.Target(null, 0, 0);
    assertEquals(0.0, ce.gradientCoefficients(f, y0, false)[1]);
    Loss bce = Loss.of(new LossSpec(LossType.BCE_WITH_LOGITS, Reduction.SUM));
    assertEquals(
        null,
        bce.gradientCoefficients(
            new double[] {800}, new Loss.Target(new double[] {0.3}, 0, -1), false));
    assertEquals(
        0.0,
        bce.gradientCoefficients(
                new double[] {800}, new Loss.Target(new double[] {1}, 0, -1), false)[0]);
  }

  /**
   * The Monte-Carlo factor is unbiased: over T independent columns, the sample mean of {@code s_i
   * s_j} lies within 5 standard errors of {@code (S Sᵀ)_ij} for every entry (a seeded draw; the
   * bound fails with probability about 6e-7 per entry for a correct sampler). The values differ
   * from the Hessian by far more than that when a factor, a sign convention or the class sampling
   * is wrong.
   */
  @ParameterizedTest
  @EnumSource(LossType.class)
  void monteCarloFactorIsUnbiased(LossType type) {
    int draws = 40000;
    for (Reduction red : Reduction.values()) {
      for (int c : new int[] {1, 2, 5}) {
        if (type == LossType.CROSS_ENTROPY && c == 1) {
          continue; // a single class has a zero Hessian: every column is exactly 0
        }
        SplittableRandom rnd = new SplittableRandom(77L * c + red.ordinal() + 5L * type.ordinal());
        Loss loss = Loss.of(new LossSpec(type, red));
        double[] f = new double[c];
        for (int i = 0; i < c; i++) {
          f[i] = rnd.nextDouble(-2, 2);
        }
        Loss.Target t = target(type, rnd, c);
        double[] s = loss.sqrtHessian(f, t);
        int ct = loss.factorColumns(c);
        double[] cols = loss.sampledSqrtHessian(f, t, draws, rnd);
        for (int i = 0; i < c; i++) {
          for (int j = 0; j < c; j++) {
            double exact = 0;
            for (int k = 0; k < ct; k++) {
              exact += s[i * ct + k] * s[j * ct + k];
            }
            double sum = 0;
            double sumSq = 0;
            for (int m = 0; m < draws; m++) {
              double v = cols[i * draws + m] * cols[j * draws + m];
              sum += v;
              sumSq += v * v;
            }
            double mean = sum / draws;
            double var = (sumSq - draws * mean * mean) / (draws - 1);
            double se = Math.sqrt(Math.max(var, 0) / draws);
            assertTrue(
                Math.abs(mean - exact) <= 5 * se + 1e-15,
                type
                    + " "
                    + red
                    + " C="
                    + c
                    + " entry ("
                    + i
                    + ","
                    + j
                    + "): mean "
                    + mean
                    + " vs exact "
                    + exact
                    + ", standard error "
                    + se);
          }
        }
      }
    }
  }

  private static double fdGradient(Loss loss, double[] f, Loss.Target t, int i) {
    double[] p = f.clone();
    double[] m = f.clone();
    p[i] += H;
    m[i] -= H;
    return (loss.value(p, t) - loss.value(m, t)) / (2 * H);
  }

  private static double fdHessian(Loss loss, double[] f, Loss.Target t, int i, int j) {
    double[] p = f.clone();
    double[] m = f.clone();
    p[j] += H;
    m[j] -= H;
    return (loss.gradient(p, t)[i] - loss.gradient(m, t)[i]) / (2 * H);
  }
}
