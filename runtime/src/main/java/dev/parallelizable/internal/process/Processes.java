package dev.parallelizable.internal.process;

import java.io.IOException;

/**
 * Starts the processes of the process pools: worker JVMs, and {@code mkfifo} for their pipes.
 *
 * <p>Thread-safe: stateless.
 */
final class Processes {
  private Processes() {}

  /**
   * Starts a process. The JDK may start a "process reaper" thread here, which takes the caller's
   * context class loader and keeps it while it idles for a minute after the process exits (JDK
   * 17): it is given none, so that it does not hold the application's class loader after the last
   * pool is gone.
   */
  static Process start(ProcessBuilder builder) throws IOException {
    Thread caller = Thread.currentThread();
    ClassLoader context = caller.getContextClassLoader();
    caller.setContextClassLoader(null);
    try {
      return builder.start();
    } finally {
      caller.setContextClassLoader(context);
    }
  }
}
