package org.vivit4j.api;

import java.util.List;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Everything a computation needs: network (with weights), loss, mini-batch, options and groups.
 * This is the input part of the problem/golden JSON schema.
 *
 * @param computationClass the requested computation, e.g. {@code "directional_derivatives"}
 */
public record Problem(
    String name,
    NetworkSpec network,
    LossSpec loss,
    Batch batch,
    ComputationOptions options,
    List<ParamGroup> groups,
    String computationClass) {}
