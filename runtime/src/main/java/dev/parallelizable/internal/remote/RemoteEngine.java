package dev.parallelizable.internal.remote;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.UndecodedFailure;
import dev.parallelizable.internal.events.Events;
import dev.parallelizable.internal.remote.WorkerSlot.State;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import java.util.ArrayList;
import java.util.List;
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
 * A failed task is decided in one place, {@code EngineCore.failed}: run it again under its retry
 * policy (the crash policy's losses and the retry policy's runs are counted apart, per task), settle
 * it and go on (a chunk that keeps going), or fail the chunk. A delayed chunk waits in the queue;
 * the scheduler skips it until it is due, and the {@link Watchdog} wakes for it.
 *
 * The transitions are made by four classes, one above the other, over one lock and one state:
 * {@link EngineCore} holds the queue and the worker slots and schedules ({@code schedule()}: QUEUED
 * to ASSIGNED, and QUEUED to DONE when no worker is left); {@link EngineWatch} marks a request that
 * ran past the task timeout (abandoned) on the {@link Watchdog}'s tick; {@link EngineStop} accounts
 * for the stop (terminate() to DONE, and telling the adapter once every worker is gone); this class
 * takes the events of the adapter and of the callers (dispatch, ready, answered, returned, gone),
 * which make the other transitions.
 *
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
public final class RemoteEngine<W> extends EngineStop<W> {
  /** What the adapter holds; the engine itself is the pool that applications hold. */
  private final Door door = new Door();

