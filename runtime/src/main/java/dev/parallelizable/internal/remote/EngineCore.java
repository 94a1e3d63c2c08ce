package dev.parallelizable.internal.remote;

import dev.parallelizable.ParallelException;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.Retries;
import dev.parallelizable.internal.UndecodedFailure;
import dev.parallelizable.internal.events.Events;
import dev.parallelizable.internal.remote.WorkerSlot.State;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The scheduling state of the {@link RemoteEngine} and the moves every event shares: the queue of
 * chunks, the worker slots and their counts, and {@link #schedule}, which gives queued chunks to
 * free workers, starts and retires workers, and fails what no worker is left for. The engine's
 * events ({@link RemoteEngine}), its watch ({@link EngineWatch}) and its stop ({@link EngineStop})
 * are the classes above this one; the state machine they share is described on {@link
 * RemoteEngine}.
 *
 * <p>Every field but the settings and the adapter is guarded by {@link #lock}, which is never held
 * while sending, stopping a worker, or completing a chunk: the methods that change the state
 * collect what is to be done in an {@link Outcome}, and {@link #carryOut} does it once the lock is
 * released.
 *
 * <p>The engine also keeps each ready worker's row in the pool's stats (its tasks and busy time,
 * counted when a request ends) and records the JFR events of requests and workers ({@link
 * Events}): a request's TaskExecution runs from its assignment to its end. Events are committed
 * under the lock: a commit copies a few fields into a thread-local buffer.
 */
abstract class EngineCore<W> extends AbstractPool {
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

  @SuppressWarnings("unchecked") // the engine hands the adapter back only what the adapter encoded
  EngineCore(RemoteSettings settings, RemoteWorkers<W, ?> link) {
    super(settings.poolName(), settings.name(), settings.size());
    this.settings = settings;
    this.link = (RemoteWorkers<W, Object>) link;
  }

  // ---- Scheduling, from here to carryOut(): called with the lock held, except carryOut.

  /** Ends {@code request}: its worker's capacity is free again. */
  @SuppressWarnings("unchecked")
  WorkerSlot<W> end(Request request) {
    request.ended = true;
    WorkerSlot<W> slot = (WorkerSlot<W>) request.slot;
    slot.running.remove(request);
    long now = System.nanoTime();
    if (slot.running.isEmpty()) {
      slot.idleSinceNanos = now;
    }
    request.dispatch.queuedSinceNanos = now;
    String outcome = request.failedAt >= 0 ? Events.outcome(request.failure)
        : request.received() >= request.to ? "succeeded" : request.timedOut ? "timed out" : "returned";
    ranFor(slot, request, outcome, now);
    return slot;
  }

  /**
   * Counts what {@code request} ran on its worker's row, and records its TaskExecution event: it
   * ended ({@code outcome}) at {@code now}.
   */
  void ranFor(WorkerSlot<W> slot, Request request, String outcome, long now) {
    int succeeded = (request.failedAt >= 0 ? request.failedAt : request.received()) - request.from;
    int ran = succeeded + (request.failedAt >= 0 ? 1 : 0);
    if (slot.row != null) {
      counters().idle(slot.row, ran, now - request.assignedNanos);
    }
    if (request.event != null) {
      Events.endTask(request.event, toString(), slot.name(), request.dispatch.task(request.from).method(),
          request.dispatch.chunk.offset() + request.from, request.to - request.from, succeeded, outcome,
          request.queueWaitNanos);
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
  void schedule(Outcome outcome) {
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
      Request request = assign(slot, next);
      if (request != null) {
        outcome.sends.add(request);
        if (givenLastTask(slot)) {
          handOver(slot, outcome, "recycled"); // the successor starts while this worker runs its last task
        }
      }
    }
    if (queue.isEmpty() && (isShutdown() || broken != null)) {
      for (WorkerSlot<W> slot : slots.values()) {
        if (slot.state == State.READY && slot.running.isEmpty()) {
          if (broken == null && !slot.leaving && !isTerminated()) {
            release(slot, outcome);
          } else {
            retire(slot, outcome);
          }
        }
      }
    }
    if (delayed > 0 && nextDueNanos != due) {
      outcome.delayedRetry = true; // the watchdog is to wake when the earliest retry is due
    }
    outcome.spawned.addAll(reserve(demand()));
    if (!queue.isEmpty() && settings.startsWorkers() == 0 && !link.workersMayJoin() && noWorkerLeft()) {
      for (Dispatch dispatch : queue) {
        int index = dispatch.from;
        Task<?> task = dispatch.task(index);
        W lostWith = dispatch.lostWith == null ? null : typed(dispatch.lostWith);
        outcome.fail(dispatch, index, () -> lostWith != null
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
      Supplier<ParallelException> failure, Outcome outcome) {
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
      outcome.delayedRetry = true;
      return;
    }
    Supplier<ParallelException> last = dispatch.withEarlierRuns(index, failure);
    if (dispatch.chunk.keepsGoing()) {
      dispatch.settle(index, last);
      dispatch.from = resumeFrom;
      continueOrFinish(dispatch, outcome);
    } else {
      outcome.fail(dispatch, resumeFrom, last);
    }
  }

  /**
   * Queues {@code dispatch} again, at the front, from its first unsettled task at or after {@link
   * Dispatch#from}; if none is left, the chunk is complete.
   */
  void continueOrFinish(Dispatch dispatch, Outcome outcome) {
    if (dispatch.skipSettled()) {
      queue.addFirst(dispatch);
    } else if (dispatch.chunk.keepsGoing()) {
      outcome.finished.add(dispatch);
    } else {
      outcome.succeeded.add(dispatch.chunk);
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
  Request assign(WorkerSlot<W> slot, Dispatch dispatch) {
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
    Request request = new Request(nextRequestId++, dispatch, slot, dispatch.from, to);
    slot.running.add(request);
    request.lastStarted = link.tasksStarted(slot.worker);
    long now = System.nanoTime();
    request.lastProgressNanos = now;
    request.assignedNanos = now;
    request.queueWaitNanos = now - dispatch.queuedSinceNanos;
    request.event = Events.beginTask();
    if (slot.row != null) {
      counters().busy(slot.row);
    }
    return request;
  }

  void retire(WorkerSlot<W> slot, Outcome outcome) {
    leave(slot);
    outcome.retired.add(slot.worker);
  }

  /**
   * Retires a healthy idle worker of a pool that was shut down: the adapter may keep it for another
   * pool ({@link RemoteWorkers#release}) rather than stop it.
   */
  void release(WorkerSlot<W> slot, Outcome outcome) {
    leave(slot);
    outcome.released.add(slot.worker);
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
    for (Request running : slot.running) {
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
  void handOver(WorkerSlot<W> slot, Outcome outcome, String reason) {
    if (slot.leaving) {
      return;
    }
    slot.leaving = true;
    if (slot.state == State.READY || slot.state == State.DOOMED) {
      live--;
      if (replaceable()) {
        outcome.spawned.addAll(replace(slot, reason));
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
   * What a callback does once it has released the lock, in this order. Failures are built there
   * too: describing a task calls user code (its arguments' {@code toString}, through {@code
   * Describe}) and asks the adapter about its worker, neither of which runs under the lock.
   */
  final class Outcome {
    final List<Request> sends = new ArrayList<>(1);
    final List<W> retired = new ArrayList<>(0);
    final List<W> released = new ArrayList<>(0);
    final List<W> spawned = new ArrayList<>(0);
    final List<Chunk> aborted = new ArrayList<>(0);
    final List<Failure> failed = new ArrayList<>(0);
    final List<Chunk> succeeded = new ArrayList<>(1);
    /** Chunks that keep going, every task of which has an outcome. */
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
  void carryOut(Outcome outcome) {
    for (Request request : outcome.sends) {
      var event = Events.beginDispatch();
      link.send((W) request.slot.worker, request);
      if (event != null) {
        Events.endDispatch(event, toString(), ((WorkerSlot<W>) request.slot).name(),
            request.dispatch.task(request.from).method(), request.dispatch.chunk.offset() + request.from,
            request.to - request.from);
      }
    }
    for (Chunk chunk : outcome.succeeded) {
      chunk.succeed();
    }
    for (Dispatch dispatch : outcome.finished) {
      dispatch.recordSettled();
      dispatch.chunk.succeed();
    }
    for (Failure failure : outcome.failed) {
      Dispatch dispatch = failure.dispatch();
      if (!dispatch.started) {
        dispatch.chunk.start();
      }
      if (dispatch.chunk.keepsGoing()) {
        dispatch.recordSettled();
      }
      dispatch.chunk.fail(failure.index(), new UndecodedFailure(null, failure.failure()));
    }
    if (!outcome.aborted.isEmpty()) {
      WorkerStartException cause = broken();
      for (Chunk chunk : outcome.aborted) {
        chunk.abort(cause);
      }
    }
    for (W worker : outcome.retired) {
      link.stop(worker, false);
    }
    for (W worker : outcome.released) {
      link.release(worker);
    }
    launch(outcome.spawned);
    if (outcome.delayedRetry) {
      Watchdog.wake();
    }
  }

  void launch(List<W> spawned) {
    if (!spawned.isEmpty()) {
      link.launch(spawned);
    }
  }

  /** The failure that broke the pool, or null; under the lock or not. */
  abstract WorkerStartException broken();

  /** A snapshot of the workers that are not gone. */
  abstract List<W> workers();
}
