package dev.parallelizable;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the standard output and standard error of worker JVMs go: {@link
 * ProcessPoolBuilder#workerOutput(WorkerOutput)}.
 *
 * <ul>
 *   <li>{@link #inherit()}, the default: each line is written to the parent's {@code System.out}
 *       or {@code System.err}, as the worker wrote it, prefixed with the worker's name ({@code
 *       [worker-2] }). Lines of different workers never mix.
 *   <li>{@link #lines(Consumer)}: each line, of both streams, is given to a consumer instead.
 *   <li>{@link #discard()}: the output is read and dropped.
 * </ul>
 *
 * <p>Whatever the choice, the last lines of a worker's standard error are kept for the message of
 * a {@link WorkerCrashedException} or {@link WorkerStartException}, and a worker never blocks on a
 * full pipe: its output is always read.
 *
 * <p>Immutable and thread-safe.
 */
public final class WorkerOutput {
  private static final WorkerOutput INHERIT = new WorkerOutput(null, true);
  private static final WorkerOutput DISCARD = new WorkerOutput(null, false);

  private final Consumer<String> consumer;
  private final boolean inherit;

  private WorkerOutput(Consumer<String> consumer, boolean inherit) {
    this.consumer = consumer;
    this.inherit = inherit;
  }

  /**
   * Lines go to the parent's {@code System.out} and {@code System.err}, prefixed with the worker's
   * name.
   *
   * @return the default
   */
  public static WorkerOutput inherit() {
    return INHERIT;
  }

  /**
   * Output is read and dropped.
   *
   * @return the choice that drops output
   */
  public static WorkerOutput discard() {
    return DISCARD;
  }

  /**
   * Each line of a worker's standard output and standard error goes to {@code consumer}, without
   * its line terminator and prefixed with the worker's name, as in {@code "[worker-2] done 17"}
   * (a line longer than 64 KiB arrives in pieces). Lines are decoded in the parent's {@code
   * stdout.encoding}, which is the encoding the workers write in.
   *
   * <p>The consumer is called by the thread that reads the stream, one per stream and worker
   * ({@code parallelizable-worker-2-stdout}, {@code ...-stderr}): calls for different workers and
   * streams may run at the same time, so the consumer must be thread-safe; lines of one stream
   * arrive in order. A slow consumer slows down only the worker whose pipe fills. If the consumer
   * throws, the exception is logged (at {@code WARNING}, {@code System.Logger} {@code
   * dev.parallelizable.WorkerOutput}, once per stream) and the line is dropped; the next lines are
   * given to the consumer again, and the worker and its tasks are unaffected.
   *
   * @param consumer receives each line
   * @return the choice that sends lines to {@code consumer}
   * @throws NullPointerException if {@code consumer} is null
   */
  public static WorkerOutput lines(Consumer<String> consumer) {
    return new WorkerOutput(Objects.requireNonNull(consumer, "consumer must not be null"), false);
  }

  /**
   * The consumer of {@link #lines(Consumer)}, or null.
   *
   * @return the consumer, or null for {@link #inherit()} and {@link #discard()}
   */
  Consumer<String> consumer() {
    return consumer;
  }

  /**
   * Whether lines go to the parent's own streams.
   *
   * @return true for {@link #inherit()}
   */
  boolean inherits() {
    return inherit;
  }

  @Override
  public String toString() {
    return inherit ? "WorkerOutput.inherit()" : consumer == null ? "WorkerOutput.discard()" : "WorkerOutput.lines(" + consumer + ")";
  }
}
