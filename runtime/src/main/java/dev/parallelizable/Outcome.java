package dev.parallelizable;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * What became of one input of a map that keeps going ({@link Pool#mapOutcomes}, {@link
 * Pool#imapOutcomes}, {@link Pool#imapUnorderedOutcomes}): its result, or the failure the plain
 * {@code map} would have thrown for it (Python's {@code gather(..., return_exceptions=True)}).
 *
 * <pre>{@code
 * for (Outcome<Path> outcome : pool.mapOutcomes(p -> ImagesParallel.thumbnail(p, 128), paths)) {
 *   if (outcome.isSuccess()) {
 *     written.add(outcome.value());
 *   } else {
 *     log.warn(outcome.failure().getMessage());   // names the task and its input
 *   }
 * }
 * }</pre>
 *
 * <p>A failure is a {@link ParallelException}, as {@code map} would throw it: {@link
 * TaskFailedException} when the task threw (its cause is the original exception; after retries,
 * the earlier attempts' exceptions are suppressed on it, see {@link RetryPolicy}), {@link
 * WorkerLostException} when its worker was lost and the {@link CrashPolicy} allowed no more runs,
 * {@link TaskTimeoutException} past the pool's per-task timeout, {@link TaskCancelledException}
 * when it was cancelled or the pool terminated.
 *
 * <p>Immutable and thread-safe if the value is. Equality is identity.
 *
 * @param <R> the result type
 */
public final class Outcome<R> {
  private final long position;
  private final R value;
  private final ParallelException failure;

  private Outcome(long position, R value, ParallelException failure) {
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative, got " + position);
    }
    this.position = position;
    this.value = value;
    this.failure = failure;
  }

  /**
   * The outcome of an input whose task returned {@code value}.
   *
   * @param <R> the result type
   * @param position the input's position in its map's input, from 0
   * @param value the task's result; may be null
   * @return a successful outcome
   * @throws IllegalArgumentException if {@code position} is negative
   */
  public static <R> Outcome<R> success(long position, R value) {
    return new Outcome<>(position, value, null);
  }

  /**
   * The outcome of an input whose task failed.
   *
   * @param <R> the result type
   * @param position the input's position in its map's input, from 0
   * @param failure what the task failed with; not null
   * @return a failed outcome
   * @throws IllegalArgumentException if {@code position} is negative
   * @throws NullPointerException if {@code failure} is null
   */
  public static <R> Outcome<R> failure(long position, ParallelException failure) {
    return new Outcome<>(position, null, Objects.requireNonNull(failure, "failure"));
  }

  /**
   * The position of this outcome's input in the map's input, from 0. In an ordered map it is also
   * the outcome's own position; in {@link Pool#imapUnorderedOutcomes} it says which input this is.
   *
   * @return the input's position, from 0
   */
  public long position() {
    return position;
  }

  /**
   * Whether the task returned a result.
   *
   * @return true if the task returned a result, false if it failed
   */
  public boolean isSuccess() {
    return failure == null;
  }

  /**
   * The task's result.
   *
   * @return the result; may be null
   * @throws ParallelException the failure, if the task failed: the exception {@code map} would
   *     have thrown (so {@code outcome.value()} in a loop behaves like a plain {@code map})
   */
  public R value() {
    if (failure != null) {
      throw failure;
    }
    return value;
  }

  /**
   * The failure, or null if the task returned a result.
   *
   * @return the failure, or null
   */
  public ParallelException failure() {
    return failure;
  }

  /**
   * The failure, for an outcome known to have failed.
   *
   * @return the failure
   * @throws NoSuchElementException if the task returned a result
   */
  public ParallelException failureOrThrow() {
    if (failure == null) {
      throw new NoSuchElementException("The task of input #" + position + " succeeded; it has no failure");
    }
    return failure;
  }

  /**
   * The position and whether the task succeeded; the value is not shown.
   *
   * @return {@code Outcome[#3: success]} or {@code Outcome[#3: failed: <message>]}
   */
  @Override
  public String toString() {
    return failure == null
        ? "Outcome[#" + position + ": success]"
        : "Outcome[#" + position + ": failed: " + failure.getMessage() + "]";
  }
}
