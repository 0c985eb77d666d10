package org.vivit4j.reference;

import java.util.Iterator;
import java.util.List;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AdaptiveAvgPool1dLayer.AdaptiveAvgPool1dSpec;
import org.vivit4j.layers.AdaptiveAvgPool2dLayer.AdaptiveAvgPool2dSpec;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.DropoutLayer.DropoutSpec;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.layers.Pad2dLayer.Pad2dSpec;
import org.vivit4j.layers.Pool1dLayer.Pool1dSpec;
import org.vivit4j.layers.ScaleLayer.ScaleSpec;
import org.vivit4j.layers.UnflattenLayer.UnflattenSpec;
import org.vivit4j.model.LayerSpec;

/**
 * The reference's registry of layer types, one entry per spec class: its own checks of the spec
 * against the input shape and its forward pass on the tape (the ops of {@link Ops}, {@link
 * ConvOps}, {@link PoolOps}, {@link LayerNormOps}, {@link ReferenceActivations}), derived by the
 * tape, not by the fast path's layer math.
 */
final class ReferenceLayers {
  private ReferenceLayers() {}

  /** Checks a spec against its per-sample input shape {@code in}; IllegalArgumentException. */
  @FunctionalInterface
  interface Check<S extends LayerSpec> {
    void check(S spec, int[] in, String where);
  }

  /** {@code f(a)} on the tape, taking the layer's parameter leaves from {@code params} in order. */
  @FunctionalInterface
  interface Forward<S extends LayerSpec> {
    Node forward(S spec, Node a, Iterator<Node> params);
  }

  /** A join's own checks of its inputs' shapes and its value {@code f(a_1, …, a_k)} on the tape. */
  interface Join<S extends LayerSpec> {
    void check(S spec, List<int[]> in, String where);

    Node forward(S spec, List<Node> in);
  }

  /**
   * A layer type's entry: a layer ({@code check}, {@code forward}: one input) or a join ({@code
   * join}: two or more inputs, the others null).
   */
  record Entry<S extends LayerSpec>(
      Class<S> spec, Check<S> check, Forward<S> forward, Join<S> join) {
    Entry(Class<S> spec, Check<S> check, Forward<S> forward) {
      this(spec, check, forward, null);
    }

    Entry(Class<S> spec, Join<S> join) {
      this(spec, null, null, join);
    }
  }

