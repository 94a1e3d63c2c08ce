package dev.parallelizable.internal;

import dev.parallelizable.TaskCancelledException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the {@link java.util.concurrent.CompletableFuture} views of results ({@code
 * AsyncResult.toCompletableFuture()}) are completed, and so where their dependents run: a thread per
 * view completed at the same moment, never the pool's callback thread, a worker or a result reader.
 *
 * <p>Why: a view's dependents ({@code thenApply}, {@code thenAccept}, ...) run on the thread that
 * completes it, and a user's dependent may be slow or wait for another result. On one shared thread
 * per pool they would run one at a time, each delaying the views and callbacks after it; here a
 * slow dependent delays only the later dependents of its own view, as {@code CompletableFuture}
 * runs them.
 *
 * <pre>
 * Threads:  none --a view to complete, no idle thread--> a new daemon thread
 *           idle for KEEP_ALIVE_SECONDS --> ended
 * </pre>
 *
 * <p>The threads, named {@code parallelizable-views-N}, are daemons shared by every pool of the
 * JVM, and end after {@value #KEEP_ALIVE_SECONDS} idle seconds: none is left once no view is being
 * completed. Thread-safe.
 */
final class Views {
  static final long KEEP_ALIVE_SECONDS = 2;

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(
      0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
        Thread thread = new Thread(task, "parallelizable-views-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });

  private Views() {}

  /** Completes a view on a thread of its own: {@code settle} completes it, and runs its dependents. */
  static void complete(Runnable settle) {
    EXECUTOR.execute(() -> Callbacks.runGuarded(() -> "A dependent of a CompletableFuture view", settle));
  }

  /**
   * The exception that completes a cancelled task's view, and that {@code get(long, TimeUnit)}
   * throws: a {@link CancellationException} (so that {@code isCancelled()} is true) with the task's
   * message, and its {@link TaskCancelledException} as the cause.
   */
  static CancellationException cancellation(TaskCancelledException cancelled) {
    CancellationException cancellation = new CancellationException(cancelled.getMessage());
    cancellation.initCause(cancelled);
    return cancellation;
  }
}
