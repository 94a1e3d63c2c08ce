package dev.parallelizable.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A pool whose workers are the threads of an {@link ExecutorService}: platform threads for {@code
 * Parallel.threads(n)}, virtual threads for {@code Parallel.virtualThreads()}. Each chunk is one
 * runnable that runs its tasks in order on one thread, so a task costs no allocation of its own
 * beyond the task and its result.
 *
 * <p>Each thread gets its row in {@link #stats()} (and a WorkerStart event) when it runs its first
 * chunk; threads are never lost or replaced.
 */
public final class ExecutorPool extends AbstractPool {
  /** How long {@link #terminate()} waits for interrupted threads before giving up on them. */
  private static final long TERMINATE_WAIT_MILLIS = 2_000;

  private final ExecutorService executor;
  /** The row of the pool thread that reads it; set at its first chunk. */
  private final ThreadLocal<PoolCounters.Worker> worker = new ThreadLocal<>();

  /**
   * A pool named {@code poolName} ({@code Pool.name()}), shown in messages as {@code name}, of
   * {@code size} threads of {@code executor}.
   */
  public ExecutorPool(String poolName, String name, int size, ExecutorService executor) {
    super(poolName, name, size);
    this.executor = executor;
  }

  /** Threads isolate nothing from the caller, so a tiny map may as well run there. */
  @Override
  protected boolean mayRunInCaller() {
    return true;
  }

  @Override
  protected void dispatch(Chunk chunk) {
    var event = beginDispatch();
    try {
      executor.execute(() -> runOn(chunk, thisWorker()));
      endDispatch(event, chunk, "executor queue");
    } catch (RejectedExecutionException e) {
      // shutdown() or terminate() raced with this submit: the executor stopped accepting after our
      // own check. A terminated pool fails the chunk as it failed those in flight.
      if (abortIfTerminated(chunk)) {
        return;
      }
      chunk.cancel(this + " was shut down");
      throw new IllegalStateException(this + " was shut down; create a new pool to run more tasks", e);
    }
  }

  private PoolCounters.Worker thisWorker() {
    PoolCounters.Worker row = worker.get();
    if (row == null) {
      row = newLocalWorker(Thread.currentThread().getName());
      worker.set(row);
    }
    return row;
  }

  @Override
  protected void stopWhenIdle() {
    executor.shutdown();
  }

  @Override
  protected void awaitStopped() throws InterruptedException {
    while (!executor.awaitTermination(1, TimeUnit.DAYS)) {
      // keep waiting: join() has no deadline, as in Python
    }
  }

  @Override
  protected void stopNow() {
    executor.shutdownNow();
    try {
      // A task that ignores interrupts keeps its thread; its result has already failed.
      executor.awaitTermination(TERMINATE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
