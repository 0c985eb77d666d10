package org.vivit4j.model;

/** Supported loss functions. */
public enum LossType {
  /** Mean squared error over the C outputs of a sample; targets are real vectors. */
  MSE("mse"),
  /** Softmax cross-entropy on logits; targets are class indices. */
  CROSS_ENTROPY("cross_entropy");

  private final String typeName;

  LossType(String typeName) {
    this.typeName = typeName;
  }

  public String typeName() {
    return typeName;
  }

  public static LossType fromTypeName(String name) {
    for (LossType t : values()) {
      if (t.typeName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
