package dev.parallelizable.internal.cache;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Outcome;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.ProgressListener;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.ArgumentMaps;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.InputPositions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A pool that looks every task up in a cache before it submits it to the pool it wraps, and
 * stores each successful result when it arrives (and each failure the task threw, if the cache
 * stores failures).
 *
 * <p>{@code map} builds and keys every task in the calling thread first (so an argument the codec
 * cannot encode fails the call before anything runs), then sends only the misses, in one {@code
 * imap} of the wrapped pool, in input order, storing each result as it comes; a generated map
 * ({@link #mapArguments}) does the same with each input keyed from itself and no task built, its
 * misses sent as a generated map of the wrapped pool ({@link ArgumentMaps}). The lazy maps ({@code
 * imap}, {@code imapUnordered} and their outcome forms) read and key their inputs a window at a
 * time and send each window's misses as one lazy map of the wrapped pool ({@link Windows}). So
 * misses are cut into chunks, and batched, as any map's are. {@code applyAsync} sends its miss on
 * its own. Lifecycle, listeners and size are the wrapped pool's: closing this view closes it. A hit
 * reaches no listener and no count of {@link #stats()}.
 *
 * <p>Thread-safe.
 */
public final class CachingPool implements Pool, ArgumentMaps {
  private final CacheCore cache;
  private final Pool pool;
  private final ExecutorService callbacks;
  /** Misses whose result is not stored yet; guarded by this view's lock, which join waits on. */
  private int storing;

  /**
   * A view of {@code pool} through {@code cache}.
   *
   * @param cache the cache
   * @param pool the pool that runs the misses
   */
  public CachingPool(CacheCore cache, Pool pool) {
    this.cache = cache;
    this.pool = pool;
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0,
            1,
            2,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "parallelizable-cache-callbacks");
              thread.setDaemon(true);
              return thread;
            });
    this.callbacks = executor;
  }

  /** A hit must not succeed where the wrapped pool would refuse the call. */
  private void checkAccepting() {
    if (pool.isShutdown()) {
      throw new IllegalStateException(pool + " was shut down; create a new pool to run more tasks");
    }
  }

  @Override
  public <R> AsyncResult<R> applyAsync(Task<R> task) {
    AbstractPool.checkTask(task);
    checkAccepting();
    return submit(cache.key(task));
  }

  private <R> CachedResult<R> submit(CacheCore.Keyed<R> keyed) {
    CacheCore.Lookup<R> found = cache.lookup(keyed);
    if (found.hit()) {
      CompletableFuture<R> done =
          found.failure() == null
              ? CompletableFuture.completedFuture(found.value())
              : CompletableFuture.failedFuture(found.failure());
      return new CachedResult<>(done, null, callbacks);
    }
    AsyncResult<R> pending = pool.applyAsync(keyed.task());
    CompletableFuture<R> stored = new CompletableFuture<>();
    storing(1);
    stored.whenComplete((value, failure) -> storing(-1));
    pending
        .toCompletableFuture()
        .whenComplete(
            (value, failure) -> {
              if (failure != null) {
                Throwable cause = CachedResult.rethrown(failure);
                cache.storeFailure(keyed, cause);
                stored.completeExceptionally(cause);
                return;
              }
              try {
                cache.storeValue(keyed, value);
                stored.complete(value);
              } catch (IllegalArgumentException unencodable) {
                stored.completeExceptionally(new TaskFailedException(keyed.task(), unencodable));
              }
            });
    return new CachedResult<>(stored, pending, callbacks);
  }

  @Override
  public <T, R> List<R> map(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    checkAccepting();
    List<CacheCore.Keyed<R>> keyed = new ArrayList<>();
    for (T input : inputs) {
      if (pool.isShutdown()) {
        throw notRun(); // an endless input ends here, as a map on the pool itself does
      }
      keyed.add(cache.key(task(toTask, input)));
    }
    return mapThrough(keyed, misses -> {
      List<Task<R>> tasks = new ArrayList<>(misses.size());
      for (int index : misses) {
        tasks.add(keyed.get(index).task());
      }
      return pool.imap(Function.identity(), tasks, chunkSize);
    });
  }

  /**
   * A generated map through the cache: each input is keyed from itself as the method's one
   * argument, with no task built; the misses run as a generated map on the wrapped pool, which
   * takes them as its batch's column.
   */
  @Override
  public <T, R> List<R> mapArguments(
      TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    AbstractPool.checkMapArguments(toTask, inputs, 1);
    checkAccepting();
    List<T> read = new ArrayList<>(inputs instanceof Collection<?> c ? c.size() : 16);
    List<CacheCore.Keyed<R>> keyed = new ArrayList<>(read.size());
    for (T input : inputs) {
      if (pool.isShutdown()) {
        throw notRun();
      }
      read.add(input);
      keyed.add(cache.key(method, input, () -> method.bind(input))); // named as the pool names a row
    }
    return mapThrough(keyed, misses -> {
      List<T> missed = new ArrayList<>(misses.size());
      for (int index : misses) {
        missed.add(read.get(index));
      }
      ArgumentMaps ours = ArgumentMaps.behind(pool);
      return ours != null ? ours.imapArguments(method, toTask, missed) : pool.imap(toTask, missed);
    });
  }

  @Override
  public <T, R> ResultIterator<R> imapArguments(
      TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    AbstractPool.checkMapArguments(toTask, inputs, 1);
    return new Windows<>(method, toTask, inputs.iterator(), true, false, 0);
  }

  /**
   * The results of the calls {@code keyed}, in order: hits from the cache, misses from {@code
   * run}, given their indices, each stored as it is read. Up to the first call whose failure is
   * cached, if any, which is then thrown; a miss that fails stores its failure (if the cache keeps
   * failures) and is thrown.
   */
  private <R> List<R> mapThrough(
      List<CacheCore.Keyed<R>> keyed, Function<List<Integer>, ResultIterator<R>> run) {
    List<R> results = new ArrayList<>(keyed.size());
    List<Integer> misses = new ArrayList<>();
    int firstCachedFailure = keyed.size();
    TaskFailedException cachedFailure = null;
    for (int i = 0; i < keyed.size(); i++) {
      CacheCore.Lookup<R> found = i < firstCachedFailure ? cache.lookup(keyed.get(i)) : null;
      results.add(found != null && found.hit() ? found.value() : null);
      if (found == null) {
        continue;
      }
      if (!found.hit()) {
        misses.add(i);
      } else if (found.failure() != null) {
        firstCachedFailure = i;
        cachedFailure = found.failure();
      }
    }
    int limit = firstCachedFailure;
    misses.removeIf(index -> index >= limit);
    if (!misses.isEmpty()) {
      try (ResultIterator<R> computed = run.apply(misses)) {
        for (int index : misses) {
          CacheCore.Keyed<R> miss = keyed.get(index);
          R value;
          try {
            value = computed.next();
          } catch (TaskFailedException failure) {
            cache.storeFailure(miss, failure);
            throw failure;
          }
          try {
            cache.storeValue(miss, value);
          } catch (IllegalArgumentException unencodable) {
            throw new TaskFailedException(miss.task(), unencodable);
          }
          results.set(index, value);
        }
      }
    }
    if (cachedFailure != null) {
      throw cachedFailure;
    }
    return results;
  }

  private static <T, R> Task<R> task(Function<? super T, Task<R>> toTask, T input) {
    Task<R> task;
    try {
      task = toTask.apply(input);
    } catch (Throwable e) {
      // Whatever it threw, undeclared checked exceptions included (Kotlin, Lombok's @SneakyThrows).
      throw Chunk.unbuilt(input, e);
    }
    if (task == null) {
      throw Chunk.unbuilt(input, new NullPointerException("toTask returned null"));
    }
    return task;
  }

  @Override
  public <T, R> ResultIterator<R> imap(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    return new Windows<>(null, toTask, inputs.iterator(), true, false, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<R> imapUnordered(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    return new Windows<>(null, toTask, inputs.iterator(), false, false, chunkSize);
  }

  @Override
  public <T, R> List<Outcome<R>> mapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    List<Outcome<R>> outcomes = new ArrayList<>();
    try (ResultIterator<Outcome<R>> iterator = imapOutcomes(toTask, inputs, chunkSize)) {
      iterator.forEachRemaining(outcomes::add);
    }
    return outcomes;
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    return new Windows<>(null, toTask, inputs.iterator(), true, true, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapUnorderedOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    return new Windows<>(null, toTask, inputs.iterator(), false, true, chunkSize);
  }

  /**
   * The inputs a lazy map reads ahead at a time: enough for two chunks per worker, at least 64.
   *
   * @param chunkSize the map's chunk size, 0 if the pool chooses
   */
  private int windowSize(int chunkSize) {
    long chunks = 2L * pool.size() * Math.max(1, chunkSize);
    return (int) Math.min(MAX_WINDOW, Math.max(Math.max(64, 8L * pool.size()), chunks));
  }

  /** The most inputs a window holds, whatever the chunk size: what one map of misses may hold. */
  private static final int MAX_WINDOW = 1 << 16;

  /**
   * The iterator of every lazy map of this view ({@code imap}, {@code imapUnordered}, their outcome
   * forms and the generated map's lazy form). It reads the inputs a window at a time ({@link
   * #windowSize}), keys each, answers the hits from the cache, and runs the window's misses as one
   * lazy map of the wrapped pool, which cuts them into chunks as it does any map's; two windows are
   * in flight, the one being read and the next. Ordered, it yields in input order; unordered, a
   * window's hits first, then its misses as they complete, window after window. Each miss is stored
   * when it is read from the wrapped pool's map.
   *
   * <p>Without outcomes, the map ends at the first failure: an input whose task cannot be built or
   * keyed, or whose failure is cached, ends the reading and is thrown in its place; a miss that
   * fails stores its failure (if the cache keeps failures) and is thrown. With outcomes, every
   * input gives one, hit or miss, failures included.
   *
   * <p>For the thread that iterates only, as every {@link ResultIterator}; closing it cancels the
   * wrapped pool's maps in flight.
   *
   * @param <V> what it yields: {@code R}, or {@code Outcome<R>} with outcomes
   */
  private final class Windows<T, R, V> implements ResultIterator<V>, InputPositions {
    private final TaskMethod<R> method;
    private final Function<? super T, Task<R>> toTask;
    private final Iterator<? extends T> inputs;
    private final boolean ordered;
    private final boolean outcomes;
    private final int chunkSize;
    private final int windowSize;
    private final ArrayDeque<Window> windows = new ArrayDeque<>(2);
    private long read;
    private long lastPosition = -1;
    private boolean closed;
    /** Set once the map without outcomes met a failure while reading: no input after it is read. */
    private boolean ended;

    /**
     * @param method the method whose one argument each input is (a generated map), or null if
     *     {@code toTask} builds each task
     */
    Windows(TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterator<? extends T> inputs,
        boolean ordered, boolean outcomes, int chunkSize) {
      checkAccepting();
      this.method = method;
      this.toTask = toTask;
      this.inputs = inputs;
      this.ordered = ordered;
      this.outcomes = outcomes;
      this.chunkSize = chunkSize;
      this.windowSize = windowSize(chunkSize);
      if (outcomes) {
        fill(); // the first calls are under way when the map returns, as on the pool itself
      }
    }

    private void fill() {
      try {
        while (!closed && !ended && windows.size() < 2 && inputs.hasNext()) {
          windows.add(readWindow());
        }
      } catch (RuntimeException refused) {
        close(); // the inputs' own failure, or the wrapped pool's refusal: what is in flight is cancelled
        throw refused;
      }
    }

    /** Reads, keys and looks up the next window of inputs, and starts the map of its misses. */
    private Window readWindow() {
      Window window = new Window(read);
      List<Object> missed = new ArrayList<>();
      while (window.answers.size() < windowSize && !ended && inputs.hasNext()) {
        if (pool.isShutdown()) {
          throw notRun(); // an endless input ends here, as a map on the pool itself does
        }
        T input = inputs.next();
        read++;
        Object key = key(input);
        if (key instanceof Failed failed) {
          window.answers.add(failed);
          ended = !outcomes;
          continue;
        }
        @SuppressWarnings("unchecked")
        CacheCore.Keyed<R> keyed = (CacheCore.Keyed<R>) key;
        CacheCore.Lookup<R> found = cache.lookup(keyed);
        if (!found.hit()) {
          window.answers.add(MISS);
          window.keyed.add(keyed);
          window.misses.add(window.answers.size() - 1);
          missed.add(method != null ? input : keyed.task());
        } else if (found.failure() != null) {
          window.answers.add(new Failed(found.failure()));
          ended = !outcomes; // what follows a cached failure would not run on the pool either
        } else {
          window.answers.add(found.value());
        }
      }
      if (!missed.isEmpty()) {
        try {
          window.computed = run(missed);
        } catch (IllegalStateException refused) {
          throw notRun(refused);
        }
      }
      return window;
    }

    /**
     * The key of {@code input}'s call, or the {@link Failed failure} of building or keying it: a
     * failure to build is worded by the wrapped pool with outcomes ({@link #unbuilt}), as {@link
     * Chunk#unbuilt} words it without.
     */
    private Object key(T input) {
      Task<R> task = null;
      if (method == null && outcomes) {
        try {
          task = toTask.apply(input);
        } catch (Throwable e) {
          return new Failed(unbuilt(input, e));
        }
        if (task == null) {
          return new Failed(unbuilt(input, null));
        }
      }
      try {
        if (method != null) {
          return cache.key(method, input, () -> method.bind(input)); // named as the pool names a row
        }
        return cache.key(task != null ? task : task(toTask, input));
      } catch (ParallelException failure) {
        return new Failed(failure);
      } catch (IllegalArgumentException unencodable) {
        return new Failed(outcomes
            ? new TaskFailedException("toTask(" + CacheCore.describeInput(input) + ")", unencodable)
            : unencodable);
      }
    }

    /** The wrapped pool's lazy map of a window's misses: tasks, or a generated map's inputs. */
    @SuppressWarnings("unchecked")
    private ResultIterator<?> run(List<Object> missed) {
      if (method != null) {
        List<T> arguments = (List<T>) missed;
        ArgumentMaps ours = ArgumentMaps.behind(pool);
        return ours != null ? ours.imapArguments(method, toTask, arguments) : pool.imap(toTask, arguments);
      }
      List<Task<R>> tasks = (List<Task<R>>) (List<?>) missed;
      if (ordered) {
        return outcomes
            ? pool.imapOutcomes(Function.identity(), tasks, chunkSize)
            : pool.imap(Function.identity(), tasks, chunkSize);
      }
      // An unordered miss is stored under its own key: its position comes with its result from a
      // pool of the runtime, and with its outcome from any other.
      if (!outcomes && ArgumentMaps.behind(pool) != null) {
        ResultIterator<R> results = pool.imapUnordered(Function.identity(), tasks, chunkSize);
        if (results instanceof InputPositions) {
          return results;
        }
        results.close();
      }
      return pool.imapUnorderedOutcomes(Function.identity(), tasks, chunkSize);
    }

    @Override
    public boolean hasNext() {
      while (!windows.isEmpty() && windows.peek().finished()) {
        windows.poll();
      }
      fill();
      return !windows.isEmpty() && !windows.peek().finished();
    }

    @Override
    public V next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      try {
        return windows.peek().next();
      } catch (RuntimeException failure) {
        close();
        throw failure;
      }
    }

    @Override
    public long lastPosition() {
      return lastPosition;
    }

    @Override
    public void close() {
      closed = true;
      for (Window window : windows) {
        if (window.computed != null) {
          window.computed.close();
        }
      }
      windows.clear();
    }

    /**
     * Consecutive inputs from {@code start}: what the cache answered for each, and the wrapped
     * pool's map of the rest.
     */
    private final class Window {
      final long start;
      /** Per input: its cached value, a {@link Failed} known without running it, or {@link #MISS}. */
      final List<Object> answers = new ArrayList<>();
      /** The indices of the misses, in input order, and their keys. */
      final List<Integer> misses = new ArrayList<>();
      final List<CacheCore.Keyed<R>> keyed = new ArrayList<>();
      /** The wrapped pool's map of the misses; null if there are none. */
      ResultIterator<?> computed;
      /** Ordered: the next input to yield. Unordered: the next input whose known answer to yield. */
      int next;
      /** The misses yielded. */
      int missesRead;

      Window(long start) {
        this.start = start;
      }

      boolean finished() {
        return next >= answers.size() && (ordered || missesRead >= misses.size());
      }

      V next() {
        if (!ordered) {
          while (next < answers.size() && answers.get(next) == MISS) {
            next++;
          }
          if (next < answers.size()) {
            return answer(next++);
          }
          return computed();
        }
        int index = next++;
        return answers.get(index) != MISS ? answer(index) : computed();
      }

      /** What the cache gave for input {@code index}, or the failure met before running it. */
      @SuppressWarnings("unchecked")
      private V answer(int index) {
        Object answer = answers.get(index);
        lastPosition = start + index;
        if (!outcomes) {
          if (answer instanceof Failed failed) {
            throw failed.failure();
          }
          return (V) answer;
        }
        return (V) (answer instanceof Failed failed
            ? Outcome.failure(start + index, (ParallelException) failed.failure())
            : Outcome.success(start + index, answer));
      }

      /**
       * The next result of the misses' map, stored: ordered, the next miss in input order;
       * unordered, the next to complete, which its outcome's position names.
       */
      @SuppressWarnings("unchecked")
      private V computed() {
        int order = missesRead++;
        if (!outcomes && (ordered || computed instanceof InputPositions)) {
          R value;
          try {
            value = ((ResultIterator<R>) computed).next();
          } catch (TaskFailedException failure) {
            long miss = ordered ? order : ((InputPositions) computed).lastPosition();
            if (miss >= 0 && miss < keyed.size()) {
              cache.storeFailure(keyed.get((int) miss), failure);
            }
            throw failure;
          }
          int miss = ordered ? order : (int) ((InputPositions) computed).lastPosition();
          lastPosition = start + misses.get(miss);
          return (V) stored(keyed.get(miss), value);
        }
        Outcome<R> outcome = ((ResultIterator<Outcome<R>>) computed).next();
        int miss = (int) outcome.position();
        CacheCore.Keyed<R> key = keyed.get(miss);
        long position = start + misses.get(miss);
        lastPosition = position;
        ParallelException failure = outcome.failure();
        if (failure == null) {
          try {
            R value = stored(key, outcome.value());
            return (V) (outcomes ? Outcome.success(position, value) : value);
          } catch (TaskFailedException unencodable) {
            failure = unencodable;
          }
        } else {
          cache.storeFailure(key, failure);
        }
        if (!outcomes) {
          throw failure;
        }
        return (V) Outcome.failure(position, failure);
      }

      private R stored(CacheCore.Keyed<R> key, R value) {
        try {
          cache.storeValue(key, value);
        } catch (IllegalArgumentException unencodable) {
          throw new TaskFailedException(key.task(), unencodable);
        }
        return value;
      }
    }
  }

  /** A window's answer for an input whose call fails without running, or whose failure is cached. */
  private record Failed(RuntimeException failure) {}

  /** A window's answer for an input the cache does not hold. */
  private static final Object MISS = new Object();

  /**
   * The outcome of an input whose task could not be built ({@code thrown}, or null if the function
   * returned null): the wrapped pool is given the input, so that it words the failure and counts
   * the input in its stats as any map of it would; the function is not called again.
   */
  private ParallelException unbuilt(Object input, Throwable thrown) {
    try {
      List<Outcome<Object>> outcome = pool.mapOutcomes(x -> {
        if (thrown != null) {
          throw CachingPool.<RuntimeException>rethrow(thrown);
        }
        return null;
      }, Collections.singletonList(input), 1);
      return outcome.get(0).failure();
    } catch (IllegalStateException refused) {
      throw notRun(refused);
    }
  }

  @SuppressWarnings("unchecked") // rethrows the function's own throwable, checked or not, unwrapped
  private static <E extends Throwable> RuntimeException rethrow(Throwable thrown) throws E {
    throw (E) thrown;
  }

  /**
   * The end of a map whose next input the wrapped pool refused, because it was shut down or
   * terminated while the map read its inputs; what was submitted before completes (or is
   * cancelled by the terminate) as it does on the pool itself.
   */
  private TaskCancelledException notRun(IllegalStateException refused) {
    if (!pool.isShutdown()) {
      throw refused;
    }
    return notRun();
  }

  private TaskCancelledException notRun() {
    return new TaskCancelledException(
        "Not run: " + pool + " was shut down or terminated while the map read its inputs");
  }

  @Override
  public void addProgressListener(ProgressListener listener) {
    pool.addProgressListener(listener);
  }

  @Override
  public void removeProgressListener(ProgressListener listener) {
    pool.removeProgressListener(listener);
  }

  /** The wrapped pool's: a hit is never submitted to it, so it is in no count. */
  /** The wrapped pool's stats, under this view's name: hits are not counted (nothing ran). */
  @Override
  public PoolStats stats() {
    PoolStats s = pool.stats();
    return new PoolStats(toString(), s.name(), s.size(), s.submitted(), s.queued(), s.running(), s.completed(),
        s.failed(), s.cancelled(), s.workersStarted(), s.workersLost(), s.workersReplaced(), s.workers());
  }

  @Override
  public int size() {
    return pool.size();
  }

  /** The wrapped pool's: this view has the same stats, so it is the same pool to a metrics system. */
  @Override
  public String name() {
    return pool.name();
  }

  @Override
  public void shutdown() {
    pool.shutdown();
  }

  /** Returns once the wrapped pool has stopped and every result it gave has been stored. */
  @Override
  public void join() {
    pool.join();
    boolean interrupted = false;
    synchronized (this) {
      while (storing > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // join() is not interruptible on any pool: keep waiting, then restore
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void storing(int change) {
    storing += change;
    if (storing == 0) {
      notifyAll();
    }
  }

  @Override
  public void terminate() {
    pool.terminate();
  }

  @Override
  public boolean isShutdown() {
    return pool.isShutdown();
  }

  @Override
  public String toString() {
    return "cached(" + pool + ", " + cache.directory() + ")";
  }
}
