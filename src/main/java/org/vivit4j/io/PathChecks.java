package org.vivit4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * What {@link InputFile} and {@link OutputFile} need to know about a path: its kind in words, and
 * whether its owner may read or write it.
 *
 * <p>Permissions are judged by the permission bits as well as by {@link Files#isReadable} / {@link
 * Files#isWritable}: as root those two ask the OS, which lets root read a {@code 0000} file and
 * write a {@code 0444} one. A file whose owner bit is clear is treated as the user marked it:
 * unreadable or read-only, for root too.
 */
final class PathChecks {
  private PathChecks() {}

  // The file-type bits of st_mode (sys/stat.h): the JDK's BasicFileAttributes only says "other".
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  /**
   * What a path that is neither a regular file nor (when followed) a directory is: "a character
   * device", "a FIFO (named pipe)", …
   */
  static String kindOfOther(Path p, LinkOption... options) {
    try {
      Object mode = Files.getAttribute(p, "unix:mode", options);
      if (mode instanceof Integer m) {
        switch (m & S_IFMT) {
          case S_IFCHR:
            return "a character device";
          case S_IFBLK:
            return "a block device";
          case S_IFIFO:
            return "a FIFO (named pipe)";
          case S_IFSOCK:
            return "a socket";
          default:
            break;
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no unix view (not Linux/macOS): fall through to the general words
    }
    return "not a regular file";
  }

  /** The attributes of {@code p} itself (a symbolic link is not followed), or null if none. */
  static BasicFileAttributes attributesNoFollow(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /** The attributes of what {@code p} names (links followed), or null if it does not exist. */
  static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }

  /** The permission bits as {@code rwxr-xr-x}, or null where the file system has none. */
  static String mode(Path p) {
    Set<PosixFilePermission> perms = permissions(p);
    return perms == null ? null : PosixFilePermissions.toString(perms);
  }

  /** True when the user may write {@code p}, by the OS and by the owner write bit. */
  static boolean writable(Path p) {
    Set<PosixFilePermission> perms = permissions(p);
    return Files.isWritable(p)
        && (perms == null || perms.contains(PosixFilePermission.OWNER_WRITE));
  }

  /** True when the user may read {@code p}, by the OS and by the owner read bit. */
  static boolean readable(Path p) {
    Set<PosixFilePermission> perms = permissions(p);
    return Files.isReadable(p) && (perms == null || perms.contains(PosixFilePermission.OWNER_READ));
  }

  private static Set<PosixFilePermission> permissions(Path p) {
    try {
      return Files.readAttributes(p, PosixFileAttributes.class).permissions();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