  static final List<Entry<?>> ALL =
      List.of(
          new Entry<>(
              LinearSpec.class,
              ReferenceLayers::checkLinear,
              (l, a, p) -> {
                Node z = Ops.matvec(p.next(), a);
                return l.bias() != null ? Ops.add(z, p.next()) : z;
              }),
          new Entry<>(
              Conv2dSpec.class,
              ReferenceLayers::checkConv2d,
              (c, a, p) -> {
                Node z = ConvOps.conv2d(a, p.next(), c.stride(), c.padding(), c.dilation());
                return c.bias() != null ? ConvOps.addChannelBias(z, p.next()) : z;
              }),
          new Entry<>(Conv1dSpec.class, ReferenceLayers::checkConv1d, ReferenceLayers::conv1d),
          new Entry<>(
              ConvTranspose2dSpec.class,
              (c, in, where) -> convTransposeGeometry(c, in, where),
              ReferenceLayers::convTranspose2d),
          new Entry<>(
              ConvTranspose1dSpec.class,
              (c, in, where) -> convTranspose1dGeometry(c, in, where),
              ReferenceLayers::convTranspose1d),
          new Entry<>(
              EmbeddingSpec.class,
              (e, in, where) -> {
                if (e.weight() == null
                    || e.weight().length != e.numEmbeddings() * e.embeddingDim()) {
                  throw new IllegalArgumentException(where + ": weight must hold V*D values");
                }
              },
              (e, a, p) -> embedding(e, a, p.next())),
          new Entry<>(
              ActivationSpec.class,
              ReferenceLayers::checkActivation,
              (act, a, p) -> ReferenceActivations.apply(act, a)),
          new Entry<>(
              FlattenSpec.class,
              ReferenceLayers::checkFlatten,
              (f, a, p) -> Ops.reshape(a, a.numel())),
          new Entry<>(IdentitySpec.class, (s, in, where) -> {}, (s, a, p) -> a),
          new Entry<>(
              ScaleSpec.class,
              (s, in, where) -> {
                if (!Double.isFinite(s.scale())) {
                  throw new IllegalArgumentException(where + ": the scale must be finite");
                }
              },
              (s, a, p) -> Ops.affine(a, s.scale(), 0.0)),
          new Entry<>(
              AddSpec.class,
              new Join<AddSpec>() {
                @Override
                public void check(AddSpec s, List<int[]> in, String where) {
                  for (int[] shape : in) {
                    if (!java.util.Arrays.equals(shape, in.get(0))) {
                      throw new IllegalArgumentException(where + ": add of unequal shapes");
                    }
                  }
                }

                @Override
                public Node forward(AddSpec s, List<Node> in) {
                  return GraphOps.scaledSum(in, s.scalesFor(in.size()));
                }
              }),
          new Entry<>(
              ConcatSpec.class,
              new Join<ConcatSpec>() {
                @Override
                public void check(ConcatSpec s, List<int[]> in, String where) {
                  if (in.size() < 2) {
                    throw new IllegalArgumentException(where + ": concat of one input");
                  }
                }

                @Override
                public Node forward(ConcatSpec s, List<Node> in) {
                  return GraphOps.concat(in);
                }
              }),
          new Entry<>(
              UnflattenSpec.class,
              (u, in, where) -> {
                if (in.length != 1 || Node.numel(u.unflattenedSize()) != in[0]) {
                  throw new IllegalArgumentException(
                      where + ": unflattened_size must hold the values of the flat input");
                }
              },
              (u, a, p) -> Ops.reshape(a, u.unflattenedSize())),
          // dropout is the identity in evaluation mode
          new Entry<>(DropoutSpec.class, ReferenceLayers::checkDropout, (d, a, p) -> a),
          new Entry<>(
              LayerNormSpec.class,
              ReferenceLayers::checkLayerNorm,
              (ln, a, p) -> {
                Node w = ln.weight() != null ? p.next() : null;
                Node b = ln.bias() != null ? p.next() : null;
                return LayerNormOps.layerNorm(a, ln, w, b);
              }),
          new Entry<>(
              BatchNormSpec.class,
              ReferenceLayers::checkBatchNorm,
              (bn, a, p) -> {
                Node w = bn.weight() != null ? p.next() : null;
                Node b = bn.bias() != null ? p.next() : null;
                return batchNormEval(a, bn, w, b);
              }),
          new Entry<>(
              Pad2dSpec.class,
              (pad, in, where) -> {
                if (in.length != 3 || pad.padding().length != 4) {
                  throw new IllegalArgumentException(where + ": pad2d needs [C, H, W] and 4 sides");
                }
                for (int side : pad.padding()) {
                  if (side < 0) {
                    throw new IllegalArgumentException(where + ": padding must be >= 0");
                  }
                }
              },
              (pad, a, p) ->
                  PadOps.pad2d(
                      a,
                      pad.padding()[0],
                      pad.padding()[1],
                      pad.padding()[2],
                      pad.padding()[3],
                      pad.value())),
          new Entry<>(
              Pool1dSpec.class,
              (pool, in, where) -> {
                if (in.length != 2 || pool.kernel() < 1 || pool.stride() < 1) {
                  throw new IllegalArgumentException(where + ": a 1-d pool needs [C, L]");
                }
              },
              (pool, a, p) -> pool1d(pool, a)),
          new Entry<>(
              MaxPool2dSpec.class,
              ReferenceLayers::checkMaxPool2d,
              (m, a, p) ->
                  PoolOps.maxPool2d(a, m.kernelSize(), m.stride(), m.padding(), m.dilation())),
          new Entry<>(
              AvgPool2dSpec.class,
              ReferenceLayers::checkAvgPool2d,
              (ap, a, p) -> PoolOps.avgPool2d(a, ap.kernelSize(), ap.stride(), ap.padding())),
          new Entry<>(
              AdaptiveAvgPool2dSpec.class,
              (ap, in, where) -> {
                if (in.length != 3 || ap.outputSize().length != 2) {
                  throw new IllegalArgumentException(where + ": adaptive pooling needs [C, H, W]");
                }
              },
              (ap, a, p) -> PoolOps.adaptiveAvgPool2d(a, ap.outputSize())),
          new Entry<>(
              AdaptiveAvgPool1dSpec.class,
              (ap, in, where) -> {
                if (in.length != 2 || ap.outputSize() < 1) {
                  throw new IllegalArgumentException(where + ": adaptive pooling needs [C, L]");
                }
              },
              (ap, a, p) -> adaptiveAvgPool1d(a, ap.outputSize())));

