package org.vivit4j.model;

/** An element-wise activation layer without parameters. */
public record ActivationSpec(Activation activation) implements LayerSpec {
  @Override
  public String type() {
    return activation.typeName();
  }
}
