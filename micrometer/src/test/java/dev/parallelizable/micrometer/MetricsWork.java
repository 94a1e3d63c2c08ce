package dev.parallelizable.micrometer;

import dev.parallelizable.Parallelizable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The tasks the metrics tests run; the processor generates {@code MetricsWorkParallel}. */
public final class MetricsWork {
  /** Released by a test to let {@link #awaitGate} return; meaningful on in-process pools only. */
  public static volatile CountDownLatch gate = new CountDownLatch(0);

  private MetricsWork() {}

  /** Returns {@code x}, or throws if it is a multiple of {@code divisor}. */
  @Parallelizable
  public static int failOnMultipleOf(int x, int divisor) {
    if (x % divisor == 0) {
      throw new IllegalStateException("input " + x + " is a multiple of " + divisor);
    }
    return x;
  }

  /** Waits for {@link #gate}, at most {@code timeoutMillis}; returns {@code x}. */
  @Parallelizable
  public static int awaitGate(int x, long timeoutMillis) throws InterruptedException {
    if (!gate.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the gate was not opened within " + timeoutMillis + " ms");
    }
    return x;
  }
}
