package org.vivit4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's "Where things are" table names every main package, once, and no package that does
 * not exist (a row is {@code | `.../name` |} or the first, spelled out in full).
 */
class ReadmePackageTableTest {
  private static final Path SOURCES = Path.of("src/main/java/org/vivit4j");

  @Test
  void everyPackageHasOneRow() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("## Where things are");
    assertFalse(start < 0, "README.md has no 'Where things are' section");
    int end = readme.indexOf("\n## ", start + 1);
    String table = readme.substring(start, end < 0 ? readme.length() : end);

    List<String> rows = new java.util.ArrayList<>();
    Matcher m =
        Pattern.compile("`(?:src/main/java/org/vivit4j|\\.\\.\\.)/([a-z0-9]+)`").matcher(table);
    while (m.find()) {
      rows.add(m.group(1));
    }
    TreeSet<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    }
    assertFalse(packages.isEmpty(), "no packages under " + SOURCES.toAbsolutePath());
    assertEquals(rows.size(), new TreeSet<>(rows).size(), "a package has two rows: " + rows);
    assertEquals(packages, new TreeSet<>(rows), "packages vs. README rows");
  }
}
