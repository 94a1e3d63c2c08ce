package dev.parallelizable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a task again when it throws (Ray's {@code max_retries} with {@code retry_exceptions},
 * Failsafe's retry policy): which exceptions, how many attempts, and the backoff between them.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .maxAttempts(4)                                        // the first run and 3 retries
 *     .retryOn(java.io.IOException.class)                    // and its subclasses; default: Exception
 *     .backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0)
 *     .jitter(0.5)
 *     .build();
 * pool.map(url -> FetchParallel.fetch(url).withRetry(policy), urls);   // per task
 * Parallel.processPool().retryPolicy(policy).build();                  // per pool
 * }</pre>
 *
 * <h2>What is retried</h2>
 *
 * A task that throws an exception of a listed type or a subclass ({@link Exception} if none is
 * listed, so errors such as {@link OutOfMemoryError} are not retried) runs again after a delay,
 * up to {@link #maxAttempts()} runs in all. Types may be given as classes or as class names. On a
 * process pool the exception is matched, without being decoded, by the names of its class and
 * superclasses as the worker sent them, so a class only the workers have is matched by its
 * superclasses too; on a cluster pool it is decoded in the caller and matched there, by its class
 * and superclasses, or by the class name a {@link RemoteException} carries when its class could
 * not be decoded. Never retried: a task that was cancelled or whose pool was terminated; a task
 * that ran past the pool's per-task timeout, unless {@link Builder#retryTimeouts(boolean)} asks
 * for it; a task whose building failed (the function passed to {@code map} threw).
 *
 * <h2>Backoff</h2>
 *
 * The delay before retry {@code k} (the {@code k+1}-th run) is {@code min(maxDelay, initialDelay *
 * multiplier^(k-1))} ({@link #delay(int)}), less a random part of up to {@code jitter} of it: with
 * jitter 0.5 a nominal 100 ms is between 50 and 100 ms. On a thread pool the task's thread waits
 * out the delay (a pool thread is busy while it waits); on a process or cluster pool the task is
 * queued again for its next run no earlier than the delay, on any worker, and the worker is free
 * meanwhile.
 *
 * <h2>The final failure</h2>
 *
 * When the last allowed run throws, or throws an exception that is not retried, the task fails
 * with that run's {@link TaskFailedException}, and the exceptions of the earlier runs are {@linkplain
 * Throwable#getSuppressed() suppressed} on it, oldest first (the exceptions the task threw; a
 * timeout's {@link TaskTimeoutException} itself). At most ten earlier runs are carried: the first
 * run's exception and those of the nine runs just before the last; the runs in between are counted
 * but their exceptions are not kept. So a policy's memory does not grow with its {@link
 * #maxAttempts()}: with {@code maxAttempts(Integer.MAX_VALUE)} a task runs until it succeeds or
 * fails in a way that is not retried.
 *
 * <h2>With crashes, outcomes and jobs</h2>
 *
 * A worker lost while it runs the task (a crashed worker JVM, a member that left) is governed by
 * the pool's {@link CrashPolicy}, never by this policy: the two counts are kept apart, per task, and
 * neither resets the other, so a task may be lost up to {@code CrashPolicy.retry(n)}'s {@code n}
 * times and also throw up to {@code maxAttempts - 1} times before its last run. With {@link
 * Pool#mapOutcomes} an input's {@link Outcome} is the final result after its retries. A task's own
 * policy ({@link Task#withRetry}) replaces the pool's. Jobs ({@link Parallel#thread}, {@link
 * Parallel#process}) run their task once.
 *
 * <p>Immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final Set<String> retryOn;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;
  private final boolean retryTimeouts;

  private RetryPolicy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.retryOn = builder.retryOn.isEmpty()
        ? Set.of(Exception.class.getName())
        : Collections.unmodifiableSet(new LinkedHashSet<>(builder.retryOn));
    this.initialDelay = builder.initialDelay;
    this.maxDelay = builder.maxDelay;
    this.multiplier = builder.multiplier;
    this.jitter = builder.jitter;
    this.retryTimeouts = builder.retryTimeouts;
  }

  /**
   * A builder with the defaults: 3 attempts, every {@link Exception}, a delay of 100 ms doubling up
   * to 10 s, jitter 0.5, timeouts not retried.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How many times a task runs at most, the first run included.
   *
   * @return the most runs; at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The class names of the exceptions retried, with their subclasses.
   *
   * @return the binary class names, in the order given; {@code java.lang.Exception} by default
   */
  public Set<String> retryOn() {
    return retryOn;
  }

  /**
   * The delay before the first retry, before jitter.
   *
   * @return the initial delay
   */
  public Duration initialDelay() {
    return initialDelay;
  }

  /**
   * The longest delay between two runs, before jitter.
   *
   * @return the largest delay
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * The factor each delay grows by.
   *
   * @return the multiplier; at least 1
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * The largest fraction of a delay taken off at random.
   *
   * @return the jitter, in {@code [0, 1]}
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Whether a task that ran past the pool's per-task timeout runs again.
   *
   * @return true if timed-out tasks are retried
   */
  public boolean retriesTimeouts() {
    return retryTimeouts;
  }

  /**
   * The nominal delay before retry {@code retry}, before jitter: {@code min(maxDelay, initialDelay
   * * multiplier^(retry-1))}. The actual delay is between {@code (1 - jitter())} times this and
   * this.
   *
   * @param retry the retry, from 1 (the second run)
   * @return the nominal delay before that retry
   * @throws IllegalArgumentException if {@code retry} is not positive
   */
  public Duration delay(int retry) {
    if (retry <= 0) {
      throw new IllegalArgumentException("retry counts from 1 (the second run), got " + retry);
    }
    long initial = initialDelay.toNanos(); // at most a day: no overflow
    long max = maxDelay.toNanos();
    if (initial == 0) {
      return Duration.ZERO; // not 0 * multiplier^(retry-1), which is NaN once the power is infinite
    }
    double nanos = initial * Math.pow(multiplier, retry - 1); // at most +Infinity, never negative
    return Duration.ofNanos(nanos >= max ? max : (long) nanos);
  }

  /**
   * Whether {@code exception}, thrown by a task, is of a type this policy retries: its class or a
   * superclass is listed, or it is a {@link RemoteException} whose remote class is listed.
   *
   * @param exception what the task threw (the cause of its {@link TaskFailedException})
   * @return true if the type is retried
   */
  public boolean retries(Throwable exception) {
    if (exception == null) {
      return false;
    }
    if (exception instanceof RemoteException remote && retryOn.contains(remote.remoteClassName())) {
      return true;
    }
    for (Class<?> type = exception.getClass(); type != null; type = type.getSuperclass()) {
      if (retryOn.contains(type.getName())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return String.format(
        "RetryPolicy[maxAttempts=%d, retryOn=%s, backoff=%s..%s x%s, jitter=%s%s]",
        maxAttempts, retryOn, initialDelay, maxDelay, multiplier, jitter,
        retryTimeouts ? ", retryTimeouts" : "");
  }

  /**
   * Builds a {@link RetryPolicy}. Each option may be set once; a bad value fails at once, naming
   * the option and the value. Not thread-safe.
   */
  public static final class Builder {
    private int maxAttempts = 3;
    private boolean maxAttemptsSet;
    private final List<String> retryOn = new ArrayList<>();
    private Duration initialDelay = Duration.ofMillis(100);
    private Duration maxDelay = Duration.ofSeconds(10);
    private double multiplier = 2.0;
    private boolean backoffSet;
    private double jitter = 0.5;
    private boolean jitterSet;
    private boolean retryTimeouts;

    private Builder() {}

    /**
     * How many times a task runs at most, the first run included (default 3).
     *
     * @param attempts the most runs; at least 1 (1: never retried); {@code Integer.MAX_VALUE} for
     *     retrying until the task succeeds
     * @return this builder
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     * @throws IllegalStateException if it was already set
     */
    public Builder maxAttempts(int attempts) {
      requireUnset(!maxAttemptsSet, "maxAttempts was already set to %d", maxAttempts);
      requireArgument(attempts >= 1,
          "maxAttempts must be at least 1 (the first run), got %d; 1 never retries", attempts);
      this.maxAttempts = attempts;
      this.maxAttemptsSet = true;
      return this;
    }

    /**
     * Retries exceptions of these types and their subclasses (default: {@link Exception}). May be
     * called more than once; the types add up.
     *
     * @param types the exception types; not empty, no null element
     * @return this builder
     * @throws IllegalArgumentException if {@code types} is empty or holds null
     */
    @SafeVarargs
    public final Builder retryOn(Class<? extends Throwable>... types) {
      requireArgument(types != null && types.length > 0,
          "retryOn needs at least one exception type, e.g. retryOn(IOException.class)");
      for (int i = 0; i < types.length; i++) {
        requireArgument(types[i] != null, "retryOn types must not be null, got null at position %s", i);
        retryOn.add(types[i].getName());
      }
      return this;
    }

    /**
     * Retries exceptions of the classes with these binary names and their subclasses, for types
     * the caller cannot load (they live only on the workers' classpath). May be called more than
     * once; the types add up.
     *
     * @param classNames binary class names, e.g. {@code "com.example.QuotaException"}; not empty
     * @return this builder
     * @throws IllegalArgumentException if {@code classNames} is empty, or a name is null or blank
     */
    public Builder retryOn(String... classNames) {
      requireArgument(classNames != null && classNames.length > 0,
          "retryOn needs at least one class name, e.g. retryOn(\"java.io.IOException\")");
      for (String name : classNames) {
        requireArgument(name != null && !name.isBlank() && name.strip().equals(name),
            "retryOn class names must be binary class names such as \"java.io.IOException\", got %s",
            name == null ? "null" : '"' + name + '"');
        retryOn.add(name);
      }
      return this;
    }

    /**
     * The delays between runs: {@code initial} before the first retry, multiplied by {@code
     * multiplier} for each next one, at most {@code max} (default 100 ms, 10 s, 2.0).
     *
     * @param initial the delay before the first retry; not negative (zero: no delay), at most a day
     * @param max the largest delay; at least {@code initial}, at most a day
     * @param multiplier the factor each delay grows by; at least 1 and finite
     * @return this builder
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if a duration is null
     * @throws IllegalStateException if the backoff was already set
     */
    public Builder backoff(Duration initial, Duration max, double multiplier) {
      requireUnset(!backoffSet, "backoff was already set to %s..%s x%s", initialDelay, maxDelay, this.multiplier);
      java.util.Objects.requireNonNull(initial, "backoff's initial delay");
      java.util.Objects.requireNonNull(max, "backoff's largest delay");
      requireArgument(!initial.isNegative(), "backoff's initial delay must not be negative, got %s", initial);
      requireArgument(initial.compareTo(Duration.ofDays(1)) <= 0,
          "backoff's initial delay must be at most a day, got %s", initial);
      requireArgument(max.compareTo(initial) >= 0,
          "backoff's largest delay (%s) must not be shorter than its initial delay (%s)", max, initial);
      requireArgument(max.compareTo(Duration.ofDays(1)) <= 0,
          "backoff's largest delay must be at most a day, got %s", max);
      requireArgument(multiplier >= 1 && Double.isFinite(multiplier),
          "backoff's multiplier must be at least 1 and finite, got %s", multiplier);
      this.initialDelay = initial;
      this.maxDelay = max;
      this.multiplier = multiplier;
      this.backoffSet = true;
      return this;
    }

    /**
     * The same delay before every retry, without growth: {@code backoff(delay, delay, 1)}.
     *
     * @param delay the delay before each retry; not negative, at most a day
     * @return this builder
     * @throws IllegalArgumentException if {@code delay} is negative or longer than a day
     * @throws IllegalStateException if the backoff was already set
     */
    public Builder fixedDelay(Duration delay) {
      return backoff(delay, delay, 1.0);
    }

    /**
     * The largest fraction of each delay taken off at random, so that tasks that failed together
     * do not all run again at once (default 0.5; 0: exact delays).
     *
     * @param fraction between 0 and 1
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is not within {@code [0, 1]}
     * @throws IllegalStateException if it was already set
     */
    public Builder jitter(double fraction) {
      requireUnset(!jitterSet, "jitter was already set to %s", jitter);
      requireArgument(fraction >= 0 && fraction <= 1, "jitter must be between 0 and 1, got %s", fraction);
      this.jitter = fraction;
      this.jitterSet = true;
      return this;
    }

    /**
     * Whether a task that ran past the pool's per-task timeout runs again (default false: it would
     * most likely time out again). A timed-out run counts as an attempt.
     *
     * @param retry true to retry timed-out tasks
     * @return this builder
     */
    public Builder retryTimeouts(boolean retry) {
      this.retryTimeouts = retry;
      return this;
    }

    /**
     * The policy; the builder may be used again.
     *
     * @return a new policy
     */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }

    private static void requireArgument(boolean valid, String format, Object... args) {
      if (!valid) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }

    private static void requireUnset(boolean unset, String format, Object... args) {
      if (!unset) {
        throw new IllegalStateException(String.format(format, args));
      }
    }
  }
}
