package org.vivit4j.model;

/** Supported loss functions. */
public enum LossType {
  /** Mean squared error over the C outputs of a sample; targets are real vectors. */
  MSE("mse"),
  /** Softmax cross-entropy on logits; targets are class indices. */
  CROSS_ENTROPY("cross_entropy"),
  /**
   * Binary cross-entropy on logits, one independent Bernoulli per output (PyTorch's {@code
   * BCEWithLogitsLoss}); targets are real vectors in {@code [0, 1]}.
   */
  BCE_WITH_LOGITS("bce_with_logits");

  private final String typeName;

  LossType(String typeName) {
    this.typeName = typeName;
  }

  /** Whether targets are real vectors {@code [N][C]} (MSE, BCE) rather than class indices. */
  public boolean realTargets() {
    return this != CROSS_ENTROPY;
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
