package dev.parallelizable.internal.cache;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultTimeoutException;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.WaitInterruptedException;
import dev.parallelizable.internal.Texts;
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
 *
 * <p>A miss is cancelled by cancelling the pool's result, whose one transition decides; when it
 * succeeds, this result's future is completed with the cancellation at once, before the pool's
 * result reaches it, so that {@link #isDone()} and {@link #isCancelled()} hold when cancel returns.
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
      return future.get(Texts.waitNanos(timeout), TimeUnit.NANOSECONDS);
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
      future.get(Texts.waitNanos(timeout), TimeUnit.NANOSECONDS);
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
    return pending != null && pending.cancel() && cancelled();
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return pending != null && pending.cancel(mayInterruptIfRunning) && cancelled();
  }

  /** Completes the future with the cancellation of the pool's result, which was just cancelled. */
  private boolean cancelled() {
    try {
      pending.get(0, TimeUnit.NANOSECONDS);
    } catch (CancellationException e) {
      future.completeExceptionally(e.getCause());
      return true;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("a cancelled result was not cancelled", e);
    }
    throw new AssertionError("a cancelled result succeeded");
  }

  @Override
  public boolean isCancelled() {
    return failureNow() instanceof TaskCancelledException;
  }

  /** The failure of a done future, null if it is not done or succeeded. */
  private ParallelException failureNow() {
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.getNow(null);
      return null;
    } catch (CompletionException | CancellationException e) {
      return rethrown(e);
    }
  }

  @Override
  public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return future.get(timeout, unit);
    } catch (ExecutionException e) {
      ParallelException failure = rethrown(e.getCause());
      if (failure instanceof TaskCancelledException) {
        throw cancellation(failure);
      }
      throw new ExecutionException(failure);
    }
  }

  private static CancellationException cancellation(ParallelException cancelled) {
    CancellationException cancellation = new CancellationException(cancelled.getMessage());
    cancellation.initCause(cancelled);
    return cancellation;
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

  /**
   * A view that completes as the future does (a cancelled task as cancelled), and whose cancel
   * cancels the task: true iff it did.
   */
  @Override
  public CompletableFuture<R> toCompletableFuture() {
    CompletableFuture<R> view = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        if (!CachedResult.this.cancel(mayInterruptIfRunning)) {
          return false;
        }
        completeExceptionally(cancellation(failureNow()));
        return true;
      }
    };
    future.whenComplete((value, failure) -> {
      if (failure == null) {
        view.complete(value);
      } else {
        ParallelException parallel = rethrown(failure);
        view.completeExceptionally(parallel instanceof TaskCancelledException ? cancellation(parallel) : parallel);
      }
    });
    return view;
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
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof CancellationException)
        && cause.getCause() != null) {
      cause = cause.getCause(); // a cancelled view's CancellationException carries the TaskCancelledException
    }
    if (cause instanceof ParallelException parallel) {
      return parallel;
    }
    return new ParallelException(dev.parallelizable.internal.Describe.throwable(cause), cause);
  }
}
