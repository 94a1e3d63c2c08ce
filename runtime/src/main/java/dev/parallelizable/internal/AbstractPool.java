package dev.parallelizable.internal;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Outcome;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.ProgressListener;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.WaitInterruptedException;
import dev.parallelizable.internal.events.ChunkDispatchEvent;
import dev.parallelizable.internal.events.Events;
import dev.parallelizable.internal.events.TaskExecutionEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The part of every {@link Pool} that does not depend on where tasks run: argument checks, the
 * lifecycle, chunking, ordering and failure propagation. A subclass only says how to run a {@link
 * Chunk} ({@link #dispatch}) and how to stop its workers.
 *
 * <pre>
 * Lifecycle:  RUNNING --shutdown()--> SHUT_DOWN --(workers idle)--> stopped   (join() waits for it)
 *                |                        |
 *                +------terminate()-------+--> every chunk in flight aborted, workers stopped now
 * </pre>
 *
 * <p>Every submitted chunk is tracked until it is done, so that {@link #terminate()} can fail every
 * pending result at once whatever state its worker is in.
 *
 * <h2>Calls into user code</h2>
 *
 * One rule for every pool: every call into user code that the library makes on its own account is
 * guarded and bounded; its failure is reported, never propagated into the library's own threads,
 * and it never runs while the library holds a lock. (Running the task itself is the user's call;
 * its failure is the task's result.) The calls, and what happens when they fail:
 *
 * <ul>
 *   <li>{@code toString()} of arguments and of user exceptions, to write messages: only through
 *       {@link Describe}, which bounds length and depth, renders collections and arrays itself, and
 *       replaces a {@code toString()} that throws or recurses by the class name and identity hash.
 *       Messages are built before a lock is taken or after it is released.
 *   <li>{@code hashCode}/{@code equals} of arguments and results: never called; the library keys
 *       its maps by chunk, worker or class, and detects cycles by identity.
 *   <li>Callbacks ({@code onSuccess}, {@code onFailure}) and progress listeners: run on the pool's
 *       {@link Callbacks} thread, never on a thread that runs tasks or reads results, so one that
 *       waits on its own pool cannot deadlock it; one that throws is logged and the next still
 *       runs. {@link #join()} waits for them all (but on the callback thread itself). Dependents of
 *       {@code toCompletableFuture} views run on {@link Views} threads.
 *   <li>{@code readObject}/{@code readResolve} while decoding an argument, result or exception (the
 *       process and cluster pools): through the codec's deserialization filter; a decoding failure
 *       fails that task and leaves the worker in service. A process pool's results are decoded by
 *       the thread that reads them ({@link Undecoded}), never by the thread that reads the worker's
 *       answers.
 *   <li>Worker initializers and a worker's shutdown hooks: bounded by the worker's start timeout
 *       and the retire grace period; the worker is killed past them and the failure names the
 *       bound.
 * </ul>
 */
public abstract class AbstractPool implements Pool, ArgumentMaps {
  /** What {@link #name()} returns: the name the pool's builder was given, or its default. */
  private final String poolName;
  /** The pool as its messages, {@code toString()}, events and stats show it: see {@link PoolNames}. */
  private final String name;
  private final int size;
  private final Set<Chunk> inFlight = ConcurrentHashMap.newKeySet();
  private final TaskCosts costs = new TaskCosts();
  private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
  private final Callbacks callbacks;
  private final PoolCounters counters = new PoolCounters();
  private volatile boolean shutdown;
  private volatile boolean terminated;
  /** What {@link #terminate()} failed the chunks in flight with; null before. */
  private volatile TaskCancelledException terminatedBy;

  protected AbstractPool(String poolName, String name, int size) {
    this.poolName = poolName;
    this.name = name;
    this.size = size;
    this.callbacks = new Callbacks(name);
  }

  /** Hands {@code chunk} to a worker. It may run it in the calling thread. */
  protected abstract void dispatch(Chunk chunk);

  /** Called once by {@link #shutdown()}: let workers finish queued work, then stop. */
  protected abstract void stopWhenIdle();

  /** Waits until every worker has stopped. */
  protected abstract void awaitStopped() throws InterruptedException;

  /** Called once by {@link #terminate()}: stop every worker now and return when they are gone. */
  protected abstract void stopNow();

  /**
   * Whether a map too small to pay for a dispatch may run in the calling thread. False by default:
   * a pool that isolates tasks from the caller must never run them there.
   */
  protected boolean mayRunInCaller() {
    return false;
  }

  /** Where this pool runs user callbacks: one thread of its own (see {@link Callbacks}). */
  final Callbacks callbacks() {
    return callbacks;
  }

  final TaskCosts costs() {
    return costs;
  }

  final void checkAccepting() {
    if (shutdown) {
      throw new IllegalStateException(name + " was shut down; create a new pool to run more tasks");
    }
  }

  /**
   * Checks that a map this pool accepted may go on reading its inputs: if the pool was terminated
   * since, the map ends as its chunks in flight did, with a {@link TaskCancelledException}; if it
   * was shut down, with the {@link IllegalStateException} of new work.
   */
  final void checkMapGoesOn() {
    if (terminatedBy != null) {
      throw new TaskCancelledException(
          name + " was terminated before the map finished; its remaining inputs were not read");
    }
    checkAccepting();
  }

  /** Submits a chunk of new work: refused if the pool was shut down. */
  final void submit(Chunk chunk) {
    checkAccepting();
    enqueue(chunk);
  }

  /** Submits the next chunk of a map this pool accepted (see {@link #checkMapGoesOn()}). */
  final void submitNext(Chunk chunk) {
    checkMapGoesOn();
    enqueue(chunk);
  }

  private void enqueue(Chunk chunk) {
    chunk.observe(counters);
    inFlight.add(chunk);
    chunk.done().thenRun(new Forget(inFlight, chunk));
    reportProgress(chunk);
    if (abortIfTerminated(chunk)) {
      return; // terminate() ran since the check, and may have aborted the chunks in flight before this one joined them
    }
    dispatch(chunk);
  }

  /**
   * Aborts {@code chunk} as {@link #terminate()} aborts the chunks in flight, if the pool was
   * terminated; for a dispatch that lost the race with it (its workers are stopped).
   *
   * @return whether the pool was terminated and the chunk is done
   */
  protected final boolean abortIfTerminated(Chunk chunk) {
    TaskCancelledException cancelled = terminatedBy;
    if (cancelled == null) {
      return false;
    }
    chunk.abort(cancelled);
    return true;
  }

  /** Runs {@code chunk}, of a map this pool accepted, in the calling thread (see {@link #mayRunInCaller()}). */
  final void runInCaller(Chunk chunk) {
    checkMapGoesOn();
    chunk.observe(counters);
    reportProgress(chunk);
    runOn(chunk, null);
  }

  /** The counts behind {@link #stats()}, which the pool's workers update. */
  protected final PoolCounters counters() {
    return counters;
  }

  /**
   * A worker of this pool that runs chunks in a thread of the JVM (a pool thread, the caller of the
   * sequential pool): gets a row in {@link #stats()} and a WorkerStart event.
   */
  protected final PoolCounters.Worker newLocalWorker(String workerName) {
    PoolCounters.Worker worker = counters.addWorker(workerName);
    Events.workerStarted(name, workerName, 0);
    return worker;
  }

  /**
   * Runs {@code chunk} in the calling thread, unless it was cancelled first, as {@code worker}
   * (null: the caller, with no row of its own): counts the worker's tasks and busy time and records
   * the TaskExecution event.
   */
  protected final void runOn(Chunk chunk, PoolCounters.Worker worker) {
    runOn(chunk, worker, null);
  }

  /**
   * As {@link #runOn(Chunk, PoolCounters.Worker)}, with {@code run} running the started chunk's
   * tasks and completing it (null: the chunk runs them itself, {@link Chunk#runHere()}).
   */
  protected final void runOn(Chunk chunk, PoolCounters.Worker worker, Consumer<Chunk> run) {
    if (!chunk.start()) {
      return;
    }
    TaskExecutionEvent event = Events.beginTask();
    try {
      if (run == null) {
        chunk.runStarted(worker);
      } else {
        chunk.runStarted(worker, run);
      }
    } finally {
      if (event != null) {
        Events.endTask(event, name, worker == null ? Thread.currentThread().getName() : worker.name(),
            chunk.firstMethod(), chunk.offset(), chunk.size(), chunk.completed(),
            Events.outcome(chunk.failure()), chunk.queueWaitNanos());
      }
    }
  }

  /** A ChunkDispatch event begun now, or null when no recording wants it. */
  protected static ChunkDispatchEvent beginDispatch() {
    return Events.beginDispatch();
  }

  /** Ends and records {@code event} (no effect if null): {@code chunk} was handed to {@code worker}. */
  protected final void endDispatch(ChunkDispatchEvent event, Chunk chunk, String worker) {
    if (event != null) {
      Events.endDispatch(event, name, worker, chunk.firstMethod(), chunk.offset(), chunk.size());
    }
  }

  /**
   * A snapshot of this pool's counts and workers; see {@link PoolStats}.
   *
   * @return a new snapshot
   */
  @Override
  public PoolStats stats() {
    return counters.snapshot(name, poolName, size);
  }

  @Override
  public String name() {
    return poolName;
  }

  private void reportProgress(Chunk chunk) {
    if (listeners.isEmpty()) {
      return;
    }
    chunk.done().thenRun(() -> {
      int failed = (chunk.failure() != null && chunk.wasStarted() ? 1 : 0) + chunk.elementFailures();
      int succeeded = chunk.completed() - chunk.elementFailures();
      if (succeeded + failed > 0) {
        callbacks.execute(() -> "The progress listeners of " + name, () -> {
          for (ProgressListener listener : listeners) {
            Callbacks.runGuarded(
                () -> "Progress listener " + Describe.identity(listener) + " of " + name,
                () -> listener.tasksDone(succeeded, failed));
          }
        });
      }
    });
  }

  @Override
  public void addProgressListener(ProgressListener listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    listeners.add(listener);
  }

  @Override
  public void removeProgressListener(ProgressListener listener) {
    listeners.remove(listener);
  }

  /**
   * Checks the arguments of a map, in the words of every pool and view.
   *
   * @throws IllegalArgumentException naming the argument if one is null or {@code chunkSize} is
   *     negative
   */
  public static void checkMapArguments(Object toTask, Object inputs, int chunkSize) {
    if (chunkSize < 0) {
      throw new IllegalArgumentException(
          "chunkSize must be positive, or 0 to let the pool choose; got " + chunkSize);
    }
    if (toTask == null || inputs == null) {
      throw new IllegalArgumentException((toTask == null ? "toTask" : "inputs") + " must not be null");
    }
  }
  /**
   * Checks the task of an {@code applyAsync}, in the words of every pool and view.
   *
   * @throws IllegalArgumentException if {@code task} is null
   */
  public static void checkTask(Task<?> task) {
    if (task == null) {
      throw new IllegalArgumentException("task must not be null; pass a Task built by a generated ...Parallel class");
    }
  }

  @Override
  public <R> AsyncResult<R> applyAsync(Task<R> task) {
    checkTask(task);
    Chunk chunk = Chunk.of(task);
    submit(chunk);
    return new ChunkResult<>(chunk, callbacks);
  }

  @Override
  public <T, R> List<R> map(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    try (ChunkedResults<T, R> iterator = new ChunkedResults<>(this, inputs, toTask, chunkSize, true)) {
      return iterator.drain();
    }
  }

  /** A chunk run here fills its batch's column from the inputs. */
  @Override
  public final <T, R> List<R> mapArguments(
      TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    try (ChunkedResults<T, R> iterator = new ChunkedResults<>(this, inputs, toTask, 0, true, method)) {
      return iterator.drain();
    }
  }

  @Override
  public final <T, R> ResultIterator<R> imapArguments(
      TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return new ChunkedResults<>(this, inputs, toTask, 0, true, method);
  }

  @Override
  public <T, R> ResultIterator<R> imap(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return new ChunkedResults<>(this, inputs, toTask, chunkSize, true);
  }

  @Override
  public <T, R> ResultIterator<R> imapUnordered(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return new ChunkedResults<>(this, inputs, toTask, chunkSize, false);
  }

  @Override
  public <T, R> List<Outcome<R>> mapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    List<Outcome<R>> outcomes = new ArrayList<>(inputs instanceof Collection<?> c ? c.size() : 16);
    try (ChunkedResults<T, Outcome<R>> iterator =
        new ChunkedResults<>(this, inputs, toTask, chunkSize, true, true)) {
      iterator.drainTo(outcomes);
    }
    return outcomes;
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return new ChunkedResults<>(this, inputs, toTask, chunkSize, true, true);
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapUnorderedOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return new ChunkedResults<>(this, inputs, toTask, chunkSize, false, true);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public synchronized void shutdown() {
    if (!shutdown) {
      shutdown = true;
      stopWhenIdle();
    }
  }

  @Override
  public void join() {
    if (!shutdown) {
      throw new IllegalStateException(
          "join() of " + name + " before shutdown() would wait forever; call shutdown() or terminate() first (or use close())");
    }
    try {
      awaitStopped();
      // Every chunk is done, so every callback and progress call of the pool is queued: wait for
      // them, as Python's join() waits for its result handler (not on the callback thread itself).
      callbacks.awaitIdle();
      callbacks.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while joining " + name, e);
    }
  }

  @Override
  public void terminate() {
    synchronized (this) {
      if (terminated) {
        return;
      }
      terminated = true;
      shutdown = true;
      terminatedBy = new TaskCancelledException(name + " was terminated before the task finished");
    }
    TaskCancelledException cancelled = terminatedBy;
    for (Chunk chunk : inFlight) {
      chunk.abort(cancelled);
    }
    stopNow();
    callbacks.stop();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  /** Whether {@link #terminate()} was called. */
  protected boolean isTerminated() {
    return terminated;
  }

  /** The number of chunks submitted and not done. */
  protected int inFlightCount() {
    return inFlight.size();
  }

  @Override
  public String toString() {
    return name;
  }

  /** Forgets a chunk once it is done. A class, not a lambda: see {@code Chunk.Identity}. */
  private static final class Forget implements Runnable {
    private final Set<Chunk> inFlight;
    private final Chunk chunk;

    Forget(Set<Chunk> inFlight, Chunk chunk) {
      this.inFlight = inFlight;
      this.chunk = chunk;
    }

    @Override
    public void run() {
      inFlight.remove(chunk);
    }
  }

}
