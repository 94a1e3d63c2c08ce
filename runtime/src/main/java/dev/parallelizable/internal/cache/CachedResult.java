package dev.parallelizable.internal.cache;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultTimeoutException;
import dev.parallelizable.WaitInterruptedException;
import dev.parallelizable.internal.Loggers;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The result of a call through a cache: already complete for a hit; for a miss, complete once the
 * pool's result has arrived and been stored. Its future completes with the value or with the {@link
 * ParallelException} the call failed with.
 *
 * <p>Thread-safe. Callbacks run one at a time on the cache view's callback thread, never in the
 * thread that adds them, even for a hit; an exception a callback throws is logged (WARNING) and
 * the next one runs.
 */
final class CachedResult<R> implements AsyncResult<R> {
  private final CompletableFuture<R> future;
  /** The pool's result for a miss, to cancel it; null for a hit. */
  private final AsyncResult<?> pending;
  private final Executor callbacks;

  CachedResult(CompletableFuture<R> future, AsyncResult<?> pending, Executor callbacks) {
    this.future = future;
    this.pending = pending;
    this.callbacks = callbacks;
  }

  @Override
  public R get() {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while waiting for a cached call", e);
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    }
  }

  @Override
  public R get(Duration timeout) {
    try {
      return future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while waiting for a cached call", e);
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } catch (TimeoutException e) {
      throw new ResultTimeoutException(
          "The result was not ready within " + timeout + "; the task goes on running");
    }
  }

  @Override
  public boolean waitFor(Duration timeout) {
    try {
      future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while waiting for a cached call", e);
    } catch (ExecutionException | CancellationException e) {
      // ready, and failed
    } catch (TimeoutException e) {
      return false;
    }
    return true;
  }

  @Override
  public boolean ready() {
    return future.isDone();
  }

  @Override
  public boolean successful() {
    if (!future.isDone()) {
      throw new IllegalStateException("The result is not ready; call ready() or waitFor() first");
    }
    return !future.isCompletedExceptionally();
  }

  @Override
  public boolean cancel() {
    return pending != null && pending.cancel();
  }

  @Override
  public AsyncResult<R> onSuccess(Consumer<? super R> callback) {
    future.thenAcceptAsync(value -> guarded(() -> callback.accept(value)), callbacks);
    return this;
  }

  @Override
  public AsyncResult<R> onFailure(Consumer<? super ParallelException> callback) {
    future.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            guarded(() -> callback.accept(rethrown(failure)));
          }
        },
        callbacks);
    return this;
  }

  @Override
  public CompletableFuture<R> toCompletableFuture() {
    return future.copy();
  }

  private static void guarded(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | Error e) {
      System.getLogger(Loggers.CALLBACKS)
          .log(System.Logger.Level.WARNING, "A callback of a cached result threw", e);
    }
  }

  static ParallelException rethrown(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof ParallelException parallel) {
      return parallel;
    }
    return new ParallelException(dev.parallelizable.internal.Describe.throwable(cause), cause);
  }
}
