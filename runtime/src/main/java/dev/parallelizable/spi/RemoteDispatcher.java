package dev.parallelizable.spi;

import dev.parallelizable.Pool;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.remote.RemoteEngine;
import java.util.List;

/**
 * The runtime's dispatch engine for a pool of remote workers, as its adapter sees it: a {@link Pool}
 * to hand to applications, and the callbacks through which the adapter reports what its workers do.
 * See {@link RemoteWorkers} for the other direction, and the engine's overview for the states of a
 * chunk and of a worker.
 *
 * <p>Thread-safe: every callback may be called from any thread. Callbacks of results (the
 * application's {@code AsyncResult.onSuccess} and the like) run in the thread that reports the
 * answer, lost worker or timeout that completes them.
 *
 * @param <W> the adapter's handle on one worker
 */
public interface RemoteDispatcher<W> extends Pool {
  /** A pool that dispatches to {@code workers}; starts its workers if it starts its own. */
  static <W> RemoteDispatcher<W> create(RemoteSettings settings, RemoteWorkers<W> workers) {
    return RemoteEngine.start(settings, workers);
  }

  /**
   * A worker is ready to run up to {@code capacity} assignments at once: one the engine started, or
   * one that joined on its own (a new cluster member).
   */
  void ready(W worker, int capacity);

  /** The worker answered every task of the assignment, or up to a failure recorded in it. */
  void answered(Assignment assignment);

  /**
   * The assignment ended unanswered and its worker stays: cancelled after a timeout, or never
   * delivered. A timed-out assignment fails with the timeout; another is queued again, not counted
   * as a loss.
   */
  void returned(Assignment assignment);

  /**
   * The worker no longer works for the pool: it exited, crashed, left, could not start, or was
   * stopped. Its assignments are run again under the crash policy or fail; a pool that starts its
   * own workers replaces it. Reporting a worker twice, or one never seen, does nothing.
   */
  void gone(W worker, Throwable problem);

  /** Whether the worker is being retired (or the pool terminated): its exit is expected. */
  boolean isRetiring(W worker);

  /** Whether the engine stopped the worker because it did not start in time. */
  boolean startTimedOut(W worker);

  /** The workers that are not gone. */
  List<W> workers();

  /** The failure that broke the pool (a worker could not start), or null. */
  WorkerStartException broken();

  /** Workers stopped joining: fails queued tasks if no worker is left to run them. */
  void workersChanged();
}
