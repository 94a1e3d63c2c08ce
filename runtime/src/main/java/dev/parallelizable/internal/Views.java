package dev.parallelizable.internal;

import dev.parallelizable.TaskCancelledException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
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
 * A thread:  started when a view is to be completed and no thread is idle --runs it--> idle
 *   idle --a view to complete--> runs it --> idle
 *   idle for KEEP_ALIVE_MILLIS, or interrupted while idle --> ended
 * </pre>
 *
 * <p>The threads, named {@code parallelizable-views-N}, are daemons shared by every pool of the
 * JVM. None is left once no view has been completed for {@value #KEEP_ALIVE_MILLIS} ms, and an
 * interrupt ends an idle one at once (as {@code mvn exec:java} interrupts the application's threads
 * when its main method returns). Thread-safe: the queue and the count of idle threads are guarded by
 * {@link #LOCK}; a view is queued only when an idle thread is there to take it, else a thread is
 * started for it, so that no view waits behind another's dependents.
 */
final class Views implements Runnable {
  static final long KEEP_ALIVE_MILLIS = 2_000;

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Object LOCK = new Object();
  // Guarded by LOCK:
  private static final ArrayDeque<Runnable> QUEUE = new ArrayDeque<>();
  private static int idle;

  private Views() {}

  /** Completes a view on a thread of its own: {@code settle} completes it, and runs its dependents. */
  static void complete(Runnable settle) {
    synchronized (LOCK) {
      if (QUEUE.size() < idle) {
        QUEUE.add(settle);
        LOCK.notify();
        return;
      }
    }
    Thread thread = new Thread(new Views(), "parallelizable-views-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    synchronized (LOCK) {
      QUEUE.add(settle);
      idle++; // counted idle before it starts, so that the view it is started for has a thread
    }
    try {
      thread.start();
    } catch (OutOfMemoryError e) {
      boolean mine;
      synchronized (LOCK) {
        idle--;
        mine = QUEUE.removeLastOccurrence(settle);
      }
      if (mine) {
        settle.run(); // no thread can be had: completed here rather than never
      }
    }
  }

  @Override
  public void run() {
    while (true) {
      Runnable next;
      synchronized (LOCK) {
        long deadline = System.nanoTime() + KEEP_ALIVE_MILLIS * 1_000_000;
        boolean interrupted = Thread.interrupted();
        while (QUEUE.isEmpty()) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || interrupted) {
            idle--; // only with nothing queued: every queued view has an idle thread left to take it
            return;
          }
          try {
            LOCK.wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            interrupted = true; // end, unless a view was handed over meanwhile
          }
        }
        next = QUEUE.poll();
        idle--;
      }
      Callbacks.runGuarded(() -> "A dependent of a CompletableFuture view", next);
      synchronized (LOCK) {
        idle++;
      }
    }
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
