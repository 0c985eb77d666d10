package org.vivit4j.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.DropoutLayer.DropoutSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;

/** Seeded random problems and comparison helpers shared by the reference tests. */
final class ReferenceTestSupport {
  private ReferenceTestSupport() {}

  static double[] randn(Random rng, int n, double scale) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = scale * rng.nextGaussian();
    }
    return a;
  }

  /** A Linear layer with PyTorch-like scale; {@code withBias = false} gives a null bias. */
  static LinearSpec linear(Random rng, int in, int out, boolean withBias) {
    double s = 1.0 / Math.sqrt(in);
    return new LinearSpec(in, out, randn(rng, in * out, s), withBias ? randn(rng, out, s) : null);
  }

  /** An MLP {@code sizes[0] → … → sizes[last]} with the given activation between layers. */
  static NetworkSpec mlp(Random rng, Activation act, boolean bias, int... sizes) {
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      if (i > 0) {
        layers.add(new ActivationSpec(act));
      }
      layers.add(linear(rng, sizes[i], sizes[i + 1], bias));
    }
    return new NetworkSpec(layers, new int[] {sizes[0]});
  }

  /**
   * Linear – LayerNorm – activation – Dropout – Linear – Identity – Linear, with a random LayerNorm
   * weight around 1 and bias (either dropped when {@code affine} is false).
   */
  static NetworkSpec layerNormMlp(Random rng, Activation act, boolean affine, int... sizes) {
    List<LayerSpec> layers = new ArrayList<>();
    layers.add(linear(rng, sizes[0], sizes[1], true));
    double[] gamma = affine ? randn(rng, sizes[1], 0.3) : null;
    if (gamma != null) {
      for (int i = 0; i < gamma.length; i++) {
        gamma[i] += 1.0;
      }
    }
    layers.add(
        new LayerNormSpec(
            new int[] {sizes[1]}, 1e-5, gamma, affine ? randn(rng, sizes[1], 0.3) : null));
    layers.add(new ActivationSpec(act));
    layers.add(new DropoutSpec(0.5));
    layers.add(linear(rng, sizes[1], sizes[2], true));
    layers.add(new IdentitySpec());
    layers.add(linear(rng, sizes[2], sizes[3], true));
    return new NetworkSpec(layers, new int[] {sizes[0]});
  }

  /**
   * {@code [c, h, w]} inputs – LayerNorm over the trailing {@code normalized} dimensions (c·h·w/M
   * groups per sample) – Flatten – Linear.
   */
  static NetworkSpec layerNormOnImages(Random rng, int[] inShape, int[] normalized, int classes) {
    int m = 1;
    for (int d : normalized) {
      m *= d;
    }
    double[] gamma = randn(rng, m, 0.3);
    for (int i = 0; i < m; i++) {
      gamma[i] += 1.0;
    }
    List<LayerSpec> layers = new ArrayList<>();
    layers.add(new LayerNormSpec(normalized, 1e-3, gamma, randn(rng, m, 0.3)));
    layers.add(new FlattenSpec(1, -1));
    int flat = inShape[0] * inShape[1] * inShape[2];
    layers.add(linear(rng, flat, classes, true));
    return new NetworkSpec(layers, inShape);
  }

  /**
   * Conv2d – activation – Flatten – Linear on {@code [cin, h, w]} inputs with the given kernel,
   * stride, padding and dilation.
   */
  static NetworkSpec convNet(
      Random rng,
      Activation act,
      int cin,
      int h,
      int w,
      int cout,
      int[] kernel,
      int[] stride,
      int[] padding,
      int[] dilation,
      boolean bias,
      int classes) {
    double s = 1.0 / Math.sqrt(cin * kernel[0] * kernel[1]);
    Conv2dSpec conv =
        new Conv2dSpec(
            cin,
            cout,
            kernel,
            stride,
            padding,
            dilation,
            randn(rng, cout * cin * kernel[0] * kernel[1], s),
            bias ? randn(rng, cout, s) : null);
    List<LayerSpec> head = new ArrayList<>(List.of(conv, new ActivationSpec(act)));
    head.add(new FlattenSpec(1, -1));
    NetworkSpec probe = new NetworkSpec(head, new int[] {cin, h, w});
    head.add(linear(rng, probe.outputSize(), classes, bias));
    return new NetworkSpec(head, new int[] {cin, h, w});
  }

  /**
   * Random inputs and targets for {@code net} (MSE: Gaussian targets, CE: uniform classes, BCE:
   * uniform in [0, 1]).
   */
  static Batch batch(Random rng, NetworkSpec net, LossSpec loss, int n) {
    double[] x = randn(rng, n * net.inputSize(), 1.0);
    int c = net.outputSize();
    if (loss.type() == LossType.MSE) {
      return new Batch(n, x, randn(rng, n * c, 1.0), null);
    }
    if (loss.type() == LossType.BCE_WITH_LOGITS) {
      double[] y = new double[n * c];
      for (int i = 0; i < y.length; i++) {
        y[i] = rng.nextDouble();
      }
      return new Batch(n, x, y, null);
    }
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(c);
    }
    return new Batch(n, x, null, y);
  }

  /** One group holding every parameter tensor. */
  static List<int[]> allParams(NetworkSpec net) {
    int[] all = new int[net.params().size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return List.of(all);
  }

  static double maxAbs(double[] a) {
    double m = 0.0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Normwise relative discrepancy {@code max|a − b| / max|b|} (absolute when {@code b = 0}). */
  static double relErr(double[] actual, double[] expected) {
    if (actual.length != expected.length) {
      return Double.POSITIVE_INFINITY;
    }
    double diff = 0.0;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs(actual[i] - expected[i]);
      diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
    }
    double scale = maxAbs(expected);
    return scale == 0.0 ? diff : diff / scale;
  }

  static double relErr(double[][] actual, double[][] expected) {
    if (actual.length != expected.length) {
      return Double.POSITIVE_INFINITY;
    }
    return relErr(flat(actual), flat(expected));
  }

  static double[] flat(double[][] a) {
    int n = 0;
    for (double[] row : a) {
      n += row.length;
    }
    double[] out = new double[n];
    int k = 0;
    for (double[] row : a) {
      System.arraycopy(row, 0, out, k, row.length);
      k += row.length;
    }
    return out;
  }

  static double dot(double[] a, double[] b) {
    double s = 0.0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
