package org.vivit4j.model;

/**
 * One parameter tensor of a network, in {@code model.parameters()} order.
 *
 * @param index position in the parameter table
 * @param layer index of the owning layer in the model
 * @param name {@code "weight"} or {@code "bias"}
 * @param shape PyTorch shape, e.g. {@code [out, in]} for a Linear weight
 * @param offset start of this tensor in the flat parameter vector θ
 * @param numel number of scalars
 */
public record ParamTensor(int index, int layer, String name, int[] shape, int offset, int numel) {}
