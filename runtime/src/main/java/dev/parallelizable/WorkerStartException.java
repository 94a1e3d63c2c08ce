package dev.parallelizable;

/**
 * A worker JVM of a process pool could not start: the JVM refused its options, it could not load
 * the runtime from its classpath, it did not connect to the pool within 60 s, the codec could not
 * be created, the pool's initializer threw (then the initializer's exception is the {@linkplain
 * #getCause() cause}), or the initializer ran past {@link
 * ProcessPoolBuilder#initializerTimeout(java.time.Duration)} (then the message names the
 * initializer, the bound, and that option). The message gives the reason, the command line and the
 * last lines of the worker's standard error.
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
