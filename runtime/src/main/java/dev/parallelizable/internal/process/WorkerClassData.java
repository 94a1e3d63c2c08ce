package dev.parallelizable.internal.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A class-data archive (AppCDS) that worker JVMs load their classes from, instead of reading and
 * verifying them from the jars again in every worker: about 20 ms less per worker start.
 *
 * <pre>
 * no archive for the configuration --a worker starts, and takes the lock--> it trains: its JVM
 *     writes the archive as it exits ({@code -XX:ArchiveClassesAtExit}, to a file of its own)
 *   trained worker --exited in order--> publish(): the file renamed to the archive, atomically,
 *       its size in its name; the lock deleted (exited otherwise: the file deleted, the lock too)
 * archive there, of the size in its name --a worker starts--> it reads it ({@code
 *     -XX:SharedArchiveFile}, {@code -Xshare:auto}): a JDK that finds it does not match (another
 *     JDK, a changed jar) ignores it
 *   of another size --a worker starts--> the archive deleted unread (JDK 17 crashes on a truncated
 *       one); the worker goes on as if there were none
 *   read by a worker that exits before it connects --> dropped(): the archive deleted, the worker
 *       replaced, and the configuration reads and writes none after it
 * </pre>
 *
 * Used only where it is safe and silent: workers started from a classpath of jars alone (the JDK
 * archives no directory), in the user's private directory of {@link WarmWorkers} (none: no
 * archive), with the JDK's own messages about the archive turned off ({@code -Xlog:cds*=off}), and
 * never when the pool's options choose class-data sharing themselves. The archive is named by the
 * command line without its system properties and by each jar's path, size and time, so a rebuilt
 * jar gets an archive of its own, and pools that differ only in system properties share one; the
 * file is {@code <name>-<size in hexadecimal>.jsa}. A
 * worker kept warm across runs never trains (it exits long after its parent), and neither does a
 * worker while another trains for the same configuration. The system property {@value #PROPERTY}
 * set to {@code off} turns archives off.
 *
 * <p>Archives do not pile up: a worker that reads one marks it used (its modification time, at most
 * once per {@link #USE_MARK_MILLIS}), and a worker that trains first deletes those unused for
 * {@link #UNUSED_MILLIS}, then all but the {@link #KEPT_ARCHIVES} used last. Every rebuilt jar and
 * every new set of options names a new archive, so without this a developer's private directory
 * would gain one with every build. A JVM that maps an archive keeps it mapped when it is deleted,
 * and one that starts after finds none and loads from the jars, silently.
 *
 * <p>Thread-safe: stateless; the lock is a file created atomically.
 */
final class WorkerClassData {
  /** The system property that turns worker class-data archives off with the value {@code off}. */
  static final String PROPERTY = "dev.parallelizable.workerClassData";
  /** A lock or a training file this old belongs to a parent that died while its worker trained. */
  private static final long STALE_MILLIS = 10 * 60_000;
  /** An archive no worker read for this long belongs to a jar or options no longer used. */
  static final long UNUSED_MILLIS = 7L * 24 * 60 * 60_000;
  /** How many archives, used last, a training worker leaves beside its own. */
  static final int KEPT_ARCHIVES = 8;
  /** How stale an archive's mark of use may grow before a worker that reads it renews it. */
  static final long USE_MARK_MILLIS = 60 * 60_000;
  private static final String PREFIX = "class-data-";
  private static final String SUFFIX = ".jsa";

  /**
   * What one worker does with the archive: its options; if it trains, the files it writes, its
   * {@code archive} being the published one's path without the size and suffix; if it reads one,
   * that {@code archive} (and no {@code training}).
   */
  record Use(List<String> options, Path training, Path archive, Path lock) {
    static final Use NONE = new Use(List.of(), null, null, null);

    /** Whether the worker reads an archive. */
    boolean reads() {
      return archive != null && training == null;
    }

    /**
     * Once the training worker is gone: publishes the archive it wrote if it exited in order ({@code
     * orderly}), else drops it; releases the lock. Nothing for a worker that did not train.
     */
    void finish(boolean orderly) {
      if (training == null) {
        return;
      }
      try {
        long size = orderly && Files.isRegularFile(training) ? Files.size(training) : 0;
        if (size > 0) {
          Path published = archive.resolveSibling(archive.getFileName() + "-" + Long.toHexString(size) + SUFFIX);
          Files.move(training, published, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        // no archive this time: the next worker trains again
      } finally {
        delete(training);
        delete(lock);
      }
    }
  }

  private WorkerClassData() {}

  /**
   * A worker that read the archive of {@code use} exited before it connected: deletes the archive,
   * which may be damaged in a way its size does not show (JDK 17 crashes on a damaged archive as it
   * maps it); a JVM that maps it keeps it mapped. The workers of {@code config} read or write none
   * from now on: if the archive was not the cause of the exit, neither is one written after it.
   */
  static void dropped(WorkerConfig config, Use use) {
    config.classDataName = "";
    if (use.reads()) {
      delete(use.archive());
    }
  }

  /** The archive's options for a worker of {@code config}; {@code mayTrain}: it may write one. */
  static Use forWorker(WorkerConfig config, boolean mayTrain) {
    String name = name(config);
    Path root = name == null ? null : WarmWorkers.privateRoot();
    if (root == null) {
      return Use.NONE;
    }
    Path archive = published(root, name, System.currentTimeMillis());
    if (archive != null) {
      return new Use(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds*=off"), null, archive, null);
    }
    if (!mayTrain) {
      return Use.NONE;
    }
    Path lock = root.resolve(name + ".lock");
    if (!lock(lock)) {
      return Use.NONE;
    }
    sweepStaleTraining(root);
    prune(root, System.currentTimeMillis());
    Path training = root.resolve(name + "." + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 1 << 31) + ".tmp");
    return new Use(List.of("-XX:ArchiveClassesAtExit=" + training, "-Xlog:cds*=off"), training, root.resolve(name), lock);
  }

  /**
   * The archive's name for {@code config}, computed once; null where there is none: archives are
   * off, the workers do not start from a classpath of jars alone, or the options choose sharing.
   */
  private static String name(WorkerConfig config) {
    String known = config.classDataName;
    if (known != null) {
      return known.isEmpty() ? null : known;
    }
    String name = computeName(config);
    config.classDataName = name == null ? "" : name;
    return name;
  }

  private static String computeName(WorkerConfig config) {
    if ("off".equals(System.getProperty(PROPERTY)) || config.classpath == null || File.separatorChar != '/') {
      return null;
    }
    for (String option : config.jvmOptions) {
      if (option.startsWith("-Xshare") || option.contains("SharedArchiveFile") || option.contains("ArchiveClassesAtExit")
          || option.contains("AOTCache") || option.contains("AOTMode") || option.startsWith("-Xlog:cds")) {
        return null;
      }
    }
    StringBuilder text = new StringBuilder();
    for (String argument : config.command(Path.of("s"), Path.of("p"), Path.of("x"), "w")) {
      // A system property changes no class an archive holds (a JVM that reads it checks those that
      // matter), and a run's own value (an id, a path) would otherwise name a new archive per run.
      if (!argument.startsWith("-D")) {
        text.append(argument).append('\0');
      }
    }
    for (String entry : config.classpath.split(File.pathSeparator, -1)) {
      try {
        Path jar = Path.of(entry);
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        if (!attributes.isRegularFile() || !entry.endsWith(".jar")) {
          return null; // a directory, or not a jar: the JDK archives neither
        }
        text.append(jar.toAbsolutePath()).append(' ').append(attributes.size()).append(' ')
            .append(attributes.lastModifiedTime().toMillis()).append('\0');
      } catch (IOException | RuntimeException e) {
        return null; // an entry that does not exist: the JDK would refuse the archive
      }
    }
    return PREFIX + WarmWorkers.digest(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The published archive named {@code name} in {@code root}, {@code <name>-<size>.jsa}, marked used
   * at {@code now} ({@link #markUsed}); null if there is none. One whose size is not the one it was
   * published with (truncated: JDK 17 crashes as it maps it), or that is not a regular file, is
   * deleted. A directory listing per worker start, with a filter of its own rather than a glob,
   * whose pattern would load the regular expressions on a first pool's way.
   */
  static Path published(Path root, String name, long now) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root, new Named(name + "-"))) {
      for (Path file : files) {
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
          continue; // deleted meanwhile
        }
        String text = file.getFileName().toString();
        long size = publishedSize(text.substring(name.length() + 1, text.length() - SUFFIX.length()));
        if (attributes.isRegularFile() && attributes.size() == size) {
          markUsed(file, attributes, now);
          return file;
        }
        delete(file);
      }
    } catch (IOException | RuntimeException e) {
      // none to read: the worker loads from the jars
    }
    return null;
  }

  /** The size in a published archive's name, or -1 if it is not a hexadecimal number. */
  private static long publishedSize(String hex) {
    try {
      return hex.isEmpty() || hex.charAt(0) == '-' || hex.charAt(0) == '+' ? -1 : Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The files whose names begin with a prefix and end with {@link #SUFFIX}; no lambda, no glob. */
  private static final class Named implements DirectoryStream.Filter<Path> {
    private final String prefix;

    Named(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public boolean accept(Path file) {
      String text = file.getFileName().toString();
      return text.startsWith(prefix) && text.endsWith(SUFFIX) && text.length() > prefix.length() + SUFFIX.length();
    }
  }

  /**
   * Marks {@code archive}, whose attributes are {@code attributes}, used at {@code now}, unless its
   * mark is more recent than {@link #USE_MARK_MILLIS}: a write once an hour at most.
   */
  static void markUsed(Path archive, BasicFileAttributes attributes, long now) {
    if (now - attributes.lastModifiedTime().toMillis() > USE_MARK_MILLIS) {
      try {
        Files.setLastModifiedTime(archive, FileTime.fromMillis(now));
      } catch (IOException | RuntimeException e) {
        // unmarked: it may be pruned, and then a later worker writes it again
      }
    }
  }

  /**
   * Deletes the archives in {@code root} unused since {@link #UNUSED_MILLIS} before {@code now},
   * then all but the {@link #KEPT_ARCHIVES} used last. Other files are left alone.
   */
  static void prune(Path root, long now) {
    List<Path> archives = new ArrayList<>();
    List<Long> usedAt = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root, new Named(PREFIX))) {
      for (Path file : files) {
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
          continue; // deleted meanwhile
        }
        long used = attributes.lastModifiedTime().toMillis();
        if (now - used > UNUSED_MILLIS) {
          delete(file);
        } else {
          int at = 0; // kept in order of use, the last used first
          while (at < usedAt.size() && usedAt.get(at) >= used) {
            at++;
          }
          archives.add(at, file);
          usedAt.add(at, used);
        }
      }
    } catch (IOException | RuntimeException e) {
      return; // nothing to prune this time
    }
    for (int i = KEPT_ARCHIVES; i < archives.size(); i++) {
      delete(archives.get(i));
    }
  }

  /** Takes the lock of an archive being trained; false if another worker holds it. */
  private static boolean lock(Path lock) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.createFile(lock);
        return true;
      } catch (FileAlreadyExistsException e) {
        if (!stale(lock)) {
          return false;
        }
        delete(lock); // its parent died while its worker trained
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
    return false;
  }

  /** Deletes the training files of parents that died before their worker finished. */
  private static void sweepStaleTraining(Path root) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root, PREFIX + "*.tmp")) {
      for (Path file : files) {
        if (stale(file)) {
          delete(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      // nothing to sweep
    }
  }

  private static boolean stale(Path file) {
    try {
      return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() > STALE_MILLIS;
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // swept as stale by a later worker
    }
  }
}
