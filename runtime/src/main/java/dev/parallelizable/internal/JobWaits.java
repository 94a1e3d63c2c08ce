package dev.parallelizable.internal;

import dev.parallelizable.WaitInterruptedException;
import java.time.Duration;

/**
 * How every {@link dev.parallelizable.Job} waits for its end: without a deadline for {@code join()},
 * with one for {@code join(Duration)}, and with an interrupt turned into {@link
 * WaitInterruptedException} (the thread's interrupt flag set again).
 */
public final class JobWaits {
  /** Waits up to a number of nanoseconds for the job to end; true if it did. */
  @FunctionalInterface
  public interface End {
    boolean await(long nanos) throws InterruptedException;
  }

  private JobWaits() {}

  /** Waits until the job ends. */
  public static void join(Object job, End end) {
    while (!join(job, end, Long.MAX_VALUE)) {
      // keep waiting: join() has no deadline, as in Python
    }
  }

  /** Waits at most {@code timeout}; true if the job ended. */
  public static boolean join(Object job, End end, Duration timeout) {
    return join(job, end, Texts.waitNanos(timeout));
  }

  private static boolean join(Object job, End end, long nanos) {
    try {
      return end.await(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while joining " + job, e);
    }
  }
}
