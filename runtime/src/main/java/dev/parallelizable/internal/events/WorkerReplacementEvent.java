package dev.parallelizable.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event of a replacement worker; see {@link Events}. */
@Name("dev.parallelizable.WorkerReplacement")
@Label("Worker Replacement")
@Description("A worker started in place of one that left or was recycled")
@Category("Parallelizable")
@StackTrace(false)
public final class WorkerReplacementEvent extends jdk.jfr.Event {
  @Label("Pool")
  @Description("The pool's name, as in its messages")
  public String pool;

  @Label("Replaced")
  @Description("The worker that left")
  public String replaced;

  @Label("Replacement")
  @Description("The worker started in its place")
  public String replacement;

  @Label("Reason")
  @Description("crashed, timed out or recycled")
  public String reason;
}
