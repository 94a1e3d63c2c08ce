package dev.parallelizable.internal.process;

import dev.parallelizable.internal.shared.SharedFiles;
import dev.parallelizable.spi.RemoteDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The workers of closed process pools, kept for a while ({@code reuseWorkersFor}) to serve the next
 * pool of the same configuration ({@link WorkerConfig#reuseKey()}) instead of a new JVM: the
 * reusable executor of loky, for pools.
 *
 * <pre>
 * a pool is shut down, a worker idle and healthy --keep()--> KEPT (no pool; its reader still reads)
 *   KEPT --a pool of the same configuration starts--> take(): the worker serves that pool once it
 *       answered the pool's ping (dead by then: the pool replaces it)
 *   KEPT --its time is up--> LEAVING (told to exit in order) --its shutdown timeout passed--> killed
 *   KEPT or LEAVING --its channel ended (exit, crash, kill)--> ended(): forgotten, no pool told
 *   any --the JVM exits--> killed by WorkerRegistry's shutdown hook; --the JVM is killed--> the
 *       worker's ParentWatch ends it
 * </pre>
 *
 * A worker is kept only if it is healthy: it started, never reported a fatal error, was not asked to
 * stop, killed, recycled or timed out, and runs nothing. Workers are taken most recently kept first.
 *
 * <p>Thread-safe: every field is accessed only under {@link #LOCK}. A worker moves between a pool
 * and the cache under its own lock ({@link WorkerProcess#keep}, {@link WorkerProcess#serve}), taken
 * inside this one, so that a worker whose channel ends is either still kept (and forgotten here) or
 * already moved to a pool (which is told it is gone), never both. The expiry runs on
 * one daemon thread, {@code parallelizable-kept-workers}, started with the first kept worker; it
 * ends once no worker is kept or leaving (the last one's time is up and it exited, or was taken), and
 * the next kept worker starts a new one. While it runs it holds the directory of shared data that
 * the kept workers were started with ({@link SharedFiles#holdReuseDirectory}), which is deleted once
 * neither a kept worker nor a pool that reuses workers is left.
 */
final class WorkerCache {
  private static final Object LOCK = new Object();
  // Accessed only under LOCK:
  private static final List<Kept> KEPT = new ArrayList<>();
  private static final List<Kept> LEAVING = new ArrayList<>();
  private static Thread expiry;

  private WorkerCache() {}

  /** A kept worker: until {@code deadlineNanos} it may be taken; then it leaves. */
  private static final class Kept {
    final WorkerProcess worker;
    final Object key;
    long deadlineNanos;

    Kept(WorkerProcess worker, Object key, long deadlineNanos) {
      this.worker = worker;
      this.key = key;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /**
   * Keeps {@code worker} for {@code time} if it is healthy and still its pool's: it then works for
   * no pool. False if it is not kept; the caller then stops it.
   */
  static boolean keep(WorkerProcess worker, Duration time) {
    if (time.isZero() || WorkerRegistry.isClosing()) {
      return false;
    }
    synchronized (LOCK) {
      if (!worker.healthy() || !worker.keep(WorkerCache::ended)) {
        return false;
      }
      KEPT.add(new Kept(worker, worker.config().reuseKey(), System.nanoTime() + time.toNanos()));
      if (expiry == null) {
        SharedFiles.holdReuseDirectory(); // released by the thread as it ends
        expiry = new Thread(WorkerCache::expire, "parallelizable-kept-workers");
        expiry.setDaemon(true);
        expiry.start();
      }
      LOCK.notifyAll();
      return true;
    }
  }

  /**
   * A kept worker of {@code config}'s configuration, now working for the pool of {@code engine}, or
   * null if none is kept. The worker started long ago: the pool pings it, and it is ready once it
   * answers ({@link WorkerProcess#confirmAlive}).
   */
  static WorkerProcess take(RemoteDispatcher<WorkerProcess> engine, WorkerConfig config) {
    synchronized (LOCK) {
      if (KEPT.isEmpty()) {
        return null;
      }
      Object key = config.reuseKey();
      for (int i = KEPT.size() - 1; i >= 0; i--) {
        Kept kept = KEPT.get(i);
        if (kept.key.equals(key) && kept.worker.healthy() && kept.worker.serve(engine, config)) {
          KEPT.remove(i);
          if (KEPT.isEmpty() && LEAVING.isEmpty()) {
            LOCK.notifyAll(); // the expiry thread ends now rather than at the taken worker's deadline
          }
          return kept.worker;
        }
      }
      return null;
    }
  }

  /** Called once a kept worker's channel ended: forgets it. It can no longer be taken. */
  private static void ended(WorkerProcess worker) {
    synchronized (LOCK) {
      KEPT.removeIf(kept -> kept.worker == worker);
      LEAVING.removeIf(kept -> kept.worker == worker);
      if (KEPT.isEmpty() && LEAVING.isEmpty()) {
        LOCK.notifyAll(); // the expiry thread ends now rather than at the forgotten deadline
      }
    }
  }

  /**
   * The expiry thread: tells expired workers to exit, and kills those past their shutdown timeout;
   * ends once no worker is kept or leaving, and releases the directory of shared data then.
   */
  private static void expire() {
    try {
      expireUntilNoneLeft();
    } finally {
      SharedFiles.releaseReuseDirectory();
    }
  }

  private static void expireUntilNoneLeft() {
    List<WorkerProcess> retire = new ArrayList<>();
    List<WorkerProcess> kill = new ArrayList<>();
    while (true) {
      synchronized (LOCK) {
        if (KEPT.isEmpty() && LEAVING.isEmpty()) {
          expiry = null; // under the lock: the next kept worker starts a new thread
          return;
        }
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Iterator<Kept> i = KEPT.iterator(); i.hasNext(); ) {
          Kept kept = i.next();
          if (now - kept.deadlineNanos >= 0) {
            i.remove();
            kept.deadlineNanos = now + kept.worker.config().shutdownTimeout.toNanos();
            LEAVING.add(kept);
            retire.add(kept.worker);
          }
        }
        for (Iterator<Kept> i = LEAVING.iterator(); i.hasNext(); ) {
          Kept leaving = i.next();
          if (now - leaving.deadlineNanos >= 0 && !retire.contains(leaving.worker)) {
            i.remove();
            kill.add(leaving.worker);
          }
        }
        for (Kept kept : KEPT) {
          next = Math.min(next, kept.deadlineNanos - now);
        }
        for (Kept leaving : LEAVING) {
          next = Math.min(next, leaving.deadlineNanos - now);
        }
        if (retire.isEmpty() && kill.isEmpty()) {
          if (next != Long.MAX_VALUE) {
            try {
              TimeUnit.NANOSECONDS.timedWait(LOCK, Math.max(next, 1));
            } catch (InterruptedException e) {
              // Not a reason to drop the kept workers early: the loop ends once none is left.
            }
          }
          continue;
        }
      }
      for (WorkerProcess worker : retire) {
        worker.retire(); // closes its channel: it exits in order and its reader calls ended()
      }
      for (WorkerProcess worker : kill) {
        worker.kill();
      }
      retire.clear();
      kill.clear();
    }
  }
}
