package org.vivit4j.reference;

import org.vivit4j.model.ActivationSpec;

/**
 * The reference's own definition of each element-wise activation, written with the tape's
 * operations from PyTorch's formulas and constants, independently of the fast path's {@code
 * Activation} math (which it checks). The switch is exhaustive: an activation added to the model
 * does not compile until it is defined here too.
 */
final class ReferenceActivations {
  private ReferenceActivations() {}

  /** SELU's {@code α}, from PyTorch's documentation of {@code torch.nn.SELU}. */
  static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /** SELU's scale {@code λ}, from PyTorch's documentation of {@code torch.nn.SELU}. */
  static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** {@code φ(a)} entry by entry, recorded on {@code a}'s tape. */
  static Node apply(ActivationSpec act, Node a) {
    return switch (act.activation()) {
      case RELU -> Ops.relu(a);
      case SIGMOID -> Ops.sigmoid(a);
      case TANH -> Ops.tanh(a);
      case LEAKY_RELU -> Ops.leakyRelu(a, act.param());
      case ELU -> Ops.elu(a, act.param(), 1.0);
      case SELU -> Ops.elu(a, SELU_ALPHA, SELU_SCALE);
    };
  }
}
