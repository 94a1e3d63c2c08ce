package dev.parallelizable;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The pending result of one task submitted with {@link Pool#applyAsync} (Python's {@code
 * AsyncResult}, {@code concurrent.futures.Future}), and a {@link Future} of it.
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
 * System.Logger} (level WARNING, logger {@code dev.parallelizable.callbacks}) and the next
 * callback runs. The thread starts with the first callback and ends when the pool has stopped and
 * every queued callback has run (or after two idle seconds; it starts again when needed). The
 * pool's {@link Pool#close()} and {@link Pool#join()} return only after every callback added
 * before they were called has run. A process pool's result is decoded where it is read: by {@code
 * get()}'s caller, or by the callback thread for {@code onSuccess}; a result that cannot be decoded
 * there goes to {@code onFailure} instead.
 *
 * <p><b>The {@link CompletableFuture} view.</b> {@link #toCompletableFuture()} views are completed
 * on threads of their own, never on the pool's callback thread: one thread per view completed at
 * the same moment, daemon threads named {@code parallelizable-views-N} shared by every pool, each
 * ending after two idle seconds (or at once if interrupted while idle). So a dependent stage added with {@code thenApply} (which runs on
 * the thread that completes the view) may be slow or wait for any result without delaying another
 * view, a callback, or a result, of any pool; dependents of one view run one after the other, as
 * {@link CompletableFuture} runs them. A thread that waits on the view itself with {@code get} or
 * {@code join} completes it as soon as the result is complete and runs the dependents itself. To run
 * dependents elsewhere, add them with an executor ({@code thenApplyAsync(fn, executor)}).
 *
 * <p><b>As a {@link Future}.</b> One transition decides the fate of a task: it completes, fails, or
 * is cancelled, exactly once, and {@link #isDone()}, {@link #isCancelled()}, {@link
 * #get(long, TimeUnit)} and the views agree on it from then on, whatever the threads that race to
 * complete and to cancel it. {@link #cancel(boolean)} is {@link java.util.concurrent.FutureTask}'s:
 * it succeeds unless the task is done, and then {@code isDone()} and {@code isCancelled()} are true
 * at once; a task that had started runs to its end (its worker is never interrupted through its
 * result, whatever {@code mayInterruptIfRunning} says) and its result is discarded. {@link
 * #cancel()} is Python's: it cancels only a task that has not started. A task is cancelled when
 * either cancel succeeded, when a {@code map} that failed cancelled it, or when its pool was
 * terminated before it finished; {@link #get()} then throws {@link TaskCancelledException}.
 *
 * <p>{@link #get(long, TimeUnit)} keeps {@code Future}'s checked contract exactly: {@link
 * ExecutionException} whose cause is the {@link ParallelException} a failed task's {@code get()}
 * throws, {@link CancellationException} (its cause the {@link TaskCancelledException}) for a
 * cancelled task, {@link TimeoutException}, and {@link InterruptedException}. {@link #get()}, which
 * {@code Future} declares too, keeps this interface's unchecked exceptions instead, as Python's
 * {@code get()} raises the task's exception: {@link TaskFailedException} where {@code Future} says
 * {@code ExecutionException}, {@link TaskCancelledException} where it says {@code
 * CancellationException}, {@link WaitInterruptedException} where it says {@code
 * InterruptedException}. So code written against {@code Future} that calls {@code get()} sees those
 * (as does {@code Future.state()} of JDK 19 and later, which calls it, for a failed task); {@link
 * #resultNow()} and {@link #exceptionNow()} keep {@code Future}'s contract on every JDK.
 *
 * <p><b>Failure.</b> If the task throws, {@link #get()} throws {@link TaskFailedException} whose cause
 * is the original exception. If a worker process dies while running it, {@code get} throws {@link
 * WorkerCrashedException}; past the pool's per-task timeout, {@link TaskTimeoutException}; if it was
 * cancelled or the pool terminated, {@link TaskCancelledException}.
 *
 * @param <R> the task's result type
 */
public interface AsyncResult<R> extends Future<R> {
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
   * Cancels the task if it has not started (Python's {@code cancel()}). A task that is already
   * running is not interrupted, and not cancelled.
   *
   * @return whether this call cancelled it; {@code false} if it had started or finished, or was
   *     cancelled already
   */
  boolean cancel();

  /**
   * Cancels the task unless it is done, as {@link java.util.concurrent.FutureTask#cancel} does: a
   * task that has not started never runs; a task that has started runs to its end on its worker,
   * which is not interrupted, and its result is discarded. If it succeeds, {@link #isDone()} and
   * {@link #isCancelled()} are true from then on, {@link #get()} throws {@link
   * TaskCancelledException}, {@code onFailure} callbacks receive it (on the callback thread, never in
   * the thread that cancels), and every {@link #toCompletableFuture()} view is cancelled.
   *
   * @param mayInterruptIfRunning ignored: a running task is never interrupted through its result
   * @return whether this call cancelled the task; {@code false} if it was done (or cancelled) first
   */
  @Override
  boolean cancel(boolean mayInterruptIfRunning);

  /**
   * Whether the task was cancelled before it completed: by {@link #cancel()}, by {@link
   * #cancel(boolean)}, by a failing {@code map} it belonged to, or by the termination of its pool.
   *
   * @return true once the task is done and was cancelled
   */
  @Override
  boolean isCancelled();

  /**
   * Whether the task is done, whether it succeeded, failed or was cancelled; the same as {@link
   * #ready()}.
   *
   * @return true once the task is done
   */
  @Override
  default boolean isDone() {
    return ready();
  }

  /**
   * Waits at most the given time for the result, with {@link Future}'s checked exceptions (see
   * above).
   *
   * @param timeout the longest time to wait
   * @param unit the unit of {@code timeout}; not null
   * @return the task's result
   * @throws CancellationException if the task was cancelled; its cause is the {@link
   *     TaskCancelledException}
   * @throws ExecutionException if the task failed; its cause is the {@link ParallelException}
   *     {@link #get()} would throw
   * @throws InterruptedException if the waiting thread was interrupted
   * @throws TimeoutException if the time ran out; the task keeps running
   */
  @Override
  R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException;

  /**
   * The result of a task that succeeded, without waiting ({@code Future.resultNow()} of JDK 19, with
   * its contract on every JDK).
   *
   * @return the task's result
   * @throws IllegalStateException if the task is not done, failed, or was cancelled
   */
  default R resultNow() {
    return FutureOutcome.resultNow(this);
  }

  /**
   * The exception of a task that failed, without waiting ({@code Future.exceptionNow()} of JDK 19,
   * with its contract on every JDK): the {@link ParallelException} {@link #get()} throws.
   *
   * @return the task's failure
   * @throws IllegalStateException if the task is not done, succeeded, or was cancelled
   */
  default Throwable exceptionNow() {
    return FutureOutcome.exceptionNow(this);
  }

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
   * exception {@link #get()} would throw; a cancelled task completes it as cancelled ({@code
   * isCancelled()} true, a {@link CancellationException} whose cause is the {@link
   * TaskCancelledException}). It is completed on a thread of its own, where its dependents run (see
   * above). Cancelling the view cancels the task as {@link #cancel(boolean)} does, and returns true
   * only if it did. Each call returns a new view.
   *
   * @return a new future that mirrors this result
   */
  CompletableFuture<R> toCompletableFuture();
}
