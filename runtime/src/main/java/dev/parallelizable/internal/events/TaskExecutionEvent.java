package dev.parallelizable.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The JFR event of a run of tasks on one worker; see {@link Events}. */
@Name("dev.parallelizable.TaskExecution")
@Label("Task Execution")
@Description("A run of consecutive tasks of one chunk on one worker: one task for applyAsync, a chunk of a map")
@Category("Parallelizable")
@StackTrace(false)
public final class TaskExecutionEvent extends jdk.jfr.Event {
  @Label("Pool")
  @Description("The pool's name, as in its messages")
  public String pool;

  @Label("Worker")
  @Description("The worker that ran the tasks: a thread name, a worker JVM, a cluster member")
  public String worker;

  @Label("Method")
  @Description("The task method, as declaringClass.method")
  public String method;

  @Label("First Task")
  @Description("The position of the first task in its map input (0 for applyAsync)")
  public long firstTask;

  @Label("Tasks")
  @Description("The number of tasks run")
  public int tasks;

  @Label("Succeeded")
  @Description("The number of leading tasks that returned a result")
  public int succeeded;

  @Label("Outcome")
  @Description("succeeded, failed (a task threw), lost (the worker left), cancelled, timed out, or returned (to be sent again)")
  public String outcome;

  @Label("Queue Wait")
  @Description("Time from submission, or from the end of the previous run of the same chunk, to this run")
  @Timespan(Timespan.NANOSECONDS)
  public long queueWait;
}
