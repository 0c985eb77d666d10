package org.vivit4j.model;

/**
 * One parameter tensor of a layer spec.
 *
 * @param name {@code "weight"} or {@code "bias"}
 * @param shape its shape, PyTorch's layout
 * @param data its values, row-major, held by the spec (not a copy)
 */
public record LayerParam(String name, int[] shape, double[] data) {}
