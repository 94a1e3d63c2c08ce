package dev.parallelizable.internal.remote;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.Texts;
import dev.parallelizable.internal.remote.WorkerSlot.State;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
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
 * </pre>
 *
 * Workers move through the states of {@link WorkerSlot}. A pool that starts its own workers keeps
 * as many as it was asked for while it has work, replaces a worker that left, and is broken for good
 * (every queued and later task fails with {@link WorkerStartException}) when one cannot start. A pool
 * whose workers join on their own (a cluster) fails its queued tasks when none is left.
 *
 * <p>Thread-safe. A chunk is completed by the thread that reported its answer, loss or timeout;
 * the callbacks of its result then run on the pool's callback thread (see {@code AbstractPool}).
 */
public final class RemoteEngine<W> extends AbstractPool implements RemoteDispatcher<W> {
  private static final long TERMINATE_WAIT_SECONDS = 10;

  private final RemoteSettings settings;
  private final RemoteWorkers<W> link;
  private final long watchMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition allGone = lock.newCondition();
  // Guarded by lock:
  private final ArrayDeque<Dispatch> queue = new ArrayDeque<>();
  private final Map<W, WorkerSlot<W>> slots = new LinkedHashMap<>();
  /** Workers neither retiring nor dead. */
  private int live;
  private int starting;
  private long nextRequestId = 1;
  private WorkerStartException broken;
  private boolean stopReported;

  private RemoteEngine(RemoteSettings settings, RemoteWorkers<W> link) {
    super(settings.name(), settings.size());
    this.settings = settings;
    this.link = link;
    long tick = 100;
    if (settings.taskTimeout() != null) {
      tick = Math.min(tick, Math.max(5, settings.taskTimeout().toMillis() / 10));
    }
    this.watchMillis = tick;
  }

  /** Creates an engine, starts its workers if it starts its own, and has the watchdog watch it. */
  public static <W> RemoteEngine<W> start(RemoteSettings settings, RemoteWorkers<W> link) {
    RemoteEngine<W> engine = new RemoteEngine<>(settings, link);
    link.attach(engine);
    Watchdog.watch(engine);
    List<W> spawned;
    engine.lock.lock();
    try {
      spawned = engine.reserve(settings.startsWorkers());
    } finally {
      engine.lock.unlock();
    }
    engine.launch(spawned);
    return engine;
  }

