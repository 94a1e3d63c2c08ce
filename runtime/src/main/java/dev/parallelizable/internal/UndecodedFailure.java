package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;
import java.util.List;
import java.util.function.Supplier;

/**
 * A task's failure stored in its {@link Chunk} before it is built, and built only where it is read
 * ({@link Chunk#decode()}), as an {@link Undecoded} result is: building it may run user code (the
 * {@code readObject} of an exception that came from a worker as bytes, the {@code toString} of an
 * argument or an exception in its message), which a thread that reads a worker's answers must never
 * run. Until then it stands for the failure and is never seen outside the runtime; the engine
 * decides a retry from {@link #thrownTypes()} alone.
 *
 * <p>Thread-safe: the first {@link #decode()} builds the failure, later ones return the same one.
 */
public final class UndecodedFailure extends ParallelException implements Undecoded {
  private static final long serialVersionUID = 1L;
  private final transient List<String> thrownTypes;
  private transient Supplier<ParallelException> build;
  private transient ParallelException built;

  /**
   * A failure that {@code build} builds when it is read.
   *
   * @param thrownTypes the class names of the exception the task threw, its class first, then its
   *     superclasses; null if it is not an exception the task threw
   * @param build builds the failure, naming the task
   */
  public UndecodedFailure(List<String> thrownTypes, Supplier<ParallelException> build) {
    super("a task's failure, built when it is read");
    this.thrownTypes = thrownTypes;
    this.build = build;
  }

  /**
   * The class names of the exception the task threw, its class first, then its superclasses; null
   * if this failure is not an exception the task threw.
   */
  public List<String> thrownTypes() {
    return thrownTypes;
  }

  /** Builds the failure, once; a failure that is itself undecoded is built too. */
  @Override
  public synchronized ParallelException decode() {
    if (built == null) {
      built = decoded(build.get());
      build = null;
    }
    return built;
  }

  /** {@code failure} built, if it is an {@link UndecodedFailure}; else itself. */
  public static ParallelException decoded(ParallelException failure) {
    return failure instanceof UndecodedFailure undecoded ? undecoded.decode() : failure;
  }
}
