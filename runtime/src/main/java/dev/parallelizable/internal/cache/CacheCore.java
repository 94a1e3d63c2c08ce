package dev.parallelizable.internal.cache;

import dev.parallelizable.Codec;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.Loggers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What a result cache does, for the public {@code ResultCache} and the pool view it hands out:
 * computes a task's key, looks it up, stores results and failures, and counts.
 *
 * <p>The key of a call is the SHA-256 of the method's declaring class, key and version (see {@link
 * MethodVersions}: its source fingerprint, or a digest of its class file), and each argument as the
 * codec encodes it (length first). Equal arguments that encode to different bytes (a hash set
 * filled in another order and grown differently, say) make different keys: a miss, never a wrong
 * hit. A method with no version is not cached: each of its calls is a miss, nothing is stored, and
 * the cache logs that once per method.
 *
 * <p>Thread-safe: the counters are adders, the store takes care of its own.
 */
public final class CacheCore {
  private static final System.Logger LOG = System.getLogger(Loggers.CACHE);
  private static final byte[] KEY_PREFIX = "parallelizable-cache-1\0".getBytes(StandardCharsets.UTF_8);

  private final EntryStore store;
  private final Codec codec;
  private final boolean cacheFailures;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder stores = new LongAdder();
  private final LongAdder storeFailures = new LongAdder();
  private final AtomicBoolean storeFailureLogged = new AtomicBoolean();
  private final Set<String> uncachedMethodsLogged = ConcurrentHashMap.newKeySet();

  /**
   * A call with its key computed: what it is looked up and stored under, and the version of its
   * method that the entry records (both null for a method that is not cached). Its task is built
   * only when it is asked for (to name the call in a message, or to run it): a call of a generated
   * map is keyed from its argument alone. Safe to read from any thread.
   */
  public static final class Keyed<R> {
    private final TaskMethod<R> method;
    private final Supplier<Task<R>> build;
    private volatile Task<R> task;
    private final byte[] hash;
    private final String version;

    Keyed(TaskMethod<R> method, Task<R> task, Supplier<Task<R>> build, byte[] hash, String version) {
      this.method = method;
      this.task = task;
      this.build = build;
      this.hash = hash;
      this.version = version;
    }

    /** The call's method. */
    public TaskMethod<R> method() {
      return method;
    }

    /** The call as a task, built on first use if it was keyed from its argument. */
    public Task<R> task() {
      Task<R> built = task;
      if (built == null) {
        built = build.get();
        task = built;
      }
      return built;
    }

    /** The key, or null if the method is not cached. */
    public byte[] hash() {
      return hash;
    }

    /** The version of the method the entry records, or null if the method is not cached. */
    public String version() {
      return version;
    }
  }

  /** What a lookup found: nothing, a value, or a failure that the task threw. */
  public record Lookup<R>(boolean hit, R value, TaskFailedException failure) {
    static <R> Lookup<R> miss() {
      return new Lookup<>(false, null, null);
    }
  }

  /** One method's entries on disk. */
  public record MethodCount(String method, String fingerprint, int entries, long bytes) {}

  /**
   * Opens the cache in {@code directory}.
   *
   * @param directory where the entries are; created if missing
   * @param maxBytes the size limit of the entries
   * @param codec encodes keys' arguments and stored values
   * @param cacheFailures whether a task's own exception is stored too
   */
  public CacheCore(Path directory, long maxBytes, Codec codec, boolean cacheFailures) {
    this.store = new EntryStore(directory, maxBytes);
    this.codec = codec;
    this.cacheFailures = cacheFailures;
  }

  /** Whether failures of the tasks themselves are stored. */
  public boolean cachesFailures() {
    return cacheFailures;
  }

  /** The cache's directory. */
  public Path directory() {
    return store.directory();
  }

  /**
   * The key of {@code task}; for a method with no version, a key that is never looked up or stored
   * (its arguments are not encoded).
   *
   * @throws IllegalArgumentException naming the method and the parameter if the codec cannot
   *     encode an argument
   */
  public <R> Keyed<R> key(Task<R> task) {
    Object[] arguments = new Object[task.argumentCount()];
    for (int a = 0; a < arguments.length; a++) {
      arguments[a] = task.argument(a);
    }
    return key(task.method(), arguments, task, null);
  }

  /**
   * The key of a call of {@code method} with the one argument {@code argument}, without its task;
   * {@code task} builds it if a message must name it.
   *
   * @throws IllegalArgumentException naming the method and the parameter if the codec cannot
   *     encode the argument
   */
  public <R> Keyed<R> key(TaskMethod<R> method, Object argument, Supplier<Task<R>> task) {
    return key(method, new Object[] {argument}, null, task);
  }

  private <R> Keyed<R> key(TaskMethod<R> method, Object[] arguments, Task<R> task, Supplier<Task<R>> build) {
    String version = MethodVersions.of(method).orElse(null);
    if (version == null) {
      logUncached(method);
      return new Keyed<>(method, task, build, null, null);
    }
    MessageDigest digest = sha256();
    digest.update(KEY_PREFIX);
    digest.update(identity(method).getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    digest.update(version.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    for (int a = 0; a < arguments.length; a++) {
      Object argument = arguments[a];
      bytes.reset();
      try {
        codec.encode(argument, bytes);
      } catch (IOException | RuntimeException | StackOverflowError e) {
        throw unencodable(task != null ? task : build.get(), a, argument, e);
      }
      digest.update(intBytes(bytes.size()));
      digest.update(bytes.toByteArray());
    }
    return new Keyed<>(method, task, build, digest.digest(), version);
  }

  private void logUncached(TaskMethod<?> method) {
    if (uncachedMethodsLogged.add(identity(method))) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Not caching {0}: the annotation processor computed no fingerprint of its source, and"
              + " its class file {1}.class cannot be read through the class loader of {2}, so an"
              + " edited method could not be told from the old one. Every call of it runs.",
          method,
          method.declaringClass().replace('.', '/'),
          method.invokerClassName());
    }
  }

