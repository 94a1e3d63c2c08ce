package dev.parallelizable.internal.shared;

import dev.parallelizable.SharedData;
import dev.parallelizable.SharedData.ElementType;
import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parent's side of a process pool's shared data: a private directory (mode 0700, in {@code
 * /dev/shm} where it exists with 1 GiB free, else in {@code java.io.tmpdir}) named {@code
 * parallelizable-shared-<pid>-<start>-<random>} (see {@link OwnedDirectories}), and in it one file
 * per shared value, {@code d<id>}, which holds the elements in native byte order from offset 0. The
 * workers are given the directory on their command line, map each file the first time a task
 * refers to it, and accept no file elsewhere (see {@link SharedMappings}), except the one a
 * pointer file names: a handle over a
 * region of the caller's own file ({@code SharedData.ofFile}) gets a small file {@code f<id>}
 * naming that file and region, which the workers map directly; the pool deletes the pointer, never
 * the caller's file.
 *
 * <p>Two kinds of value get a file: a {@link SharedData} handle, written the first time it is
 * passed to the pool and deleted when the handle or the pool is closed; and a primitive array of at
 * least the pool's threshold, written the first time that array instance is passed (identity-keyed)
 * and deleted when the array is no longer reachable in the parent (no task holds it any more) or
 * the pool closes.
 *
 * <p>Nothing is left behind: {@link #close()} deletes the directory when the pool stops; a shutdown
 * hook deletes the directories of pools still open when the JVM exits; the workers of a parent that
 * was killed delete its directory as they exit (see {@code ParentWatch}); and the first pool of a
 * JVM deletes the directories of parents that no longer run ({@link OwnedDirectories}). The hook is
 * registered only while a directory is open, and removed with the last, so that it does not hold
 * the library's class loader once no pool is left.
 *
 * <p>Thread-safe: the maps and {@code closed} are accessed only under this object's lock; a file is
 * written under it too, once.
 */
public final class SharedFiles implements SharedOwner {
  /** The prefix of every pool's directory. */
  public static final String DIRECTORY_PREFIX = "parallelizable-shared-";
  /** The prefix of a file in it, followed by the value's id in decimal. */
  public static final String FILE_PREFIX = "d";
  /**
   * The prefix of a pointer file, followed by the handle's id: for a handle over a region of the
   * caller's own file, which the workers map directly; the pointer names the file and the region.
   */
  public static final String POINTER_PREFIX = "f";

  /** The least free space of {@code /dev/shm} for the pools to use it. */
  static final long MIN_SHM_BYTES = 1L << 30;


  /**
   * The one directory of every pool that keeps its workers for reuse (null while there is none): a
   * kept worker serves pools other than the one that started it, and it accepts references only
   * inside the directory it was started with. Deleted once no such pool is open and no worker is
   * kept ({@link #reuseHolders} is back to zero), or when the JVM exits. Accessed only under
   * SharedFiles.class.
   */
  private static SharedFiles reuseDirectory;
  /**
   * The open pools that use {@link #reuseDirectory}, plus one while workers started with it are
   * kept ({@link #holdReuseDirectory}). Accessed only under SharedFiles.class.
   */
  private static int reuseHolders;

  private final Path directory;
  /** Whether {@link #close()} deletes the directory (false: only this pool's files in it). */
  private final boolean ownsDirectory;
  private final long arrayThreshold;
  private final Map<Long, Written> handles = new HashMap<>();
  private final Map<ArrayKey, Written> arrays = new HashMap<>();
  private final Map<Long, SharedData> handleObjects = new HashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private boolean closed;

  /** A file written for a value: the reference the codec writes. */
  public record Written(long id, ElementType type, int length, Path file) {}

  /** A weak key for an array shared automatically: the array's file goes once it is collected. */
  private static final class ArrayKey extends WeakReference<Object> {
    final long id;
    private final int hash;

    ArrayKey(Object array, long id, ReferenceQueue<Object> queue) {
      super(array, queue);
      this.id = id;
      this.hash = System.identityHashCode(array);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    /** The same key, or a key of the same array instance while it is reachable. */
    @Override
    public boolean equals(Object other) {
      if (other == this) {
        return true;
      }
      Object array = get();
      return other instanceof ArrayKey key && array != null && array == key.get();
    }
  }

  private SharedFiles(Path directory, boolean ownsDirectory, long arrayThreshold) {
    this.directory = directory;
    this.ownsDirectory = ownsDirectory;
    this.arrayThreshold = arrayThreshold;
  }

  /**
   * Creates the shared data of a new pool: in a directory of its own, or, for a pool whose workers
   * may serve other pools, in the one directory all such pools of this JVM share (files are named
   * by ids unique in the JVM, so pools never clash there).
   *
   * @param arrayThreshold arrays of at least this many bytes are shared; 0 for none
   * @param reusesWorkers whether the pool keeps its workers for, and takes workers from, other pools
   */
  public static SharedFiles create(long arrayThreshold, boolean reusesWorkers) throws IOException {
    if (!reusesWorkers) {
      return create(arrayThreshold);
    }
    Path directory;
    synchronized (SharedFiles.class) {
      if (reuseDirectory == null) {
        reuseDirectory = create(0); // open while held: deleted once released, or at exit
      }
      directory = reuseDirectory.directory;
      reuseHolders++; // released by close()
    }
    return new SharedFiles(directory, false, arrayThreshold);
  }

  /**
   * Keeps the directory of the pools that reuse workers while workers started with it are kept
   * between pools, although no such pool may be open. Each call is paired with one {@link
   * #releaseReuseDirectory()}.
   */
  public static void holdReuseDirectory() {
    synchronized (SharedFiles.class) {
      reuseHolders++;
    }
  }

  /**
   * Releases a hold of {@link #create(long, boolean)} or {@link #holdReuseDirectory()}; the last
   * deletes the directory, and the next pool that reuses workers creates a new one.
   */
  public static void releaseReuseDirectory() {
    SharedFiles unused = null;
    synchronized (SharedFiles.class) {
      if (--reuseHolders == 0) {
        unused = reuseDirectory;
        reuseDirectory = null;
      }
    }
    if (unused != null) {
      unused.close();
    }
  }

  /**
   * Creates the directory of a new pool.
   *
   * @param arrayThreshold arrays of at least this many bytes are shared; 0 for none
   */
  public static SharedFiles create(long arrayThreshold) throws IOException {
    SharedFiles files = new SharedFiles(OwnedDirectories.create(root(), DIRECTORY_PREFIX), true, arrayThreshold);
    DeleteAtExit.add(files);
    return files;
  }

  /**
   * {@code /dev/shm} where it is a writable directory (memory, not disk) with at least {@value
   * #MIN_SHM_BYTES} bytes free, else the temporary directory: a container's {@code /dev/shm} is
   * often 64 MB, too small for the data this is for.
   */
  public static Path root() {
    Path shm = Path.of("/dev/shm");
    try {
      if (Files.isDirectory(shm) && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() >= MIN_SHM_BYTES) {
        return shm;
      }
    } catch (IOException | RuntimeException e) {
      // not usable: the temporary directory
    }
    return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
  }

  /**
   * Deletes the regular files of {@code directory}, then the directory; quietly. Needs no class of
   * its own: it may run after the application that loaded the library is gone (kept workers expired,
   * the JVM exits), when its class loader may no longer load classes. Also a worker's own directory,
   * by the worker whose parent is gone.
   *
   * @param directory the directory to delete, with the files in it
   */
  public static void deleteDirectory(Path directory) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // gone already, or not ours
    }
    try {
      Files.deleteIfExists(directory);
    } catch (IOException | RuntimeException e) {
      // not empty: someone else's file; left in place
    }
  }

  /** The pool's directory. */
  public Path directory() {
    return directory;
  }

  /** The threshold of arrays shared automatically; 0 for none. */
  public long arrayThreshold() {
    return arrayThreshold;
  }

  /**
   * The file of {@code data}, written if this pool has none yet.
   *
   * @throws IllegalStateException if the handle or the pool is closed
   * @throws IOException if the file cannot be written
   */
  public Written reference(SharedData data) throws IOException {
    long id = SharedAccess.idOf(data);
    Object array = SharedAccess.arrayOf(data);
    synchronized (this) {
      requireOpen(data);
      Written written = handles.get(id);
      if (written != null) {
        return written;
      }
      if (!SharedAccess.attach(data, this)) {
        throw new IllegalStateException(data + " was closed: create a new SharedData to pass the data again");
      }
      Path region = SharedAccess.fileOf(data);
      if (region != null) {
        // Over a region of the caller's file: the workers map that file; only the pointer is ours.
        written = writePointer(id, data, region, SharedAccess.fileOffsetOf(data));
      } else {
        if (array == null) {
          // Received from elsewhere (a serialized copy): written from its bytes.
          array = ArrayBytes.read(receivedBytes(data), data.elementType(), data.length());
        }
        written = write(id, array, data.elementType(), data.length());
      }
      handles.put(id, written);
      handleObjects.put(id, data);
      return written;
    }
  }

  private static java.nio.ByteBuffer receivedBytes(SharedData data) {
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) data.byteSize());
    SharedAccess.copyTo(data, bytes);
    bytes.flip();
    return bytes;
  }

  /**
   * The file of a primitive array of at least the threshold, written if this array instance has
   * none yet; null if the array is below the threshold or the threshold is off.
   *
   * @throws IllegalStateException if the pool is closed
   * @throws IOException if the file cannot be written
   */
  public Written referenceArray(Object array, ElementType type, int length) throws IOException {
    long bytes = (long) length * type.size();
    if (arrayThreshold <= 0 || bytes < arrayThreshold || bytes > Integer.MAX_VALUE - 8) {
      return null;
    }
    synchronized (this) {
      requireOpen(array);
      deleteCollected();
      Written written = arrays.get(new ArrayKey(array, 0, null));
      if (written != null) {
        return written;
      }
      long id = SharedAccess.nextId();
      written = write(id, array, type, length);
      arrays.put(new ArrayKey(array, id, collected), written);
      return written;
    }
  }

  private void requireOpen(Object what) {
    if (closed) {
      throw new IllegalStateException("The pool is closed: " + what + " cannot be shared through it");
    }
  }

  /** Accessed only under this object's lock. */
  private void deleteCollected() {
    java.lang.ref.Reference<?> key;
    while ((key = collected.poll()) != null) {
      arrays.remove(key);
      deleteQuietly(file(((ArrayKey) key).id));
    }
  }

  private Path file(long id) {
    return directory.resolve(FILE_PREFIX + id);
  }

  private Written write(long id, Object array, ElementType type, int length) throws IOException {
    Path file = file(id);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ArrayBytes.write(array, type, length, channel);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(file);
      throw e;
    }
    return new Written(id, type, length, file);
  }

  /**
   * Writes the pointer file {@code f<id>} of a handle over a region of the caller's file: the
   * region's offset and size in bytes, one per line, then the file's real path (UTF-8, to the end).
   */
  private Written writePointer(long id, SharedData data, Path region, long offset) throws IOException {
    Path pointer = directory.resolve(POINTER_PREFIX + id);
    String text = offset + "\n" + data.byteSize() + "\n" + region;
    try {
      Files.write(pointer, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(pointer);
      throw e;
    }
    return new Written(id, data.elementType(), data.length(), pointer);
  }

  @Override
  public void release(long id) {
    Written written;
    synchronized (this) {
      handleObjects.remove(id);
      written = handles.remove(id);
      if (written == null) {
        return;
      }
    }
    deleteQuietly(written.file());
  }

  /** Deletes every file and the directory (if its own); later references fail. Idempotent. */
  public void close() {
    Map<Long, SharedData> attached;
    List<Written> files = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      files.addAll(handles.values());
      files.addAll(arrays.values());
      attached = new HashMap<>(handleObjects);
      handleObjects.clear();
      handles.clear();
      arrays.clear();
    }
    for (SharedData data : attached.values()) {
      SharedAccess.detach(data, this);
    }
    if (ownsDirectory) {
      deleteDirectory(directory);
      DeleteAtExit.remove(this);
    } else {
      for (Written written : files) {
        deleteQuietly(written.file());
      }
      releaseReuseDirectory();
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // deleted with the directory when the pool closes
    }
  }

  @Override
  public String toString() {
    return "SharedFiles[" + directory + "]";
  }

  /**
   * The shutdown hook that deletes the directories of pools still open when the JVM exits,
   * registered with the first open directory and removed with the last. Its static state is guarded
   * by DeleteAtExit.class.
   */
  private static final class DeleteAtExit extends Thread {
    private static final Set<SharedFiles> OPEN = new HashSet<>();
    private static DeleteAtExit hook;
    private static boolean exiting;

    DeleteAtExit() {
      super("parallelizable-shared-cleanup");
    }

    static synchronized void add(SharedFiles files) {
      if (hook == null && !exiting) {
        DeleteAtExit added = new DeleteAtExit();
        try {
          Runtime.getRuntime().addShutdownHook(added);
          hook = added;
        } catch (IllegalStateException e) {
          // The JVM is exiting: the directory outlives it, and the next JVM's first pool sweeps it.
        }
      }
      OPEN.add(files);
    }

    static synchronized void remove(SharedFiles files) {
      if (!OPEN.remove(files) || !OPEN.isEmpty() || hook == null || exiting) {
        return;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs and finds nothing to delete
      }
      hook = null;
    }

    @Override
    public void run() {
      List<SharedFiles> open;
      synchronized (DeleteAtExit.class) {
        exiting = true;
        open = List.copyOf(OPEN);
      }
      for (SharedFiles files : open) {
        deleteDirectory(files.directory);
      }
    }
  }
}
