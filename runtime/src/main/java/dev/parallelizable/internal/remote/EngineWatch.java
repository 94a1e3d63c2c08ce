package dev.parallelizable.internal.remote;

import dev.parallelizable.Task;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.internal.Texts;
import dev.parallelizable.internal.remote.WorkerSlot.State;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The engine's watch, run by the {@link Watchdog} on its tick: every bound on a worker's life, in
 * one place (see {@link WorkerSlot.State}). A worker that outlives its state's bound (STARTING:
 * the start timeout; INITIALIZING: the initializer timeout; RETIRING: the shutdown timeout) is
 * stopped at once; a READY worker idle past the idle timeout is retired; a request whose worker
 * started no task for longer than the per-task timeout is abandoned, and its worker DOOMED if the
 * adapter stops a worker to abandon its work. Then the adapter keeps each worker's channel ({@link
 * RemoteWorkers#watch}). The words of a timeout are here too: the engine fails a timed-out task
 * when its worker is gone or its request is returned, and a worker stopped while it started
 * fails its start with {@link #startTimeout}.
 */
abstract class EngineWatch<W> extends EngineCore<W> {
  private final long watchMillis;
  /** Milliseconds from the last watch to the next retry that is due, or Long.MAX_VALUE for none. */
  private volatile long millisUntilDue = Long.MAX_VALUE;

  EngineWatch(RemoteSettings settings, RemoteWorkers<W, ?> link) {
    super(settings, link);
    long tick = 100;
    if (settings.taskTimeout() != null) {
      tick = Math.min(tick, Math.max(5, settings.taskTimeout().toMillis() / 10));
    }
    this.watchMillis = tick;
  }

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
    List<Request> abandon = new ArrayList<>(0);
    List<W> kill = new ArrayList<>(0);
    List<WorkerSlot<W>> doomed = new ArrayList<>(0);
    Outcome outcome = new Outcome();
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
                doomed.add(slot);
              }
            }
          }
        }
        if (slot.state == State.READY && slot.running.isEmpty() && idleNanos > 0
            && settings.startsWorkers() > 0 && now - slot.idleSinceNanos > idleNanos) {
          retire(slot, outcome);
        }
      }
      for (WorkerSlot<W> slot : doomed) {
        handOver(slot, outcome, "timed out"); // after the loop: reserving a replacement adds a slot
      }
      if (delayed > 0) {
        schedule(outcome); // retries whose delay is over
      }
      millisUntilDue = delayed > 0 && nextDueNanos - now > 0
          ? Math.max(1, (nextDueNanos - now + 999_999) / 1_000_000)
          : Long.MAX_VALUE; // due now: the next free worker takes it
    } finally {
      lock.unlock();
    }
    carryOut(outcome); // first: the replacement of a timed-out worker starts before it is killed
    for (Request request : abandon) {
      link.abandon(typed(request.slot.worker), request);
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
  TimeoutException startTimeout(WorkerSlot<W> slot) {
    return slot.outlived == State.INITIALIZING
        ? new TimeoutException("its initializer did not return within the initializer timeout of "
            + Texts.duration(settings.initializerTimeout()) + ", so the pool stopped it")
        : new TimeoutException("it was not ready within the start timeout of "
            + Texts.duration(settings.startTimeout()) + ", so the pool stopped it");
  }

  TaskTimeoutException timeout(WorkerSlot<W> slot, Dispatch dispatch, int index) {
    Task<?> task = dispatch.task(index);
    return new TaskTimeoutException(
        task.toString(),
        String.format("Task %s%s ran longer than the per-task timeout of %s; %s",
            task, dispatch.position(index), Texts.duration(settings.taskTimeout()), link.abandoned(slot.worker)));
  }
}