  /** Checks a node reading values of shapes {@code in}: one for a layer, several for a join. */
  static void validate(LayerSpec spec, List<int[]> in, String where) {
    Entry<?> e = entry(spec, where);
    if (e.join() != null) {
      checkJoin(e, spec, in, where);
    } else if (in.size() != 1) {
      throw new IllegalArgumentException(where + ": a " + spec.type() + " layer reads one input");
    } else {
      check(e, spec, in.get(0), where);
    }
  }

  /** The node's value from its inputs' values, taking its parameter leaves from {@code params}. */
  static Node forward(LayerSpec spec, List<Node> in, Iterator<Node> params) {
    Entry<?> e = entry(spec, "a layer");
    return e.join() != null ? joinForward(e, spec, in) : forward(e, spec, in.get(0), params);
  }

  private static <S extends LayerSpec> void checkJoin(
      Entry<S> e, LayerSpec spec, List<int[]> in, String where) {
    e.join().check(e.spec().cast(spec), in, where);
  }

  private static <S extends LayerSpec> Node joinForward(Entry<S> e, LayerSpec spec, List<Node> in) {
    return e.join().forward(e.spec().cast(spec), in);
  }

  private static Entry<?> entry(LayerSpec spec, String where) {
    for (Entry<?> e : ALL) {
      if (e.spec().isInstance(spec)) {
        return e;
      }
    }
    throw new IllegalArgumentException(where + ": unsupported layer " + spec.type());
  }

  private static <S extends LayerSpec> void check(
      Entry<S> e, LayerSpec spec, int[] in, String where) {
    e.check().check(e.spec().cast(spec), in, where);
  }

  private static <S extends LayerSpec> Node forward(
      Entry<S> e, LayerSpec spec, Node a, Iterator<Node> params) {
    return e.forward().forward(e.spec().cast(spec), a, params);
  }

  private static void checkLinear(LinearSpec l, int[] in, String where) {
    if (l.weight() == null || l.weight().length != l.in() * l.out()) {
      throw new IllegalArgumentException(where + ": weight must hold out * in values");
    }
    if (l.bias() != null && l.bias().length != l.out()) {
      throw new IllegalArgumentException(where + ": bias must hold out values");
    }
  }

  private static void checkActivation(ActivationSpec a, int[] in, String where) {
    if (a.activation() == null) {
      throw new IllegalArgumentException(where + ": activation must be set");
    }
    String problem = a.activation().paramProblem(a.param());
    if (problem != null) {
      throw new IllegalArgumentException(where + ": the activation parameter " + problem);
    }
  }

