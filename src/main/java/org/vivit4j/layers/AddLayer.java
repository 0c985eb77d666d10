package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.Joins;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * The residual sum {@code z = Σ_j s_j a_j} of {@code k} inputs of one size {@code F}. Jacobian
 * {@code ∂z/∂a_j = s_j I}: {@code B_in_j = s_j B_out} and {@code δ_in_j = s_j δ_out}. With {@code
 * s_j = 1} the input's factor is {@code B_out} itself (no device work).
 */
public final class AddLayer extends JoinLayer {
  /**
   * The residual sum {@code z = Σ_j s_j a_j} of two or more inputs of one shape (BackPACK's {@code
   * SumModule}, with a scale per branch; {@code torch.add(a, b, alpha=s)} is {@code s = [1, s]}):
   * no parameters, the output has the inputs' shape. A join: it needs the graph form.
   *
   * @param scales {@code s_j}, one finite number per input, in input order; {@code null}: 1 for
   *     every input
   */
  public record AddSpec(double[] scales) implements LayerSpec {
    public AddSpec {
      scales = scales == null ? null : scales.clone();
    }

    /** The plain sum: scale 1 on every input. */
    public static AddSpec plain() {
      return new AddSpec(null);
    }

    @Override
    public double[] scales() {
      return scales == null ? null : scales.clone();
    }

    /** {@code s_j} for a node with {@code k} inputs. */
    public double[] scalesFor(int k) {
      if (scales == null) {
        double[] s = new double[k];
        Arrays.fill(s, 1.0);
        return s;
      }
      return scales.clone();
    }

    @Override
    public String type() {
      return "add";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      throw Joins.needsGraph(this, where);
    }

    @Override
    public int[] outputShape(List<int[]> in, String where) {
      Joins.checkCount(this, in, where);
      if (scales != null && scales.length != in.size()) {
        throw new InvalidInputException(
            where + ".scales",
            "has " + scales.length + " entries but the node has " + in.size() + " inputs");
      }
      for (int j = 1; j < in.size(); j++) {
        if (!Arrays.equals(in.get(j), in.get(0))) {
          throw Joins.mismatch(this, in, j, "all inputs of one shape", where);
        }
      }
      return in.get(0).clone();
    }

    @Override
    public void checkHyperParameters(String where) {
      if (scales == null) {
        return;
      }
      for (int j = 0; j < scales.length; j++) {
        if (!Double.isFinite(scales[j])) {
          throw new InvalidInputException(
              where + ".scales[" + j + "]", "is " + scales[j] + "; it must be finite");
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AddSpec a && Arrays.equals(scales, a.scales);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(scales);
    }

    @Override
    public String toString() {
      return "AddSpec" + (scales == null ? "" : Arrays.toString(scales));
    }
  }

  /** The problem-file type of {@link AddSpec}. */
  public static final LayerType<AddSpec> TYPE = new AddType();

  /**
   * {@code add} (a graph node): {@code scales} (optional: one finite number per input, default 1).
   */
  private static final class AddType extends LayerType<AddSpec> {
    AddType() {
      super(AddSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("add");
    }

    @Override
    public AddSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "an add node", "type", "scales");
      JsonNode v = JsonFields.optional(node, "scales");
      if (v == null) {
        return AddSpec.plain();
      }
      JsonFields.list(v, at(path, "scales"));
      double[] scales = new double[v.size()];
      for (int j = 0; j < scales.length; j++) {
        scales[j] = JsonFields.finiteValue(v.get(j), at(at(path, "scales"), j));
      }
      return new AddSpec(scales);
    }

    @Override
    public void writeFields(JsonGenerator g, AddSpec spec, ArrayWriter arrays) throws IOException {
      double[] scales = spec.scales();
      if (scales != null) {
        g.writeArrayFieldStart("scales");
        for (double s : scales) {
          g.writeNumber(s);
        }
        g.writeEndArray();
      }
    }

    @Override
    public Layer create(AddSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new AddLayer(spec.scalesFor(net.inputsOf(index).length), net.sizeAfter(index));
    }
  }

  private final double[] scales;
  private final int size;

  /**
   * @param scales {@code s_j}, one per input
   * @param size {@code F}, every input's and the output's per-sample size
   */
  public AddLayer(double[] scales, int size) {
    super(parts(scales.length, size), size);
    this.scales = scales.clone();
    this.size = size;
  }

  private static int[] parts(int k, int size) {
    int[] p = new int[k];
    java.util.Arrays.fill(p, size);
    return p;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[n * size];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < scales.length; j++) {
        int from = s * inSize + j * size;
        double sj = scales[j];
        for (int f = 0; f < size; f++) {
          out[s * size + f] += sj * in[from + f];
        }
      }
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[n * inSize];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < scales.length; j++) {
        int to = s * inSize + j * size;
        for (int f = 0; f < size; f++) {
          out[to + f] = scales[j] * deltaOut[s * size + f];
        }
      }
    }
    return out;
  }

  @Override
  protected List<DeviceMatrix> jacTInputsImpl(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    List<DeviceMatrix> out = new ArrayList<>();
    try {
      for (double s : scales) {
        out.add(s == 1.0 ? b : scaled(ctx.backend(), b, s));
      }
    } catch (RuntimeException e) {
      closeNew(out, b);
      throw e;
    }
    return out;
  }

  @Override
  public String toString() {
    return "Add(" + java.util.Arrays.toString(scales) + ", " + size + ")";
  }
}
