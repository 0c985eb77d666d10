package org.vivit4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import org.vivit4j.model.InvalidInputException;

/**
 * Reads an input file (a problem file, a golden case) whole, after checking that it is one: the
 * path must name an existing, readable regular file (symbolic links are followed) that is small
 * enough to read into the heap. Anything else is bad input, reported as {@code FIELD: PATH:
 * problem} before a byte is read: a missing path, a directory, a device such as {@code /dev/zero}
 * (which would never end), a FIFO (which would block until a writer came), an unreadable file.
 *
 * <p><b>Size rule.</b> Reading a JSON problem file holds its bytes, its text, the JSON tree and the
 * decoded arrays at once. Measured as the smallest {@code -Xmx} that reads a problem file (60 MiB
 * of nested lists: 4.5× its size; 20 MiB of base64 float64 arrays: 5×), so a file larger than
 * {@code maxMemory / }{@value #HEAP_PER_FILE_BYTE} (or than the 2 GiB a Java array can hold) is
 * refused with a line giving its size and the heap needed, instead of an {@link OutOfMemoryError}
 * after a long read.
 */
public final class InputFile {
  private InputFile() {}

  /** Heap bytes allowed per byte of problem file: the measured 5× and a margin. */
  public static final int HEAP_PER_FILE_BYTE = 6;

  /** The largest byte array a JVM allocates (a little under {@code Integer.MAX_VALUE}). */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 16L;

  /** The largest file {@link #readText} accepts in this JVM. */
  public static long sizeLimit() {
    return Math.min(MAX_ARRAY, Runtime.getRuntime().maxMemory() / HEAP_PER_FILE_BYTE);
  }

  /**
   * Checks {@code file} as {@link #readText} does, without reading it.
   *
   * @param field what the message names, e.g. {@code --problem}; null: the path is the field
   * @return the file's size in bytes
   * @throws InvalidInputException naming {@code field} and the path when it is not a readable
   *     regular file within {@link #sizeLimit()}
   */
  public static long check(String field, Path file) {
    return check(field, file, sizeLimit());
  }

  /**
   * The error for {@code file}: {@code FIELD: PATH: why}, or {@code PATH: why} without a field (the
   * path is then the field, as for the golden command's case files).
   */
  private static InvalidInputException refused(String field, Path file, String why) {
    String name = PathText.of(file);
    return field == null
        ? new InvalidInputException(name, why)
        : new InvalidInputException(field, name + ": " + why);
  }

  static long check(String field, Path file, long limit) {
    if (file.toString().isEmpty()) {
      throw new InvalidInputException(field == null ? "path" : field, "empty path");
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw refused(
          field,
          file,
          PathChecks.attributesNoFollow(file) != null
              ? "is a symbolic link to nothing (its target does not exist)"
              : "no such file");
    } catch (IOException e) {
      throw refused(field, file, "cannot be read: " + reason(e));
    }
    if (a.isDirectory()) {
      throw refused(field, file, "is a directory, not a file");
    }
    if (!a.isRegularFile()) {
      throw refused(field, file, "is " + PathChecks.kindOfOther(file) + ", not a regular file");
    }
    if (!PathChecks.readable(file)) {
      String mode = PathChecks.mode(file);
      throw refused(field, file, "is not readable" + (mode == null ? "" : " (mode " + mode + ")"));
    }
    long size = a.size();
    if (size > limit) {
      throw refused(field, file, tooLarge(size, limit));
    }
    return size;
  }

  private static String reason(IOException e) {
    return e instanceof FileSystemException fs && fs.getReason() != null
        ? fs.getReason()
        : e.getClass().getSimpleName();
  }

  private static String tooLarge(long size, long limit) {
    if (limit >= MAX_ARRAY) {
      return String.format(
          Locale.ROOT, "is %s, larger than the 2 GiB a problem file may have", bytes(size));
    }
    return String.format(
        Locale.ROOT,
        "is %s; reading it takes up to %d× its size of Java heap (%s), more than the maximum heap %s"
            + " (a larger one: JDK_JAVA_OPTIONS=-Xmx…)",
        bytes(size),
        HEAP_PER_FILE_BYTE,
        bytes(size * HEAP_PER_FILE_BYTE),
        bytes(Runtime.getRuntime().maxMemory()));
  }

  private static String bytes(long n) {
    if (n < 1024 * 1024) {
      return n + " bytes";
    }
    double mib = n / (1024.0 * 1024.0);
    return mib < 1024
        ? String.format(Locale.ROOT, "%.1f MiB", mib)
        : String.format(Locale.ROOT, "%.1f GiB", mib / 1024);
  }

  /**
   * Reads {@code file} as UTF-8 text after {@link #check(String, Path)}.
   *
   * @throws InvalidInputException as {@link #check(String, Path)}, when reading fails, or when the
   *     file grew past the limit while it was read
   */
  public static String readText(String field, Path file) {
    return readText(field, file, sizeLimit());
  }

  /**
   * Reads {@code file} whole as bytes (a binary model file), after the checks of {@link
   * #check(String, Path)}.
   */
  public static byte[] readBytes(String field, Path file) {
    return readBytes(field, file, sizeLimit());
  }

  static String readText(String field, Path file, long limit) {
    return new String(readBytes(field, file, limit), StandardCharsets.UTF_8);
  }

  static byte[] readBytes(String field, Path file, long limit) {
    check(field, file, limit);
    byte[] bytes;
    // Bounded read: a file that grows while it is read (a log, /proc) still cannot exhaust the
    // heap.
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(limit + 1, MAX_ARRAY));
    } catch (IOException e) {
      throw refused(field, file, "cannot be read: " + reason(e));
    }
    if (bytes.length > limit) {
      throw refused(field, file, "grew past " + bytes(limit) + " while it was read");
    }
    return bytes;
  }
}
