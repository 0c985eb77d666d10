package org.vivit4j.model;

/** A loss function and its reduction. */
public record LossSpec(LossType type, Reduction reduction) {}