  @Override
  protected void dispatch(Chunk chunk) {
    Task<?>[] tasks = chunk.tasks();
    if (tasks == null) {
      return; // building a task failed, and failed the chunk
    }
    Object encoded;
    try {
      encoded = link.encode(tasks);
    } catch (RuntimeException e) {
      chunk.abort(new TaskCancelledException("Not submitted: " + e.getMessage()));
      throw e;
    }
    Dispatch dispatch = new Dispatch(chunk, tasks, encoded);
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

  @Override
  public void ready(W worker, int capacity) {
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
      if (slot.state != State.STARTING) {
        return;
      }
      starting--;
      slot.capacity = Math.max(1, capacity);
      slot.state = State.READY;
      slot.idleSinceNanos = System.nanoTime();
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

  @Override
  public void answered(Assignment assignment) {
    Request request = (Request) assignment;
    Dispatch dispatch = request.dispatch;
    Outcome outcome = new Outcome();
    boolean complete;
    lock.lock();
    try {
      if (request.ended) {
        return;
      }
      WorkerSlot<W> slot = end(request);
      int failedAt = request.failedAt;
      slot.tasksRun += (failedAt >= 0 ? failedAt + 1 : request.to) - request.from;
      complete = failedAt >= 0 || request.to == dispatch.tasks.length;
      if (!complete) {
        dispatch.from = request.to;
        queue.addFirst(dispatch);
      }
      if (slot.state == State.READY) {
        if (isTerminated()) {
          retire(slot, outcome);
        } else if (settings.maxTasksPerWorker() > 0 && slot.tasksRun >= settings.maxTasksPerWorker()) {
          retire(slot, outcome); // recycled
          if (replaceable()) {
            outcome.spawned.addAll(reserve(1));
          }
        }
      }
      schedule(outcome);
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
    if (request.failedAt >= 0) {
      dispatch.chunk.fail(request.failedAt, request.failure);
    } else if (complete) {
      dispatch.chunk.succeed();
    }
  }

  @Override
  public void returned(Assignment assignment) {
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
        outcome.fail(dispatch, request.received(), () -> timeout(slot, dispatch, index));
      } else {
        dispatch.from = request.received();
        queue.addFirst(dispatch);
      }
      schedule(outcome);
    } finally {
      lock.unlock();
    }
    carryOut(outcome);
  }

  @Override
  public void gone(W worker, Throwable problem) {
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
      if (was == State.STARTING) {
        starting--;
      }
      if (was != State.RETIRING) {
        live--;
      }
      List<Request> running = new ArrayList<>(slot.running);
      for (Request request : running) {
        request.ended = true;
      }
      slot.running.clear();
      if (!isTerminated()) {
        if (was == State.STARTING) {
          if (broken == null && !(isShutdown() && queue.isEmpty())) {
            broken = link.startFailure(worker, problem);
            for (Dispatch dispatch : queue) {
              outcome.aborted.add(dispatch.chunk);
            }
            queue.clear();
          }
        } else {
          for (Request request : running) {
            lost(slot, request, outcome);
          }
          idleExit = was == State.READY && running.isEmpty();
          if (was != State.RETIRING && replaceable()) {
            outcome.spawned.addAll(reserve(1));
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

  /** A worker was lost while it ran {@code request}: queue the chunk again, or fail it. */
  private void lost(WorkerSlot<W> slot, Request request, Outcome outcome) {
    Dispatch dispatch = request.dispatch;
    int index = clamp(request, link.runningIndex(slot.worker, request));
    Supplier<ParallelException> failure;
    if (request.timedOut) {
      failure = () -> timeout(slot, dispatch, index);
    } else {
      int losses = dispatch.lost(index);
      dispatch.lostWith = slot.worker;
      int retries = settings.crashPolicy().retries();
      if (losses <= retries) {
        dispatch.from = request.received();
        queue.addFirst(dispatch);
        return;
      }
      W worker = slot.worker;
      failure = () -> link.lost(worker, dispatch.tasks[index], dispatch.position(index),
          retries == 0
              ? "; it is not run again under " + settings.crashPolicy()
              : "; it was lost with its worker " + losses + " times, more than "
                  + settings.crashPolicy() + " allows");
    }
    outcome.fail(dispatch, request.received(), failure);
  }

  private static int clamp(Request request, int index) {
    return Math.max(request.from, Math.min(index, request.to - 1));
  }

  private TaskTimeoutException timeout(WorkerSlot<W> slot, Dispatch dispatch, int index) {
    Task<?> task = dispatch.tasks[index];
    return new TaskTimeoutException(
        task.toString(),
        String.format("Task %s%s ran longer than the per-task timeout of %s; %s",
            task, dispatch.position(index), Texts.duration(settings.taskTimeout()), link.abandoned(slot.worker)));
  }

  // ---- Scheduling, from here to carryOut(): called with the lock held, except carryOut.

  /** Ends {@code request}: its worker's capacity is free again. */
  @SuppressWarnings("unchecked")
  private WorkerSlot<W> end(Request request) {
    request.ended = true;
    WorkerSlot<W> slot = (WorkerSlot<W>) request.slot;
    slot.running.remove(request);
    if (slot.running.isEmpty()) {
      slot.idleSinceNanos = System.nanoTime();
    }
    return slot;
  }

  /**
   * Gives queued chunks to free workers, starts the workers the queue needs, retires workers no
   * work is left for, and fails queued chunks no worker is left for.
   */
  private void schedule(Outcome outcome) {
    while (!queue.isEmpty()) {
      WorkerSlot<W> slot = freest();
      if (slot == null) {
        break;
      }
      Request request = assign(slot, queue.poll());
      if (request != null) {
        outcome.sends.add(request);
      }
    }
    if (queue.isEmpty() && (isShutdown() || broken != null)) {
      for (WorkerSlot<W> slot : slots.values()) {
        if (slot.state == State.READY && slot.running.isEmpty()) {
          retire(slot, outcome);
        }
      }
    }
    outcome.spawned.addAll(reserve(demand()));
    if (!queue.isEmpty() && settings.startsWorkers() == 0 && !link.workersMayJoin() && noWorkerLeft()) {
      for (Dispatch dispatch : queue) {
        int index = dispatch.from;
        Task<?> task = dispatch.tasks[index];
        W lostWith = dispatch.lostWith == null ? null : typed(dispatch.lostWith);
        outcome.fail(dispatch, index, () -> lostWith != null
            ? link.lost(lostWith, task, dispatch.position(index),
                "; no worker is left to run it again: " + link.noWorkerLeft())
            : new TaskFailedException(task.toString(), new IllegalStateException(
                "Cannot run " + task + ": " + link.noWorkerLeft())));
      }
      queue.clear();
    }
  }

  @SuppressWarnings("unchecked")
  private W typed(Object worker) {
    return (W) worker;
  }

  private boolean noWorkerLeft() {
    for (WorkerSlot<W> slot : slots.values()) {
      if (slot.state == State.READY || slot.state == State.STARTING) {
        return false;
      }
    }
    return true;
  }

  /** The ready worker with the most free capacity; of equals, the one idle longest. */
  private WorkerSlot<W> freest() {
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
  private Request assign(WorkerSlot<W> slot, Dispatch dispatch) {
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
    int to = dispatch.tasks.length;
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
    request.lastProgressNanos = System.nanoTime();
    return request;
  }

  private void retire(WorkerSlot<W> slot, Outcome outcome) {
    if (slot.state == State.READY || slot.state == State.STARTING) {
      live--;
    }
    slot.state = State.RETIRING;
    outcome.retired.add(slot.worker);
  }

  /** How many workers to start for the queued chunks no worker will take soon. */
  private int demand() {
    if (settings.startsWorkers() == 0 || broken != null || isTerminated()) {
      return 0;
    }
    return Math.max(0, Math.min(queue.size() - starting, settings.startsWorkers() - live));
  }

  /** Whether a worker that left (crashed, recycled) is to be replaced. */
  private boolean replaceable() {
    return settings.startsWorkers() > 0 && settings.replacesWorkers() && broken == null && !isTerminated()
        && (!isShutdown() || !queue.isEmpty());
  }

  /** Creates {@code count} workers in the STARTING state; {@link #launch} starts them. */
  private List<W> reserve(int count) {
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
  private final class Outcome {
    final List<Request> sends = new ArrayList<>(1);
    final List<W> retired = new ArrayList<>(0);
    final List<W> spawned = new ArrayList<>(0);
    final List<Chunk> aborted = new ArrayList<>(0);
    final List<Failure> failed = new ArrayList<>(0);

    void fail(Dispatch dispatch, int index, Supplier<ParallelException> failure) {
      failed.add(new Failure(dispatch, index, failure));
    }
  }

  /** Task {@code index} of {@code dispatch} fails with what {@code failure} builds. */
  private record Failure(Dispatch dispatch, int index, Supplier<ParallelException> failure) {}

  @SuppressWarnings("unchecked")
  private void carryOut(Outcome outcome) {
    for (Request request : outcome.sends) {
      link.send((W) request.slot.worker, request);
    }
    for (W worker : outcome.retired) {
      link.stop(worker, false);
    }
    launch(outcome.spawned);
    for (Failure failure : outcome.failed) {
      Dispatch dispatch = failure.dispatch();
      if (!dispatch.started) {
        dispatch.chunk.start();
      }
      dispatch.chunk.fail(failure.index(), failure.failure().get());
    }
    if (!outcome.aborted.isEmpty()) {
      WorkerStartException cause = broken();
      for (Chunk chunk : outcome.aborted) {
        chunk.abort(cause);
      }
    }
  }

  private void launch(List<W> spawned) {
    if (!spawned.isEmpty()) {
      link.launch(spawned);
    }
  }

  // ---- Watch, stop and inspection.

  /** How often {@link #watch()} is to run. */
  long watchMillis() {
    return watchMillis;
  }

  /**
   * Called by the {@link Watchdog} every {@link #watchMillis()}: times out tasks, retires idle
   * workers, stops workers that do not start. Returns false once the pool is stopped.
   */
  boolean watch() {
    long now = System.nanoTime();
    long timeoutNanos = settings.taskTimeout() == null ? 0 : settings.taskTimeout().toNanos();
    long idleNanos = settings.idleTimeout() == null ? 0 : settings.idleTimeout().toNanos();
    List<Request> abandon = new ArrayList<>(0);
    List<W> kill = new ArrayList<>(0);
    Outcome outcome = new Outcome();
    lock.lock();
    try {
      for (WorkerSlot<W> slot : slots.values()) {
        if (slot.state == State.STARTING) {
          if (settings.startTimeout() != null && !slot.startTimedOut
              && now - slot.createdNanos > settings.startTimeout().toNanos()) {
            slot.startTimedOut = true;
            kill.add(slot.worker);
          }
          continue;
        }
        if (slot.state != State.READY && slot.state != State.DOOMED) {
          continue;
        }
        if (timeoutNanos > 0 && !slot.running.isEmpty()) {
          long started = link.tasksStarted(slot.worker);
          for (Request request : slot.running) {
            if (request.timedOut) {
              continue;
            }
            if (started != request.lastStarted) {
              request.lastStarted = started;
              request.lastProgressNanos = now;
            } else if (now - request.lastProgressNanos > timeoutNanos) {
              request.timedOut = true;
              abandon.add(request);
              if (link.timeoutStopsWorker() && slot.state == State.READY) {
                slot.state = State.DOOMED;
              }
            }
          }
        }
        if (slot.state == State.READY && slot.running.isEmpty() && idleNanos > 0
            && settings.startsWorkers() > 0 && now - slot.idleSinceNanos > idleNanos) {
          retire(slot, outcome);
        }
      }
    } finally {
      lock.unlock();
    }
    for (Request request : abandon) {
      link.abandon(typed(request.slot.worker), request);
    }
    for (W worker : kill) {
      link.stop(worker, true);
    }
    carryOut(outcome);
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
  }

  @Override
  protected void stopNow() {
    List<W> all;
    lock.lock();
    try {
      queue.clear();
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
  private void checkStopped() {
    boolean report;
    lock.lock();
    try {
      report = isShutdown() && slots.isEmpty() && !stopReported;
      stopReported |= report;
    } finally {
      lock.unlock();
    }
    if (report) {
      link.stopped();
    }
  }

  @Override
  public boolean isRetiring(W worker) {
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      return slot == null || slot.state == State.RETIRING || isTerminated();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean startTimedOut(W worker) {
    lock.lock();
    try {
      WorkerSlot<W> slot = slots.get(worker);
      return slot != null && slot.startTimedOut;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<W> workers() {
    lock.lock();
    try {
      return List.copyOf(slots.keySet());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public WorkerStartException broken() {
    lock.lock();
    try {
      return broken;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void workersChanged() {
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
