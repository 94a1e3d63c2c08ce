package dev.parallelizable;

/**
 * A task ran longer than the pool's per-task timeout and was stopped (on a process pool: its worker
 * was killed and replaced). The message names the task and the timeout.
 */
public class TaskTimeoutException extends TaskFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception for a task that ran past the pool's per-task timeout.
   *
   * @param task the task, as its method and arguments
   * @param message the whole message, naming the task and the timeout
   */
  public TaskTimeoutException(String task, String message) {
    super(task, message, null);
  }
}
