package dev.parallelizable.internal;

/**
 * The names of the runtime's {@link System.Logger}s, the only names it logs under: users configure
 * them, so they are stable and name no internal package. {@code docs/deploying.md} lists each with
 * what it logs; a test keeps the two equal.
 */
public final class Loggers {
  /** A callback or progress listener of a result threw (WARNING). */
  public static final String CALLBACKS = "dev.parallelizable.callbacks";

  /** A result cache cannot write its entries (WARNING, once per cache). */
  public static final String CACHE = "dev.parallelizable.cache";

  /**
   * A worker JVM exited while idle, or a process other than the worker connected to its socket
   * (WARNING).
   */
  public static final String PROCESS_POOL = "dev.parallelizable.ProcessPool";

  /** A consumer of {@code WorkerOutput.lines} threw (WARNING, once per stream). */
  public static final String WORKER_OUTPUT = "dev.parallelizable.WorkerOutput";

  /** An internal fault of the remote pools' watchdog (ERROR). */
  public static final String REMOTE = "dev.parallelizable.remote";

  private Loggers() {}
}
