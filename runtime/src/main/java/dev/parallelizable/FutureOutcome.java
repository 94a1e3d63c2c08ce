package dev.parallelizable;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link AsyncResult#resultNow()} and {@link AsyncResult#exceptionNow()}, read through {@link
 * AsyncResult#get(long, TimeUnit)}, whose checked exceptions tell a failure from a cancellation.
 */
final class FutureOutcome {
  private FutureOutcome() {}

  static <R> R resultNow(AsyncResult<R> result) {
    requireDone(result);
    try {
      return result.get(0, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Task completed with exception", e.getCause());
    } catch (CancellationException e) {
      throw new IllegalStateException("Task was cancelled", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw notWaiting(e);
    }
  }

  static Throwable exceptionNow(AsyncResult<?> result) {
    requireDone(result);
    try {
      result.get(0, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      throw new IllegalStateException("Task was cancelled", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw notWaiting(e);
    }
    throw new IllegalStateException("Task completed with a result");
  }

  private static void requireDone(AsyncResult<?> result) {
    if (!result.isDone()) {
      throw new IllegalStateException("Task has not completed");
    }
  }

  /** A done result's get(0, ...) neither waits nor reads the interrupt status. */
  private static AssertionError notWaiting(Exception e) {
    return new AssertionError("get(0, NANOSECONDS) of a done result waited", e);
  }
}