  /**
   * PyTorch's {@code max_pool1d} / {@code avg_pool1d} of {@code [C, L]}: the 2-d pool of the {@code
   * [C, 1, L]} view with a {@code 1 × k} window, reshaped back to {@code [C, L_out]}.
   */
  private static Node pool1d(Pool1dSpec pool, Node a) {
    int[] s = a.shape();
    Node view = Ops.reshape(a, s[0], 1, s[1]);
    int[] k = {1, pool.kernel()};
    int[] st = {1, pool.stride()};
    int[] pad = {0, pool.padding()};
    Node y =
        pool.max()
            ? PoolOps.maxPool2d(view, k, st, pad, new int[] {1, pool.dilation()})
            : PoolOps.avgPool2d(view, k, st, pad);
    int[] ys = y.shape();
    return Ops.reshape(y, ys[0], ys[2]);
  }

  private static void checkBatchNorm(BatchNormSpec bn, int[] in, String where) {
    int rank = bn.spatialDims() == 1 ? (in.length == 1 || in.length == 2 ? in.length : -1) : 3;
    if (in.length != rank || in[0] != bn.numFeatures()) {
      throw new IllegalArgumentException(
          where + ": " + bn.type() + " of " + bn.numFeatures() + " channels cannot take its input");
    }
    for (double[] v : new double[][] {bn.runningMean(), bn.runningVar()}) {
      if (v == null || v.length != bn.numFeatures()) {
        throw new IllegalArgumentException(where + ": running statistics must hold C values");
      }
    }
    if (!(bn.eps() > 0)) {
      throw new IllegalArgumentException(where + ": eps must be > 0");
    }
  }

  /**
   * PyTorch's {@code batch_norm(a, running_mean, running_var, weight, bias, training=False, eps)}
   * on one sample {@code [C, …]}: {@code (a − μ_c)/√(σ²_c + eps) · γ_c + β_c}, with μ, σ² constants
   * and γ, β repeated over each channel's positions ({@link Ops#expandRows}).
   */
  private static Node batchNormEval(Node a, BatchNormSpec bn, Node weight, Node bias) {
    int[] shape = a.shape();
    int c = bn.numFeatures();
    int positions = a.numel() / c;
    double[] mu = new double[a.numel()];
    double[] r = new double[a.numel()];
    for (int i = 0; i < a.numel(); i++) {
      mu[i] = bn.runningMean()[i / positions];
      r[i] = 1 / Math.sqrt(bn.runningVar()[i / positions] + bn.eps());
    }
    Node x = Ops.mul(Ops.sub(a, a.tape().constant(mu, shape)), a.tape().constant(r, shape));
    if (weight != null) {
      x = Ops.mul(x, Ops.reshape(Ops.expandRows(weight, positions), shape));
    }
    if (bias != null) {
      x = Ops.add(x, Ops.reshape(Ops.expandRows(bias, positions), shape));
    }
    return x;
  }

  private static void checkDropout(DropoutSpec d, int[] in, String where) {
    if (!(d.p() >= 0.0 && d.p() <= 1.0)) {
      throw new IllegalArgumentException(where + ": dropout p must lie in [0, 1]");
    }
  }

  private static void checkLayerNorm(LayerNormSpec ln, int[] in, String where) {
    int[] ns = ln.normalizedShape();
    if (ns == null || ns.length == 0 || ns.length > in.length) {
      throw new IllegalArgumentException(
          where + ": normalized_shape must be a suffix of the input");
    }
    int m = 1;
    for (int d = 0; d < ns.length; d++) {
      if (ns[d] != in[in.length - ns.length + d]) {
        throw new IllegalArgumentException(
            where + ": normalized_shape must be a suffix of the input");
      }
      m *= ns[d];
    }
    if (!(ln.eps() > 0.0) || Double.isInfinite(ln.eps())) {
      throw new IllegalArgumentException(where + ": eps must be positive and finite");
    }
    if ((ln.weight() != null && ln.weight().length != m)
        || (ln.bias() != null && ln.bias().length != m)
        || (ln.weight() == null && ln.bias() != null)) {
      throw new IllegalArgumentException(
          where + ": weight and bias must hold prod(normalized_shape) values, bias needs weight");
    }
  }

