package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Loggers;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.protocol.SerializationCodec;
import dev.parallelizable.internal.shared.OwnedDirectories;
import dev.parallelizable.internal.shared.SharedFiles;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Workers that outlive the application's run ({@code reuseWorkersAcrossRuns}): where they wait,
 * how a pool finds one of its configuration, and how they are listed and stopped.
 *
 * <p><b>Where.</b> One directory per user, {@code parallelizable-warm-<user>} in {@code
 * $XDG_RUNTIME_DIR} if it is set, else in the temporary directory: mode 0700, owned by the user,
 * not a link; if it is anything else, warm workers are off (a WARNING says why, once). In it, a
 * directory per configuration, named by its {@linkplain #key key}, and in that, one directory per
 * worker with its pipes: {@value Protocol#CHANNEL_UP} and {@value Protocol#CHANNEL_DOWN} (the
 * channel, opened again by each parent), {@value Protocol#WARM_OUT} and {@value Protocol#WARM_ERR}
 * (its standard output and error), {@value Protocol#WARM_DOOR} (the door it waits at while
 * parked), and the file {@code pid} (its process id and start, written by the parent that started
 * it).
 *
 * <pre>
 * started by a pool with the option --the pool closes, the worker is healthy and idle--> PARK sent;
 *   the worker closes its channel and writes the marker "parked" (see WarmDoor)
 * parked --claim(): a pool of the same key renames the marker to "claimed" and writes its pid,
 *   shared directory and a token to the door--> the worker opens the pipes again, sends HELLO with
 *   the token, answers INIT with READY: it serves that pool as a new worker would
 * parked --its deadline passed--> the worker deletes its directory and exits
 * any --its process is gone (killed with its parent)--> the next claim(), list() or stop() deletes
 *   the directory (claim(), of one not parked: once its pid names no process at all)
 * </pre>
 *
 * <p>Thread-safe: stateless but for the root, found once.
 */
public final class WarmWorkers {
  private static final String PID_FILE = "pid";
  /** A parked worker this close to its deadline is left to expire rather than claimed. */
  private static final long CLAIM_MARGIN_MILLIS = 2_000;
  /** How long a directory with no worker's pid in it may be new: a worker still starting. */
  private static final long STARTING_MILLIS = 60_000;
  /** The longest socket path accepted everywhere, as in {@link WorkerJvm}. */
  private static final int MAX_SOCKET_PATH = 100;
  private static final int KEY_HEX = 24; // the key's length: 8 digits of CRC-32, 16 of FNV-1a
  private static final int ID_HEX = 8;

  private WarmWorkers() {}

  /** The user's directory of warm workers, or null if there is none that can be trusted. */
  private static final class Root {
    static final Found FOUND = find();
  }

  /** The root if it can be trusted, else null and why not. */
  private record Found(Path path, String problem) {}

  /** Why the root cannot be used, said once, by the first pool that would keep workers across runs. */
  private static final class Said {
    static final boolean SAID = say();

    private static boolean say() {
      if (Root.FOUND.problem() != null) {
        System.getLogger(Loggers.PROCESS_POOL).log(
            System.Logger.Level.WARNING,
            "Workers are not kept across runs: " + Root.FOUND.problem() + "; pools start new workers instead");
      }
      return true;
    }
  }

  /** A parked worker that this JVM has claimed: it reads the door now. */
  record Claimed(Path directory, ProcessHandle process) {}

    /**
   * A warm worker as {@link #list()} describes it.
   *
   * @param directory its directory
   * @param pid its process id; -1 while it starts
   * @param state parked, claimed, serving a pool, or starting
   * @param deadlineMillis when a parked worker expires (epoch milliseconds); 0 if it is not parked
   */
  public record Listed(Path directory, long pid, String state, long deadlineMillis) {}

  /** The root, or null if warm workers are off, which a WARNING says the first time. */
  static Path root() {
    return Said.SAID ? Root.FOUND.path() : null;
  }

  /** The root, for other private files of the user's workers ({@link WorkerClassData}); null if none. */
  static Path privateRoot() {
    return Root.FOUND.path();
  }

  private static Found find() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path base = runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))
        ? Path.of(runtime)
        : Path.of(System.getProperty("java.io.tmpdir"));
    String user = fileNamePart(System.getProperty("user.name", "user"));
    Path root = base.toAbsolutePath().resolve("parallelizable-warm-" + user);
    if (root.toString().length() + 1 + KEY_HEX + 1 + ID_HEX + 2 > MAX_SOCKET_PATH) {
      root = Path.of("/tmp", "parallelizable-warm-" + user);
    }
    try {
      Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // made by an earlier run: checked below
    } catch (IOException | UnsupportedOperationException e) {
      return new Found(null, root + " cannot hold them, since it could not be made: " + e);
    }
    String untrusted = untrusted(root);
    if (untrusted != null) {
      return new Found(null, root + " cannot hold them, since " + untrusted);
    }
    return new Found(root, null);
  }

  /** {@code name} with every character but letters, digits, dot, dash and underscore replaced by {@code _}. */
  private static String fileNamePart(String name) {
    StringBuilder part = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean kept = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_';
      part.append(kept ? c : '_');
    }
    return part.toString();
  }

  /**
   * Why {@code root} cannot hold warm workers, or null if it can: a directory, not a link, owned by
   * this user (the owner of this process), with mode 0700.
   */
  static String untrusted(Path root) {
    try {
      PosixFileAttributes attributes =
          Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isDirectory()) {
        return "it is not a directory (a link, or a file)";
      }
      Object owner = Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (!owner.equals(self)) {
        return "it belongs to the user with uid " + owner + ", not to this one (uid " + self + ")";
      }
      if (!attributes.permissions().equals(EnumSet.of(
          PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))) {
        return "its mode is " + PosixFilePermissions.toString(attributes.permissions())
            + ", not rwx------ (chmod 700 it, or delete it)";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "its owner and mode cannot be read: " + e;
    }
  }

  /**
   * The key of a configuration: a 96-bit digest (CRC-32 and 64-bit FNV-1a) of what makes two
   * workers interchangeable ({@link WorkerConfig#reuseKey()} but where their output goes, which each
   * parent sets anew), with the content of each file its classpath or module path names instead of
   * the path alone: each file's size, and the CRC-32 and Adler-32 of a jar's central directory (which
   * holds the CRC-32 of every entry) or of another file's bytes; for a directory, those of every
   * file in it with its relative name. The JDK counts too, by the size and time of its {@code
   * lib/modules}. A rebuilt class or jar makes another key, so it never meets a worker of the old
   * one. No cryptographic digest: the key guards against accidents, not against the user, and a
   * JVM's first {@code MessageDigest} costs 20 ms of security providers.
   */
  static String key(WorkerConfig config) {
    String known = config.warmKey;
    if (known != null) {
      return known;
    }
    StringBuilder text = new StringBuilder();
    for (String argument : config.command(Path.of("s"), Path.of("p"), Path.of("x"), "w")) {
      text.append(argument).append('\0');
    }
    for (String argument : config.launch.arguments) {
      for (String entry : argument.split(File.pathSeparator, -1)) {
        if (!entry.isEmpty() && !entry.startsWith("-")) {
          content(entry, text);
        }
      }
    }
    text.append(config.codec.getClass().getName()).append('\0');
    if (config.codec instanceof SerializationCodec serialization) {
      text.append(serialization.limits()).append('\0');
    }
    text.append(config.jobMode).append('\0').append(config.maxTasksPerClassLoader).append('\0');
    Path modules = config.java.toAbsolutePath().getParent().resolveSibling("lib").resolve("modules");
    describeFile(modules, text, false);
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    byte[] initializer = config.initializerBytes();
    config.warmKey = digest(bytes, initializer); // the same whichever thread computes it first
    return config.warmKey;
  }

  /**
   * A name for {@code parts}, as a key or a file name: 24 hex digits, the CRC-32 and the 64-bit
   * FNV-1a of their bytes. Not cryptographic: it tells configurations apart, against accidents.
   */
  static String digest(byte[]... parts) {
    CRC32 crc = new CRC32();
    long fnv = 0xcbf29ce484222325L;
    for (byte[] part : parts) {
      crc.update(part);
      for (byte b : part) {
        fnv = (fnv ^ (b & 0xff)) * 0x100000001b3L;
      }
    }
    return hex(crc.getValue(), 8) + hex(fnv >>> 32, 8) + hex(fnv & 0xffffffffL, 8);
  }

  /** The low {@code digits} hex digits of {@code value}, with leading zeros (at most 15). */
  private static String hex(long value, int digits) {
    return Long.toHexString(value | 1L << (4 * digits)).substring(1);
  }

  /** Appends the content of the file or directory {@code name}, if it names one, to {@code text}. */
  private static void content(String name, StringBuilder text) {
    try {
      Path path = Path.of(name);
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (attributes.isRegularFile()) {
        describeFile(path, text, true);
      } else if (attributes.isDirectory()) {
        describeTree(path, path, text, 0);
      }
    } catch (IOException | RuntimeException e) {
      // not a path, or gone: the argument itself counts
    }
  }

  /** How deep {@link #describeTree} follows directories: a link to a parent would never end. */
  private static final int MAX_DEPTH = 32;

  /** Appends every file under {@code directory}, in name order, with its name relative to {@code top}. */
  private static void describeTree(Path top, Path directory, StringBuilder text, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      text.append(top.relativize(directory)).append(" too deep\0");
      return;
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path entry : stream) {
        entries.add(entry);
      }
    }
    Path[] sorted = entries.toArray(new Path[0]);
    java.util.Arrays.sort(sorted);
    for (Path entry : sorted) {
      if (Files.isDirectory(entry)) {
        describeTree(top, entry, text, depth + 1);
      } else if (Files.isRegularFile(entry)) { // not a named pipe, whose reading would block
        text.append(top.relativize(entry)).append('\0');
        describeFile(entry, text, true);
      }
    }
  }

  /**
   * Appends {@code file}'s size and checksums (native code: fast from a JVM's first call) of its
   * zip central directory if it is a jar, else of all its bytes; or its size and time if {@code
   * read} is false. A jar's central directory holds the CRC-32 and the sizes of every entry's
   * content, so a changed class changes it; it is about a fiftieth of the jar, whose whole reading
   * cost a fresh JVM 70 ms for a classpath of 116 MB.
   */
  static void describeFile(Path file, StringBuilder text, boolean read) {
    try {
      if (!read) {
        text.append(Files.size(file)).append(' ').append(Files.getLastModifiedTime(file).toMillis()).append('\0');
        return;
      }
      CRC32 crc = new CRC32();
      Adler32 adler = new Adler32();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = channel.size();
        ByteBuffer directory = centralDirectory(channel, size);
        if (directory != null) {
          crc.update(directory.duplicate());
          adler.update(directory);
          text.append(size).append(" zip ").append(crc.getValue()).append(' ').append(adler.getValue()).append('\0');
          return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long length = 0;
        channel.position(0);
        int n;
        while ((n = channel.read(buffer)) > 0) {
          buffer.flip();
          crc.update(buffer.duplicate());
          adler.update(buffer);
          buffer.clear();
          length += n;
        }
        text.append(length).append(' ').append(crc.getValue()).append(' ').append(adler.getValue()).append('\0');
      }
    } catch (IOException | RuntimeException e) {
      text.append("unreadable\0");
    }
  }

  /** The end record of a zip file: 22 bytes, then a comment of up to 65,535. */
  private static final int END_RECORD = 22;
  private static final int END_SIGNATURE = 0x06054b50;
  /** A central directory larger than this is not read alone: the whole file is. */
  private static final long MAX_DIRECTORY = 64L << 20;

  /**
   * The central directory of the zip file read by {@code channel}, or null if it is not one read
   * here: no end record that ends the file, a zip64 one, a directory that does not end where the
   * end record begins (data before the zip, as in a self-extracting one), or one over {@link
   * #MAX_DIRECTORY}. The caller then reads the whole file.
   */
  private static ByteBuffer centralDirectory(FileChannel channel, long size) throws IOException {
    int tailLength = (int) Math.min(size, END_RECORD + 0xffff);
    if (tailLength < END_RECORD) {
      return null;
    }
    ByteBuffer tail = ByteBuffer.allocate(tailLength).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, tail, size - tailLength);
    for (int at = tailLength - END_RECORD; at >= 0; at--) {
      if (tail.getInt(at) != END_SIGNATURE || at + END_RECORD + (tail.getShort(at + 20) & 0xffff) != tailLength) {
        continue;
      }
      long directorySize = tail.getInt(at + 12) & 0xffffffffL;
      long directoryOffset = tail.getInt(at + 16) & 0xffffffffL;
      if (directorySize > MAX_DIRECTORY || directoryOffset + directorySize != size - tailLength + at) {
        return null;
      }
      ByteBuffer directory = ByteBuffer.allocate((int) directorySize);
      readFully(channel, directory, directoryOffset);
      return directory.flip();
    }
    return null;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("the file ended at " + (position + buffer.position()));
      }
    }
  }

  /**
   * A new directory for a worker of {@code key}, or null if warm workers are off (the pool then
   * starts the worker in a private directory of its own, and does not keep it).
   */
  static Path newDirectory(String key) {
    Path root = root();
    if (root == null) {
      return null;
    }
    try {
      Path keyDirectory = root.resolve(key);
      for (int attempt = 0; ; attempt++) {
        try {
          Files.createDirectory(keyDirectory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
          // an earlier worker's
        }
        // The name only keeps workers apart: the directory is private by its mode.
        String name = Integer.toHexString(ThreadLocalRandom.current().nextInt() | 1 << 31);
        try {
          return Files.createDirectory(
              keyDirectory.resolve(name),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.NoSuchFileException e) {
          if (attempt == 2) {
            throw e; // the last worker of the key deleted its directory as this one was made
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Records the worker's process in its directory, for the sweep that finds it gone. */
  static void recordProcess(Path directory, long pid) {
    try {
      Files.writeString(directory.resolve(PID_FILE), pid + " " + OwnedDirectories.started(pid) + "\n");
    } catch (IOException e) {
      // without it, the directory is swept only once the worker deleted it or a minute passed
    }
  }

  /**
   * Claims a parked worker of {@code key}: renames its marker, which only one parent can do, and
   * only before the worker gives up at its deadline. Deletes the directories of workers found gone.
   *
   * @return the claimed worker, which waits at its door; null if none is parked
   */
  static Claimed claim(String key) {
    Path root = root();
    if (root == null) {
      return null;
    }
    for (Path entry : entries(root.resolve(key))) {
      if (!new File(entry.toFile(), Protocol.WARM_PARKED).isFile()) {
        // Serving a pool, claimed (often by this JVM, a moment ago) or starting: passed over with
        // checks that throw nothing, since a pool of many workers passes over each of its own.
        if (certainlyGone(entry)) {
          sweep(entry);
        }
        continue;
      }
      long deadline = parkedUntil(entry);
      ProcessHandle process = liveProcess(entry);
      if (gone(entry, process)) {
        sweep(entry);
        continue;
      }
      if (process == null || deadline - System.currentTimeMillis() < CLAIM_MARGIN_MILLIS) {
        continue; // serving a pool, claimed, or about to expire
      }
      try {
        Files.move(entry.resolve(Protocol.WARM_PARKED), entry.resolve(Protocol.WARM_CLAIMED), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        continue; // another parent claimed it, or it expired
      }
      return new Claimed(entry, process);
    }
    return null;
  }

  /**
   * Every warm worker of this user, parked or serving a pool; sweeps those found gone.
   *
   * @return the workers
   */
  public static List<Listed> list() {
    List<Listed> listed = new ArrayList<>();
    Path root = root();
    if (root == null) {
      return listed;
    }
    for (Path keyDirectory : entries(root)) {
      for (Path entry : entries(keyDirectory)) {
        ProcessHandle process = liveProcess(entry);
        if (gone(entry, process)) {
          sweep(entry);
          continue;
        }
        long deadline = parkedUntil(entry);
        String state = process == null ? "starting"
            : deadline > 0 ? "parked"
            : Files.exists(entry.resolve(Protocol.WARM_CLAIMED)) ? "claimed" : "serving a pool";
        listed.add(new Listed(entry, process == null ? -1 : process.pid(), state, deadline));
      }
      try {
        Files.deleteIfExists(keyDirectory); // only once it is empty
      } catch (IOException e) {
        // a worker is still in it
      }
    }
    return listed;
  }

  /**
   * Stops every parked worker of this user: claims it, so no pool takes it meanwhile, asks it to
   * exit (SIGTERM: its shutdown hooks run), kills it after {@code grace}, and deletes its
   * directory. Workers serving a pool are left to it.
   *
   * @param graceMillis how long a worker may take to exit before it is killed
   * @return the workers stopped
   */
  public static List<Listed> stopParked(long graceMillis) {
    List<Listed> stopped = new ArrayList<>();
    for (Listed worker : list()) {
      if (!worker.state().equals("parked")) {
        continue;
      }
      try {
        Files.move(worker.directory().resolve(Protocol.WARM_PARKED),
            worker.directory().resolve(Protocol.WARM_CLAIMED), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        continue; // a pool claimed it first, or it expired
      }
      Optional<ProcessHandle> process = ProcessHandle.of(worker.pid());
      if (process.isPresent()) {
        process.get().destroy();
        try {
          process.get().onExit().get(graceMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          process.get().destroyForcibly();
        }
      }
      SharedFiles.deleteDirectory(worker.directory());
      stopped.add(worker);
    }
    return stopped;
  }

  /** The deadline in the worker's marker (epoch milliseconds), or 0 if it is not parked. */
  private static long parkedUntil(Path entry) {
    try {
      return Long.parseLong(Files.readString(entry.resolve(Protocol.WARM_PARKED)).strip());
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * The worker's process, if it still runs (the same process: a reused pid started at another
   * time is not it); null if it is gone, or if its pid is not written yet.
   */
  private static ProcessHandle liveProcess(Path entry) {
    long[] recorded = recordedProcess(entry);
    if (recorded == null) {
      return null;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(recorded[0]);
    return process.isPresent() && OwnedDirectories.runs(recorded[0], recorded[1]) ? process.get() : null;
  }

  /**
   * The pid and start that {@link #recordProcess} wrote in {@code entry}; null if there is no such
   * file yet, or it is not one this class writes.
   */
  private static long[] recordedProcess(Path entry) {
    try {
      String[] fields = Files.readString(entry.resolve(PID_FILE)).strip().split(" ");
      return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the worker of {@code entry} is gone: its process no longer runs, or its directory has
   * held no pid for over a minute (a start that failed with its parent).
   */
  private static boolean gone(Path entry, ProcessHandle process) {
    if (process != null) {
      return false;
    }
    return Files.exists(entry.resolve(PID_FILE)) || neverStarted(entry);
  }

  /**
   * Whether the worker of a directory that is not parked is certainly gone: its pid names no
   * process, or it wrote none and the directory is older than {@link #STARTING_MILLIS}. A pid that
   * names another process since (a reused one) keeps the directory until {@link #list()} or {@link
   * #stopParked}, which compare the process's start. Throws nothing: a claim calls it for each
   * directory of its key that is not parked, its own pool's workers included.
   */
  private static boolean certainlyGone(Path entry) {
    if (!new File(entry.toFile(), PID_FILE).isFile()) {
      return neverStarted(entry);
    }
    long[] recorded = recordedProcess(entry);
    return recorded != null && ProcessHandle.of(recorded[0]).isEmpty();
  }

  /** Whether {@code entry}, which holds no pid, was made over {@link #STARTING_MILLIS} ago. */
  private static boolean neverStarted(Path entry) {
    long modified = entry.toFile().lastModified(); // 0 if it was deleted meanwhile
    return modified != 0 && System.currentTimeMillis() - modified > STARTING_MILLIS;
  }

  /** Deletes the directory of a worker that is gone. */
  private static void sweep(Path entry) {
    SharedFiles.deleteDirectory(entry);
  }

  /** The directories in {@code directory}, not links; none if it cannot be listed. */
  private static List<Path> entries(Path directory) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path entry : stream) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      // none yet
    }
    return entries;
  }
}
