package dev.parallelizable.internal.remote;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.internal.events.TaskExecutionEvent;
import dev.parallelizable.spi.Assignment;

/**
 * One {@link Assignment}: tasks {@code [from, to)} of a {@link Dispatch}, sent to one worker. The
 * answers are written by the one thread that reports them; {@link #ended} and the timeout fields
 * are guarded by the engine's lock.
 */
final class EngineAssignment implements Assignment<Object> {
  final long id;
  final Dispatch dispatch;
  final WorkerSlot<?> slot;
  final int from;
  final int to;
  private volatile int received;
  /** The first failed task, or -1. */
  volatile int failedAt = -1;
  volatile ParallelException failure;
  /** Set, under the engine's lock, once the engine stopped waiting for it. */
  volatile boolean ended;
  /** Set when it ran past the per-task timeout. Guarded by the engine's lock. */
  boolean timedOut;
  /** The worker's started-task count when the current task began, and when that was. */
  long lastStarted;
  long lastProgressNanos;
  /** When it was assigned, and how long its chunk had waited in the queue for it. */
  long assignedNanos;
  long queueWaitNanos;
  /** Its TaskExecution event, begun when it was assigned; null when none is recorded. */
  TaskExecutionEvent event;

  EngineAssignment(long id, Dispatch dispatch, WorkerSlot<?> slot, int from, int to) {
    this.id = id;
    this.dispatch = dispatch;
    this.slot = slot;
    this.from = from;
    this.to = to;
    this.received = from;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public Task<?>[] tasks() {
    return dispatch.tasks();
  }

  @Override
  public Object encoded() {
    return dispatch.encoded;
  }

  @Override
  public int from() {
    return from;
  }

  @Override
  public int to() {
    return to;
  }

  @Override
  public int received() {
    return received;
  }

  @Override
  public void result(int index, Object value) {
    if (failedAt < 0 && !dispatch.chunk.isDone()) {
      dispatch.chunk.setResult(index, value);
    }
    received = Math.max(received, index + 1);
  }

  @Override
  public Task<?> task(int index) {
    return dispatch.task(index);
  }

  @Override
  public void results(int index, Object column, int count) {
    if (failedAt < 0 && !dispatch.chunk.isDone()) {
      dispatch.chunk.storeColumn(column, index, count);
    }
    received = Math.max(received, index + count);
  }

  @Override
  public void fail(int index, ParallelException exception) {
    if (failedAt < 0) {
      failure = exception;
      failedAt = index;
    }
    received = Math.max(received, index + 1);
  }

  @Override
  public void ranFor(long nanos) {
    long sinceSent = System.nanoTime() - assignedNanos;
    dispatch.chunk.addWorkNanos(nanos < 0 || nanos > sinceSent ? sinceSent : nanos);
  }

  @Override
  public boolean isActive() {
    return !ended;
  }

  @Override
  public String toString() {
    return "assignment " + id + " (tasks " + from + ".." + to + " of " + dispatch.chunk.describe() + ")";
  }
}
