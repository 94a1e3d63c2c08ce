package dev.parallelizable.internal.shared;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The private directories a parent JVM makes in a temporary folder (a process pool's shared data,
 * each worker's socket, progress slot and exit trace), and the sweep that deletes those a parent
 * left behind when it was killed. One mechanism for every kind, told apart by a name prefix.
 *
 * <p>A directory is named {@code <prefix><pid>-<start>-<random>}: the pid of the process that made
 * it, when that process started (hex; see {@link #startOf}), and random hex digits. The first time
 * a JVM makes a directory of a prefix in a folder, it deletes the directories of that prefix there
 * whose owner no longer runs: no process has the pid, or the process that has it started at another
 * time (the pid was reused). It only ever deletes directories of the current user (owned by the
 * same user as the directory it just made), never follows a link (a link named like a directory is
 * left; a link inside a directory is deleted, not what it points to), and keeps a directory
 * whenever it cannot tell that its owner is gone (a start time it cannot read).
 *
 * <p>Thread-safe: stateless but for the set of folders swept.
 */
public final class OwnedDirectories {
  private static final long PID = ProcessHandle.current().pid();
  /**
   * Whether a process's start is read from {@code /proc} (Linux), in clock ticks since boot: unlike
   * {@code ProcessHandle.Info.startInstant()}, which Linux derives from the boot time as the wall
   * clock gives it now, it does not move when the clock is set, so two JVMs always read the same.
   */
  private static final boolean PROC = Files.isReadable(Path.of("/proc/self/stat"));
  /** How far apart two readings of a start instant may be for one process, where there is no /proc. */
  private static final long INSTANT_TOLERANCE_MILLIS = 1_000;
  private static final long START = startOf(PID);
  private static final String HEX = "0123456789abcdef";
  /** The folders and prefixes swept by this JVM. */
  private static final Set<String> SWEPT = ConcurrentHashMap.newKeySet();

  private OwnedDirectories() {}

  /**
   * Whether process {@code pid}, which started at {@code start} (as {@link #startOf} read it), still
   * runs; true when that cannot be told.
   */
  public static boolean runs(long pid, long start) {
    return runs(new Owner(pid, start));
  }

  /**
   * When process {@code pid} started, as {@link #runs(long, long)} takes it; 0 if it cannot be
   * read.
   */
  public static long started(long pid) {
    return startOf(pid);
  }

  /** The owner a directory's name records. */
  record Owner(long pid, long start) {}

  /**
   * Makes a new directory of {@code prefix} in {@code root} that only the user can open (mode 0700
   * where the file system has modes), owned by this process; the first time for this folder and
   * prefix, sweeps the directories of owners that no longer run.
   *
   * @return the directory's absolute path
   */
  public static Path create(Path root, String prefix) throws IOException {
    Path directory = makeDirectory(root.toAbsolutePath(), prefix);
    if (SWEPT.add(directory.getParent() + File.pathSeparator + prefix)) {
      try {
        sweep(directory.getParent(), prefix, Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS));
      } catch (IOException | RuntimeException e) {
        // no owners on this file system: nothing is known to be the user's, nothing is swept
      }
    }
    return directory;
  }

  /** How long the names of this process's directories of {@code prefix} are. */
  public static int nameLength(String prefix) {
    return name(prefix).length();
  }

  private static Path makeDirectory(Path root, String prefix) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path directory = root.resolve(name(prefix));
      try {
        return Files.createDirectory(
            directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 10) {
          throw e;
        }
      } catch (UnsupportedOperationException e) {
        return Files.createDirectory(directory); // not POSIX: the user's temporary directory is private
      }
    }
  }

  /**
   * A new name of {@code prefix} for this process. The random part only keeps names apart: the
   * directory is private by its mode, and a name already taken is drawn again.
   */
  private static String name(String prefix) {
    // Eight hex digits, without String.format: its first use costs a pool's start milliseconds.
    String random = Integer.toHexString(ThreadLocalRandom.current().nextInt() | 1 << 31);
    return prefix + PID + "-" + Long.toHexString(START) + "-" + random;
  }

  /**
   * Deletes the directories of {@code prefix} in {@code root} that belong to {@code user} and whose
   * owner no longer runs (see the class comment), quietly.
   *
   * @return how many were deleted
   */
  static int sweep(Path root, String prefix, UserPrincipal user) {
    int deleted = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (!entry.getFileName().toString().startsWith(prefix)) {
          continue; // filtered here, not by a lambda, which costs a fresh JVM's first pool milliseconds
        }
        Owner owner = ownerOf(entry.getFileName().toString(), prefix);
        if (owner == null || owner.pid() == PID || runs(owner)) {
          continue;
        }
        try {
          BasicFileAttributes attributes =
              Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (!attributes.isDirectory() || !user.equals(Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS))) {
            continue; // a link, a file, or another user's
          }
        } catch (IOException | RuntimeException e) {
          continue; // gone meanwhile, or not ours to read
        }
        SharedFiles.deleteDirectory(entry);
        if (Files.notExists(entry, LinkOption.NOFOLLOW_LINKS)) {
          deleted++;
        }
      }
    } catch (IOException | RuntimeException e) {
      // nothing to sweep, or not ours to list
    }
    return deleted;
  }

  /** The owner that {@code name}, of {@code prefix}, records; null for any other name. */
  static Owner ownerOf(String name, String prefix) {
    if (!name.startsWith(prefix)) {
      return null;
    }
    String[] parts = name.substring(prefix.length()).split("-", -1);
    if (parts.length != 3 || !isDigits(parts[0], "0123456789") || !isDigits(parts[1], HEX)
        || !isDigits(parts[2], HEX)) {
      return null;
    }
    try {
      return new Owner(Long.parseLong(parts[0]), Long.parseLong(parts[1], 16));
    } catch (NumberFormatException e) {
      return null; // too long for a pid or a start: not a name this class makes
    }
  }

  private static boolean isDigits(String text, String digits) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (digits.indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code owner} still runs: a process has its pid, has not exited (a zombie, which its
   * parent has not collected yet, has), and, where its start can be read, started when the owner
   * did. True when that cannot be told (the start unknown or unreadable).
   */
  static boolean runs(Owner owner) {
    if (PROC) {
      String[] stat = stat(owner.pid());
      if (stat == null) { // no such process, or one whose state this user cannot read
        return ProcessHandle.of(owner.pid()).map(ProcessHandle::isAlive).orElse(false);
      }
      if (stat[0].equals("Z") || stat[0].equals("X")) {
        return false;
      }
      long start = startIn(stat);
      return owner.start() == 0 || start == 0 || start == owner.start();
    }
    Optional<ProcessHandle> process = ProcessHandle.of(owner.pid());
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    long start = startOf(owner.pid());
    return owner.start() == 0 || start == 0 || Math.abs(start - owner.start()) <= INSTANT_TOLERANCE_MILLIS;
  }

  /**
   * When process {@code pid} started, as a number that stays the same for the process's life: on
   * Linux its start in clock ticks since boot (field 22 of {@code /proc/<pid>/stat}); elsewhere its
   * start instant in milliseconds. 0 if it cannot be read.
   */
  static long startOf(long pid) {
    if (PROC) {
      String[] stat = stat(pid);
      return stat == null ? 0 : startIn(stat);
    }
    return ProcessHandle.of(pid)
        .flatMap(process -> process.info().startInstant())
        .map(instant -> instant.toEpochMilli())
        .orElse(0L);
  }

  /** The fields of {@code /proc/<pid>/stat} from the third (the state) on; null if unreadable. */
  private static String[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (command) state ppid ...": the command may hold spaces and parentheses
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The start time in {@code stat} (field 22), or 0 if it is not a number. */
  private static long startIn(String[] stat) {
    try {
      return Long.parseLong(stat[19]);
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
