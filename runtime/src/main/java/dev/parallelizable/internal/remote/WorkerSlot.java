package dev.parallelizable.internal.remote;

import dev.parallelizable.internal.PoolCounters;
import java.util.ArrayList;
import java.util.List;

/** One worker as the engine schedules it. Guarded by the engine's lock. */
final class WorkerSlot<W> {
  /**
   * <pre>
   * STARTING --initializing--> INITIALIZING --ready--> READY --retire or release--> RETIRING
   *    |  (connected; runs the      |                   |  (recycled, idle too long, shut down
   *    |   pool's initializer)      |                   |   with nothing queued)
   *    +--ready (no initializer, a kept worker answered)-+
   *    |                            |                   +--task timeout, if the timeout stops its
   *    |                            |                   |  worker--> DOOMED
   *    |                            |                   |               |
   *    +--gone----------------------+-------------------+--gone---------+--gone--> DEAD
   *       (could not start, start or initializer        (exited, crashed, left,     ^
   *        timeout: a start failure)                     stopped)                   |
   *                                                          RETIRING --gone--------+
   * </pre>
   * Every bound on a worker is enforced here, by the engine's watch ({@code RemoteEngine.watch()}): STARTING
   * past {@code startTimeout}, INITIALIZING past {@code initializerTimeout}, RETIRING past {@code
   * shutdownTimeout} are stopped at once; READY idle past {@code idleTimeout} is retired; a task
   * past {@code taskTimeout} DOOMs its worker or cancels its assignment. A READY worker runs up to
   * {@code capacity} assignments. DOOMED is READY that is being killed (a worker JVM past its task
   * timeout): it takes no more work and is replaced when gone. A cluster member's timeout
   * interrupts the task instead, and the member stays READY. Terminate changes no state: it stops
   * every worker, and each becomes DEAD once gone. A DEAD slot is removed.
   */
  enum State {
    STARTING,
    INITIALIZING,
    READY,
    DOOMED,
    RETIRING,
    DEAD
  }

  final W worker;
  final long createdNanos = System.nanoTime();
  final List<EngineAssignment> running = new ArrayList<>(1);
  State state;
  int capacity;
  int tasksRun;
  long idleSinceNanos = System.nanoTime();
  /** When it entered STARTING, INITIALIZING or RETIRING: the start of that state's bound. */
  long sinceNanos = createdNanos;
  /** The state whose bound it outlived, once the watch stopped it for that; null otherwise. */
  State outlived;
  /**
   * Set when the worker is known to leave (given its last task before recycling, timed out, its
   * channel ended): it no longer counts as live, takes no more work, and its successor, if the
   * pool replaces workers, was reserved then rather than once it is gone.
   */
  boolean leaving;
  /** Its row in the pool's stats, from ready until gone; null before. */
  PoolCounters.Worker row;
  /** Its name once ready (a worker JVM's pid is known then); null before. */
  String name;
  /** The worker this one replaces, and why; null if it is not a replacement. */
  String replaces;
  String replaceReason;

  WorkerSlot(W worker, State state) {
    this.worker = worker;
    this.state = state;
  }

  /** Whether it has not been ready yet: STARTING or INITIALIZING. */
  boolean isStarting() {
    return isStarting(state);
  }

  static boolean isStarting(State state) {
    return state == State.STARTING || state == State.INITIALIZING;
  }

  /** Moves it to {@code next}, whose bound, if it has one, runs from now. */
  void enter(State next) {
    state = next;
    sinceNanos = System.nanoTime();
  }

  int free() {
    return state == State.READY && !leaving ? capacity - running.size() : 0;
  }

  /** The worker's name for events and stats. */
  String name() {
    return name != null ? name : String.valueOf(worker);
  }

  @Override
  public String toString() {
    return String.valueOf(worker);
  }
}
