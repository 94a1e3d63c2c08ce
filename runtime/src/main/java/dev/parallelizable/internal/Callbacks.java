package dev.parallelizable.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs a pool's user callbacks ({@link dev.parallelizable.AsyncResult#onSuccess onSuccess}, {@link
 * dev.parallelizable.AsyncResult#onFailure onFailure}, {@link dev.parallelizable.ProgressListener
 * progress listeners}; the views of {@link dev.parallelizable.AsyncResult#toCompletableFuture
 * toCompletableFuture} are completed by {@link Views}) on one thread of the pool's own, never on a
 * thread that runs tasks or reads results.
 *
 * <p>Why: a callback that waits on its own pool ({@code onSuccess(v -> pool.apply(...))}) would
 * otherwise block the very thread that must deliver the result it waits for; on a pool of one
 * worker that is a deadlock. Results never depend on this thread, so a callback may wait for any
 * result of any pool; it only delays the callbacks queued after it.
 *
 * <p>Callbacks run one at a time, in the order they were handed over (for results: the order in
 * which they completed). One that throws is logged ({@link System.Logger}, level WARNING, logger
 * {@code dev.parallelizable.callbacks}) and the next runs.
 *
 * <pre>
 * Thread:  none --execute()--> running --queue empty for KEEP_ALIVE, or stop() and queue empty--> none
 * </pre>
 *
 * <p>The thread is started on the first callback, is a daemon, and ends once its queue stays empty
 * for {@link #KEEP_ALIVE_MILLIS} or, after {@link #stop()}, as soon as the queue is empty; a
 * callback handed over after that starts a new thread. So no thread outlives the pool's work, and
 * no callback is ever refused. {@link #awaitIdle()} waits until every callback handed over has run:
 * the pool's {@code join()} returns only after it. Thread-safe.
 */
final class Callbacks {
  /** How long an idle callback thread waits for more before it ends. */
  static final long KEEP_ALIVE_MILLIS = 2_000;

  /**
   * The logger, found on first use: {@code System.getLogger} starts the logging backend (with
   * {@code java.util.logging}, reading its configuration), tens of milliseconds that a pool created
   * in a fresh JVM would otherwise spend before its first result, for a callback that may never
   * throw.
   */
  private static final class Log {
    static final Logger LOG = System.getLogger(Loggers.CALLBACKS);
  }

  private final String threadName;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // accessed only under this
  private boolean running; // accessed only under this: a thread drains the queue
  private boolean stopped; // accessed only under this: the pool is stopped, end when idle
  private int pending; // accessed only under this: callbacks handed over and not yet returned
  private Thread thread; // accessed only under this: the thread that drains the queue, or null

  Callbacks(String poolName) {
    this.threadName = "parallelizable-callbacks (" + poolName + ")";
  }

  /** Queues {@code callback}; {@code what} names it in the log if it throws. */
  void execute(Supplier<String> what, Runnable callback) {
    Thread started;
    synchronized (this) {
      queue.add(() -> runGuarded(what, callback));
      pending++;
      if (running) {
        notifyAll();
        return;
      }
      running = true;
      started = new Thread(this::drain, threadName);
      started.setDaemon(true);
      thread = started;
    }
    started.start();
  }

  /**
   * Waits until every callback handed over so far, and every one those hand over in turn, has run.
   * Returns at once when called on the callback thread itself, which cannot wait for the callbacks
   * queued behind the one it runs.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  void awaitIdle() throws InterruptedException {
    synchronized (this) {
      while (pending > 0 && Thread.currentThread() != thread) {
        wait();
      }
    }
  }

  /** The pool has stopped: the thread ends as soon as it has run what is queued. */
  void stop() {
    synchronized (this) {
      stopped = true;
      notifyAll();
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        long deadline = System.nanoTime() + KEEP_ALIVE_MILLIS * 1_000_000;
        while (queue.isEmpty()) {
          long left = deadline - System.nanoTime();
          if (stopped || left <= 0) {
            running = false;
            thread = null;
            return;
          }
          try {
            wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            // Nobody interrupts this thread but a JVM shutdown; keep delivering what is queued.
          }
        }
        next = queue.poll();
      }
      try {
        next.run();
      } finally {
        synchronized (this) {
          if (--pending == 0) {
            notifyAll();
          }
        }
      }
    }
  }

  /** Runs {@code callback}; logs what it throws, naming it by {@code what}, and returns. */
  static void runGuarded(Supplier<String> what, Runnable callback) {
    try {
      callback.run();
    } catch (Throwable e) {
      try {
        Log.LOG.log(Level.WARNING, () -> what.get() + " threw " + Describe.throwable(e)
            + "; the pool ignored it and went on delivering callbacks", e);
      } catch (Throwable ignored) {
        // A broken logging configuration must not stop the delivery of callbacks either.
      }
    }
  }
}
