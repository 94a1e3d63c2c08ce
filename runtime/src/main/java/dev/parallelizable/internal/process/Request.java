package dev.parallelizable.internal.process;

import dev.parallelizable.ParallelException;

/**
 * One RUN sent to a worker: tasks {@code [from, to)} of a {@link Dispatch}. Written by the worker's
 * reader thread as the answers arrive; read by the pool when the request ends.
 */
final class Request {
  final long id;
  final Dispatch dispatch;
  final int from;
  final int to;
  /** Results arrived for tasks {@code [from, received)}. */
  int received;
  /** The first failed task, or -1. */
  int failedAt = -1;
  ParallelException failure;
  /** The error the worker reported before it exited (an OutOfMemoryError), or null. */
  Throwable fatal;

  Request(long id, Dispatch dispatch, int from, int to) {
    this.id = id;
    this.dispatch = dispatch;
    this.from = from;
    this.to = to;
    this.received = from;
  }

  /** Records the first failure; later ones are ignored. */
  void failOnce(int index, ParallelException exception) {
    if (failedAt < 0) {
      failedAt = index;
      failure = exception;
    }
  }
}
