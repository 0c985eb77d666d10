package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.Activation;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Element-wise activation {@code z = φ(a)} (relu, sigmoid, tanh, leaky_relu, elu, selu, gelu,
 * softplus, silu, logsigmoid; formulas in {@link Activation}); Jacobian {@code diag(φ'(a))}, so
 * {@code B_in = φ'(a) ⊙ B_out} (each factor row scaled by its sample's derivative, kernel {@code
 * scale_by_activation_derivative}) and {@code δ_in = φ'(a) ⊙ δ_out}.
 */
public final class ActivationLayer extends Layer {
  /**
   * An element-wise activation layer without parameters.
   *
   * @param activation the function
   * @param param its hyper-parameter ({@code negative_slope} of leaky_relu, {@code alpha} of elu);
   *     ignored by activations without one
   */
  public record ActivationSpec(Activation activation, double param) implements LayerSpec {

    /** The activation with PyTorch's default hyper-parameter. */
    public ActivationSpec(Activation activation) {
      this(activation, activation.defaultParam());
    }

    @Override
    public String type() {
      return activation.typeName();
    }

    /** Element-wise: the output has the input's shape. */
    @Override
    public int[] outputShape(int[] in, String where) {
      return in.clone();
    }

    /** The hyper-parameter is finite, or the index of one of its named choices. */
    @Override
    public void checkHyperParameters(String where) {
      String problem = activation.paramProblem(param);
      if (problem != null) {
        throw new InvalidInputException(where + "." + activation.paramName(), problem);
      }
    }
  }

  /** The problem-file type of {@link ActivationSpec}. */
  public static final LayerType<ActivationSpec> TYPE = new ActivationType();

  /**
   * The element-wise activations of {@link Activation}, one name each, with the hyper-parameter as
   * {@link Activation#param()} names it (PyTorch's): a finite number, or one of the named choices;
   * absent means PyTorch's default.
   */
  private static final class ActivationType extends LayerType<ActivationSpec> {
    ActivationType() {
      super(ActivationSpec.class);
    }

    @Override
    public List<String> names() {
      return names(Activation.values());
    }

    @Override
    public ActivationSpec read(JsonNode node, String path, String name) {
      Activation activation = Activation.fromTypeName(name);
      String key = activation.paramName();
      String what = "a " + activation.typeName() + " layer";
      // PyTorch's inplace flag (what a module dump writes) does not change the function
      List<String> keys = new ArrayList<>(List.of("type", "inplace"));
      if (key != null) {
        keys.add(key);
      }
      for (Activation.Param fixed : activation.fixedParams()) {
        keys.add(fixed.name());
      }
      JsonFields.onlyKeys(node, path, what, keys.toArray(new String[0]));
      TypeFields.inplace(node, path);
      readFixedParams(node, path, activation);
      if (key == null) {
        return new ActivationSpec(activation);
      }
      JsonNode v = JsonFields.optional(node, key);
      if (v == null) {
        return new ActivationSpec(activation);
      }
      List<String> choices = activation.param().choices();
      if (choices.isEmpty()) {
        ActivationSpec spec =
            new ActivationSpec(activation, JsonFields.finiteValue(v, at(path, key)));
        spec.checkHyperParameters(path); // a range of its own (softplus: beta > 0)
        return spec;
      }
      String choice = JsonFields.stringValue(v, at(path, key));
      if (!choices.contains(choice)) {
        throw new InvalidInputException(
            at(path, key), "is '" + choice + "'; expected one of " + String.join(", ", choices));
      }
      return new ActivationSpec(activation, choices.indexOf(choice));
    }

    /**
     * A hyper-parameter computed only at PyTorch's default: absent or that value, else an {@link
     * UnsupportedFeatureException} naming it.
     */
    private static void readFixedParams(JsonNode node, String path, Activation activation) {
      for (Activation.Param fixed : activation.fixedParams()) {
        JsonNode v = JsonFields.optional(node, fixed.name());
        if (v == null) {
          continue;
        }
        double value = JsonFields.finiteValue(v, at(path, fixed.name()));
        if (value != fixed.defaultValue()) {
          throw new UnsupportedFeatureException(
              at(path, fixed.name()),
              activation.typeName()
                  + " with "
                  + fixed.name()
                  + " = "
                  + value
                  + " (only PyTorch's default "
                  + fixed.defaultValue()
                  + ")");
        }
      }
    }

    @Override
    public void writeFields(JsonGenerator g, ActivationSpec spec, ArrayWriter arrays)
        throws IOException {
      Activation a = spec.activation();
      if (a.paramName() != null) {
        if (a.param().choices().isEmpty()) {
          g.writeNumberField(a.paramName(), spec.param());
        } else {
          g.writeStringField(a.paramName(), a.paramText(spec.param()));
        }
      }
    }

    @Override
    public Layer create(ActivationSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new ActivationLayer(spec.activation(), spec.param(), net.sizeBefore(index));
    }

    private static List<String> names(Activation[] activations) {
      List<String> out = new ArrayList<>();
      for (Activation a : activations) {
        out.add(a.typeName());
      }
      return List.copyOf(out);
    }
  }

  private final Activation activation;
  private final double param;

  public ActivationLayer(Activation activation, int size) {
    this(activation, activation.defaultParam(), size);
  }

  /**
   * @param param the hyper-parameter ({@code negative_slope}, {@code alpha}); ignored by
   *     activations without one
   */
  public ActivationLayer(Activation activation, double param, int size) {
    super(size, size);
    this.activation = activation;
    this.param = param;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = activation.value(in[i], param);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = deltaOut[i] * activation.derivative(in[i], param);
    }
    return out;
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    // In place: the engine hands B_out over and does not read it again.
    ctx.backend()
        .scaleByActivationDerivative(
            ctx.factorOut(), ctx.inputGgn(), activation, param, ctx.factorColumns());
    return ctx.factorOut();
  }

  @Override
  public String toString() {
    String p =
        activation.paramName() == null
            ? ""
            : ", " + activation.paramName() + "=" + activation.paramText(param);
    return activation.typeName() + "(" + inSize + p + ")";
  }
}
