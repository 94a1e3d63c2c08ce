package dev.parallelizable.internal.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every worker of this JVM, so that a shutdown hook ends them, and removes their directories, when
 * the JVM exits normally. (When the JVM is killed, workers notice on their own and clean up: see
 * {@link WorkerMain}.) Thread-safe.
 */
final class WorkerRegistry {
  private static final Set<WorkerProcess> WORKERS = ConcurrentHashMap.newKeySet();
  private static volatile boolean closing;

  static {
    Runtime.getRuntime().addShutdownHook(new Cleanup());
  }

  private WorkerRegistry() {}

  static void add(WorkerProcess worker) {
    WORKERS.add(worker);
  }

  static void remove(WorkerProcess worker) {
    WORKERS.remove(worker);
  }

  /** Whether the JVM is exiting: no new worker may start. */
  static boolean isClosing() {
    return closing;
  }

  /** The shutdown hook; a class of its own rather than a lambda, which is slow to set up first. */
  private static final class Cleanup extends Thread {
    Cleanup() {
      super("parallelizable-worker-cleanup");
    }

    @Override
    public void run() {
      closing = true;
      for (WorkerProcess worker : WORKERS) {
        worker.kill();
        worker.deleteDirectory();
      }
    }
  }
}
