package dev.parallelizable.internal.remote;

import java.util.ArrayList;
import java.util.List;

/** One worker as the engine schedules it. Guarded by the engine's lock. */
final class WorkerSlot<W> {
  /**
   * <pre>
   * STARTING --ready--> READY --(stop: recycled, idle too long, no more work, terminate)--> RETIRING
   *     |                 |                                                                   |
   *     +-----------------+--gone (crashed, left, could not start)--> DEAD <------gone---------+
   * </pre>
   * A READY worker runs up to {@code capacity} assignments; DOOMED is READY that is being killed
   * (a timeout): it takes no more work and is replaced when gone.
   */
  enum State {
    STARTING,
    READY,
    DOOMED,
    RETIRING,
    DEAD
  }

  final W worker;
  final long createdNanos = System.nanoTime();
  final List<Request> running = new ArrayList<>(1);
  State state;
  int capacity;
  int tasksRun;
  long idleSinceNanos = System.nanoTime();
  boolean startTimedOut;
  /**
   * Set when the worker is known to leave (given its last task before recycling, timed out, its
   * channel ended): it no longer counts as live, takes no more work, and its successor, if the
   * pool replaces workers, was reserved then rather than once it is gone.
   */
  boolean leaving;

  WorkerSlot(W worker, State state) {
    this.worker = worker;
    this.state = state;
  }

  int free() {
    return state == State.READY && !leaving ? capacity - running.size() : 0;
  }

  @Override
  public String toString() {
    return String.valueOf(worker);
  }
}