  private static void checkFlatten(FlattenSpec f, int[] in, String where) {
    boolean endOk = f.endDim() == -1 || f.endDim() == in.length;
    if (f.startDim() != 1 || !endOk) {
      throw new IllegalArgumentException(
          where + ": only flatten(start_dim=1, end_dim=-1) is supported");
    }
  }

  private static void checkConv2d(Conv2dSpec c, int[] in, String where) {
    for (int[] pair : new int[][] {c.kernelSize(), c.stride(), c.padding(), c.dilation()}) {
      if (pair == null || pair.length != 2) {
        throw new IllegalArgumentException(
            where + ": kernel_size, stride, padding and dilation must be pairs");
      }
    }
    int numel = c.outChannels() * c.inChannels() * c.kernelSize()[0] * c.kernelSize()[1];
    if (c.weight() == null || c.weight().length != numel) {
      throw new IllegalArgumentException(where + ": weight must hold O*C*kh*kw values");
    }
    if (c.bias() != null && c.bias().length != c.outChannels()) {
      throw new IllegalArgumentException(where + ": bias must hold out_channels values");
    }
    // Throws IllegalArgumentException for invalid hyper-parameters.
    new ConvOps.Geometry(
        in,
        new int[] {c.outChannels(), c.inChannels(), c.kernelSize()[0], c.kernelSize()[1]},
        c.stride(),
        c.padding(),
        c.dilation());
  }

  private static void checkConv1d(Conv1dSpec c, int[] in, String where) {
    if (in.length != 2 || in[0] != c.inChannels()) {
      throw new IllegalArgumentException(where + ": conv1d needs a [in_channels, L] input");
    }
    if (c.weight() == null
        || c.weight().length != c.outChannels() * c.inChannels() * c.kernelSize()) {
      throw new IllegalArgumentException(where + ": weight must hold O*C*k values");
    }
    if (c.bias() != null && c.bias().length != c.outChannels()) {
      throw new IllegalArgumentException(where + ": bias must hold out_channels values");
    }
    // Throws IllegalArgumentException for invalid hyper-parameters.
    new ConvOps.Geometry(
        new int[] {in[0], 1, in[1]},
        new int[] {c.outChannels(), c.inChannels(), 1, c.kernelSize()},
        new int[] {1, c.stride()},
        new int[] {0, c.padding()},
        new int[] {1, c.dilation()});
  }

  /**
   * PyTorch's {@code conv1d} of {@code [C, L]}: the 2-d convolution of the {@code [C, 1, L]} view
   * with the weight {@code [O, C, k]} viewed as {@code [O, C, 1, k]}, reshaped back to {@code [O,
   * L_out]}, plus the bias per channel.
   */
  private static Node conv1d(Conv1dSpec c, Node a, Iterator<Node> params) {
    int[] s = a.shape();
    Node w = params.next();
    Node view = Ops.reshape(a, s[0], 1, s[1]);
    Node w4 = Ops.reshape(w, c.outChannels(), c.inChannels(), 1, c.kernelSize());
    Node z =
        ConvOps.conv2d(
            view,
            w4,
            new int[] {1, c.stride()},
            new int[] {0, c.padding()},
            new int[] {1, c.dilation()});
    if (c.bias() != null) {
      z = ConvOps.addChannelBias(z, params.next());
    }
    int[] zs = z.shape();
    return Ops.reshape(z, zs[0], zs[2]);
  }

