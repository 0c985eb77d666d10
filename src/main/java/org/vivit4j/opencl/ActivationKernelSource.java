package org.vivit4j.opencl;

import org.vivit4j.model.Activation;

/**
 * Completes the template {@code kernels/scale_by_activation_derivative.cl}: its marker comment is
 * replaced by one branch per {@link Activation}, {@code if (act == k) { d = φ'(x); }} with {@code
 * k} the ordinal and the body {@link Activation#openClDerivative()}, so that φ' is written once, in
 * the enum, for the host and the device.
 */
final class ActivationKernelSource {
  private ActivationKernelSource() {}

  /** The program whose source is a template. */
  static final String PROGRAM = "scale_by_activation_derivative";

  /** The line the branches replace. */
  static final String MARKER = "/* ACTIVATION_DERIVATIVES";

  /**
   * The source of {@code program} ready to build: the template completed for {@link #PROGRAM}, any
   * other source unchanged.
   */
  static String complete(String program, String source) {
    if (!PROGRAM.equals(program)) {
      return source;
    }
    int start = source.indexOf(MARKER);
    if (start < 0) {
      throw new IllegalStateException(PROGRAM + ".cl has no " + MARKER + " */ line to fill in");
    }
    int lineStart = source.lastIndexOf('\n', start) + 1;
    int lineEnd = source.indexOf('\n', start);
    String indent = source.substring(lineStart, start);
    return source.substring(0, lineStart) + branches(indent) + source.substring(lineEnd);
  }

  /** {@code if (act == 0) { … } else if (act == 1) { … } … else { d = NAN; }}. */
  static String branches(String indent) {
    StringBuilder s = new StringBuilder();
    for (Activation a : Activation.values()) {
      s.append(a.ordinal() == 0 ? indent : " else ")
          .append("if (act == ")
          .append(a.ordinal())
          .append(") { /* ")
          .append(a.typeName())
          .append(" */\n")
          .append(indent)
          .append("  ")
          .append(a.openClDerivative())
          .append('\n')
          .append(indent)
          .append('}');
    }
    // unreachable: the host passes an ordinal; NaN makes a wrong code loud
    return s.append(" else {\n")
        .append(indent)
        .append("  d = NAN;\n")
        .append(indent)
        .append('}')
        .toString();
  }

  /** The {@code act} argument of the kernel for {@code activation}. */
  static int code(Activation activation) {
    return activation.ordinal();
  }
}
