package dev.parallelizable;

import dev.parallelizable.internal.cache.CacheCore;
import dev.parallelizable.internal.cache.CachingPool;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Results of {@code @Parallelizable} methods kept on disk, so that a call made before, with the same
 * arguments, to the same version of the method, does not run again (joblib's {@code Memory}). Use it
 * with any pool through the view {@link #on(Pool)}:
 *
 * <pre>{@code
 * ResultCache cache = ResultCache.open(Path.of("build/cache"));
 * try (Pool pool = cache.on(Parallel.processes(4))) {
 *   // only the misses reach a worker; each result is stored as it arrives
 *   List<Double> errors = pool.map(v -> OscillatorParallel.error(v, steps), candidates);
 * }
 * }</pre>
 *
 * <p><b>Keys.</b> An entry's key is the method (declaring class and {@linkplain TaskMethod#key()
 * key}), its {@linkplain TaskMethod#fingerprint() fingerprint}, and the arguments as the codec
 * encodes them. The annotation processor computes the fingerprint from the method's declaration and
 * body, so editing the method makes its old entries misses without anything to clear, while a
 * rebuild that leaves it unchanged keeps them. The fingerprint does not see what the method calls or
 * reads (other methods, fields, constants of other classes, library versions): after changing those,
 * {@link #clear()} the cache. A method with no fingerprint (compiled where the processor could read
 * no source tree) is keyed by a hash of its declaring class's class file instead, so recompiling an
 * edited class misses too; if that file cannot be read either, the method is not cached: every call
 * runs, nothing is stored, and a WARNING is logged once per method. Arguments that are equal but
 * encode differently miss.
 *
 * <p><b>Hits and misses.</b> A hit returns the stored value without submitting anything: no worker
 * runs it and no {@link ProgressListener} hears of it. A miss is submitted to the wrapped pool; its
 * result is stored when it arrives, then returned. A task's own exception is stored only if the
 * cache was built with {@link Builder#cacheFailures(boolean) cacheFailures(true)}, and a hit on it
 * throws a new {@link TaskFailedException} with the stored exception as its cause. A crash ({@link
 * WorkerCrashedException}), a timeout, a cancellation or {@link Pool#terminate()} stores nothing, so
 * the next call runs again.
 *
 * <p><b>Encoding.</b> Arguments are encoded in the calling thread before anything is submitted: one
 * the codec cannot encode fails the call ({@code applyAsync}, {@code map}) with an {@link
 * IllegalArgumentException} naming the method and the parameter. A result that cannot be encoded
 * fails that call with a {@link TaskFailedException} whose cause names the method.
 *
 * <p><b>On disk.</b> One file per entry under {@link #directory()}, written to a temporary file,
 * forced to disk and moved into place atomically, with a header (format version, key hash, length,
 * checksum). Any number of threads, worker JVMs and application processes may share one directory:
 * a reader sees a whole entry or none, and an entry that is truncated or garbled is a miss, deleted
 * and replaced by the next store. When the entries exceed {@link Builder#maxBytes(long)}, the least
 * recently used are deleted (a hit updates the file's modification time). A failure to write an
 * entry (disk full, say) does not fail the call: it is counted in {@link Stats#storeFailures()} and
 * logged once per cache (WARNING, logger {@code dev.parallelizable.cache}).
 *
 * <p><b>What it touches.</b> The directory is resolved when the cache is opened (a symbolic link
 * naming it is followed then, once). Inside it, the cache reads, counts toward the limit, evicts and
 * deletes only its own files: regular files with the names it gives entries, in the subdirectories
 * it creates. It never follows a symbolic link inside the directory and leaves everything else
 * alone, so links there to folders or files of the user's never lose them. An entry is checked to
 * be a regular file before it is opened and read with a bound taken from its header: an entry that
 * is a link, a FIFO or a device, one grown beyond what its header says or beyond the limit, or one
 * deleted while it is looked up, is a miss (never an exception, never a wait), and the next store
 * of its key replaces it.
 *
 * <p><b>Thread safety.</b> Thread-safe; one instance, and the views it hands out, may be used from
 * any number of threads. Results of {@link Pool#applyAsync} on a view run their callbacks one at a
 * time on the view's own callback thread, never in the thread that adds them, hits included.
 */
public final class ResultCache {
  /** The size limit of {@link #open(Path)}: 1 GiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  private final CacheCore core;
  private final long maxBytes;

  private ResultCache(Builder builder) {
    this.core = new CacheCore(builder.directory, builder.maxBytes, builder.codec, builder.cacheFailures);
    this.maxBytes = builder.maxBytes;
  }

  /**
   * Opens the cache in {@code directory} with the defaults: a limit of {@link #DEFAULT_MAX_BYTES},
   * the default {@linkplain Codec#serialization() codec}, failures not stored.
   *
   * @param directory where the entries are kept; created if missing, and resolved once (links
   *     included) when the cache is opened
   * @return the cache
   * @throws java.io.UncheckedIOException if the directory cannot be created
   * @throws IllegalArgumentException if the directory is not writable
   */
  public static ResultCache open(Path directory) {
    return builder(directory).build();
  }

  /**
   * A builder for a cache in {@code directory}.
   *
   * @param directory where the entries are kept; created if missing, and resolved once (links
   *     included), when the cache is built
   * @return a new builder with the defaults of {@link #open(Path)}
   */
  public static Builder builder(Path directory) {
    return new Builder(Objects.requireNonNull(directory, "directory"));
  }

  /**
   * A view of {@code pool} that looks every task up in this cache first, submits only the misses to
   * {@code pool}, and stores their results. {@code map} sends all its misses in one {@code imap} of
   * {@code pool} (chunked as {@code pool} chooses), and a generated {@code ...Map} method keys each
   * input from itself and sends its misses as a generated map, which a pool of this library runs
   * from the inputs as its batch's column, with no task built per input; {@code imap} and {@code
   * imapUnordered} read their inputs lazily and submit misses one by one, a bounded number ahead.
   * Shutting down, joining, terminating or closing the view does so to {@code pool}, and {@code
   * join()} and {@code close()} return once every result of a miss is stored; a map that reads an
   * input after the pool was shut down or terminated ends with {@link TaskCancelledException}.
   * {@code size()} and progress listeners are {@code pool}'s, and {@code stats()} are its counts
   * under the view's name: a hit reaches neither. Failures of misses are {@code pool}'s, as its
   * documentation says.
   *
   * @param pool the pool that runs the misses; not null
   * @return a pool that runs through this cache
   */
  public Pool on(Pool pool) {
    return new CachingPool(core, Objects.requireNonNull(pool, "pool"));
  }

  /**
   * The stored result of {@code task}, without running it. Counts a hit or a miss.
   *
   * @param <R> the task's result type
   * @param task the call to look up; not null
   * @return the stored value (empty for a miss; a stored null also reads as empty)
   * @throws TaskFailedException if the cache stores failures and {@code task}'s is stored
   * @throws IllegalArgumentException if an argument cannot be encoded, naming the parameter
   */
  public <R> Optional<R> get(Task<R> task) {
    CacheCore.Lookup<R> found = core.lookup(core.key(Objects.requireNonNull(task, "task")));
    if (found.failure() != null) {
      throw found.failure();
    }
    return Optional.ofNullable(found.value());
  }

  /**
   * Deletes every entry in the directory, of every method, including those other processes stored.
   * Calls in flight may still store their results afterwards. Only the cache's own files are
   * deleted: links, and files it did not name, are left as they are.
   */
  public void clear() {
    core.clear();
  }

  /**
   * What the directory holds, per method and fingerprint, read from the entries' headers. Entries of
   * an older fingerprint stay until evicted or cleared; they show here beside the current ones.
   *
   * @return one line per method and fingerprint, sorted by method
   */
  public List<MethodEntries> inspect() {
    return core.inspect().stream()
        .map(m -> new MethodEntries(m.method(), m.fingerprint(), m.entries(), m.bytes()))
        .toList();
  }

  /**
   * This instance's counters since it was opened.
   *
   * @return a snapshot of the counters
   */
  public Stats stats() {
    long[] c = core.counters();
    return new Stats(c[0], c[1], c[2], c[3], c[4], c[5]);
  }

  /**
   * The directory of the entries, as resolved when the cache was opened: if the path it was opened
   * with is or goes through a symbolic link, the directory the link named then.
   *
   * @return the directory
   */
  public Path directory() {
    return core.directory();
  }

  /**
   * The size limit of the entries, in bytes.
   *
   * @return the limit
   */
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "ResultCache(" + core.directory() + ", max " + maxBytes + " bytes"
        + (core.cachesFailures() ? ", failures cached" : "") + ")";
  }

  /**
   * The entries of one version of one method.
   *
   * @param method the declaring class and key, e.g. {@code com.example.Cubes.cube(int)}
   * @param fingerprint the method's fingerprint when they were stored, or, for a method with none,
   *     {@code class:} and a hash of its class file
   * @param entries the number of entries
   * @param bytes their size on disk, headers included
   */
  public record MethodEntries(String method, String fingerprint, int entries, long bytes) {}

  /**
   * Counters of one {@link ResultCache} instance (not of other instances on the same directory).
   *
   * @param hits lookups that found an entry
   * @param misses lookups that found none, or a corrupt one
   * @param stores entries written
   * @param storeFailures entries that could not be written
   * @param evictions entries this instance deleted to stay within the limit
   * @param corrupt entries found truncated, garbled or undecodable, and deleted
   */
  public record Stats(
      long hits, long misses, long stores, long storeFailures, long evictions, long corrupt) {}

  /**
   * Builds a {@link ResultCache}. Not thread-safe; the cache it builds is.
   */
  public static final class Builder {
    private final Path directory;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private boolean cacheFailures;
    private Codec codec = Codec.serialization();

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * The size limit of the entries; beyond it the least recently used are deleted.
     *
     * @param maxBytes the limit, in bytes; positive
     * @return this builder
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Whether an exception a task throws is stored too, so that the call fails again without
     * running; off by default. Crashes, timeouts and cancellations are never stored.
     *
     * @param cacheFailures true to store the tasks' own exceptions
     * @return this builder
     */
    public Builder cacheFailures(boolean cacheFailures) {
      this.cacheFailures = cacheFailures;
      return this;
    }

    /**
     * The codec that encodes the arguments (for keys) and the stored values; {@link
     * Codec#serialization()} by default.
     *
     * @param codec the codec; not null
     * @return this builder
     */
    public Builder codec(Codec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Opens the cache.
     *
     * @return the cache
     * @throws java.io.UncheckedIOException if the directory cannot be created
     * @throws IllegalArgumentException if the directory is not writable
     */
    public ResultCache build() {
      return new ResultCache(this);
    }
  }
}
