package dev.parallelizable.internal.process;

import dev.parallelizable.internal.process.child.WorkerMain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every worker of this JVM whose process may be running, so that a shutdown hook ends them, and
 * removes their directories and the {@link PipeStock}, when the JVM exits normally; the stock is
 * emptied, too, when the last worker is gone. (When the JVM is killed, workers notice on
 * their own and clean up: see {@link WorkerMain}.)
 *
 * <p>The hook is registered only while there is a worker: with the first one, and removed ({@link
 * Runtime#removeShutdownHook}) once the last is reaped, so that it does not hold the library's class
 * loader after the last pool (and the last worker kept for reuse) is gone.
 *
 * <p>Thread-safe: the workers and the hook are guarded by {@link #LOCK}.
 */
final class WorkerRegistry {
  private static final Object LOCK = new Object();
  // Guarded by LOCK:
  private static final Set<Registered> WORKERS = new HashSet<>();
  private static Cleanup hook;

  private static volatile boolean closing;

  private WorkerRegistry() {}

  /** A worker's process, as the shutdown hook ends it. */
  interface Registered {
    /** Kills the worker's process and deletes its directory. */
    void endAtExit();
  }

  /**
   * Registers a worker whose process is about to start, and the hook with the first one. False if
   * the JVM is exiting: the worker must not start.
   */
  static boolean add(Registered worker) {
    synchronized (LOCK) {
      if (closing) {
        return false;
      }
      if (hook == null) {
        Cleanup cleanup = new Cleanup();
        try {
          Runtime.getRuntime().addShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          closing = true; // the JVM is exiting already
          return false;
        }
        hook = cleanup;
      }
      WORKERS.add(worker);
      return true;
    }
  }

  /** Forgets a worker whose process has exited, or never started; the hook goes with the last. */
  static void remove(Registered worker) {
    synchronized (LOCK) {
      if (!WORKERS.remove(worker) || !WORKERS.isEmpty() || hook == null || closing) {
        return;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs and finds nothing to do
      }
      hook = null;
    }
    PipeStock.SHARED.empty(); // nothing is left in the temporary directory after the last worker
  }

  /** How many workers are registered: started, or starting, and not yet exited. */
  static int size() {
    synchronized (LOCK) {
      return WORKERS.size();
    }
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
      List<Registered> workers;
      synchronized (LOCK) {
        closing = true;
        workers = new ArrayList<>(WORKERS);
      }
      for (Registered worker : workers) {
        worker.endAtExit();
      }
      PipeStock.SHARED.close();
    }
  }
}
