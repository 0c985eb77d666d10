package org.vivit4j.api;

import java.util.List;

/**
 * Everything one run of a computation produced: batch quantities, one result per group (in the
 * order the groups were given) and where it ran.
 */
public record ComputationResult(
    BatchQuantities batch, List<GroupResult> groups, RunInfo runInfo, List<String> warnings) {

  /** The result of {@code group}; an error when that group was not computed. */
  public GroupResult group(ParamGroup group) {
    for (GroupResult g : groups) {
      if (g.group() == group) {
        return g;
      }
    }
    throw new IllegalArgumentException("no result for " + group + ": it was not computed");
  }

  /** The result of the group named {@code name}; an error when no such group was computed. */
  public GroupResult group(String name) {
    for (GroupResult g : groups) {
      if (g.group().name().equals(name)) {
        return g;
      }
    }
    throw new IllegalArgumentException("no result for group '" + name + "': it was not computed");
  }
}
