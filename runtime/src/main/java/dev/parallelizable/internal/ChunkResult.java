package dev.parallelizable.internal;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultTimeoutException;
import dev.parallelizable.TaskCancelledException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The {@link AsyncResult} of a chunk of one task. Thread-safe; see {@link AsyncResult}.
 *
 * <p>The chunk's one transition to DONE decides the outcome ({@link Chunk}); this result reads it
 * only once {@link Chunk#done()} has completed, which the thread that made the transition does
 * after it wrote the outcome, so every reader sees the outcome whole.
 *
 * <p>Callbacks are handed to the pool's {@link Callbacks} thread when the chunk is done, and the
 * completion of {@link #toCompletableFuture() views} to {@link Views}; the thread that completed the
 * chunk (a worker, a result reader) only queues them. A result that came from a worker as bytes is
 * decoded by the thread that reads it ({@link Chunk#decode()}): {@code get()}'s caller, the callback
 * thread, or a view's thread. A thread that waits on a view with {@code get}/{@code join} completes
 * it itself once the chunk is done, so it never waits for another.
 */
final class ChunkResult<R> implements AsyncResult<R> {
  private final Chunk chunk;
  private final Callbacks callbacks;

  ChunkResult(Chunk chunk, Callbacks callbacks) {
    this.chunk = chunk;
    this.callbacks = callbacks;
  }

  @Override
  public R get() {
    chunk.await();
    return value();
  }

  @Override
  public R get(Duration timeout) {
    if (!chunk.await(Texts.waitNanos(timeout))) {
      throw new ResultTimeoutException(
          "No result from " + chunk.describe() + " within " + Texts.duration(timeout) + "; the task is still running");
    }
    return value();
  }

  @Override
  public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(unit, "unit");
    chunk.done().get(timeout, unit);
    chunk.decode();
    ParallelException failure = chunk.failure();
    if (failure instanceof TaskCancelledException cancelled) {
      throw Views.cancellation(cancelled);
    }
    if (failure != null) {
      throw new ExecutionException(failure);
    }
    return value();
  }

  @SuppressWarnings("unchecked")
  private R value() {
    chunk.decode();
    ParallelException failure = chunk.failure();
    if (failure != null) {
      throw failure;
    }
    return (R) chunk.result(0);
  }

  @Override
  public boolean waitFor(Duration timeout) {
    return chunk.await(Texts.waitNanos(timeout));
  }


  /** Whether the chunk is done and its outcome written: the completion of {@link Chunk#done()}. */
  @Override
  public boolean ready() {
    return chunk.done().isDone();
  }

  @Override
  public boolean isCancelled() {
    return ready() && chunk.failure() instanceof TaskCancelledException;
  }

  @Override
  public boolean successful() {
    if (!ready()) {
      throw new IllegalStateException(chunk.describe() + " has not finished; call successful() after ready()");
    }
    return chunk.failure() == null;
  }

  @Override
  public boolean cancel() {
    return chunk.cancel("Task " + chunk.describe() + " was cancelled before it started");
  }

  /** Cancels the chunk if it has not started, else aborts it unless it is done: one CAS decides. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return cancel()
        || chunk.abort(new TaskCancelledException(
            "Task " + chunk.describe() + " was cancelled while it ran; it runs to its end and its result is discarded"));
  }

  @Override
  @SuppressWarnings("unchecked")
  public AsyncResult<R> onSuccess(Consumer<? super R> callback) {
    Objects.requireNonNull(callback, "callback");
    // Decided on the callback thread, where the result is decoded: never on the thread that completed it.
    chunk.done().thenRun(() -> callbacks.execute(() -> "The onSuccess callback of " + chunk.describe(), () -> {
      chunk.decode();
      if (chunk.failure() == null) {
        callback.accept((R) chunk.result(0));
      }
    }));
    return this;
  }

  @Override
  public AsyncResult<R> onFailure(Consumer<? super ParallelException> callback) {
    Objects.requireNonNull(callback, "callback");
    chunk.done().thenRun(() -> callbacks.execute(() -> "The onFailure callback of " + chunk.describe(), () -> {
      chunk.decode();
      if (chunk.failure() != null) {
        callback.accept(chunk.failure());
      }
    }));
    return this;
  }

  @Override
  public CompletableFuture<R> toCompletableFuture() {
    View view = new View();
    chunk.done().thenRun(() -> Views.complete(view::settle));
    return view;
  }

  /**
   * A view of the result. Its dependents run where it is completed: on a {@link Views} thread, or
   * in a thread that waits on the view itself and finds the chunk done first. A cancelled task
   * completes it as cancelled, whichever thread completes it, so that the view and the result agree.
   */
  private final class View extends CompletableFuture<R> {
    @SuppressWarnings("unchecked")
    void settle() {
      chunk.decode();
      ParallelException failure = chunk.failure();
      if (failure instanceof TaskCancelledException cancelled) {
        completeExceptionally(Views.cancellation(cancelled));
      } else if (failure != null) {
        completeExceptionally(failure);
      } else {
        complete((R) chunk.result(0));
      }
    }

    /** Cancels the task ({@link ChunkResult#cancel(boolean)}); true iff this call cancelled it. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (!ChunkResult.this.cancel(mayInterruptIfRunning)) {
        return false;
      }
      settle(); // now: isCancelled() is true when this returns
      return true;
    }

    @Override
    public R get() throws InterruptedException, ExecutionException {
      if (!isDone()) {
        chunk.done().get();
      }
      settle();
      return super.get();
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
      if (!isDone()) {
        chunk.done().get(timeout, unit);
      }
      settle();
      return super.get();
    }

    @Override
    public R join() {
      if (!isDone()) {
        chunk.done().join();
      }
      settle();
      return super.join();
    }
  }

  @Override
  public String toString() {
    return "AsyncResult[" + chunk.describe() + (chunk.isDone() ? ", done]" : "]");
  }
}
