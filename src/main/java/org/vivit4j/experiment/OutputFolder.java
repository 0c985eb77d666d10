package org.vivit4j.experiment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.vivit4j.model.InvalidInputException;

/**
 * The rules for an experiment's output folder, checked before any data is loaded: a new path or an
 * existing folder we may write to; a folder that already holds an experiment only with {@code
 * --overwrite} (which then removes that experiment's files first, so no plot of the old run is left
 * next to the new one's CSV files).
 */
public final class OutputFolder {
  /** The files whose presence marks a folder as holding an experiment. */
  static final List<String> MARKERS =
      List.of("config.json", "training.csv", "evaluation.csv", "directions.csv", "groups.csv");

  /**
   * The files an experiment writes besides {@link #MARKERS}: plots and leftover temporary files.
   */
  private static final Pattern WRITTEN =
      Pattern.compile(
          "(loss|trace|newton|overlap.*|eigenvalues_.*|snr_gamma_.*|snr_lambda_.*)\\.png"
              + "|\\..*\\.tmp");

  /** The file whose OS lock marks a folder as being written by a running experiment. */
  static final String LOCK_FILE = ".experiment.lock";

  private OutputFolder() {}

  /**
   * Checks that {@code dir} can receive an experiment.
   *
   * @param option how errors name the folder ({@code --out})
   * @throws InvalidInputException naming {@code option} when {@code dir} is not a folder, cannot be
   *     created or written, or holds an experiment and {@code overwrite} is false
   */
  public static void check(Path dir, boolean overwrite, String option) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new InvalidInputException(
            option,
            dir
                + (Files.isRegularFile(dir) ? " is a file" : " exists and is not a folder")
                + "; pass a folder (new or existing)");
      }
      if (!Files.isWritable(dir)) {
        throw new InvalidInputException(option, dir + " is not writable");
      }
      List<String> held = marks(dir);
      if (!held.isEmpty() && !overwrite) {
        throw new InvalidInputException(
            option,
            dir
                + " already holds an experiment ("
                + String.join(", ", held)
                + "); pass --overwrite or choose another --out");
      }
      return;
    }
    if (Files.isSymbolicLink(dir)) {
      throw new InvalidInputException(option, dir + " is a dangling symbolic link");
    }
    Path parent = dir.toAbsolutePath().getParent();
    while (parent != null && !Files.exists(parent)) {
      parent = parent.getParent();
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw new InvalidInputException(
          option, dir + " cannot be created: " + parent + " is not a folder");
    }
    if (!Files.isWritable(parent)) {
      throw new InvalidInputException(
          option, dir + " cannot be created: " + parent + " is not writable");
    }
  }

  /**
   * Creates {@code dir} if needed and takes its lock; with {@code overwrite}, then deletes the
   * files an earlier experiment wrote there (and only those). The lock (an OS file lock on {@value
   * #LOCK_FILE}, released when the returned handle is closed or the process ends, even by a kill)
   * keeps two experiments from writing into one folder at once: the check before loading the data
   * cannot see a run that started a moment earlier, and {@code --overwrite} would delete a running
   * experiment's files. The lock file itself is left in place: deleting it would let a third run
   * lock a new file while a second still holds the old one.
   *
   * @param option how errors name the folder ({@code --out})
   * @throws InvalidInputException naming {@code option} when another process holds the lock
   */
  public static Lock prepare(Path dir, boolean overwrite, String option) throws IOException {
    Files.createDirectories(dir);
    Lock lock = Lock.take(dir, option);
    try {
      if (overwrite) {
        removeEarlierRun(dir);
      }
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    return lock;
  }

  /** The held lock of an output folder. */
  public static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static Lock take(Path dir, String option) throws IOException {
      FileChannel channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this JVM (another experiment in the same process)
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw new InvalidInputException(
            option, dir + " is in use by another experiment that is still running");
      }
      return new Lock(channel, lock);
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  private static void removeEarlierRun(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if ((MARKERS.contains(name) || WRITTEN.matcher(name).matches())
            && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(f);
        }
      }
    }
  }

  private static List<String> marks(Path dir) {
    List<String> held = new ArrayList<>();
    for (String m : MARKERS) {
      if (Files.exists(dir.resolve(m), LinkOption.NOFOLLOW_LINKS)) {
        held.add(m);
      }
    }
    return held;
  }
}
