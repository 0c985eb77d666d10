package org.vivit4j.model;

/**
 * The plain description of one layer of a sequential network: its type, hyper-parameters and
 * parameters in PyTorch's layout. Specs hold data only; the math lives in {@code
 * org.vivit4j.layers} (fast path) and {@code org.vivit4j.reference} (autograd reference), which
 * share no code.
 */
public sealed interface LayerSpec
    permits LinearSpec,
        ActivationSpec,
        FlattenSpec,
        Conv2dSpec,
        IdentitySpec,
        DropoutSpec,
        LayerNormSpec,
        MaxPool2dSpec,
        AvgPool2dSpec {

  /** The type name used in problem files, e.g. {@code "linear"}. */
  String type();

  /** Number of parameter tensors this layer owns (weight before bias). */
  default int numParamTensors() {
    return 0;
  }
}
