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
import dev.parallelizable.WaitInterruptedException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.ArgumentMaps;
import dev.parallelizable.internal.Chunk;
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
 * misses sent as a generated map of the wrapped pool ({@link ArgumentMaps}). {@code imap} and
 * {@code imapUnordered} read inputs lazily, keep up to {@link #lookAhead()} calls in flight, and
 * submit each miss on its own. Lifecycle, listeners and size are the wrapped pool's: closing this
 * view closes it. A hit reaches no listener and no count of {@link #stats()}.
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

  private int lookAhead() {
    return Math.max(16, 4 * pool.size());
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
      return pool instanceof ArgumentMaps ours
          ? ours.imapArguments(method, toTask, missed)
          : pool.imap(toTask, missed);
    });
  }

  @Override
  public <T, R> ResultIterator<R> imapArguments(
      TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return imap(toTask, inputs);
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
    return new LookAhead<>(toTask, inputs.iterator(), true, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<R> imapUnordered(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    return new LookAhead<>(toTask, inputs.iterator(), false, chunkSize);
  }

  /**
   * The iterator of {@code imap} and {@code imapUnordered}: keeps up to {@link #lookAhead()} calls
   * in flight. Ordered, it returns the oldest; unordered, the first that is done (a hit at once).
   * For the thread that iterates only, as every {@link ResultIterator}; closing it cancels the
   * calls in flight.
   */
  private final class LookAhead<T, R> implements ResultIterator<R> {
    private final Function<? super T, Task<R>> toTask;
    private final Iterator<? extends T> inputs;
    private final boolean ordered;
    private final ArrayDeque<CachedResult<R>> inFlight = new ArrayDeque<>();
    private boolean closed;
    /** Set once an input's task could not be built: the map ends there, no input after it is read. */
    private boolean failed;

    LookAhead(Function<? super T, Task<R>> toTask, Iterator<? extends T> inputs, boolean ordered, int chunkSize) {
      checkAccepting();
      this.toTask = toTask;
      this.inputs = inputs;
      this.ordered = ordered;
    }

    private void fill() {
      while (!closed && !failed && inFlight.size() < lookAhead() && inputs.hasNext()) {
        CacheCore.Keyed<R> keyed;
        try {
          keyed = cache.key(task(toTask, inputs.next()));
        } catch (TaskFailedException unbuilt) {
          // Thrown where it is read, after the results before it, as on the pool itself.
          inFlight.add(new CachedResult<>(CompletableFuture.failedFuture(unbuilt), null, callbacks));
          failed = true;
          return;
        }
        try {
          inFlight.add(submit(keyed));
        } catch (IllegalStateException refused) {
          throw notRun(refused);
        }
      }
    }

    @Override
    public boolean hasNext() {
      fill();
      return !inFlight.isEmpty();
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      CachedResult<R> next = ordered ? inFlight.poll() : firstDone();
      try {
        return next.get();
      } catch (RuntimeException failure) {
        close();
        throw failure;
      }
    }

    private CachedResult<R> firstDone() {
      while (true) {
        for (Iterator<CachedResult<R>> it = inFlight.iterator(); it.hasNext(); ) {
          CachedResult<R> result = it.next();
          if (result.ready()) {
            it.remove();
            return result;
          }
        }
        CompletableFuture.anyOf(
                inFlight.stream().map(CachedResult::toCompletableFuture).toArray(CompletableFuture[]::new))
            .exceptionally(failure -> null)
            .join();
      }
    }

    @Override
    public void close() {
      closed = true;
      inFlight.forEach(CachedResult::cancel);
      inFlight.clear();
    }
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
    return new OutcomeLookAhead<>(toTask, inputs.iterator(), true, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapUnorderedOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    return new OutcomeLookAhead<>(toTask, inputs.iterator(), false, chunkSize);
  }

  /**
   * The iterator of the maps that keep going: as {@link LookAhead}, but each input gives an {@link
   * Outcome}, hit or miss, and a failure (building or keying the task included) is that input's
   * outcome rather than the end of the iteration.
   */
  private final class OutcomeLookAhead<T, R> implements ResultIterator<Outcome<R>> {
    private final Function<? super T, Task<R>> toTask;
    private final Iterator<? extends T> inputs;
    private final boolean ordered;
    private final ArrayDeque<Pending<R>> inFlight = new ArrayDeque<>();
    private long read;
    private boolean closed;

    OutcomeLookAhead(
        Function<? super T, Task<R>> toTask, Iterator<? extends T> inputs, boolean ordered, int chunkSize) {
      checkAccepting();
      this.toTask = toTask;
      this.inputs = inputs;
      this.ordered = ordered;
      fill(); // the first calls are under way when the map returns, as on the pool itself
    }

    private void fill() {
      while (!closed && inFlight.size() < lookAhead() && inputs.hasNext()) {
        T input = inputs.next();
        long position = read++;
        Task<R> task;
        try {
          task = toTask.apply(input);
        } catch (Throwable e) {
          inFlight.add(new Pending<>(position, null, unbuilt(input, e)));
          continue;
        }
        if (task == null) {
          inFlight.add(new Pending<>(position, null, unbuilt(input, null)));
          continue;
        }
        try {
          inFlight.add(new Pending<>(position, submit(cache.key(task)), null));
        } catch (TaskFailedException failure) {
          inFlight.add(new Pending<>(position, null, failure));
        } catch (IllegalArgumentException unencodable) {
          inFlight.add(new Pending<>(position, null,
              new TaskFailedException("toTask(" + CacheCore.describeInput(input) + ")", unencodable)));
        } catch (IllegalStateException refused) {
          throw notRun(refused);
        }
      }
    }

    @Override
    public boolean hasNext() {
      fill();
      return !inFlight.isEmpty();
    }

    @Override
    public Outcome<R> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Pending<R> next = ordered ? inFlight.poll() : firstDone();
      if (next.failure() != null) {
        return Outcome.failure(next.position(), next.failure());
      }
      try {
        return Outcome.success(next.position(), next.result().get());
      } catch (WaitInterruptedException interrupted) {
        throw interrupted;
      } catch (ParallelException failure) {
        return Outcome.failure(next.position(), failure);
      }
    }

    private Pending<R> firstDone() {
      while (true) {
        for (Iterator<Pending<R>> it = inFlight.iterator(); it.hasNext(); ) {
          Pending<R> pending = it.next();
          if (pending.result() == null || pending.result().ready()) {
            it.remove();
            return pending;
          }
        }
        CompletableFuture.anyOf(
                inFlight.stream().map(p -> p.result().toCompletableFuture()).toArray(CompletableFuture[]::new))
            .exceptionally(failure -> null)
            .join();
      }
    }

    @Override
    public void close() {
      closed = true;
      inFlight.stream().filter(p -> p.result() != null).forEach(p -> p.result().cancel());
      inFlight.clear();
    }
  }

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

  /** One input in flight: its position, and its pending result or the failure it already has. */
  private record Pending<R>(long position, CachedResult<R> result, ParallelException failure) {}

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
