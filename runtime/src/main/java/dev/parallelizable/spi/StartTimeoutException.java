package dev.parallelizable.spi;

import java.util.concurrent.TimeoutException;

/**
 * Why the engine stopped a worker that was starting: it outlived the bound of the phase it was in,
 * {@link RemoteSettings#startTimeout()} before it was ready, or {@link
 * RemoteSettings#initializerTimeout()} while its initializer ran. Given to {@link
 * RemoteWorkers#startFailure}, so that the adapter words the failure for the phase without
 * inferring it from the worker.
 *
 * <p>Made by the engine, under its lock; immutable.
 */
public final class StartTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  /** Whether the worker was running its initializer when it outlived its bound. */
  private final boolean initializing;

  /**
   * A timeout of a starting worker.
   *
   * @param message what happened, naming the bound, e.g. "it was not ready within the start
   *     timeout of 30 s, so the pool stopped it"
   * @param initializing true if the worker was running its initializer, false if it was not ready
   */
  public StartTimeoutException(String message, boolean initializing) {
    super(message);
    this.initializing = initializing;
  }

  /**
   * Whether the worker outlived the initializer timeout while its initializer ran, rather than the
   * start timeout before it was ready.
   *
   * @return true for the initializer's bound
   */
  public boolean initializing() {
    return initializing;
  }
}
