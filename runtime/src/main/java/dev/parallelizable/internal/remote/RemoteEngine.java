package dev.parallelizable.internal.remote;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.Retries;
import dev.parallelizable.internal.Texts;
import dev.parallelizable.internal.UndecodedFailure;
import dev.parallelizable.internal.events.Events;
import dev.parallelizable.internal.remote.WorkerSlot.State;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import dev.parallelizable.spi.StartTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one dispatch engine of every remote pool: the process pool's worker JVMs and the cluster
 * pool's members are workers of this engine, adapted by a {@link RemoteWorkers}.
 *
 * <h2>Scheduling</h2>
 *
 * A submitted chunk is encoded by the adapter in the submitting thread, then given at once to the
 * worker with the most free capacity, or queued. An assignment is a run of consecutive tasks of one
 * chunk: the whole chunk unless the adapter bounds its size, the worker is recycled within it, or a
 * lost chunk runs again from its first task without a result. When an assignment is answered, the
 * reporting thread gives the freed capacity the next queued chunk before it completes the answered
 * one, so the worker is not idle while callbacks run. All scheduling state is guarded by one lock,
 * never held while sending, stopping a worker, or completing a chunk.
 *
 * <pre>
 * A chunk:
 *   dispatch() --encode in the caller--> QUEUED (cancellable) --a worker is free--> ASSIGNED(worker)
 *   ASSIGNED --answered, more tasks left--> QUEUED (front)          --answered--> DONE
 *   ASSIGNED --worker gone, losses of the task within the CrashPolicy--> QUEUED (front, from the
 *            first task without a result)
 *   ASSIGNED --worker gone, policy spent--> DONE (the adapter's WorkerLostException)
 *   ASSIGNED --ran past the task timeout--> abandoned --> DONE (TaskTimeoutException)
 *   ASSIGNED --returned unanswered (never delivered)--> QUEUED (front; not a loss)
 *   QUEUED --no worker left and none can join or start--> DONE (WorkerLostException if it lost one)
 *   any --terminate()--> DONE (TaskCancelledException)
 *   ASSIGNED --a task threw (or timed out, if asked), its RetryPolicy allows another run-->
 *            QUEUED (front, from that task, due after the policy's delay; see Dispatch)
 *   ASSIGNED --a task failed for good, in a map that keeps going--> that task SETTLED, and
 *            QUEUED (front, from the task after it), or DONE when no task is left
 * </pre>
 *
 * A failed task is decided in one place, {@link #failed}: run it again under its retry
 * policy (the crash policy's losses and the retry policy's runs are counted apart, per task), settle
 * it and go on (a chunk that keeps going), or fail the chunk. A delayed chunk waits in the queue;
 * the scheduler skips it until it is due, and the {@link Watchdog} wakes for it.
 *
 * The transitions are made by this one class, over one lock and one state, in four parts: the
 * events of the adapter and of the callers (dispatch, ready, initializing, answered, returned,
 * leaving, gone); the scheduling they share ({@code schedule()}: QUEUED to ASSIGNED, and QUEUED to
 * DONE when no worker is left); the watch on the {@link Watchdog}'s tick (every bound on a worker,
 * see {@link WorkerSlot.State}, and an assignment past the task timeout, abandoned); and the stop
 * (terminate() to DONE, and telling the adapter once every worker is gone).
 *
 * <p>Every field but the settings and the adapter is guarded by {@link #lock}, which is never held
 * while sending, stopping a worker, or completing a chunk: the methods that change the state
 * collect what is to be done in an {@link Effects}, and {@link #carryOut} does it once the lock is
 * released. Its collaborators hold no state machine of their own: a {@link Dispatch} is a chunk's
 * progress, an {@link EngineAssignment} an assignment to one worker, a {@link WorkerSlot} a
 * worker's state, and the {@link Watchdog} the thread that runs the watch.
 *
 * <p>The engine also keeps each ready worker's row in the pool's stats (its tasks and busy time,
 * counted when an assignment ends) and records the JFR events of assignments and workers ({@link
 * Events}): an assignment's TaskExecution runs from when it is assigned to its end. Events are
 * committed under the lock: a commit copies a few fields into a thread-local buffer.
 *
 * Workers move through the states of {@link WorkerSlot}: the engine's events start, run and retire
 * them, the watch dooms one whose task timed out and retires an idle one, the stop retires or kills
 * them all. A pool that starts its own workers keeps
 * as many as it was asked for while it has work, replaces a worker that left, and is broken for good
 * (every queued and later task fails with {@link WorkerStartException}) when one cannot start. A pool
 * whose workers join on their own (a cluster) fails its queued tasks when none is left.
 *
 * <p>A worker known to leave (given the last task {@code maxTasksPerWorker} allows it, timed out,
 * or reported {@link #leaving}) is handed over: it stops counting as live and takes no more work,
 * and its successor is reserved at once, so that the new worker starts while the old one finishes
 * or is reaped; live workers never exceed the pool's size. When a shut-down pool's queue is empty,
 * its healthy idle workers are released ({@link RemoteWorkers#release}: the adapter may keep them
 * for another pool), the others retired.
 *
 * <p>Thread-safe. A chunk is completed by the thread that reported its answer, loss or timeout;
 * the callbacks of its result then run on the pool's callback thread (see {@code AbstractPool}).
 */
public final class RemoteEngine<W> extends AbstractPool {
  private static final long TERMINATE_WAIT_SECONDS = 10;

  final RemoteSettings settings;
  final RemoteWorkers<W, Object> link;
  final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock:
  final ArrayDeque<Dispatch> queue = new ArrayDeque<>();
  final Map<W, WorkerSlot<W>> slots = new LinkedHashMap<>();
  /** Workers neither retiring nor dead. */
  int live;
  int starting;
  long nextRequestId = 1;
  WorkerStartException broken;
  /** Queued dispatches waiting for a retry's delay ({@link Dispatch#delayed}). */
  int delayed;
  /** The earliest {@link Dispatch#notBeforeNanos} of those, as of the last {@link #schedule}. */
  long nextDueNanos;
  /** Signalled when the last slot is removed, and once the adapter was told the pool stopped. */
  final Condition allGone = lock.newCondition();
  /** Whether the adapter was told the pool stopped. Guarded by lock. */
  private boolean stopReported;
  /** Whether the adapter has returned from being told. Guarded by lock. */
  private boolean stopReportDone;

  /** How often the watchdog runs {@link #watch()}: the task timeout's tenth, 100 ms at most. */
  private final long watchMillis;
  /** Milliseconds from the last watch to the next retry that is due, or Long.MAX_VALUE for none. */
  private volatile long millisUntilDue = Long.MAX_VALUE;
  /** What the adapter holds; the engine itself is the pool that applications hold. */
  private final Door door = new Door();

  @SuppressWarnings("unchecked") // the engine hands the adapter back only what the adapter encoded
  private RemoteEngine(RemoteSettings settings, RemoteWorkers<W, ?> link) {
    super(settings.poolName(), settings.name(), settings.size());
    this.settings = settings;
    this.link = (RemoteWorkers<W, Object>) link;
    long tick = 100;
    if (settings.taskTimeout() != null) {
      tick = Math.min(tick, Math.max(5, settings.taskTimeout().toMillis() / 10));
    }
    this.watchMillis = tick;
  }

  // ---- Scheduling, from here to carryOut(): called with the lock held, except carryOut.

  /** Ends {@code assignment}: its worker's capacity is free again. */
  @SuppressWarnings("unchecked")
  WorkerSlot<W> end(EngineAssignment assignment) {
    assignment.ended = true;
    WorkerSlot<W> slot = (WorkerSlot<W>) assignment.slot;
    slot.running.remove(assignment);
    long now = System.nanoTime();
    if (slot.running.isEmpty()) {
      slot.idleSinceNanos = now;
    }
    assignment.dispatch.queuedSinceNanos = now;
    String outcome = assignment.failedAt >= 0 ? Events.outcome(assignment.failure)
        : assignment.received() >= assignment.to ? "succeeded" : assignment.timedOut ? "timed out" : "returned";
    ranFor(slot, assignment, outcome, now);
    return slot;
  }

  /**
   * Counts what {@code assignment} ran on its worker's row, and records its TaskExecution event: it
   * ended ({@code outcome}) at {@code now}.
   */
  void ranFor(WorkerSlot<W> slot, EngineAssignment assignment, String outcome, long now) {
    int succeeded = (assignment.failedAt >= 0 ? assignment.failedAt : assignment.received()) - assignment.from;
    int ran = succeeded + (assignment.failedAt >= 0 ? 1 : 0);
    if (slot.row != null) {
      counters().idle(slot.row, ran, now - assignment.assignedNanos);
    }
    if (assignment.event != null) {
      Events.endTask(assignment.event, toString(), slot.name(), assignment.dispatch.task(assignment.from).method(),
          assignment.dispatch.chunk.offset() + assignment.from, assignment.to - assignment.from, succeeded, outcome,
          assignment.queueWaitNanos);
    }
  }

  /**
   * Starts a worker in place of {@code old}, which left or was recycled for {@code reason}; its
   * WorkerReplacement event is recorded when the new one is ready.
   */
  List<W> replace(WorkerSlot<W> old, String reason) {
    List<W> spawned = reserve(1);
    for (W worker : spawned) {
      WorkerSlot<W> slot = slots.get(worker);
      slot.replaces = old.name();
      slot.replaceReason = reason;
      counters().replaced();
    }
    return spawned;
  }

  /**
   * Gives queued chunks to free workers, starts the workers the queue needs, retires workers no
   * work is left for, and fails queued chunks no worker is left for.
   */
  void schedule(Effects effects) {
    long due = nextDueNanos;
    while (!queue.isEmpty()) {
      WorkerSlot<W> slot = freest();
      if (slot == null) {
        break;
      }
      Dispatch next = delayed == 0 ? queue.poll() : pollDue();
      if (next == null) {
        break;
      }
      EngineAssignment assignment = assign(slot, next);
      if (assignment != null) {
        effects.sends.add(assignment);
        if (givenLastTask(slot)) {
          handOver(slot, effects, "recycled"); // the successor starts while this worker runs its last task
        }
      }
    }
    if (queue.isEmpty() && (isShutdown() || broken != null)) {
      for (WorkerSlot<W> slot : slots.values()) {
        if (slot.state == State.READY && slot.running.isEmpty()) {
          if (broken == null && !slot.leaving && !isTerminated()) {
            release(slot, effects);
          } else {
            retire(slot, effects);
          }
        }
      }
    }
    if (delayed > 0 && nextDueNanos != due) {
      effects.delayedRetry = true; // the watchdog is to wake when the earliest retry is due
    }
    effects.spawned.addAll(reserve(demand()));
    if (!queue.isEmpty() && settings.startsWorkers() == 0 && !link.workersMayJoin() && noWorkerLeft()) {
      for (Dispatch dispatch : queue) {
        int index = dispatch.from;
        Task<?> task = dispatch.task(index);
        W lostWith = dispatch.lostWith == null ? null : typed(dispatch.lostWith);
        effects.fail(dispatch, index, () -> lostWith != null
            ? link.lost(lostWith, task, dispatch.position(index),
                "; no worker is left to run it again: " + link.noWorkerLeft())
            : new TaskFailedException(task.toString(), new IllegalStateException(
                "Cannot run " + task + ": " + link.noWorkerLeft())));
      }
      queue.clear();
      delayed = 0;
    }
  }

  /**
   * The first queued dispatch that is due, removed from the queue; null if every one waits for a
   * retry's delay. Sets {@link #nextDueNanos} to the earliest delay left.
   */
  private Dispatch pollDue() {
    long now = System.nanoTime();
    Dispatch due = null;
    long earliest = Long.MAX_VALUE;
    for (java.util.Iterator<Dispatch> it = queue.iterator(); it.hasNext(); ) {
      Dispatch dispatch = it.next();
      if (dispatch.delayed && dispatch.notBeforeNanos - now > 0) {
        earliest = Math.min(earliest, dispatch.notBeforeNanos - now);
        continue;
      }
      if (due == null) {
        it.remove();
        if (dispatch.delayed) {
          dispatch.delayed = false;
          delayed--;
        }
        due = dispatch;
      }
    }
    nextDueNanos = earliest == Long.MAX_VALUE ? 0 : now + earliest;
    return due;
  }

  /**
   * Task {@code index} of {@code dispatch} failed with {@code failure} (known now for an exception
   * the task threw; null for a loss or a timeout, whose failure is built once the lock is
   * released): queue it to run again after its retry policy's delay from {@code resumeFrom}, or
   * settle it and go on with the rest of a chunk that keeps going, or fail the chunk.
   */
  void failed(Dispatch dispatch, int index, int resumeFrom, ParallelException known, boolean timedOut,
      Supplier<ParallelException> failure, Effects effects) {
    RetryPolicy policy = Retries.of(dispatch.task(index), settings.retryPolicy());
    int runs = dispatch.failedRuns(index) + 1;
    boolean retry = policy != null && runs < policy.maxAttempts()
        && (timedOut ? policy.retriesTimeouts() : known != null && Retries.retries(policy, known, runs));
    if (retry) {
      dispatch.failedRun(index, failure);
      dispatch.from = resumeFrom;
      dispatch.skipSettled(); // tasks before it that were lost with its worker may be settled
      dispatch.notBeforeNanos = System.nanoTime() + Retries.delayNanos(policy, runs);
      if (!dispatch.delayed) {
        dispatch.delayed = true;
        delayed++;
      }
      queue.addFirst(dispatch);
      effects.delayedRetry = true;
      return;
    }
    Supplier<ParallelException> last = dispatch.withEarlierRuns(index, failure);
    if (dispatch.chunk.keepsGoing()) {
      dispatch.settle(index, last);
      dispatch.from = resumeFrom;
      continueOrFinish(dispatch, effects);
    } else {
      effects.fail(dispatch, resumeFrom, last);
    }
  }

  /**
   * Queues {@code dispatch} again, at the front, from its first unsettled task at or after {@link
   * Dispatch#from}; if none is left, the chunk is complete.
   */
  void continueOrFinish(Dispatch dispatch, Effects effects) {
    if (dispatch.skipSettled()) {
      queue.addFirst(dispatch);
    } else if (dispatch.chunk.keepsGoing()) {
      effects.finished.add(dispatch);
    } else {
      effects.succeeded.add(dispatch.chunk);
    }
  }

  @SuppressWarnings("unchecked")
  W typed(Object worker) {
    return (W) worker;
  }

  boolean noWorkerLeft() {
    for (WorkerSlot<W> slot : slots.values()) {
      if (slot.state == State.READY || slot.isStarting()) {
        return false;
      }
    }
    return true;
  }

  /** The ready worker with the most free capacity; of equals, the one idle longest. */
  WorkerSlot<W> freest() {
    WorkerSlot<W> best = null;
    for (WorkerSlot<W> slot : slots.values()) {
      int free = slot.free();
      if (free > 0
          && (best == null || free > best.free()
              || (free == best.free() && slot.idleSinceNanos - best.idleSinceNanos < 0))) {
        best = slot;
      }
    }
    return best;
  }

  /** Claims {@code dispatch} for {@code slot}; null if its chunk was cancelled or aborted. */
  EngineAssignment assign(WorkerSlot<W> slot, Dispatch dispatch) {
    Chunk chunk = dispatch.chunk;
    if (!dispatch.started) {
      if (!chunk.start()) {
        return null;
      }
      dispatch.started = true;
    }
    if (chunk.isDone()) {
      return null;
    }
    int to = dispatch.end();
    if (settings.maxTasksPerWorker() > 0) {
      to = Math.min(to, dispatch.from + Math.max(1, settings.maxTasksPerWorker() - slot.tasksRun));
    }
    if (settings.maxTasksPerAssignment() > 0) {
      to = Math.min(to, dispatch.from + settings.maxTasksPerAssignment());
    }
    to = Math.max(dispatch.from + 1, Math.min(to, link.end(dispatch.encoded, dispatch.from, to)));
    EngineAssignment assignment = new EngineAssignment(nextRequestId++, dispatch, slot, dispatch.from, to);
    slot.running.add(assignment);
    assignment.lastStarted = link.tasksStarted(slot.worker);
    long now = System.nanoTime();
    assignment.lastProgressNanos = now;
    assignment.assignedNanos = now;
    assignment.queueWaitNanos = now - dispatch.queuedSinceNanos;
    assignment.event = Events.beginTask();
    if (slot.row != null) {
      counters().busy(slot.row);
    }
    return assignment;
  }

  void retire(WorkerSlot<W> slot, Effects effects) {
    leave(slot);
    effects.retired.add(slot.worker);
  }

  /**
   * Retires a healthy idle worker of a pool that was shut down: the adapter may keep it for another
   * pool ({@link RemoteWorkers#release}) rather than stop it.
   */
  void release(WorkerSlot<W> slot, Effects effects) {
    leave(slot);
    effects.released.add(slot.worker);
  }

  private void leave(WorkerSlot<W> slot) {
    if (!slot.leaving && (slot.state == State.READY || slot.isStarting())) {
      live--;
    }
    slot.enter(State.RETIRING);
  }

  /** Whether {@code slot} now runs the last task that {@code maxTasksPerWorker} allows it. */
  boolean givenLastTask(WorkerSlot<W> slot) {
    int max = settings.maxTasksPerWorker();
    if (max <= 0 || settings.startsWorkers() == 0) {
      return false;
    }
    int given = slot.tasksRun;
    for (EngineAssignment running : slot.running) {
      given += running.to - running.from;
    }
    return given >= max;
  }

  /**
   * The worker in {@code slot} is known to leave (its last task, a timeout, its channel ended):
   * it stops counting as live and takes no more work, and its successor is reserved now, while it
   * finishes or is reaped, so that the two overlap. Never more than the configured number of
   * workers are live; successors that start are counted among them.
   */
  void handOver(WorkerSlot<W> slot, Effects effects, String reason) {
    if (slot.leaving) {
      return;
    }
    slot.leaving = true;
    if (slot.state == State.READY || slot.state == State.DOOMED) {
      live--;
      if (replaceable()) {
        effects.spawned.addAll(replace(slot, reason));
      }
    }
  }

  /** How many workers to start for the queued chunks no worker will take soon. */
  int demand() {
    if (settings.startsWorkers() == 0 || broken != null || isTerminated()) {
      return 0;
    }
    return Math.max(0, Math.min(queue.size() - starting, settings.startsWorkers() - live));
  }

  /** Whether a worker that left (crashed, recycled) is to be replaced. */
  boolean replaceable() {
    return settings.startsWorkers() > 0 && settings.replacesWorkers() && broken == null && !isTerminated()
        && (!isShutdown() || !queue.isEmpty());
  }

  /** Creates {@code count} workers in the STARTING state; {@link #launch} starts them. */
  List<W> reserve(int count) {
    if (count <= 0) {
      return List.of();
    }
    List<W> reserved = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      W worker = link.newWorker();
      slots.put(worker, new WorkerSlot<>(worker, State.STARTING));
      reserved.add(worker);
      live++;
      starting++;
    }
    return reserved;
  }

  /**
   * The effects of a transition, which the callback that made it carries out once it has released
   * the lock, in this order. Failures are built there
   * too: describing a task calls user code (its arguments' {@code toString}, through {@code
   * Describe}) and asks the adapter about its worker, neither of which runs under the lock.
   */
  final class Effects {
    final List<EngineAssignment> sends = new ArrayList<>(1);
    final List<W> retired = new ArrayList<>(0);
    final List<W> released = new ArrayList<>(0);
    final List<W> spawned = new ArrayList<>(0);
    final List<Chunk> aborted = new ArrayList<>(0);
    final List<Failure> failed = new ArrayList<>(0);
    final List<Chunk> succeeded = new ArrayList<>(1);
    /** Chunks that keep going, every task of which has an effects. */
    final List<Dispatch> finished = new ArrayList<>(0);
    /** Whether a task was queued to run again after a delay: the watchdog is to wake for it. */
    boolean delayedRetry;

    void fail(Dispatch dispatch, int index, Supplier<ParallelException> failure) {
      failed.add(new Failure(dispatch, index, failure));
    }
  }

  /** Task {@code index} of {@code dispatch} fails with what {@code failure} builds. */
  record Failure(Dispatch dispatch, int index, Supplier<ParallelException> failure) {}

  /**
   * Sends first, so that workers stay busy; then completes chunks, before any worker is told to
   * stop: a pool's {@code join()} returns once every worker is gone, and by then every chunk that a
   * worker answered must be done.
   */
  @SuppressWarnings("unchecked")
  void carryOut(Effects effects) {
    for (EngineAssignment assignment : effects.sends) {
      var event = Events.beginDispatch();
      link.send((W) assignment.slot.worker, assignment);
      if (event != null) {
        Events.endDispatch(event, toString(), ((WorkerSlot<W>) assignment.slot).name(),
            assignment.dispatch.task(assignment.from).method(), assignment.dispatch.chunk.offset() + assignment.from,
            assignment.to - assignment.from);
      }
    }
    for (Chunk chunk : effects.succeeded) {
      chunk.succeed();
    }
    for (Dispatch dispatch : effects.finished) {
      dispatch.recordSettled();
      dispatch.chunk.succeed();
    }
    for (Failure failure : effects.failed) {
      Dispatch dispatch = failure.dispatch();
      if (!dispatch.started) {
        dispatch.chunk.start();
      }
      if (dispatch.chunk.keepsGoing()) {
        dispatch.recordSettled();
      }
      dispatch.chunk.fail(failure.index(), new UndecodedFailure(null, failure.failure()));
    }
    if (!effects.aborted.isEmpty()) {
      WorkerStartException cause = broken();
      for (Chunk chunk : effects.aborted) {
        chunk.abort(cause);
      }
    }
    for (W worker : effects.retired) {
      link.stop(worker, false);
    }
    for (W worker : effects.released) {
      link.release(worker);
    }
    launch(effects.spawned);
    if (effects.delayedRetry) {
      Watchdog.wake();
    }
  }

  void launch(List<W> spawned) {
    if (!spawned.isEmpty()) {
      link.launch(spawned);
    }
  }

  // ---- The watch, on the watchdog's tick: every bound on a worker (see WorkerSlot.State), the
  // idle timeout, an assignment past the task timeout; and the retries whose delay is over.

  /** How often {@link #watch()} is to run. */
  long watchMillis() {
    return watchMillis;
  }

  /** How soon the watchdog is to run {@link #watch()} for a retry that is due; at least 1. */
  long millisUntilDue() {
    return millisUntilDue;
  }

  /**
   * Called by the {@link Watchdog} every {@link #watchMillis()}: times out tasks, retires idle
   * workers, stops workers that do not start. Returns false once the pool is stopped.
   */
  boolean watch() {
    long now = System.nanoTime();
    long timeoutNanos = settings.taskTimeout() == null ? 0 : settings.taskTimeout().toNanos();
    long idleNanos = settings.idleTimeout() == null ? 0 : settings.idleTimeout().toNanos();
    List<EngineAssignment> abandon = new ArrayList<>(0);
    List<W> kill = new ArrayList<>(0);
    List<WorkerSlot<W>> doomed = new ArrayList<>(0);
    Effects effects = new Effects();
    lock.lock();
    try {
      for (WorkerSlot<W> slot : slots.values()) {
        Duration bound = bound(slot.state);
        if (bound != null) {
          if (slot.outlived == null && now - slot.sinceNanos > bound.toNanos()) {
            slot.outlived = slot.state;
            kill.add(slot.worker);
          }
          continue;
        }
        if (slot.state != State.READY && slot.state != State.DOOMED) {
          continue;
        }
        if (timeoutNanos > 0 && !slot.running.isEmpty()) {
          long started = link.tasksStarted(slot.worker);
          for (EngineAssignment assignment : slot.running) {
            if (assignment.timedOut) {
              continue;
            }
            if (started != assignment.lastStarted) {
              assignment.lastStarted = started;
              assignment.lastProgressNanos = now;
            } else if (now - assignment.lastProgressNanos > timeoutNanos) {
              assignment.timedOut = true;
              abandon.add(assignment);
              if (link.timeoutStopsWorker() && slot.state == State.READY) {
                slot.state = State.DOOMED;
                doomed.add(slot);
              }
            }
          }
        }
        if (slot.state == State.READY && slot.running.isEmpty() && idleNanos > 0
            && settings.startsWorkers() > 0 && now - slot.idleSinceNanos > idleNanos) {
          retire(slot, effects);
        }
      }
      for (WorkerSlot<W> slot : doomed) {
        handOver(slot, effects, "timed out"); // after the loop: reserving a replacement adds a slot
      }
      if (delayed > 0) {
        schedule(effects); // retries whose delay is over
      }
      millisUntilDue = delayed > 0 && nextDueNanos - now > 0
          ? Math.max(1, (nextDueNanos - now + 999_999) / 1_000_000)
          : Long.MAX_VALUE; // due now: the next free worker takes it
    } finally {
      lock.unlock();
    }
    carryOut(effects); // first: the replacement of a timed-out worker starts before it is killed
    for (EngineAssignment assignment : abandon) {
      link.abandon(typed(assignment.slot.worker), assignment);
    }
    for (W worker : kill) {
      link.stop(worker, true);
    }
    for (W worker : workers()) {
      link.watch(worker, now);
    }
    lock.lock();
    try {
      return !(isShutdown() && slots.isEmpty());
    } finally {
      lock.unlock();
    }
  }

  /** The bound on a worker in {@code state}, or null if it has none there (or no bound is set). */
  private Duration bound(State state) {
    switch (state) {
      case STARTING:
        return settings.startTimeout();
      case INITIALIZING:
        return settings.initializerTimeout();
      case RETIRING:
        return settings.shutdownTimeout();
      default:
        return null;
    }
  }

  /**
   * Why a worker the watch stopped for outliving its start or initializer bound could not start,
   * for the adapter's {@link RemoteWorkers#startFailure}.
   */
  StartTimeoutException outlivedStart(WorkerSlot<W> slot) {
    return slot.outlived == State.INITIALIZING
        ? new StartTimeoutException("its initializer did not return within the initializer timeout of "
            + Texts.duration(settings.initializerTimeout()) + ", so the pool stopped it", true)
        : new StartTimeoutException("it was not ready within the start timeout of "
            + Texts.duration(settings.startTimeout()) + ", so the pool stopped it", false);
  }

  TaskTimeoutException timeout(WorkerSlot<W> slot, Dispatch dispatch, int index) {
    Task<?> task = dispatch.task(index);
    return new TaskTimeoutException(
        task.toString(),
        String.format("Task %s%s ran longer than the per-task timeout of %s; %s",
            task, dispatch.position(index), Texts.duration(settings.taskTimeout()), link.abandoned(slot.worker)));
  }

  // ---- The stop: a shutdown lets the queue drain and retires each worker as work runs out; a
  // terminate clears the queue and kills every worker, waiting up to TERMINATE_WAIT_SECONDS for
  // them to be gone. Either way the adapter is told once, when the pool is stopped and every worker
  // gone (checkStopped), and a join returns only after that.

  @Override
  protected void stopWhenIdle() {
    Effects effects = new Effects();
    lock.lock();
    try {
      schedule(effects);
      if (slots.isEmpty()) {
        allGone.signalAll();
      }
    } finally {
      lock.unlock();
    }
    carryOut(effects);
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

  // ---- The events: of the adapter (ready, initializing, answered, returned, leaving, gone) and of
  // the callers (dispatch), each a transition under the lock, its effects carried out after it.

  /**
   * The engine as its adapter sees it: the adapter's callbacks, kept off the pool that applications
   * hold, which has them as package-private methods only.
   */
  private final class Door implements RemoteDispatcher<W> {
    @Override
    public Pool pool() {
      return RemoteEngine.this;
    }

    @Override
    public void ready(W worker, int capacity) {
      RemoteEngine.this.ready(worker, capacity);
    }

    @Override
    public void initializing(W worker) {
      RemoteEngine.this.initializing(worker);
    }

    @Override
    public void answered(Assignment<?> assignment) {
      RemoteEngine.this.answered(assignment);
    }

    @Override
    public void returned(Assignment<?> assignment) {
      RemoteEngine.this.returned(assignment);
    }

    @Override
    public void gone(W worker, Throwable problem) {
      RemoteEngine.this.gone(worker, problem);
    }

    @Override
    public void leaving(W worker) {
      RemoteEngine.this.leaving(worker);
    }

    @Override
    public boolean isRetiring(W worker) {
      return RemoteEngine.this.isRetiring(worker);
    }

    @Override
    public List<W> workers() {
      return RemoteEngine.this.workers();
    }

    @Override
    public WorkerStartException broken() {
      return RemoteEngine.this.broken();
    }

    @Override
    public void workersChanged() {
      RemoteEngine.this.workersChanged();
    }

    @Override
    public String toString() {
      return RemoteEngine.this.toString();
    }
  }

  /**
   * Creates an engine, starts its workers if it starts its own (unless they start on demand), and
   * has the watchdog watch it.
   */
  public static <W> RemoteDispatcher<W> start(RemoteSettings settings, RemoteWorkers<W, ?> link) {
    RemoteEngine<W> engine = new RemoteEngine<>(settings, link);
    link.attach(engine.door);
    Watchdog.watch(engine);
    List<W> spawned;
    engine.lock.lock();
    try {
      spawned = engine.reserve(settings.startsWorkersOnDemand() ? 0 : settings.startsWorkers());
    } finally {
      engine.lock.unlock();
    }
    engine.launch(spawned);
    return engine.door;
  }

  @Override
  protected void dispatch(Chunk chunk) {
    // A chunk of one method's arguments or tasks goes as its columns, with no task kept per input;
    // one that cannot keeps the tasks that building its columns built, and goes as those.
    Object[] columns = null;
    if (link.encodesColumns()) {
      columns = chunk.argumentColumns();
      if (columns == null) {
        columns = chunk.taskColumns();
      }
    }
    Task<?>[] tasks = null;
    boolean[] unbuilt = null;
    if (columns == null) {
      tasks = chunk.tasks();
      if (tasks == null) {
        return; // building a task failed, and failed the chunk
      }
      unbuilt = chunk.keepsGoing() ? unbuilt(tasks) : null;
      if (unbuilt != null) {
        tasks = standIns(tasks);
        if (tasks == null) {
          chunk.start();
          chunk.succeed(); // no task could be built: each failure is its element's outcome
          return;
        }
      }
    }
    Object encoded;
    try {
      encoded = columns != null
          ? link.encodeColumns(chunk.firstMethod(), columns, chunk.size())
          : link.encode(tasks);
    } catch (RuntimeException e) {
      chunk.abort(new TaskCancelledException("Not submitted: " + e.getMessage()));
      throw e;
    }
    Dispatch dispatch = new Dispatch(chunk, tasks, encoded);
    if (unbuilt != null) {
      for (int i = 0; i < unbuilt.length; i++) {
        if (unbuilt[i]) {
          dispatch.settle(i, null); // its failure is on the chunk already
        }
      }
      dispatch.skipSettled();
    }
    ParallelException refusal = null;
    Effects effects = new Effects();
    lock.lock();
    try {
      if (broken != null) {
        refusal = broken;
      } else if (isTerminated()) {
        refusal = new TaskCancelledException(this + " was terminated before the task started");
      } else {
        queue.add(dispatch);
        schedule(effects);
      }
    } finally {
      lock.unlock();
    }
    if (refusal != null) {
      chunk.abort(refusal);
    }
    carryOut(effects);
  }

  /** Which tasks of a chunk that keeps going could not be built; null if all were. */
  private static boolean[] unbuilt(Task<?>[] tasks) {
    boolean[] unbuilt = null;
    for (int i = 0; i < tasks.length; i++) {
      if (tasks[i] == null) {
        if (unbuilt == null) {
          unbuilt = new boolean[tasks.length];
        }
        unbuilt[i] = true;
      }
    }
    return unbuilt;
  }

  /**
   * {@code tasks} with each task that could not be built replaced by one that could, so that the
   * chunk encodes; the engine never sends a stand-in (its task is settled). Null if none was built.
   */
  private static Task<?>[] standIns(Task<?>[] tasks) {
    Task<?> standIn = null;
    for (Task<?> task : tasks) {
      if (task != null) {
        standIn = task;
        break;
      }
    }
    if (standIn == null) {
      return null;
    }
    Task<?>[] filled = tasks.clone();
    for (int i = 0; i < filled.length; i++) {
      if (filled[i] == null) {
        filled[i] = standIn;
      }
    }
    return filled;
  }

  void ready(W worker, int capacity) {
    Effects effects = new Effects();
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      if (slot == null) {
        if (isShutdown() && queue.isEmpty()) {
          return; // joined a pool that is stopping
        }
        slot = new WorkerSlot<>(worker, State.STARTING);
        slots.put(worker, slot);
        live++;
        starting++;
      }
      if (!slot.isStarting()) {
        return;
      }
      starting--;
      slot.capacity = Math.max(1, capacity);
      slot.state = State.READY;
      slot.idleSinceNanos = System.nanoTime();
      slot.name = String.valueOf(worker);
      slot.row = counters().addWorker(slot.name);
      Events.workerStarted(toString(), slot.name, slot.idleSinceNanos - slot.createdNanos);
      if (slot.replaces != null) {
        Events.workerReplaced(toString(), slot.replaces, slot.name, slot.replaceReason);
      }
      if (isTerminated()) {
        retire(slot, effects);
      } else {
        schedule(effects);
      }
    } finally {
      lock.unlock();
    }
    carryOut(effects);
  }

  void initializing(W worker) {
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      if (slot != null && slot.state == State.STARTING) {
        slot.enter(State.INITIALIZING); // the initializer's bound runs from now
      }
    } finally {
      lock.unlock();
    }
  }

  void answered(Assignment<?> given) {
    EngineAssignment assignment = (EngineAssignment) given;
    Dispatch dispatch = assignment.dispatch;
    Effects effects = new Effects();
    lock.lock();
    try {
      if (assignment.ended) {
        return;
      }
      WorkerSlot<W> slot = end(assignment);
      int failedAt = assignment.failedAt;
      slot.tasksRun += (failedAt >= 0 ? failedAt + 1 : assignment.to) - assignment.from;
      if (slot.state == State.READY) {
        if (isTerminated()) {
          retire(slot, effects);
        } else if (slot.leaving
            || (settings.maxTasksPerWorker() > 0 && slot.tasksRun >= settings.maxTasksPerWorker())) {
          handOver(slot, effects, "recycled"); // the successor started with the last task, unless not yet
          retire(slot, effects); // recycled
        }
      }
      if (failedAt >= 0) {
        ParallelException failure = assignment.failure;
        // Retried or not by the failure as it came; built, if undecoded, where the chunk is read.
        failed(dispatch, failedAt, failedAt, failure, false, () -> UndecodedFailure.decoded(failure), effects);
      } else {
        dispatch.from = assignment.to;
        continueOrFinish(dispatch, effects);
      }
      schedule(effects);
    } finally {
      lock.unlock();
    }
    carryOut(effects);
  }

  void returned(Assignment<?> given) {
    EngineAssignment assignment = (EngineAssignment) given;
    Dispatch dispatch = assignment.dispatch;
    Effects effects = new Effects();
    lock.lock();
    try {
      if (assignment.ended) {
        return;
      }
      WorkerSlot<W> slot = end(assignment);
      if (assignment.timedOut) {
        int index = clamp(assignment, assignment.received());
        failed(dispatch, index, assignment.received(), null, true, () -> timeout(slot, dispatch, index), effects);
      } else {
        dispatch.from = assignment.received();
        continueOrFinish(dispatch, effects);
      }
      schedule(effects);
    } finally {
      lock.unlock();
    }
    carryOut(effects);
  }

  void gone(W worker, Throwable problem) {
    Effects effects = new Effects();
    boolean idleExit = false;
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.remove(worker);
      if (slot == null) {
        return;
      }
      State was = slot.state;
      slot.state = State.DEAD;
      if (WorkerSlot.isStarting(was)) {
        starting--;
      }
      if (was != State.RETIRING && !slot.leaving) {
        live--;
      }
      List<EngineAssignment> running = new ArrayList<>(slot.running);
      long now = System.nanoTime();
      for (EngineAssignment assignment : running) {
        assignment.ended = true;
        assignment.dispatch.queuedSinceNanos = now;
        ranFor(slot, assignment, "lost", now);
      }
      slot.running.clear();
      String exit = exitReason(was);
      if (slot.row != null) {
        counters().removeWorker(slot.row, (was == State.READY || was == State.DOOMED) && !isTerminated());
      }
      Events.workerExited(toString(), slot.name(), exit, slot.tasksRun);
      if (was == State.READY && !isTerminated()) {
        Events.workerCrashed(toString(), slot.name(), problem, running.size());
      }
      if (!isTerminated()) {
        if (WorkerSlot.isStarting(was)) {
          Throwable why = slot.outlived != null ? outlivedStart(slot) : problem;
          WorkerStartException failure =
              broken == null && !(isShutdown() && queue.isEmpty()) ? link.startFailure(worker, why) : null;
          if (failure != null) {
            broken = failure;
            for (Dispatch dispatch : queue) {
              effects.aborted.add(dispatch.chunk);
            }
            queue.clear();
            delayed = 0;
          } else if (broken == null && replaceable()) {
            effects.spawned.addAll(replace(slot, "crashed")); // it had started, for another pool
          }
        } else {
          for (EngineAssignment assignment : running) {
            lost(slot, assignment, effects);
          }
          idleExit = was == State.READY && running.isEmpty();
          if (was != State.RETIRING && !slot.leaving && replaceable()) {
            effects.spawned.addAll(replace(slot, exit));
          }
        }
        schedule(effects);
      }
      if (slots.isEmpty()) {
        allGone.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (idleExit) {
      link.goneWhileIdle(worker);
    }
    carryOut(effects);
    checkStopped();
  }

  void leaving(W worker) {
    Effects effects = new Effects();
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      if (slot == null || isTerminated() || slot.state != State.READY) {
        // Not yet ready: no work to hand over, gone() decides about it. Retiring, doomed: its exit
        // was asked for, and its successor reserved then if it has one.
        return;
      }
      handOver(slot, effects, "crashed"); // its channel ended before it was asked to leave
    } finally {
      lock.unlock();
    }
    carryOut(effects);
  }

  /** Why a worker in state {@code was} left, for its WorkerExit event. */
  private String exitReason(State was) {
    switch (was) {
      case STARTING:
      case INITIALIZING:
        return "failed to start";
      case DOOMED:
        return "timed out";
      case READY:
        return isTerminated() ? "terminated" : "crashed";
      default:
        return "retired";
    }
  }

  /**
   * A worker was lost while it ran {@code assignment}: queue the chunk again, or fail it. The tasks of
   * the assignment before the one it was running had returned, but their results, which a worker sends
   * a few at a time, were lost with it: each of them is lost too, under the same crash policy, so
   * that no task runs more often than the policy allows.
   */
  private void lost(WorkerSlot<W> slot, EngineAssignment assignment, Effects effects) {
    Dispatch dispatch = assignment.dispatch;
    int index = clamp(assignment, link.runningIndex(slot.worker, assignment));
    W worker = slot.worker;
    int retries = settings.crashPolicy().retries();
    String killedFor = assignment.timedOut
        ? ", which was killed because task " + (index + 1) + " of its chunk ran past the per-task timeout" : "";
    Supplier<ParallelException> returnedLost = null; // the first returned task that may not run again
    for (int returned = assignment.received(); returned < index; returned++) {
      int losses = dispatch.lost(returned);
      if (losses > retries) {
        int task = returned;
        Supplier<ParallelException> failure = dispatch.withEarlierRuns(task, () -> link.lost(worker,
            dispatch.task(task), dispatch.position(task), "; it had returned, but its result was lost with the worker"
                + killedFor + ", and " + notAgain(losses, retries)));
        if (dispatch.chunk.keepsGoing()) {
          dispatch.settle(task, failure);
        } else if (returnedLost == null) {
          returnedLost = failure;
        }
      }
    }
    if (assignment.timedOut) {
      Supplier<ParallelException> timeout = () -> timeout(slot, dispatch, index);
      if (returnedLost != null) {
        effects.fail(dispatch, assignment.received(), dispatch.withEarlierRuns(index, timeout));
      } else {
        failed(dispatch, index, assignment.received(), null, true, timeout, effects);
      }
      return;
    }
    int losses = dispatch.lost(index);
    dispatch.lostWith = worker;
    if (losses <= retries) {
      if (returnedLost != null) {
        effects.fail(dispatch, assignment.received(), returnedLost); // a chunk that stops at its first failure
      } else {
        dispatch.from = assignment.received();
        continueOrFinish(dispatch, effects);
      }
      return;
    }
    Supplier<ParallelException> failure = () -> link.lost(worker, dispatch.task(index), dispatch.position(index),
        "; " + notAgain(losses, retries));
    failed(dispatch, index, assignment.received(), null, false, failure, effects); // the crash policy's, not retried
  }

  /** Why a task lost {@code losses} times does not run again under a policy of {@code retries}. */
  private String notAgain(int losses, int retries) {
    return retries == 0
        ? "it is not run again under " + settings.crashPolicy()
        : "it was lost with its worker " + losses + " times, more than " + settings.crashPolicy() + " allows";
  }

  private static int clamp(EngineAssignment assignment, int index) {
    return Math.max(assignment.from, Math.min(index, assignment.to - 1));
  }

  boolean isRetiring(W worker) {
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      return slot == null || slot.state == State.RETIRING || isTerminated();
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the workers that are not gone. */
  List<W> workers() {
    lock.lock();
    try {
      return List.copyOf(slots.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** The failure that broke the pool, or null; under the lock or not. */
  WorkerStartException broken() {
    lock.lock();
    try {
      return broken;
    } finally {
      lock.unlock();
    }
  }

  void workersChanged() {
    Effects effects = new Effects();
    lock.lock();
    try {
      schedule(effects);
    } finally {
      lock.unlock();
    }
    carryOut(effects);
  }
}
