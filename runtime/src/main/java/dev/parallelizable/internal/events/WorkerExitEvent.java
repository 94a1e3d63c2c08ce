package dev.parallelizable.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event of a worker that left; see {@link Events}. */
@Name("dev.parallelizable.WorkerExit")
@Label("Worker Exit")
@Description("A worker stopped working for the pool")
@Category("Parallelizable")
@StackTrace(false)
public final class WorkerExitEvent extends jdk.jfr.Event {
  @Label("Pool")
  @Description("The pool's name, as in its messages")
  public String pool;

  @Label("Worker")
  @Description("The worker that left")
  public String worker;

  @Label("Reason")
  @Description("retired (asked to stop: shut down, idle, recycled), crashed, timed out (killed past the task timeout), failed to start, or terminated")
  public String reason;

  @Label("Tasks")
  @Description("The tasks the worker ran for the pool")
  public long tasks;
}
