package dev.parallelizable;

/**
 * A task's result will never come because the task was cancelled before it ran or while a pool was
 * terminated: by {@link AsyncResult#cancel()}, by {@link Pool#terminate()}, or because a {@code map}
 * failed and cancelled the rest of its tasks. The message says which.
 */
public class TaskCancelledException extends ParallelException {
  private static final long serialVersionUID = 1L;

  public TaskCancelledException(String message) {
    super(message);
  }
}