  private RemoteEngine(RemoteSettings settings, RemoteWorkers<W, ?> link) {
    super(settings, link);
  }

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
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      if (broken != null) {
        refusal = broken;
      } else if (isTerminated()) {
        refusal = new TaskCancelledException(this + " was terminated before the task started");
      } else {
        queue.add(dispatch);
        schedule(outcome);
      }
    } finally {
      lock.unlock();
    }
    if (refusal != null) {
      chunk.abort(refusal);
    }
    carryOut(outcome);
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
    Outcome outcome = new Outcome();
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
        retire(slot, outcome);
      } else {
        schedule(outcome);
      }
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
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

  void answered(Assignment<?> assignment) {
    Request request = (Request) assignment;
    Dispatch dispatch = request.dispatch;
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      if (request.ended) {
        return;
      }
      WorkerSlot<W> slot = end(request);
      int failedAt = request.failedAt;
      slot.tasksRun += (failedAt >= 0 ? failedAt + 1 : request.to) - request.from;
      if (slot.state == State.READY) {
        if (isTerminated()) {
          retire(slot, outcome);
        } else if (slot.leaving
            || (settings.maxTasksPerWorker() > 0 && slot.tasksRun >= settings.maxTasksPerWorker())) {
          handOver(slot, outcome, "recycled"); // the successor started with the last task, unless not yet
          retire(slot, outcome); // recycled
        }
      }
      if (failedAt >= 0) {
        ParallelException failure = request.failure;
        // Retried or not by the failure as it came; built, if undecoded, where the chunk is read.
        failed(dispatch, failedAt, failedAt, failure, false, () -> UndecodedFailure.decoded(failure), outcome);
      } else {
        dispatch.from = request.to;
        continueOrFinish(dispatch, outcome);
      }
      schedule(outcome);
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
  }

  void returned(Assignment<?> assignment) {
    Request request = (Request) assignment;
    Dispatch dispatch = request.dispatch;
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      if (request.ended) {
        return;
      }
      WorkerSlot<W> slot = end(request);
      if (request.timedOut) {
        int index = clamp(request, request.received());
        failed(dispatch, index, request.received(), null, true, () -> timeout(slot, dispatch, index), outcome);
      } else {
        dispatch.from = request.received();
        continueOrFinish(dispatch, outcome);
      }
      schedule(outcome);
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
  }

  void gone(W worker, Throwable problem) {
    Outcome outcome = new Outcome();
    boolean idleExit = false;
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.remove(worker);
      if (slot == null) {
        return;
      }
      State was = slot.state;
      slot.state = State.DEAD;
      if (slot.isStarting(was)) {
        starting--;
      }
      if (was != State.RETIRING && !slot.leaving) {
        live--;
      }
      List<Request> running = new ArrayList<>(slot.running);
      long now = System.nanoTime();
      for (Request request : running) {
        request.ended = true;
        request.dispatch.queuedSinceNanos = now;
        ranFor(slot, request, "lost", now);
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
        if (slot.isStarting(was)) {
          Throwable why = slot.outlived != null ? startTimeout(slot) : problem;
          WorkerStartException failure =
              broken == null && !(isShutdown() && queue.isEmpty()) ? link.startFailure(worker, why) : null;
          if (failure != null) {
            broken = failure;
            for (Dispatch dispatch : queue) {
              outcome.aborted.add(dispatch.chunk);
            }
            queue.clear();
            delayed = 0;
          } else if (broken == null && replaceable()) {
            outcome.spawned.addAll(replace(slot, "crashed")); // it had started, for another pool
          }
        } else {
          for (Request request : running) {
            lost(slot, request, outcome);
          }
          idleExit = was == State.READY && running.isEmpty();
          if (was != State.RETIRING && !slot.leaving && replaceable()) {
            outcome.spawned.addAll(replace(slot, exit));
          }
        }
        schedule(outcome);
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
    carryOut(outcome);
    checkStopped();
  }

  void leaving(W worker) {
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      if (slot == null || isTerminated() || slot.state != State.READY) {
        // Not yet ready: no work to hand over, gone() decides about it. Retiring, doomed: its exit
        // was asked for, and its successor reserved then if it has one.
        return;
      }
      handOver(slot, outcome, "crashed"); // its channel ended before it was asked to leave
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
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
   * A worker was lost while it ran {@code request}: queue the chunk again, or fail it. The tasks of
   * the request before the one it was running had returned, but their results, which a worker sends
   * a few at a time, were lost with it: each of them is lost too, under the same crash policy, so
   * that no task runs more often than the policy allows.
   */
  private void lost(WorkerSlot<W> slot, Request request, Outcome outcome) {
    Dispatch dispatch = request.dispatch;
    int index = clamp(request, link.runningIndex(slot.worker, request));
    W worker = slot.worker;
    int retries = settings.crashPolicy().retries();
    String killedFor = request.timedOut
        ? ", which was killed because task " + (index + 1) + " of its chunk ran past the per-task timeout" : "";
    Supplier<ParallelException> returnedLost = null; // the first returned task that may not run again
    for (int returned = request.received(); returned < index; returned++) {
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
    if (request.timedOut) {
      Supplier<ParallelException> timeout = () -> timeout(slot, dispatch, index);
      if (returnedLost != null) {
        outcome.fail(dispatch, request.received(), dispatch.withEarlierRuns(index, timeout));
      } else {
        failed(dispatch, index, request.received(), null, true, timeout, outcome);
      }
      return;
    }
    int losses = dispatch.lost(index);
    dispatch.lostWith = worker;
    if (losses <= retries) {
      if (returnedLost != null) {
        outcome.fail(dispatch, request.received(), returnedLost); // a chunk that stops at its first failure
      } else {
        dispatch.from = request.received();
        continueOrFinish(dispatch, outcome);
      }
      return;
    }
    Supplier<ParallelException> failure = () -> link.lost(worker, dispatch.task(index), dispatch.position(index),
        "; " + notAgain(losses, retries));
    failed(dispatch, index, request.received(), null, false, failure, outcome); // the crash policy's, not retried
  }

  /** Why a task lost {@code losses} times does not run again under a policy of {@code retries}. */
  private String notAgain(int losses, int retries) {
    return retries == 0
        ? "it is not run again under " + settings.crashPolicy()
        : "it was lost with its worker " + losses + " times, more than " + settings.crashPolicy() + " allows";
  }

  private static int clamp(Request request, int index) {
    return Math.max(request.from, Math.min(index, request.to - 1));
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

  @Override
  List<W> workers() {
    lock.lock();
    try {
      return List.copyOf(slots.keySet());
    } finally {
      lock.unlock();
    }
  }

  @Override
  WorkerStartException broken() {
    lock.lock();
    try {
      return broken;
    } finally {
      lock.unlock();
    }
  }

  void workersChanged() {
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      schedule(outcome);
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
  }
}
