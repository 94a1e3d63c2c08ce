package dev.parallelizable;

/**
 * What a remote pool does with a task whose worker was lost while running it: a worker JVM of a
 * process pool that died ({@link ProcessPoolBuilder#crashPolicy(CrashPolicy)}), or a member that
 * left a cluster pool (the cluster module's {@code ClusterPool.Builder.crashPolicy}). A worker JVM
 * dies by {@code System.exit}, {@code Runtime.halt}, a signal, an {@link OutOfMemoryError}, or a
 * crash of the JVM itself; a task that ran past the per-task timeout is not retried under any
 * crash policy, since it would most likely time out again. A task that throws is a {@link
 * RetryPolicy}'s business; the runs each policy allows are counted apart, and neither resets the
 * other.
 *
 * <ul>
 *   <li>{@link #fail()} (a process pool's default): the task fails with a {@link
 *       WorkerLostException} naming the worker ({@link WorkerCrashedException} with its pid and
 *       exit code on a process pool, {@code MemberLostException} with its address on a cluster);
 *       a {@code map} fails with it and cancels its tasks that have not started. No task runs
 *       twice.
 *   <li>{@link #retry(int)}: the task runs again on a new worker, up to the given number of times;
 *       when it crashed that many times more, it fails as above: retry suits tasks that can safely
 *       run twice.
 * </ul>
 *
 * <p>A worker JVM sends its results every few milliseconds, and those of a batch of one method's
 * tasks when the batch ends, so tasks of the same chunk may have returned while their results had
 * not yet reached the caller when the worker died, or was killed for another task's timeout. Such
 * results are lost with the worker, and so are their tasks: under {@code fail()} each fails as above
 * (in a map that keeps going, as its own outcome), with a message saying that it had returned;
 * under {@code retry(n)} each runs again, and that counts as one of its losses.
 *
 * <p>Immutable and thread-safe.
 */
public final class CrashPolicy {
  private static final CrashPolicy FAIL = new CrashPolicy(0);

  private final int retries;

  private CrashPolicy(int retries) {
    this.retries = retries;
  }

  /**
   * A lost task fails with a {@link WorkerLostException}: {@link WorkerCrashedException} on a
   * process pool, where this is the default.
   *
   * @return the policy that never retries
   */
  public static CrashPolicy fail() {
    return FAIL;
  }

  /**
   * A crashed task runs again on a new worker, at most {@code times} times.
   *
   * @param times how many times a crashed task may run again; at least 1
   * @return a policy that retries up to {@code times} times
   * @throws IllegalArgumentException if {@code times} is not positive
   */
  public static CrashPolicy retry(int times) {
    if (times <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "CrashPolicy.retry(times) needs a positive number of retries, got %d; use CrashPolicy.fail() for none",
              times));
    }
    return new CrashPolicy(times);
  }

  /**
   * How many times a crashed task runs again: 0 for {@link #fail()}.
   *
   * @return the number of retries; 0 or more
   */
  public int retries() {
    return retries;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CrashPolicy that && that.retries == retries;
  }

  @Override
  public int hashCode() {
    return retries;
  }

  @Override
  public String toString() {
    return retries == 0 ? "CrashPolicy.fail()" : "CrashPolicy.retry(" + retries + ")";
  }
}
