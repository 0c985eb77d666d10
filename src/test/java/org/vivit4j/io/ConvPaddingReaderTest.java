package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/** Conv2d's string paddings {@code 'same'} and {@code 'valid'} (PyTorch's names). */
class ConvPaddingReaderTest {
  /** The conv golden case: Conv2d(2→3, k3, s1, p1) on 6×6, then ReLU, Flatten, Linear(108, 4). */
  private static ObjectNode conv() throws IOException {
    return (ObjectNode)
        ProblemFixtures.MAPPER.readTree(
            Path.of("src/test/resources/golden/conv2d_relu_flatten_linear_ce_mean_top5.json")
                .toFile());
  }

  private static ObjectNode layer0(ObjectNode root) {
    return (ObjectNode) root.get("model").get(0);
  }

  @Test
  void sameIsHalfTheDilatedKernelOnEachSide() throws IOException {
    ObjectNode root = conv();
    layer0(root).put("padding", "same");
    Conv2dSpec c =
        (Conv2dSpec) ProblemReader.parse(ProblemFixtures.json(root)).network().layers().get(0);
    assertArrayEquals(new int[] {1, 1}, c.padding());
  }

  @Test
  void validIsNoPadding() throws IOException {
    ObjectNode root = conv();
    layer0(root).put("padding", "valid");
    // 6×6 → 4×4: the linear layer now receives 3·4·4 = 48 values
    assertInvalid(root, "model[3].in", "input of shape [48]");
  }

  @Test
  void sameNeedsStrideOne() throws IOException {
    ObjectNode root = conv();
    layer0(root).put("padding", "same").put("stride", 2);
    assertInvalid(root, "model[0].padding", "'same' needs stride 1");
  }

  @Test
  void sameWithAnEvenKernelIsUnsupported() throws IOException {
    ObjectNode root = conv();
    layer0(root).put("padding", "same");
    layer0(root).putArray("kernel_size").add(3).add(2);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].padding", "odd total padding d·(k − 1) = 1"));
  }

  @Test
  void otherNamesAreRejected() throws IOException {
    ObjectNode root = conv();
    layer0(root).put("padding", "full");
    assertInvalid(root, "model[0].padding", "expected an int, an [h, w] pair, 'same' or 'valid'");
  }
}
