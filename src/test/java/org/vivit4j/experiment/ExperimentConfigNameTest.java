package org.vivit4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default experiment name follows the network, so a 2c2d run never lands in the MLP's folder.
 */
class ExperimentConfigNameTest {
  @Test
  void theDefaultNameFollowsTheNetwork() {
    assertEquals("fmnist-mlp", ExperimentConfig.defaults().name());
    assertEquals(
        "fmnist-2c2d",
        ExperimentConfig.resolve(Map.of(), "--config", Map.of("network", "2c2d")).name());
    assertEquals(
        "fmnist-2c2d",
        ExperimentConfig.resolve(Map.of("network", "2c2d"), "run.json", Map.of()).name());
  }

  @Test
  void aGivenNameWins() {
    assertEquals(
        "mine",
        ExperimentConfig.resolve(Map.of("name", "mine"), "run.json", Map.of("network", "2c2d"))
            .name());
    assertEquals(
        "flag",
        ExperimentConfig.resolve(Map.of("name", "mine"), "run.json", Map.of("name", "flag"))
            .name());
  }
}
