package org.vivit4j.api;

import java.util.Set;

/**
 * Any set of {@link GgnOutput}s from one backward pass of the GGN factor and one eigensolve per
 * group: for example eigenvalues, eigenvectors, γ and λ together, which ViViT computes with an
 * {@code EighComputation} and a {@code DirectionalDerivativesComputation} (four backward passes,
 * two eigensolves). Each output equals the one the corresponding single computation returns ({@link
 * EighComputation}, {@link DirectionalDerivativesComputation}, {@link
 * DirectionalDampedNewtonComputation}): the same Gram matrix, eigensolve and products, bit for bit.
 * A group result holds exactly the outputs asked for (γ and λ computed only for a Newton step are
 * not returned), the Gram spectrum, the GGN trace and norm.
 */
public final class OutputsComputation extends GgnComputation {
  private final Set<GgnOutput> outputs;
  private final Damping damping;

  /**
   * @param outputs what to return; {@link GgnOutput#EIGENVALUES} is always added
   * @param damping the damping rule of {@link GgnOutput#NEWTON_STEP}, {@code null} without it
   * @throws IllegalArgumentException for a Newton step without a damping rule, or a damping rule
   *     without a Newton step
   */
  public OutputsComputation(ComputationOptions options, Set<GgnOutput> outputs, Damping damping) {
    super(options);
    this.outputs = GgnOutput.withEigenvalues(outputs);
    boolean newton = this.outputs.contains(GgnOutput.NEWTON_STEP);
    if (newton && damping == null) {
      throw new IllegalArgumentException("the newton_step output needs a damping rule");
    }
    if (!newton && damping != null) {
      throw new IllegalArgumentException("a damping rule is only used by the newton_step output");
    }
    this.damping = damping;
  }

  /** Outputs without a Newton step. */
  public OutputsComputation(ComputationOptions options, Set<GgnOutput> outputs) {
    this(options, outputs, null);
  }

  @Override
  public Set<GgnOutput> outputs() {
    return outputs;
  }

  @Override
  protected Damping damping() {
    return damping;
  }
}
