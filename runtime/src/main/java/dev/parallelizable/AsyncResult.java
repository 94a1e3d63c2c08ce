package dev.parallelizable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The pending result of one task submitted with {@link Pool#applyAsync} (Python's {@code
 * AsyncResult}, {@code concurrent.futures.Future}).
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread, any number of times.
 *
 * <p><b>Callbacks.</b> {@link #onSuccess} and {@link #onFailure} run exactly once, on the pool's
 * callback thread: one thread per pool, named {@code parallelizable-callbacks (<pool name>)}, that
 * runs nothing else, on every kind of pool (sequential, threads, virtual threads, processes,
 * cluster). They never run on a thread that runs tasks or reads results, nor in the thread that
 * adds them, even when the result is already complete. So a callback may wait for any result, even
 * of its own pool ({@code onSuccess(v -> pool.apply(next(v)))} on a pool of one worker completes).
 * Callbacks of one pool run one at a time, in the order their results completed; a slow callback
 * delays the callbacks after it (never a result), and a callback that waits for a later callback of
 * the same pool waits for ever. An exception or error a callback throws is logged through {@link
 * System.Logger} (level WARNING, logger {@code dev.parallelizable.internal.Callbacks}) and the next
 * callback runs. The thread starts with the first callback and ends when the pool has stopped and
 * every queued callback has run (or after two idle seconds; it starts again when needed). The
 * pool's {@link Pool#close()} and {@link Pool#join()} return only after every callback added
 * before they were called has run. A process pool's result is decoded where it is read: by {@code
 * get()}'s caller, or by the callback thread for {@code onSuccess}; a result that cannot be decoded
 * there goes to {@code onFailure} instead.
 *
 * <p>The view of {@link #toCompletableFuture()} is completed the same way, so its dependents run on
 * the callback thread too, except for a thread that waits on the view itself with {@code get} or
 * {@code join}: once the result is complete it completes the view and runs the dependents itself.
 *
 * <p><b>Failure.</b> If the task throws, {@link #get()} throws {@link TaskFailedException} whose cause
 * is the original exception. If a worker process dies while running it, {@code get} throws {@link
 * WorkerCrashedException}; past the pool's per-task timeout, {@link TaskTimeoutException}; if it was
 * cancelled or the pool terminated, {@link TaskCancelledException}.
 *
 * @param <R> the task's result type
 */
public interface AsyncResult<R> {
  /**
   * Waits for the task and returns its result.
   *
   * @return the task's result
   * @throws TaskFailedException if the task threw (or a subclass for a crash or a timeout)
   * @throws TaskCancelledException if the task was cancelled
   * @throws WaitInterruptedException if the waiting thread is interrupted
   */
  R get();

  /**
   * Waits at most {@code timeout} for the result.
   *
   * @param timeout the longest time to wait; not negative
   * @return the task's result
   * @throws ResultTimeoutException if the time runs out; the task keeps running
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  R get(Duration timeout);

  /**
   * Waits at most {@code timeout} for the task to finish, successfully or not, without throwing its
   * failure (Python's {@code wait(timeout)}).
   *
   * @param timeout the longest time to wait; not negative
   * @return whether the task is done
   */
  boolean waitFor(Duration timeout);

  /**
   * Whether the task has finished, successfully or not (Python's {@code ready()}).
   *
   * @return true once the task has finished
   */
  boolean ready();

  /**
   * Whether the task finished without throwing (Python's {@code successful()}).
   *
   * @return true if the task returned a result, false if it failed or was cancelled
   * @throws IllegalStateException if the task has not finished yet, as Python raises ValueError
   */
  boolean successful();

  /**
   * Cancels the task if it has not started. A task that is already running is not interrupted.
   *
   * @return whether this call cancelled it; {@code false} if it had started or finished
   */
  boolean cancel();

  /**
   * Runs {@code callback} with the result when the task succeeds (Python's {@code callback}), on the
   * pool's callback thread (see above).
   *
   * @param callback receives the task's result; not null
   * @return this result, for chaining
   */
  AsyncResult<R> onSuccess(Consumer<? super R> callback);

  /**
   * Runs {@code callback} with the failure when the task fails or is cancelled (Python's {@code
   * error_callback}), on the pool's callback thread (see above); the argument is the exception
   * {@link #get()} would throw.
   *
   * @param callback receives the failure; not null
   * @return this result, for chaining
   */
  AsyncResult<R> onFailure(Consumer<? super ParallelException> callback);

  /**
   * A {@link CompletableFuture} view that completes with the result, or exceptionally with the
   * exception {@link #get()} would throw. Cancelling the view cancels the task if it has not
   * started. Each call returns a new view.
   *
   * @return a new future that mirrors this result
   */
  CompletableFuture<R> toCompletableFuture();
}
