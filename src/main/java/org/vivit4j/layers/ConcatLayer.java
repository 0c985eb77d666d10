package org.vivit4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;

/**
 * Concatenation along channels: per sample the output is the inputs' values one after another
 * ({@code [C_1, …] ⧺ [C_2, …]} in C order), which is the join's input row itself. So the forward
 * pass copies, {@code δ_in = δ_out}, and {@code B_in_j} is the column block {@code j} of {@code
 * B_out}, cut on the host (download, split, upload: no backend operation slices columns, and it
 * moves no more data than the factor itself).
 */
public final class ConcatLayer extends JoinLayer {

  /**
   * @param parts each input's per-sample size, in order
   */
  public ConcatLayer(int[] parts) {
    super(parts, java.util.Arrays.stream(parts).sum());
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    return in.clone();
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return deltaOut.clone();
  }

  @Override
  protected List<DeviceMatrix> jacTInputsImpl(LayerContext ctx) {
    Backend be = ctx.backend();
    DeviceMatrix b = ctx.factorOut();
    int rows = b.rows();
    double[] host = be.download(b);
    int[] parts = inputSizes();
    List<DeviceMatrix> out = new ArrayList<>();
    try {
      for (int j = 0; j < parts.length; j++) {
        double[] part = new double[rows * parts[j]];
        int from = offset(j);
        for (int r = 0; r < rows; r++) {
          System.arraycopy(host, r * outSize + from, part, r * parts[j], parts[j]);
        }
        out.add(be.upload(part, rows, parts[j]));
      }
    } catch (RuntimeException e) {
      closeNew(out, b);
      throw e;
    }
    return out;
  }

  @Override
  public String toString() {
    return "Concat(" + java.util.Arrays.toString(inputSizes()) + ")";
  }
}
