package org.vivit4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST from Debian's {@code dataset-fashion-mnist} package (IDX files under {@code
 * /usr/share/datasets/fashion-mnist/}, installed by {@code tornado-env/setup}), or from a folder
 * holding the same four files.
 */
public final class FashionMnist {
  /** Where Debian's package puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static final int CLASSES = 10;

  private FashionMnist() {}

  /**
   * Checks, without reading them, that {@code dir} is a folder holding the four IDX files (plain or
   * {@code .gz}).
   *
   * @throws DataFormatException naming the folder or the first missing file
   */
  public static void checkFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(
          dir.toString(),
          (Files.exists(dir) ? "is not a folder" : "no such folder")
              + "; install Debian's dataset-fashion-mnist (tornado-env/setup) or pass --data DIR");
    }
    for (String prefix : new String[] {"train", "t10k"}) {
      find(dir, prefix + "-images-idx3-ubyte");
      find(dir, prefix + "-labels-idx1-ubyte");
    }
  }

  /** The training (60 000) or test (10 000) split, sample shape {@code [1, 28, 28]}. */
  public static Dataset load(Path dir, boolean train) throws IOException {
    String prefix = train ? "train" : "t10k";
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    return IdxReader.readImagesAndLabels(images, labels, CLASSES);
  }

  private static Path find(Path dir, String base) {
    for (String suffix : new String[] {".gz", ""}) {
      Path p = dir.resolve(base + suffix);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataFormatException(
        dir.resolve(base).toString(),
        "missing (plain or .gz); install Debian's dataset-fashion-mnist (tornado-env/setup) or"
            + " pass --data DIR");
  }
}
