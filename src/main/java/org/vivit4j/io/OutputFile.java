package org.vivit4j.io;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.vivit4j.model.InvalidInputException;

/**
 * A file the command line is about to write (an {@code --out}): checked when the command starts,
 * before any computation, and written atomically at the end.
 *
 * <p><b>What may be written.</b> A new path in an existing, writable folder, or an existing regular
 * file that is writable. Refused, as bad input naming the option and the path: an empty path; a
 * directory; a device ({@code /dev/null}, {@code /dev/full}), FIFO or socket (the atomic write
 * renames a new file over the target, which would replace the device with a plain file); a symbolic
 * link (the rename would replace the link, not write through it: give the file it points to); a
 * read-only file; the command's input file, however spelt (checked with {@link Files#isSameFile},
 * so {@code ./P.json}, {@code d/../P.json} and a hard link are all caught); a folder that does not
 * exist, is not a folder, or is not writable. Permissions follow the permission bits as well as the
 * OS (see {@link PathChecks}): a file whose owner write bit is clear is read-only for root too,
 * although the OS would let root replace it.
 *
 * <p><b>How it is written.</b> Into a temporary file {@code .NAME.*.tmp} in the target's folder,
 * synced to disk, then renamed over the target in one step; on any failure the temporary file is
 * deleted and an existing target is left as it was. A failure while writing (a full disk) is an
 * {@link OutputWriteException} naming the option and the target, not the temporary file.
 */
public final class OutputFile {
  /** Writes the content of the file to {@code out}; must not close it. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final String field;
  private final Path target;
  private final String inputField;
  private final Path input;

  private OutputFile(String field, Path target, String inputField, Path input) {
    this.field = Objects.requireNonNull(field, "field");
    this.target = Objects.requireNonNull(target, "target");
    this.inputField = inputField;
    this.input = input;
  }

  /**
   * Checks that {@code target} may be written.
   *
   * @param field the option the message names, e.g. {@code --out}
   * @throws InvalidInputException naming {@code field} and the path when it may not
   */
  public static OutputFile check(String field, Path target) {
    return check(field, target, null, null);
  }

  /**
   * Checks that {@code target} may be written and is not the file {@code input} names.
   *
   * @param inputField the option that named {@code input}, e.g. {@code --problem}
   * @param input the command's input file, or null
   * @throws InvalidInputException naming {@code field} and the path when it may not
   */
  public static OutputFile check(String field, Path target, String inputField, Path input) {
    OutputFile out = new OutputFile(field, target, inputField, input);
    out.validate();
    return out;
  }

  /** The target as given. */
  public Path path() {
    return target;
  }

  private InvalidInputException refused(String problem) {
    return new InvalidInputException(field, PathText.of(target) + ": " + problem);
  }

  private void validate() {
    if (target.toString().isEmpty()) {
      throw new InvalidInputException(field, "empty path");
    }
    BasicFileAttributes a = PathChecks.attributesNoFollow(target);
    if (a != null) {
      if (a.isSymbolicLink()) {
        throw refused(
            "is a symbolic link; give the file it points to or a new path (writing would replace"
                + " the link, not the file)");
      }
      if (a.isDirectory()) {
        throw refused("is a directory; give a file path");
      }
      if (!a.isRegularFile()) {
        throw refused(
            "is "
                + PathChecks.kindOfOther(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                + ", not a regular file (writing would replace it with a plain file)");
      }
      if (input != null && sameFile(target, input)) {
        throw refused("is the input file (" + inputField + "); give another path");
      }
      if (!PathChecks.writable(target)) {
        String mode = PathChecks.mode(target);
        throw refused("is read-only" + (mode == null ? "" : " (mode " + mode + ")"));
      }
    }
    Path dir = target.toAbsolutePath().getParent();
    Path shown = target.getParent() != null ? target.getParent() : dir;
    BasicFileAttributes d = PathChecks.attributes(dir);
    if (d == null) {
      throw refused("folder " + PathText.of(shown) + " does not exist");
    }
    if (!d.isDirectory()) {
      throw refused(PathText.of(shown) + " is not a folder");
    }
    if (!PathChecks.writable(dir)) {
      String mode = PathChecks.mode(dir);
      throw refused(
          "folder "
              + PathText.of(shown)
              + " is not writable"
              + (mode == null ? "" : " (mode " + mode + ")"));
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false; // one of them does not exist (or cannot be looked at): not the same file
    }
  }

  /**
   * Checks the target again (it may have changed during a long computation), then writes {@code
   * content} atomically.
   *
   * @throws InvalidInputException when the target may no longer be written
   * @throws OutputWriteException when writing fails (the target is left as it was)
   */
  public void write(Content content) throws IOException {
    write(content, UnaryOperator.identity());
  }

  /** As {@link #write(Content)}, with the file's stream wrapped (tests inject failures here). */
  void write(Content content, UnaryOperator<OutputStream> wrap) throws IOException {
    validate();
    Path abs = target.toAbsolutePath();
    Path tmp;
    try {
      tmp = createTemp(abs.getParent(), abs.getFileName().toString());
    } catch (IOException e) {
      throw failed(e);
    }
    tmp.toFile().deleteOnExit(); // a run interrupted (Ctrl-C) while writing leaves no temporary
    try {
      try (FileOutputStream file = new FileOutputStream(tmp.toFile())) {
        OutputStream buffered = new BufferedOutputStream(wrap.apply(file), 1 << 16);
        content.writeTo(new KeptOpen(buffered));
        buffered.flush();
        file.getFD().sync(); // the rename must never expose content that is not on disk yet
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw failed(io);
      }
      throw e;
    }
  }

  private OutputWriteException failed(IOException e) {
    String reason =
        e instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : e.getMessage();
    return new OutputWriteException(
        field + ": cannot write " + PathText.of(target) + ": " + reason, e);
  }

  /**
   * Creates the temporary file. Java's temporary files are private (0600) by default; the written
   * file should get the permissions of any newly created file, so ask for 0666 and let the umask
   * narrow it as usual. The name is cut so that the temporary name stays within 255 bytes.
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    int cut =
        name.codePointCount(0, name.length()) > 32 ? name.offsetByCodePoints(0, 32) : name.length();
    String prefix = "." + name.substring(0, cut) + ".";
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempFile(
          dir,
          prefix,
          ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
    }
    return Files.createTempFile(dir, prefix, ".tmp");
  }

  /** Passes writes through; {@code close()} only flushes (the writer syncs and closes). */
  private static final class KeptOpen extends FilterOutputStream {
    KeptOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