  /** Looks {@code keyed} up, counting a hit or a miss. */
  public <R> Lookup<R> lookup(Keyed<R> keyed) {
    Lookup<R> found = find(keyed);
    (found.hit() ? hits : misses).increment();
    return found;
  }

  @SuppressWarnings("unchecked")
  private <R> Lookup<R> find(Keyed<R> keyed) {
    if (keyed.hash() == null) {
      return Lookup.miss();
    }
    EntryStore.Entry entry = store.read(keyed.hash());
    if (entry == null || (entry.failure() && !cacheFailures)) {
      return Lookup.miss();
    }
    ClassLoader loader = keyed.method().invoker().getClass().getClassLoader();
    Object decoded;
    try {
      decoded = codec.decode(new ByteArrayInputStream(entry.payload()), loader);
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      // A value of a class that changed or went away since it was stored: recompute it.
      store.drop(keyed.hash());
      return Lookup.miss();
    }
    if (entry.failure()) {
      if (!(decoded instanceof Throwable cause)) {
        store.drop(keyed.hash());
        return Lookup.miss();
      }
      return new Lookup<>(true, null, new TaskFailedException(keyed.task(), cause));
    }
    return new Lookup<>(true, (R) decoded, null);
  }

  /**
   * Encodes {@code value}, the result of {@code keyed}'s task, and stores it; does nothing for a
   * method that is not cached.
   *
   * @throws IllegalArgumentException naming the method if the codec cannot encode the value: the
   *     caller fails the call with it
   */
  public void storeValue(Keyed<?> keyed, Object value) {
    if (keyed.hash() == null) {
      return;
    }
    byte[] payload;
    try {
      payload = encode(value);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      TaskMethod<?> method = keyed.method();
      throw new IllegalArgumentException(
          String.format(
              "Cannot cache the result of %s: it is a %s, which %s cannot encode (%s). A cached"
                  + " method must return an encodable value: make the class Serializable, or call"
                  + " this method on the pool itself rather than through the cache",
              keyed.task(), value.getClass().getName(), codec, Describe.throwable(e)),
          e);
    }
    write(keyed, false, payload);
  }

  /**
   * Stores {@code failure} if failures are cached and it is the task's own exception (not a
   * crash, a timeout or a cancellation); otherwise does nothing.
   */
  public void storeFailure(Keyed<?> keyed, Throwable failure) {
    if (keyed.hash() == null
        || !cacheFailures
        || failure.getClass() != TaskFailedException.class
        || failure.getCause() == null) {
      return;
    }
    try {
      write(keyed, true, encode(failure.getCause()));
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // an exception that cannot be encoded is simply not cached; the caller still gets it
    }
  }

  private void write(Keyed<?> keyed, boolean failure, byte[] payload) {
    TaskMethod<?> method = keyed.method();
    try {
      store.write(keyed.hash(), failure, identity(method), keyed.version(), payload);
      stores.increment();
    } catch (IOException | RuntimeException e) {
      storeFailures.increment();
      if (storeFailureLogged.compareAndSet(false, true)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "Cannot write to the result cache in {0} ({1}); results are returned but not cached."
                + " Later failures of this cache are only counted.",
            store.directory(),
            Describe.throwable(e));
      }
    }
  }

  private byte[] encode(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    codec.encode(value, out);
    return out.toByteArray();
  }

  /** Deletes every entry. */
  public void clear() {
    store.clear();
  }

  /** The entries on disk per method and fingerprint, in method order. */
  public List<MethodCount> inspect() {
    Map<List<String>, long[]> counts = new LinkedHashMap<>();
    for (EntryStore.Listing listing : store.list()) {
      long[] count =
          counts.computeIfAbsent(List.of(listing.method(), listing.fingerprint()), k -> new long[2]);
      count[0]++;
      count[1] += listing.bytes();
    }
    List<MethodCount> result = new ArrayList<>();
    counts.forEach(
        (method, count) ->
            result.add(new MethodCount(method.get(0), method.get(1), (int) count[0], count[1])));
    result.sort(
        java.util.Comparator.comparing(MethodCount::method).thenComparing(MethodCount::fingerprint));
    return result;
  }

  /** Counters, in the order hits, misses, stores, store failures, evictions, corrupt entries. */
  public long[] counters() {
    return new long[] {
      hits.sum(), misses.sum(), stores.sum(), storeFailures.sum(), store.evictions(), store.corrupt()
    };
  }

  /** How entries name their method: {@code com.example.Cubes.cube(int)}. */
  public static String identity(TaskMethod<?> method) {
    return method.declaringClass() + '.' + method.key();
  }

  private static IllegalArgumentException unencodable(
      Task<?> task, int index, Object argument, Throwable problem) {
    TaskMethod<?> method = task.method();
    String parameter = Describe.parameter(method, index);
    return new IllegalArgumentException(
        String.format(
            "Cannot cache %s: %s of %s is a %s, which the cache's codec cannot encode (%s). The"
                + " arguments of a cached call are its key: make the class Serializable, pass"
                + " something that is (a path, an id, the data itself), or call this method on the"
                + " pool itself rather than through the cache",
            task, parameter, method, argument.getClass().getName(), Describe.throwable(problem)),
        problem);
  }

  private static byte[] intBytes(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }

  /** An input, described for a message. */
  static String describeInput(Object input) {
    return Describe.value(input);
  }
}
