package dev.parallelizable;

/**
 * A task's result will never come because the task was cancelled before it ran or while a pool was
 * terminated: by {@link AsyncResult#cancel()}, by {@link Pool#terminate()}, or because a {@code map}
 * failed and cancelled the rest of its tasks. The message says which.
 */
public class TaskCancelledException extends ParallelException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message naming the task and why it was cancelled.
   *
   * @param message what was cancelled, and why
   */
  public TaskCancelledException(String message) {
    super(message);
  }
}
