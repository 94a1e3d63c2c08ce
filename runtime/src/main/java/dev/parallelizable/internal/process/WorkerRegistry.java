package dev.parallelizable.internal.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every worker process of this JVM, so that a shutdown hook ends them when the JVM exits normally.
 * (When the JVM is killed, workers notice on their own: see {@link WorkerMain}.) Thread-safe.
 */
final class WorkerRegistry {
  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
  private static volatile boolean closing;

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(WorkerRegistry::killAll, "parallelizable-worker-cleanup"));
  }

  private WorkerRegistry() {}

  static void add(Process process) {
    PROCESSES.add(process);
  }

  static void remove(Process process) {
    PROCESSES.remove(process);
  }

  /** Whether the JVM is exiting: no new worker may start. */
  static boolean isClosing() {
    return closing;
  }

  private static void killAll() {
    closing = true;
    for (Process process : PROCESSES) {
      process.destroyForcibly();
    }
  }
}
