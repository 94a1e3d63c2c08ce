package dev.parallelizable.internal;

import dev.parallelizable.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The counts behind {@link dev.parallelizable.Pool#stats()}: one per pool, updated by its chunks as
 * they move (submitted, started, done) and by the pool as its workers come, work and go.
 *
 * <pre>
 * A chunk of n tasks:  submitted: submitted += n, queued += n
 *                      started:   queued -= n, running += n
 *                      done:      running (or queued, if it never started) -= n, then
 *                                 completed += the tasks that returned,
 *                                 failed += the tasks that failed with a failure of their own,
 *                                 cancelled += the rest
 * </pre>
 *
 * The chunk says which tasks are which ({@code Chunk.countOutcomes}): in a map that stops at the
 * first failure at most one task of a chunk fails; in one that keeps going, each task is counted as
 * its outcome says.
 *
 * Every count is moved under one lock, so a snapshot always adds up. The lock is taken once per
 * chunk transition, never while calling anything else; a remote engine takes it while it holds its
 * own lock, never the other way round. Thread-safe.
 */
public final class PoolCounters {
  private final Object lock = new Object();
  // Accessed only under lock:
  private long submitted;
  private long queued;
  private long running;
  private long completed;
  private long failed;
  private long cancelled;
  private long workersStarted;
  private long workersLost;
  private long workersReplaced;
  private final List<Worker> workers = new ArrayList<>();

  /** One worker's row; its fields are accessed only under the lock of its pool's counters. */
  public static final class Worker {
    private final String name;
    private long tasks;
    private long busyNanos;
    private int runningChunks;

    private Worker(String name) {
      this.name = name;
    }

    /** The worker's name, as events and stats show it. */
    public String name() {
      return name;
    }
  }

  void submitted(int tasks) {
    synchronized (lock) {
      submitted += tasks;
      queued += tasks;
    }
  }

  void started(int tasks) {
    synchronized (lock) {
      queued -= tasks;
      running += tasks;
    }
  }

  /**
   * A chunk of {@code tasks} is done: {@code succeeded} returned, {@code failedHere} failed, the
   * rest were cancelled; it ran on {@code runner} for {@code nanos}, if it was run by a worker of the
   * JVM's own threads.
   */
  void finished(int tasks, boolean wasStarted, int succeeded, int failedHere, Worker runner, long nanos) {
    synchronized (lock) {
      if (runner != null) {
        runner.runningChunks--;
        runner.tasks += succeeded + failedHere;
        runner.busyNanos += nanos;
      }
      if (wasStarted) {
        running -= tasks;
      } else {
        queued -= tasks;
      }
      completed += succeeded;
      failed += failedHere;
      cancelled += tasks - succeeded - failedHere;
    }
  }

  /** A worker joins the pool's rows. */
  public Worker addWorker(String name) {
    Worker worker = new Worker(name);
    synchronized (lock) {
      workers.add(worker);
      workersStarted++;
    }
    return worker;
  }

  /** A worker left the pool; {@code lost} if it was not asked to. No effect if it is not there. */
  public void removeWorker(Worker worker, boolean lost) {
    synchronized (lock) {
      if (workers.remove(worker) && lost) {
        workersLost++;
      }
    }
  }

  /** The pool started a worker in place of one that left or was recycled. */
  public void replaced() {
    synchronized (lock) {
      workersReplaced++;
    }
  }

  /** {@code worker} starts running a chunk (or part of one). */
  public void busy(Worker worker) {
    synchronized (lock) {
      worker.runningChunks++;
    }
  }

  /** {@code worker} ended a run of {@code tasks} tasks that took {@code nanos}. */
  public void idle(Worker worker, long tasks, long nanos) {
    synchronized (lock) {
      worker.runningChunks--;
      worker.tasks += tasks;
      worker.busyNanos += nanos;
    }
  }

  /** A consistent snapshot. */
  PoolStats snapshot(String pool, String name, int size) {
    synchronized (lock) {
      List<PoolStats.WorkerStats> rows = new ArrayList<>(workers.size());
      for (Worker worker : workers) {
        rows.add(new PoolStats.WorkerStats(
            worker.name, worker.tasks, Duration.ofNanos(worker.busyNanos), worker.runningChunks > 0));
      }
      return new PoolStats(pool, name, size, submitted, queued, running, completed, failed, cancelled,
          workersStarted, workersLost, workersReplaced, rows);
    }
  }
}
