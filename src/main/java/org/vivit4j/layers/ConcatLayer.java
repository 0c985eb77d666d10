package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.Joins;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Concatenation along channels: per sample the output is the inputs' values one after another
 * ({@code [C_1, …] ⧺ [C_2, …]} in C order), which is the join's input row itself. So the forward
 * pass copies, {@code δ_in = δ_out}, and {@code B_in_j} is the column block {@code j} of {@code
 * B_out}, cut on the host (download, split, upload: no backend operation slices columns, and it
 * moves no more data than the factor itself).
 */
public final class ConcatLayer extends JoinLayer {
  /**
   * Concatenation along channels, {@code torch.cat([a_1, …, a_k], dim=1)}: per-sample shapes {@code
   * [C_j, …]} with equal trailing dimensions give {@code [Σ_j C_j, …]} (flat {@code [D_j]} samples
   * give {@code [Σ_j D_j]}). In C order each sample's output is its inputs' values one after
   * another. No parameters; a join: it needs the graph form.
   */
  public record ConcatSpec() implements LayerSpec {
    @Override
    public String type() {
      return "concat";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      throw Joins.needsGraph(this, where);
    }

    @Override
    public int[] outputShape(List<int[]> in, String where) {
      Joins.checkCount(this, in, where);
      int[] first = in.get(0);
      long channels = 0;
      for (int j = 0; j < in.size(); j++) {
        int[] s = in.get(j);
        if (s.length != first.length
            || !Arrays.equals(
                Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(first, 1, first.length))) {
          throw Joins.mismatch(
              this, in, j, "inputs that agree in every dimension but the first (channels)", where);
        }
        channels += s[0];
      }
      int[] out = first.clone();
      out[0] = ArraySizes.checked(channels, where, "the concatenated channels");
      return out;
    }
  }

  /** The problem-file type of {@link ConcatSpec}. */
  public static final LayerType<ConcatSpec> TYPE = new ConcatType();

  /**
   * {@code concat} (a graph node): {@code dim} (optional, PyTorch's {@code torch.cat} axis counting
   * the batch axis; only 1, the channels).
   */
  private static final class ConcatType extends LayerType<ConcatSpec> {
    ConcatType() {
      super(ConcatSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("concat");
    }

    @Override
    public ConcatSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "a concat node", "type", "dim");
      JsonNode v = JsonFields.optional(node, "dim");
      if (v != null) {
        int dim = JsonFields.intValue(v, at(path, "dim"));
        if (dim != 1) {
          throw new UnsupportedFeatureException(
              at(path, "dim"), "concat along dim " + dim + " (only 1, the channels)");
        }
      }
      return new ConcatSpec();
    }

    @Override
    public void writeFields(JsonGenerator g, ConcatSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("dim", 1);
    }

    @Override
    public Layer create(ConcatSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new ConcatLayer(net.inputSizesOf(index));
    }
  }

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