  /**
   * The taps of PyTorch's {@code conv_transpose2d} of an input {@code [C_in, H, W]}: those of the
   * Conv2d from the output {@code [C_out, H_out, W_out]} (weight {@code [C_in, C_out, kh, kw]},
   * same stride, padding, dilation), whose output grid must be {@code H × W} (it is while {@code
   * output_padding < stride}).
   */
  private static ConvOps.Geometry convTransposeGeometry(
      ConvTranspose2dSpec c, int[] in, String where) {
    if (in.length != 3 || in[0] != c.inChannels()) {
      throw new IllegalArgumentException(where + ": convtranspose2d needs [in_channels, H, W]");
    }
    int[] k = c.kernelSize();
    int[] out = new int[] {c.outChannels(), 0, 0};
    for (int d = 0; d < 2; d++) {
      if (c.outputPadding()[d] < 0 || c.outputPadding()[d] >= c.stride()[d]) {
        throw new IllegalArgumentException(where + ": output_padding must lie in [0, stride)");
      }
      out[d + 1] =
          (in[d + 1] - 1) * c.stride()[d]
              - 2 * c.padding()[d]
              + c.dilation()[d] * (k[d] - 1)
              + c.outputPadding()[d]
              + 1;
    }
    int[] wShape = {c.inChannels(), c.outChannels(), k[0], k[1]};
    if (c.weight() == null || c.weight().length != Node.numel(wShape)) {
      throw new IllegalArgumentException(where + ": weight must hold C_in*C_out*kh*kw values");
    }
    if (c.bias() != null && c.bias().length != c.outChannels()) {
      throw new IllegalArgumentException(where + ": bias must hold out_channels values");
    }
    ConvOps.Geometry g = new ConvOps.Geometry(out, wShape, c.stride(), c.padding(), c.dilation());
    if (!java.util.Arrays.equals(g.yShape, in)) {
      throw new IllegalArgumentException(where + ": the adjoint convolution does not map back");
    }
    return g;
  }

  /** {@code conv_transpose2d(a, W) + b}: the input adjoint of the Conv2d of the geometry above. */
  private static Node convTranspose2d(ConvTranspose2dSpec c, Node a, Iterator<Node> params) {
    ConvOps.Geometry g = convTransposeGeometry(c, a.shape(), "convtranspose2d");
    Node z = ConvOps.convTranspose(a, params.next(), g);
    return c.bias() != null ? ConvOps.addChannelBias(z, params.next()) : z;
  }

  /**
   * The taps of PyTorch's {@code conv_transpose1d} of an input {@code [C_in, L]}: those of the
   * Conv2d from the {@code [C_out, 1, L_out]} view of the output (weight {@code [C_in, C_out, 1,
   * k]}, stride {@code [1, s]}, padding {@code [0, p]}, dilation {@code [1, d]}), whose output grid
   * must be {@code 1 × L} (it is while {@code output_padding < stride}).
   */
  private static ConvOps.Geometry convTranspose1dGeometry(
      ConvTranspose1dSpec c, int[] in, String where) {
    if (in.length != 2 || in[0] != c.inChannels()) {
      throw new IllegalArgumentException(where + ": convtranspose1d needs [in_channels, L]");
    }
    if (c.outputPadding() < 0 || c.outputPadding() >= c.stride()) {
      throw new IllegalArgumentException(where + ": output_padding must lie in [0, stride)");
    }
    int k = c.kernelSize();
    int length =
        (in[1] - 1) * c.stride() - 2 * c.padding() + c.dilation() * (k - 1) + c.outputPadding() + 1;
    int[] wShape = {c.inChannels(), c.outChannels(), 1, k};
    if (c.weight() == null || c.weight().length != Node.numel(wShape)) {
      throw new IllegalArgumentException(where + ": weight must hold C_in*C_out*k values");
    }
    if (c.bias() != null && c.bias().length != c.outChannels()) {
      throw new IllegalArgumentException(where + ": bias must hold out_channels values");
    }
    ConvOps.Geometry g =
        new ConvOps.Geometry(
            new int[] {c.outChannels(), 1, length},
            wShape,
            new int[] {1, c.stride()},
            new int[] {0, c.padding()},
            new int[] {1, c.dilation()});
    if (!java.util.Arrays.equals(g.yShape, new int[] {in[0], 1, in[1]})) {
      throw new IllegalArgumentException(where + ": the adjoint convolution does not map back");
    }
    return g;
  }

