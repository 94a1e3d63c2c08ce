package dev.parallelizable.internal.remote;

import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The engine's stop accounting: a shutdown lets the queue drain and retires each worker as work
 * runs out; a terminate clears the queue and kills every worker, waiting up to {@value
 * #TERMINATE_WAIT_SECONDS} s for them to be gone; either way the adapter is told once, when the
 * pool is stopped and every worker gone ({@link #checkStopped}), and a join returns only after
 * that. Waiters on the stop wait on {@link #allGone}, signalled when the last slot is removed and
 * when the adapter has been told.
 */
abstract class EngineStop<W> extends EngineWatch<W> {
  private static final long TERMINATE_WAIT_SECONDS = 10;

  final Condition allGone = lock.newCondition();
  /** Whether the adapter was told the pool stopped. Guarded by lock. */
  private boolean stopReported;
  /** Whether the adapter has returned from being told. Guarded by lock. */
  private boolean stopReportDone;

  EngineStop(RemoteSettings settings, RemoteWorkers<W, ?> link) {
    super(settings, link);
  }

  @Override
  protected void stopWhenIdle() {
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      schedule(outcome);
      if (slots.isEmpty()) {
        allGone.signalAll();
      }
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
    checkStopped();
  }

  @Override
  protected void awaitStopped() throws InterruptedException {
    lock.lock();
    try {
      while (!slots.isEmpty()) {
        allGone.await();
      }
    } finally {
      lock.unlock();
    }
    // The thread that removed the last slot tells the adapter too, maybe while this thread runs: a
    // join() returns only once the adapter has released what the pool held.
    checkStopped();
    lock.lock();
    try {
      while (stopReported && !stopReportDone) {
        allGone.await();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  protected void stopNow() {
    List<W> all;
    lock.lock();
    try {
      queue.clear();
      delayed = 0;
      all = List.copyOf(slots.keySet());
    } finally {
      lock.unlock();
    }
    for (W worker : all) {
      link.stop(worker, true);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TERMINATE_WAIT_SECONDS);
    lock.lock();
    try {
      long remaining = deadline - System.nanoTime();
      while (!slots.isEmpty() && remaining > 0) {
        remaining = allGone.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    Watchdog.unwatch(this);
    link.terminated(all, deadline);
    checkStopped();
  }

  /** Tells the adapter, once, that the pool is stopped and every worker gone. */
  void checkStopped() {
    boolean report;
    lock.lock();
    try {
      report = isShutdown() && slots.isEmpty() && !stopReported;
      stopReported |= report;
    } finally {
      lock.unlock();
    }
    if (report) {
      try {
        link.stopped();
      } finally {
        lock.lock();
        try {
          stopReportDone = true;
          allGone.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }
}
