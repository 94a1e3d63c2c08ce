package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerLostException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The decisions of a {@link RetryPolicy}, shared by the pools that run tasks in their own threads
 * ({@link #call}, which waits out the delay in the task's thread) and the remote engine (which
 * queues the task again, due after the delay). Stateless and thread-safe.
 */
public final class Retries {
  private Retries() {}

  /** The policy that governs {@code task}: its own, else the pool's; null for none. */
  public static RetryPolicy of(Task<?> task, RetryPolicy pool) {
    RetryPolicy own = task == null ? null : task.retryPolicy();
    return own != null ? own : pool;
  }

  /**
   * Whether a task that failed with {@code failure} on its run number {@code attempts} (from 1)
   * runs again: a lost worker is the crash policy's, a cancellation is never retried, a timeout
   * only if the policy says so, an exception the task threw if its type is listed: for an {@link
   * UndecodedFailure}, if its class or a superclass is listed by name.
   */
  public static boolean retries(RetryPolicy policy, ParallelException failure, int attempts) {
    if (policy == null || attempts >= policy.maxAttempts()) {
      return false;
    }
    if (failure instanceof TaskTimeoutException) {
      return policy.retriesTimeouts();
    }
    if (failure instanceof UndecodedFailure undecoded) {
      // Decided by the names of the exception's class and superclasses: decoding it runs user code.
      List<String> thrown = undecoded.thrownTypes();
      return thrown != null && thrown.stream().anyMatch(policy.retryOn()::contains);
    }
    if (failure instanceof WorkerLostException || !(failure instanceof TaskFailedException)) {
      return false;
    }
    return policy.retries(failure.getCause());
  }

  /** The delay before retry {@code retry} (from 1), jitter applied, in nanoseconds. */
  public static long delayNanos(RetryPolicy policy, int retry) {
    long nominal = policy.delay(retry).toNanos();
    if (policy.jitter() == 0 || nominal == 0) {
      return nominal;
    }
    return nominal - (long) (nominal * policy.jitter() * ThreadLocalRandom.current().nextDouble());
  }

  /** What a failed run is remembered by on the final failure: what the task threw, or the failure. */
  public static Throwable attempt(ParallelException failure) {
    return failure.getCause() != null ? failure.getCause() : failure;
  }

  /** {@code failure} with the kept earlier runs' exceptions suppressed on it, oldest first ({@link EarlierRuns}). */
  public static ParallelException withEarlier(ParallelException failure, List<Throwable> earlier) {
    if (earlier != null) {
      for (Throwable e : earlier) {
        if (e != failure) {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  /**
   * Runs {@code task} in the calling thread under {@code policy} (null: once): the delay between
   * runs is waited out here. Stops retrying once {@code abandoned} says the task's result is no
   * longer wanted (its chunk was aborted) or the thread is interrupted.
   *
   * @return the task's result
   * @throws ParallelException the final failure, with the kept earlier runs' exceptions suppressed
   */
  static Object call(Task<?> task, RetryPolicy policy, BooleanSupplier abandoned) {
    return call(task, task::call, policy, abandoned);
  }

  /** One run of a task: its result, or what the task threw. */
  @FunctionalInterface
  public interface Run {
    Object run() throws Throwable;
  }

  /**
   * {@link #call(Task, RetryPolicy, BooleanSupplier)} where each run of {@code task} is {@code run}
   * (a pool that runs the task otherwise than by {@link Task#call()}, e.g. through its codec).
   */
  public static Object call(Task<?> task, Run run, RetryPolicy policy, BooleanSupplier abandoned) {
    EarlierRuns<Throwable> earlier = new EarlierRuns<>();
    for (int attempt = 1; ; attempt++) {
      ParallelException failure;
      try {
        return run.run();
      } catch (Throwable e) {
        failure = new TaskFailedException(task, e);
      }
      if (!retries(policy, failure, attempt) || abandoned.getAsBoolean() || !sleep(delayNanos(policy, attempt))
          || abandoned.getAsBoolean()) {
        throw withEarlier(failure, earlier.kept());
      }
      earlier.add(attempt(failure));
    }
  }

  /** Sleeps; false, with the interrupt restored, if interrupted (the pool is terminating). */
  private static boolean sleep(long nanos) {
    if (Thread.currentThread().isInterrupted()) {
      return false;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
