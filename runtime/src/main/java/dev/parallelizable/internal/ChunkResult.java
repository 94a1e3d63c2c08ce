package dev.parallelizable.internal;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link AsyncResult} of a chunk of one task. Thread-safe; see {@link AsyncResult}.
 *
 * <p>Callbacks and the completion of {@link #toCompletableFuture() views} are handed to the pool's
 * {@link Callbacks} thread when the chunk is done; the thread that completed the chunk (a worker, a
 * result reader) only queues them. A result that came from a worker as bytes is decoded by the
 * thread that reads it ({@link Chunk#decode()}): {@code get()}'s caller, or the callback thread. A thread that waits on a view with {@code get}/{@code join}
 * completes it itself once the chunk is done, so it never waits for the callback thread.
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
    if (!chunk.await(nanos(timeout))) {
      throw new ResultTimeoutException(
          "No result from " + chunk.describe() + " within " + Texts.duration(timeout) + "; the task is still running");
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
    return chunk.await(nanos(timeout));
  }

  private static long nanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + Texts.duration(timeout));
    }
    return timeout.toNanos();
  }

  @Override
  public boolean ready() {
    return chunk.isDone();
  }

  @Override
  public boolean successful() {
    if (!chunk.isDone()) {
      throw new IllegalStateException(chunk.describe() + " has not finished; call successful() after ready()");
    }
    return chunk.failure() == null;
  }

  @Override
  public boolean cancel() {
    return chunk.cancel("Task " + chunk.describe() + " was cancelled before it started");
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
    chunk.done().thenRun(() -> callbacks.execute(
        () -> "A dependent of the CompletableFuture of " + chunk.describe(), view::settle));
    return view;
  }

  /**
   * A view of the result. Its dependents run where it is completed: on the callback thread, or in a
   * thread that waits on the view itself and finds the chunk done first.
   */
  private final class View extends CompletableFuture<R> {
    @SuppressWarnings("unchecked")
    void settle() {
      chunk.decode();
      if (chunk.failure() == null) {
        complete((R) chunk.result(0));
      } else {
        completeExceptionally(chunk.failure());
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      ChunkResult.this.cancel();
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public R get() throws InterruptedException, java.util.concurrent.ExecutionException {
      if (!isDone()) {
        chunk.done().get();
      }
      settle();
      return super.get();
    }

    @Override
    public R get(long timeout, java.util.concurrent.TimeUnit unit)
        throws InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
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
