package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.PoolShapes;

/**
 * MaxPool2d (PyTorch semantics, {@code ceil_mode = false}): {@code z_n[c, t] = a_n[c, h*, w*]}, the
 * first maximum (window order {@code a} outer, {@code b} inner) among the window's positions inside
 * the input; padding never wins. Activations {@code [N × C·H·W] → [N × C·T]}.
 *
 * <p>The Jacobian is a 0/1 routing matrix, so {@code B_in[r, c, h, w] = Σ_{t : argmax(n_r, c, t) =
 * (h, w)} B_out[r, c, t]} with {@code n_r} the sample of factor row {@code r}; the arg-max comes
 * from the float64 forward pass on the host (recomputed from the layer input), so every backend
 * routes exactly as the forward pass chose.
 */
public final class MaxPool2dLayer extends Layer {
  /**
   * MaxPool2d with PyTorch semantics: {@code y[c, i, j] = max_{a, b} x[c, i·s_h − p_h + a·d_h,
   * j·s_w − p_w + b·d_w]} over the positions inside the input (padding never wins), ties going to
   * the first maximum in row-major window order {@code (a, b)}. Only {@code ceil_mode = false} and
   * {@code return_indices = false}; the reader rejects the rest.
   *
   * @param kernelSize {@code [kh, kw]}
   * @param stride {@code [s_h, s_w]} (PyTorch's default is the kernel size)
   * @param padding {@code [p_h, p_w]}, at most half the kernel size
   * @param dilation {@code [d_h, d_w]}
   */
  public record MaxPool2dSpec(int[] kernelSize, int[] stride, int[] padding, int[] dilation)
      implements LayerSpec {
    @Override
    public String type() {
      return "maxpool2d";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      return PoolShapes.outputShape(in, kernelSize, stride, padding, dilation, where);
    }
  }

  /** The problem-file type of {@link MaxPool2dSpec}. */
  public static final LayerType<MaxPool2dSpec> TYPE = new MaxPool2dType();

  /**
   * {@code maxpool2d}: {@code kernel_size} (required), {@code stride} (default: the kernel size,
   * also when {@code null}), {@code padding} (0), {@code dilation} (1), each an int or an {@code
   * [h, w]} pair; {@code ceil_mode} and {@code return_indices} only false.
   */
  private static final class MaxPool2dType extends LayerType<MaxPool2dSpec> {
    MaxPool2dType() {
      super(MaxPool2dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("maxpool2d");
    }

    @Override
    public MaxPool2dSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "a maxpool2d layer",
          "type",
          "kernel_size",
          "stride",
          "padding",
          "dilation",
          "ceil_mode",
          "return_indices");
      int[] kernel =
          TypeFields.poolPair(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      int[] stride = TypeFields.strideOr(node, path, kernel);
      int[] padding = TypeFields.poolPairOr(node, path, "padding", 0, 0);
      int[] dilation = TypeFields.poolPairOr(node, path, "dilation", 1, 1);
      JsonFields.onlyFalse(node, path, "ceil_mode", "maxpool2d with ceil_mode = true");
      JsonFields.onlyFalse(node, path, "return_indices", "maxpool2d with return_indices = true");
      return new MaxPool2dSpec(kernel, stride, padding, dilation);
    }

    @Override
    public void writeFields(JsonGenerator g, MaxPool2dSpec spec, ArrayWriter arrays)
        throws IOException {
      JsonFields.writePair(g, "kernel_size", spec.kernelSize());
      JsonFields.writePair(g, "stride", spec.stride());
      JsonFields.writePair(g, "padding", spec.padding());
      JsonFields.writePair(g, "dilation", spec.dilation());
    }

    @Override
    public Layer create(MaxPool2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new MaxPool2dLayer(spec, net.shapeBefore(index));
    }
  }

  private final ConvGeometry g;

  public MaxPool2dLayer(MaxPool2dSpec spec, int[] inShape) {
    this(
        ConvGeometry.of(
            inShape, spec.kernelSize(), spec.stride(), spec.padding(), spec.dilation()));
  }

  private MaxPool2dLayer(ConvGeometry g) {
    super(g.inputSize(), g.channels() * g.positions());
    if ((long) g.height() * g.width() >= 1L << 24) {
      throw new IllegalArgumentException("max pooling needs H·W < 2^24 (exact float32 indices)");
    }
    this.g = g;
  }

  /**
   * In-plane index {@code h·W + w} of each window's first maximum, {@code [n × C·T]} for the
   * samples {@code rows} of {@code in}.
   */
  int[] argmax(double[] in, int[] rows) {
    int t = g.positions();
    int c = g.channels();
    int[] out = new int[rows.length * c * t];
    // samples in parallel: each writes only its own rows of out (run three times per factor pass
    // and gradient, it was a serial loop over every window)
    java.util.stream.IntStream range = java.util.stream.IntStream.range(0, rows.length);
    ((long) rows.length * inSize >= PARALLEL_MIN_ENTRIES ? range.parallel() : range)
        .forEach(r -> argmaxOfSample(in, rows[r] * inSize, out, r * c * t));
    return out;
  }

  /** Inputs from which {@link #argmax} splits its samples over the cores. */
  private static final long PARALLEL_MIN_ENTRIES = 1 << 15;

  /** {@link #argmax} of the sample whose input starts at {@code xo}, written from {@code oo}. */
  private void argmaxOfSample(double[] in, int xo, int[] out, int oo) {
    int t = g.positions();
    int c = g.channels();
    int hw = g.height() * g.width();
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < g.outH(); i++) {
        for (int j = 0; j < g.outW(); j++) {
          int best = -1;
          double max = 0;
          for (int a = 0; a < g.kernelH(); a++) {
            int h = i * g.strideH() - g.padH() + a * g.dilH();
            if (h < 0 || h >= g.height()) {
              continue;
            }
            for (int b = 0; b < g.kernelW(); b++) {
              int w = j * g.strideW() - g.padW() + b * g.dilW();
              if (w < 0 || w >= g.width()) {
                continue;
              }
              double v = in[xo + ch * hw + h * g.width() + w];
              if (best < 0 || v > max) {
                best = h * g.width() + w;
                max = v;
              }
            }
          }
          out[oo + ch * t + i * g.outW() + j] = best;
        }
      }
    }
  }

  private static int[] all(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    int[] am = argmax(in, all(n));
    int hw = g.height() * g.width();
    int t = g.positions();
    double[] out = new double[n * outSize];
    for (int q = 0; q < out.length; q++) {
      int sc = q / t; // sample·C + channel
      out[q] = in[sc * hw + am[q]];
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    int[] am = argmax(in, all(n));
    int hw = g.height() * g.width();
    int t = g.positions();
    double[] dIn = new double[n * inSize];
    for (int q = 0; q < deltaOut.length; q++) {
      dIn[(q / t) * hw + am[q]] += deltaOut[q];
    }
    return dIn;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    int[] am = argmax(ctx.input(), ctx.ggnRows());
    double[] amd = new double[am.length];
    for (int i = 0; i < am.length; i++) {
      amd[i] = am[i];
    }
    try (DeviceMatrix dev = ctx.backend().upload(amd, ctx.ggnRows().length, outSize)) {
      return ctx.backend().maxPoolJacT(ctx.factorOut(), dev, ctx.factorColumns(), g);
    }
  }

  @Override
  public String toString() {
    return "MaxPool2d(" + g.kernelH() + "×" + g.kernelW() + ")";
  }
}
