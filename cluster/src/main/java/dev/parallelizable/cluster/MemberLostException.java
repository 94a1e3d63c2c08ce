package dev.parallelizable.cluster;

import dev.parallelizable.CrashPolicy;
import dev.parallelizable.WorkerLostException;

/**
 * A {@link WorkerLostException} of a cluster pool: the member running a task left the cluster (its
 * JVM or machine died, it was shut down, or it stopped answering heartbeats) and the task was not
 * run again, because the pool's {@link CrashPolicy} allowed no more runs or no member was left to
 * run it. The message names the member and the task. The pool stays usable while any member
 * remains.
 */
public class MemberLostException extends WorkerLostException {
  private static final long serialVersionUID = 1L;

  public MemberLostException(String task, String member, String message) {
    super(task, member, message, null);
  }

  /** The address of the member that left, as {@code host:port}. */
  public String member() {
    return worker();
  }
}