  /**
   * {@code conv_transpose1d(a, W) + b}: the input adjoint of the Conv2d of the geometry above on
   * the {@code [C_in, 1, L]} view, the weight {@code [C_in, C_out, k]} viewed as {@code [C_in,
   * C_out, 1, k]}, reshaped back to {@code [C_out, L_out]}.
   */
  private static Node convTranspose1d(ConvTranspose1dSpec c, Node a, Iterator<Node> params) {
    ConvOps.Geometry g = convTranspose1dGeometry(c, a.shape(), "convtranspose1d");
    int[] s = a.shape();
    Node view = Ops.reshape(a, s[0], 1, s[1]);
    Node w4 = Ops.reshape(params.next(), g.wShape[0], g.wShape[1], 1, g.wShape[3]);
    Node z = ConvOps.convTranspose(view, w4, g);
    if (c.bias() != null) {
      z = ConvOps.addChannelBias(z, params.next());
    }
    return Ops.reshape(z, g.xShape[0], g.xShape[2]);
  }

  /**
   * PyTorch's {@code embedding(a, W, padding_idx)}: the rows of {@code W} that the entries of
   * {@code a} index; an entry equal to {@code padding_idx} reads its row as a constant (no gradient
   * reaches it). The input must be data (a constant: the network input), each entry an integer in
   * {@code [0, V)}.
   */
  private static Node embedding(EmbeddingSpec e, Node a, Node weight) {
    if (a.requiresGrad()) {
      throw new IllegalArgumentException("embedding: its input must be data (the first layer)");
    }
    int v = e.numEmbeddings();
    int d = e.embeddingDim();
    Integer p = e.paddingIdx();
    if (p != null && (p < -v || p >= v)) {
      throw new IllegalArgumentException("embedding: padding_idx " + p + " outside [-V, V)");
    }
    int pad = p == null ? -1 : (p < 0 ? p + v : p);
    int[] idx = new int[a.numel()];
    // the padding row enters as a constant: read as stored, with a zero Jacobian
    double[] padded = new double[a.numel() * d];
    for (int i = 0; i < idx.length; i++) {
      double x = a.data()[i];
      if (x != Math.rint(x) || x < 0 || x >= v) {
        throw new IllegalArgumentException("embedding: input " + x + " is not an index");
      }
      idx[i] = (int) x == pad ? -1 : (int) x;
      if (idx[i] < 0) {
        System.arraycopy(weight.data(), pad * d, padded, i * d, d);
      }
    }
    Node rows = EmbeddingOps.gatherRows(weight, idx, a.shape());
    return pad < 0 ? rows : Ops.add(rows, weight.tape().constant(padded, rows.shape()));
  }

  private static void checkMaxPool2d(MaxPool2dSpec m, int[] in, String where) {
    PoolOps.outputShape(in, m.kernelSize(), m.stride(), m.padding(), m.dilation());
  }

  private static void checkAvgPool2d(AvgPool2dSpec a, int[] in, String where) {
    PoolOps.outputShape(in, a.kernelSize(), a.stride(), a.padding(), new int[] {1, 1});
  }

  /**
   * PyTorch's {@code adaptive_avg_pool1d} of {@code [C, L]}: the 2-d adaptive pool of the {@code
   * [C, 1, L]} view to {@code [1, O]}, reshaped back to {@code [C, O]}.
   */
  private static Node adaptiveAvgPool1d(Node a, int outputSize) {
    int[] s = a.shape();
    Node y = PoolOps.adaptiveAvgPool2d(Ops.reshape(a, s[0], 1, s[1]), new int[] {1, outputSize});
    return Ops.reshape(y, s[0], outputSize);
  }
}
