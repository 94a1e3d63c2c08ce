package dev.parallelizable.cluster;

import dev.parallelizable.TaskFailedException;

/**
 * The cluster member running a task left the cluster (its JVM or machine died, it was shut down, or
 * it stopped answering heartbeats) and the task was not re-run: the pool's {@link
 * ClusterPool.MemberLoss} is {@code FAIL}, the task had already been re-run once after an earlier
 * loss, or no member was left to run it. The message names the member and the task. The pool stays
 * usable while any member remains.
 */
public class MemberLostException extends TaskFailedException {
  private static final long serialVersionUID = 1L;
  private final String member;

  public MemberLostException(String task, String member, String message) {
    super(task, message, null);
    this.member = member;
  }

  /** The address of the member that left, as {@code host:port}. */
  public String member() {
    return member;
  }
}
