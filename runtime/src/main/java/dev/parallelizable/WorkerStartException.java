package dev.parallelizable;

/**
 * A worker JVM of a process pool could not start: the JVM refused its options, it could not load
 * the runtime from its classpath, the codec could not be created, or the pool's initializer threw
 * (then the initializer's exception is the {@linkplain #getCause() cause}). The message gives the
 * reason, the command line and the last lines of the worker's standard error.
 *
 * <p>Such a failure is a matter of configuration and would repeat, so the pool does not start
 * workers again: it is broken. The tasks waiting for a worker fail with this exception, and so do
 * tasks submitted later; tasks already running on other workers finish.
 */
public class WorkerStartException extends ParallelException {
  private static final long serialVersionUID = 1L;

  public WorkerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
