package org.vivit4j.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A damped Newton step restricted to the selected GGN eigen-directions of each group (ViViT's
 * {@code DirectionalDampedNewtonComputation}, MATH.md §8):
 *
 * <pre>
 *   s = − Σ_k γ̄_k / (λ̄_k + δ_k) · e_k ,   γ̄_k = mean_n γ_nk ,  λ̄_k = mean_n λ_nk ,
 * </pre>
 *
 * with the dampings {@code δ_k} of a {@link Damping} rule. Per group the result holds the step
 * {@code [dim]} in the group's parameter layout, computed as one product {@code s = V w}, the
 * dampings, γ, λ and their signal-to-noise ratios.
 */
public final class DirectionalDampedNewtonComputation extends GgnComputation {
  /** What this computation returns. */
  public static final Set<GgnOutput> OUTPUTS =
      Collections.unmodifiableSet(
          EnumSet.of(
              GgnOutput.EIGENVALUES, GgnOutput.GAMMAS, GgnOutput.LAMBDAS, GgnOutput.NEWTON_STEP));

  private final Damping damping;

  public DirectionalDampedNewtonComputation(ComputationOptions options, Damping damping) {
    super(options);
    this.damping = Objects.requireNonNull(damping, "damping");
  }

  /** All samples, exact GGN, the given damping. */
  public DirectionalDampedNewtonComputation(Damping damping) {
    this(ComputationOptions.defaults(), damping);
  }

  /** The outputs of ViViT's class: {@link #OUTPUTS}. */
  @Override
  public Set<GgnOutput> outputs() {
    return OUTPUTS;
  }

  @Override
  protected Damping damping() {
    return damping;
  }
}
