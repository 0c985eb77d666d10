package org.vivit4j.onnx;

import org.vivit4j.model.InvalidInputException;

/**
 * An ONNX model that cannot be imported as it is: names the node (its name and op type) or the
 * tensor and the reason. It is bad input (exit 2); the field is the problem file's {@code model}
 * unless the caller names another ({@link #as(String)}, e.g. {@code --onnx}).
 */
public final class OnnxImportException extends InvalidInputException {
  private static final long serialVersionUID = 1L;
  private final String problem;

  public OnnxImportException(String problem) {
    this("model", problem);
  }

  private OnnxImportException(String field, String problem) {
    super(field, problem);
    this.problem = problem;
  }

  /** The reason, without the field. */
  public String problem() {
    return problem;
  }

  /** The same problem, naming {@code field} (a flag such as {@code --onnx}). */
  public OnnxImportException as(String field) {
    OnnxImportException e = new OnnxImportException(field, problem);
    e.initCause(this);
    return e;
  }
}
