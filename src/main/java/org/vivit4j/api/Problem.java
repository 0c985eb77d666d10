package org.vivit4j.api;

import java.util.List;
import java.util.Set;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Everything a computation needs: network (with weights), loss, mini-batch, options and groups.
 * This is the input part of the problem/golden JSON schema.
 *
 * @param name the problem's name, as given (it may hold any character: escape it for a terminal)
 * @param computationClass the requested computation, e.g. {@code "directional_derivatives"}
 * @param damping the damping rule of {@code damped_newton}, {@code null} for the others
 * @param readWarnings what reading the problem file found worth a word without being an error (e.g.
 *     an unknown top-level key), one line each; empty for a problem built in code
 * @param outputs the outputs asked for by {@code computation.outputs} ({@link #OUTPUTS_CLASS}), or
 *     {@code null} for those of {@code computationClass}
 */
public record Problem(
    String name,
    NetworkSpec network,
    LossSpec loss,
    Batch batch,
    ComputationOptions options,
    List<ParamGroup> groups,
    String computationClass,
    Damping damping,
    List<String> readWarnings,
    Set<GgnOutput> outputs) {

  /** The {@code computationClass} of a problem that lists its outputs: {@code outputs}. */
  public static final String OUTPUTS_CLASS = "outputs";

  public Problem {
    readWarnings = List.copyOf(readWarnings);
    if (outputs != null) {
      outputs = GgnOutput.withEigenvalues(outputs);
    }
    if ((outputs != null) != OUTPUTS_CLASS.equals(computationClass)) {
      throw new IllegalArgumentException(
          "a problem lists its outputs exactly when its class is '" + OUTPUTS_CLASS + "'");
    }
  }

  /** A problem whose class fixes its outputs. */
  public Problem(
      String name,
      NetworkSpec network,
      LossSpec loss,
      Batch batch,
      ComputationOptions options,
      List<ParamGroup> groups,
      String computationClass,
      Damping damping,
      List<String> readWarnings) {
    this(
        name, network, loss, batch, options, groups, computationClass, damping, readWarnings, null);
  }

  /** A problem built in code that asks for {@code outputs} ({@link OutputsComputation}). */
  public static Problem withOutputs(
      String name,
      NetworkSpec network,
      LossSpec loss,
      Batch batch,
      ComputationOptions options,
      List<ParamGroup> groups,
      Set<GgnOutput> outputs,
      Damping damping) {
    return new Problem(
        name,
        network,
        loss,
        batch,
        options,
        groups,
        OUTPUTS_CLASS,
        damping,
        List.of(),
        java.util.Objects.requireNonNull(outputs, "outputs"));
  }

  /** A problem without read warnings. */
  public Problem(
      String name,
      NetworkSpec network,
      LossSpec loss,
      Batch batch,
      ComputationOptions options,
      List<ParamGroup> groups,
      String computationClass,
      Damping damping) {
    this(name, network, loss, batch, options, groups, computationClass, damping, List.of());
  }

  /** A problem whose computation takes no damping. */
  public Problem(
      String name,
      NetworkSpec network,
      LossSpec loss,
      Batch batch,
      ComputationOptions options,
      List<ParamGroup> groups,
      String computationClass) {
    this(name, network, loss, batch, options, groups, computationClass, null, List.of());
  }

  /** The same problem with other options (e.g. a command-line eigensolver choice). */
  public Problem withOptions(ComputationOptions newOptions) {
    return new Problem(
        name,
        network,
        loss,
        batch,
        newOptions,
        groups,
        computationClass,
        damping,
        readWarnings,
        outputs);
  }

  /** A new computation object for this problem's class, options and damping. */
  public GgnComputation computation() {
    return switch (computationClass) {
      case OUTPUTS_CLASS -> new OutputsComputation(options, outputs, damping);
      case "eigvalsh" -> new EigvalshComputation(options);
      case "eigh" -> new EighComputation(options);
      case "directional_derivatives" -> new DirectionalDerivativesComputation(options);
      case "damped_newton" -> new DirectionalDampedNewtonComputation(options, damping);
      default ->
          throw new org.vivit4j.model.UnsupportedFeatureException(
              "computation.class", "'" + computationClass + "'");
    };
  }
}
