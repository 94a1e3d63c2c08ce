package dev.parallelizable.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The JFR event of a worker that became ready; see {@link Events}. */
@Name("dev.parallelizable.WorkerStart")
@Label("Worker Start")
@Description("A worker became ready to run tasks")
@Category("Parallelizable")
@StackTrace(false)
public final class WorkerStartEvent extends jdk.jfr.Event {
  @Label("Pool")
  @Description("The pool's name, as in its messages")
  public String pool;

  @Label("Worker")
  @Description("The worker: a thread name, a worker JVM, a cluster member")
  public String worker;

  @Label("Startup")
  @Description("Time from asking for the worker to its being ready (JVM boot and initializer); 0 for a thread or a member that joined")
  @Timespan(Timespan.NANOSECONDS)
  public long startup;
}
