package dev.parallelizable.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event of a worker lost unexpectedly; see {@link Events}. */
@Name("dev.parallelizable.WorkerCrash")
@Label("Worker Crash")
@Description("A worker left while it was not asked to: its JVM died or was killed, or its cluster member left")
@Category("Parallelizable")
@StackTrace(false)
public final class WorkerCrashEvent extends jdk.jfr.Event {
  @Label("Pool")
  @Description("The pool's name, as in its messages")
  public String pool;

  @Label("Worker")
  @Description("The worker that was lost")
  public String worker;

  @Label("Problem")
  @Description("Why the connection to the worker ended, when known (null otherwise)")
  public String problem;

  @Label("Tasks Running")
  @Description("The tasks it was running, run again under the crash policy or failed")
  public int tasksRunning;
}
