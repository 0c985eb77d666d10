package org.vivit4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;

/**
 * A node joining several inputs (add, concat): no parameters. Its input rows hold the inputs side
 * by side, {@code a = [a_1 | … | a_k]} per sample ({@code inSize = Σ_j size_j}), so forward and the
 * gradient backpropagation are those of a layer on the concatenation (the network splits {@code
 * δ_in} into the inputs' parts); the factor goes to each input separately ({@link #jacTInputs}).
 */
public abstract class JoinLayer extends Layer {
  private final int[] parts;

  protected JoinLayer(int[] parts, int outSize) {
    super(sum(parts), outSize);
    this.parts = parts.clone();
  }

  private static int sum(int[] parts) {
    int s = 0;
    for (int p : parts) {
      s += p;
    }
    return s;
  }

  @Override
  public final int[] inputSizes() {
    return parts.clone();
  }

  /** Input {@code j}'s column offset in the concatenated rows. */
  protected final int offset(int j) {
    int o = 0;
    for (int i = 0; i < j; i++) {
      o += parts[i];
    }
    return o;
  }

  /** The concatenation {@code [B_in_1 | … | B_in_k]} of {@link #jacTInputs} (on the host). */
  @Override
  protected final DeviceMatrix jacTImpl(LayerContext ctx) {
    Backend be = ctx.backend();
    int rows = ctx.factorOut().rows();
    List<DeviceMatrix> in = jacTInputsImpl(ctx);
    double[] out = new double[rows * inSize];
    for (int j = 0; j < parts.length; j++) {
      double[] part = be.download(in.get(j));
      for (int r = 0; r < rows; r++) {
        System.arraycopy(part, r * parts[j], out, r * inSize + offset(j), parts[j]);
      }
    }
    closeNew(in, ctx.factorOut());
    return be.upload(out, rows, inSize);
  }

  @Override
  protected abstract List<DeviceMatrix> jacTInputsImpl(LayerContext ctx);

  /** Frees the matrices of {@code ms} other than {@code keep}, each once. */
  static void closeNew(List<DeviceMatrix> ms, DeviceMatrix keep) {
    List<DeviceMatrix> closed = new ArrayList<>();
    for (DeviceMatrix m : ms) {
      if (m != keep && closed.stream().noneMatch(c -> c == m)) {
        m.close();
        closed.add(m);
      }
    }
  }

  /**
   * {@code s·b} as a new matrix: {@code 0 + b ⊙ s}, one rounding to the backend's precision (so
   * exact for {@code s = ±1} and powers of two).
   */
  static DeviceMatrix scaled(Backend be, DeviceMatrix b, double s) {
    DeviceMatrix out = be.zeros(b.rows(), b.cols());
    try (DeviceMatrix q = be.upload(new double[] {s}, 1, 1)) {
      be.accumulateHadamardExpanded(out, b, q, b.rows(), b.cols());
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }
}
