package dev.parallelizable.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event of a chunk handed to a worker; see {@link Events}. */
@Name("dev.parallelizable.ChunkDispatch")
@Label("Chunk Dispatch")
@Description("A chunk, or a run of its tasks, handed to a worker; the duration is the hand-over (sending, for a remote worker)")
@Category("Parallelizable")
@StackTrace(false)
public final class ChunkDispatchEvent extends jdk.jfr.Event {
  @Label("Pool")
  @Description("The pool's name, as in its messages")
  public String pool;

  @Label("Worker")
  @Description("The worker it was sent to, or the executor queue of a thread pool")
  public String worker;

  @Label("Method")
  @Description("The task method of its first task, as declaringClass.method")
  public String method;

  @Label("First Task")
  @Description("The position of the first task in its map input (0 for applyAsync)")
  public long firstTask;

  @Label("Tasks")
  @Description("The number of tasks handed over")
  public int tasks;
}
