package dev.parallelizable;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A pool of workers that runs {@link Task}s: threads, worker JVMs, or the caller itself. Create one
 * with {@link Parallel}; every pool has this same contract, so switching between threads and
 * processes is one line.
 *
 * <pre>{@code
 * try (Pool pool = Parallel.processes(4)) {          // or Parallel.threads(4)
 *   List<Long> cubes = pool.map(CubesParallel::cube, List.of(1, 2, 3));
 *   AsyncResult<Path> thumb = pool.applyAsync(CubesParallel.thumbnail(path, 128));
 * }
 * }</pre>
 *
 * <p><b>Thread safety.</b> All methods are thread-safe; many threads may submit to one pool.
 *
 * <p><b>Lifecycle</b> (Python's meanings). {@link #shutdown()} (Python's {@code close}) accepts no new
 * work and lets accepted work finish; {@link #join()} waits for that, for the workers to stop, and
 * for every callback and progress listener call of the pool to have run; {@link #terminate()} stops
 * now and fails every pending result, and every map still reading its inputs, with {@link
 * TaskCancelledException}; {@link #close()} is {@code shutdown()} then {@code join()}, for
 * try-with-resources. Submitting to a pool that was shut down throws {@link IllegalStateException}.
 *
 * <p><b>Callbacks.</b> The callbacks of its results ({@link AsyncResult#onSuccess}, {@link
 * AsyncResult#onFailure}, the dependents of {@link AsyncResult#toCompletableFuture}) and its {@link
 * ProgressListener}s run on the pool's callback thread, one at a time: never on a thread that runs
 * tasks or reads results.
 *
 * <p><b>Failures.</b> A task's exception reaches the caller as {@link TaskFailedException} with the
 * original as its cause. A {@code map} fails with the first failure in input order and cancels the
 * tasks that have not started ({@link #mapOutcomes} keeps going instead, and returns each input's
 * {@link Outcome}). A task with a {@link RetryPolicy} runs again when it throws. On a process
 * pool a worker that dies fails its task with {@link WorkerCrashedException} and is replaced; the
 * pool stays usable.
 *
 * <p><b>Batching.</b> {@code map}, {@code imap}, {@code imapUnordered} and {@code run} send tasks in
 * chunks. Without an explicit chunk size the pool picks one; an explicit size overrides it.
 *
 * <p><b>{@code java.util.concurrent}.</b> {@link #applyAsync} is every pool's way to submit one
 * {@link Task}, and its {@link AsyncResult} is a {@link java.util.concurrent.Future}. A pool is not an
 * {@link java.util.concurrent.Executor}: a worker JVM or a cluster member cannot run an arbitrary
 * {@link Runnable}, only a task. The pools of threads are {@link ThreadPool}s, whose {@link
 * ThreadPool#executorService()} runs runnables and callables on their threads.
 */
public interface Pool extends AutoCloseable {

  /**
   * Submits one task (Python's {@code apply_async}) and returns at once.
   *
   * @param <R> the task's result type
   * @param task the task to run; not null
   * @return the pending result of {@code task}
   */
  <R> AsyncResult<R> applyAsync(Task<R> task);

  /**
   * Runs one task and waits for its result (Python's {@code apply}).
   *
   * @param <R> the task's result type
   * @param task the task to run; not null
   * @return the task's result
   * @throws TaskFailedException if the task threw (or a subclass for a crash or a timeout)
   * @throws TaskCancelledException if the task was cancelled
   */
  default <R> R apply(Task<R> task) {
    return applyAsync(task).get();
  }

  /**
   * Runs {@code toTask} over {@code inputs} and returns the results in input order, blocking
   * (Python's {@code map}; with a lambda of several arguments, also {@code starmap}: {@code
   * pool.map(p -> ImagesParallel.thumbnail(p, 128), paths)}). {@code toTask} only builds the task,
   * and should do nothing else: a thread pool calls it on its worker threads, a process pool in the
   * calling thread (a lambda never crosses a process), and every pool may call it twice for the
   * first input, to look up what earlier tasks of that method cost. If it throws (anything: an
   * error, or a checked exception it does not declare, as Kotlin code may) or returns null, the map
   * fails with a {@link TaskFailedException} naming the input, whose cause's cause is what it threw;
   * no pool thread is lost to it.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read once; not null
   * @return the results, one per input, in input order, in a new list the caller may modify (a
   *     method that returns a primitive keeps its results unboxed until they are read)
   * @throws TaskFailedException for the first failed task in input order, after cancelling the
   *     tasks that had not started
   */
  default <T, R> List<R> map(Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return map(toTask, inputs, 0);
  }

  /**
   * As {@link #map(Function, Iterable)}, with {@code chunkSize} tasks per chunk sent to a worker (0:
   * the pool chooses).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read once; not null
   * @param chunkSize tasks per chunk, or 0 to let the pool choose
   * @return the results, one per input, in input order
   * @throws IllegalArgumentException if {@code chunkSize} is negative
   */
  <T, R> List<R> map(Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize);

  /**
   * Lazy, ordered {@code map} (Python's {@code imap}): results come in input order as the iterator
   * advances; inputs are read, and tasks submitted, with a bounded look-ahead.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @return an iterator over the results, in input order
   */
  default <T, R> ResultIterator<R> imap(Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return imap(toTask, inputs, 0);
  }

  /**
   * As {@link #imap(Function, Iterable)} with an explicit chunk size (0: the pool chooses).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @param chunkSize tasks per chunk, or 0 to let the pool choose
   * @return an iterator over the results, in input order
   */
  <T, R> ResultIterator<R> imap(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize);

  /**
   * As {@link #imap} but results come in completion order (Python's {@code imap_unordered}).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @return an iterator over the results, in completion order
   */
  default <T, R> ResultIterator<R> imapUnordered(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return imapUnordered(toTask, inputs, 0);
  }

  /**
   * As {@link #imapUnordered(Function, Iterable)} with an explicit chunk size (0: the pool
   * chooses).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @param chunkSize tasks per chunk, or 0 to let the pool choose
   * @return an iterator over the results, in completion order
   */
  <T, R> ResultIterator<R> imapUnordered(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize);

  /**
   * Runs tasks and returns their results in order (joblib's {@code Parallel(n_jobs)(delayed(f)(x)
   * for x in xs)}).
   *
   * @param <R> the result type
   * @param tasks the tasks to run; not null, no null element
   * @return the results, one per task, in the collection's order
   */
  default <R> List<R> run(Collection<? extends Task<? extends R>> tasks) {
    return map(Pool::<R>widen, tasks);
  }

  /**
   * As {@link #run(Collection)}, reading the stream lazily with a bounded look-ahead.
   *
   * @param <R> the result type
   * @param tasks the tasks to run; not null, no null element
   * @return the results, one per task, in the stream's order
   */
  default <R> List<R> run(Stream<? extends Task<? extends R>> tasks) {
    return map(Pool::<R>widen, tasks::iterator);
  }

  /**
   * As {@link #map(Function, Iterable)}, but keeps going past failures (Python's {@code
   * gather(..., return_exceptions=True)}): runs every input and returns one {@link Outcome} per
   * input, in input order, each the task's result or the failure {@code map} would have thrown for
   * it, naming the input. It never throws a task's failure: a task that threw (after its {@link
   * RetryPolicy}, if any), a worker lost past the {@link CrashPolicy}, a task past the per-task
   * timeout, a {@code toTask} that threw anything (a checked exception it does not declare
   * included) or returned null for that input, are each that input's outcome, and the
   * inputs after it still run, those of the same chunk included. A failure of the whole pool (it
   * was terminated, or could not start its workers) is the outcome of every input it stopped.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read once; not null
   * @return one outcome per input, in input order; {@link Outcome#position()} is the index
   * @throws IllegalStateException if the pool was shut down before or while it read the inputs
   * @throws TaskCancelledException if the pool was terminated while it read the inputs
   */
  default <T, R> List<Outcome<R>> mapOutcomes(Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return mapOutcomes(toTask, inputs, 0);
  }

  /**
   * As {@link #mapOutcomes(Function, Iterable)}, with {@code chunkSize} tasks per chunk (0: the
   * pool chooses).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read once; not null
   * @param chunkSize tasks per chunk, or 0 to let the pool choose
   * @return one outcome per input, in input order
   * @throws IllegalArgumentException if {@code chunkSize} is negative
   */
  <T, R> List<Outcome<R>> mapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize);

  /**
   * Lazy {@link #mapOutcomes(Function, Iterable)} (as {@link #imap} is to {@code map}): one outcome
   * per input, in input order, as the iterator advances; its {@code next()} never throws a task's
   * failure. {@code close()} cancels the look-ahead that has not started.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @return an iterator over the outcomes, in input order
   */
  default <T, R> ResultIterator<Outcome<R>> imapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return imapOutcomes(toTask, inputs, 0);
  }

  /**
   * As {@link #imapOutcomes(Function, Iterable)} with an explicit chunk size (0: the pool chooses).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @param chunkSize tasks per chunk, or 0 to let the pool choose
   * @return an iterator over the outcomes, in input order
   */
  <T, R> ResultIterator<Outcome<R>> imapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize);

  /**
   * As {@link #imapOutcomes(Function, Iterable)}, in completion order: each outcome says which
   * input it is with {@link Outcome#position()}.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @return an iterator over the outcomes, in completion order
   */
  default <T, R> ResultIterator<Outcome<R>> imapUnorderedOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    return imapUnorderedOutcomes(toTask, inputs, 0);
  }

  /**
   * As {@link #imapUnorderedOutcomes(Function, Iterable)} with an explicit chunk size (0: the pool
   * chooses).
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param toTask builds the task for one input; not null
   * @param inputs the inputs, read lazily; not null
   * @param chunkSize tasks per chunk, or 0 to let the pool choose
   * @return an iterator over the outcomes, in completion order
   */
  <T, R> ResultIterator<Outcome<R>> imapUnorderedOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize);

  /**
   * Adds a listener that hears about every task this pool finishes from now on, whichever call
   * submitted it. It is called on the pool's callback thread (see {@link ProgressListener}); {@link
   * #close()} and {@link #join()} return after its last call. Thread-safe.
   *
   * @param listener the listener to add; not null
   */
  void addProgressListener(ProgressListener listener);

  /**
   * Removes a listener added with {@link #addProgressListener}; no effect if it is not there.
   *
   * @param listener the listener to remove
   */
  void removeProgressListener(ProgressListener listener);

  /**
   * A snapshot of what this pool has done and is doing: tasks submitted, queued, running,
   * completed, failed and cancelled, workers started, lost and replaced, and each worker's tasks
   * and busy time. Cheap (a lock held for a copy of a few counters), so a progress line may call it
   * every second while a map runs; thread-safe, on every kind of pool. See {@link PoolStats} for
   * what each count means per kind of pool.
   *
   * @return a new, immutable snapshot
   */
  PoolStats stats();

  /**
   * The number of workers.
   *
   * @return the number of workers
   */
  int size();

  /**
   * The pool's name: the one given to its builder ({@link ThreadPoolBuilder#name}, {@link
   * ProcessPoolBuilder#name}, {@link Parallel#sequential(String)}, the cluster pool's builder), or
   * by default its kind and a number counted from 1 in the JVM (thread and virtual-thread pools
   * share one count): {@code "thread pool 3"}, {@code "virtual thread pool 4"}, {@code "process pool
   * 1"}, {@code "cluster pool 1"}, or {@code "sequential pool"}. A given name is in the pool's messages, {@code toString()}, JFR
   * events and {@link PoolStats} (quoted after the kind: {@code "thread pool 'thumbnails' (4
   * threads)"}), in the names of a thread pool's threads, and is what metrics tag the pool with.
   *
   * <p>Names need not be unique: two pools may share one, and then share a metrics tag as well (a
   * registry that keys meters by name and tags sees them as one pool). Give each pool that runs at
   * the same time a name of its own to tell them apart. Constant for the pool's life, also after it
   * is closed; thread-safe.
   *
   * @return the pool's name; never null
   */
  String name();

  /** Accepts no new work; accepted work still runs (Python's {@code close()}). Idempotent. */
  void shutdown();

  /**
   * Waits until all accepted work is done, the workers have stopped, and every callback and
   * progress listener call of the pool has run (as Python's {@code join()} waits for its result
   * handler): a count a listener keeps is final when it returns. Called on the pool's callback
   * thread (from one of its callbacks), it cannot wait for the callbacks queued behind the running
   * one, and does not: it returns once the workers have stopped, and those callbacks run after. A
   * callback that never returns keeps it waiting.
   *
   * @throws IllegalStateException if the pool was not shut down or terminated first, as in Python
   * @throws WaitInterruptedException if the waiting thread is interrupted
   */
  void join();

  /**
   * Stops now: tasks that have not started are cancelled, running ones are interrupted (threads) or
   * their workers killed (processes), and every pending result fails with {@link
   * TaskCancelledException}, as does every map (of any form) still reading its inputs, whatever
   * thread runs it. Returns once the workers are gone; it does not wait for the callbacks of the
   * failed results, which {@link #join()} does. Idempotent.
   */
  void terminate();

  /**
   * Whether {@link #shutdown()} or {@link #terminate()} was called.
   *
   * @return true once the pool accepts no new work
   */
  boolean isShutdown();

  /**
   * {@link #shutdown()} then {@link #join()}: returns once accepted work is done, the workers have
   * stopped, and every callback and progress listener call of the pool has run (on the callback
   * thread itself: without waiting for the callbacks queued behind the running one).
   */
  @Override
  default void close() {
    shutdown();
    join();
  }

  @SuppressWarnings("unchecked")
  private static <R> Task<R> widen(Task<? extends R> task) {
    // A Task only produces R values, so a Task<? extends R> is safely used as a Task<R>.
    return (Task<R>) task;
  }
}
