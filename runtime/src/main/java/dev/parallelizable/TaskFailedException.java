package dev.parallelizable;

import dev.parallelizable.internal.Describe;

/**
 * A task threw. The {@linkplain #getCause() cause} is the exception the method threw, with its own
 * stack trace (for a process pool: the original type where it could be decoded in the caller,
 * otherwise a {@link RemoteException} carrying the class name, message and stack; either way the
 * worker's frames are in the trace). The message names the task and its arguments, described
 * safely: bounded in length, and a {@code toString()} that throws or recurses is replaced by the
 * class name and identity (see {@link Task#toString()}).
 */
public class TaskFailedException extends ParallelException {
  private static final long serialVersionUID = 1L;
  /** The task that failed, as its method and arguments. */
  private final String task;

  /**
   * Creates an exception for a task that threw.
   *
   * @param task the task that failed
   * @param cause what the task threw
   */
  public TaskFailedException(Task<?> task, Throwable cause) {
    this(String.valueOf(task), cause);
  }

  /**
   * Creates an exception for a task that threw, named by its text.
   *
   * @param task the task, as its method and arguments, e.g. {@code Cubes.cube(3)}
   * @param cause what the task threw
   */
  public TaskFailedException(String task, Throwable cause) {
    super("Task " + task + " failed: " + Describe.throwable(cause), cause);
    this.task = task;
  }

  /**
   * Creates an exception with a message of its own, for subclasses.
   *
   * @param task the task, as its method and arguments
   * @param message the whole message, naming the task
   * @param cause what caused the failure; may be null
   */
  protected TaskFailedException(String task, String message, Throwable cause) {
    super(message, cause);
    this.task = task;
  }

  /**
   * The task that failed, as its method and arguments, e.g. {@code Cubes.cube(3)}.
   *
   * @return the task's text, e.g. {@code Cubes.cube(3)}
   */
  public String task() {
    return task;
  }
}
