package dev.parallelizable.internal;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The {@link AsyncResult} of a chunk of one task. Thread-safe; see {@link AsyncResult}. */
final class ChunkResult<R> implements AsyncResult<R> {
  private final Chunk chunk;

  ChunkResult(Chunk chunk) {
    this.chunk = chunk;
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
    chunk.done().thenAccept(c -> {
      if (c.failure() == null) {
        callback.accept((R) c.result(0));
      }
    });
    return this;
  }

  @Override
  public AsyncResult<R> onFailure(Consumer<? super ParallelException> callback) {
    Objects.requireNonNull(callback, "callback");
    chunk.done().thenAccept(c -> {
      if (c.failure() != null) {
        callback.accept(c.failure());
      }
    });
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<R> toCompletableFuture() {
    CompletableFuture<R> view = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        ChunkResult.this.cancel();
        return super.cancel(mayInterruptIfRunning);
      }
    };
    chunk.done().thenAccept(c -> {
      if (c.failure() == null) {
        view.complete((R) c.result(0));
      } else {
        view.completeExceptionally(c.failure());
      }
    });
    return view;
  }

  @Override
  public String toString() {
    return "AsyncResult[" + chunk.describe() + (chunk.isDone() ? ", done]" : "]");
  }
}
