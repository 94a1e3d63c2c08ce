package dev.parallelizable.internal.remote;

import dev.parallelizable.internal.Loggers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One daemon thread for the whole JVM that runs {@link RemoteEngine#watch()} of every live remote
 * pool, as often as the most demanding pool asks (its task timeout sets its tick). Pools leave once
 * they are stopped. It also wakes when a task that is to run again under its retry policy is due
 * ({@link RemoteEngine#millisUntilDue()}), and at once when one is queued ({@link #wake()}). A plain
 * thread rather than a scheduled executor: it is started on the path of a pool's first result, and
 * loads nothing.
 *
 * <pre>
 * Thread:  none --watch(): the first pool--> running --no pool left (after a round, or at once on
 *          unwatch() or an interrupt)--> none --watch()--> running (a new thread) ...
 * </pre>
 *
 * <p>The thread lives only while a pool is watched, so that no thread of the library outlives the
 * last pool: a JVM whose main method returned (as {@code mvn exec:java} runs it) or a class loader
 * that is discarded (an application server, a development-time restart) is not held by it. An
 * interrupt ends it if no pool is left, and otherwise is a request to run a round now; it is never
 * a reason to stop watching a live pool.
 *
 * <p>Thread-safe: the pools, the thread and the wake flag are guarded by {@link #LOCK}; the thread
 * is started, and ends, under it, so there is never more than one, and a pool added as the thread
 * ends starts a new one.
 */
final class Watchdog implements Runnable {
  private static final String THREAD_NAME = "parallelizable-remote-watchdog";

  private static final Object LOCK = new Object();
  // Guarded by LOCK:
  private static final Set<RemoteEngine<?>> POOLS = new LinkedHashSet<>();
  private static Thread thread;
  /** Whether a round is to run now: a retry was queued, or a pool with a shorter tick arrived. */
  private static boolean wakeRequested;

  private Watchdog() {}

  static void watch(RemoteEngine<?> pool) {
    synchronized (LOCK) {
      POOLS.add(pool);
      if (thread == null) {
        thread = new Thread(new Watchdog(), THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
      } else if (pool.watchMillis() < 100) {
        wakeRequested = true; // use the shorter tick at once
        LOCK.notifyAll();
      }
    }
  }

  /** Runs a round of watches now: a retry was queued, and its delay may end before the next tick. */
  static void wake() {
    synchronized (LOCK) {
      wakeRequested = true;
      LOCK.notifyAll();
    }
  }

  /** Stops watching {@code pool}, which was terminated: its next tick would find nothing to do. */
  static void unwatch(RemoteEngine<?> pool) {
    synchronized (LOCK) {
      if (POOLS.remove(pool) && POOLS.isEmpty()) {
        LOCK.notifyAll(); // the thread ends now rather than at its next tick
      }
    }
  }

  @Override
  public void run() {
    while (true) {
      List<RemoteEngine<?>> pools;
      synchronized (LOCK) {
        if (POOLS.isEmpty()) {
          thread = null; // under the lock: the next watch() starts a new thread
          return;
        }
        pools = List.copyOf(POOLS);
      }
      long tick = 100;
      List<RemoteEngine<?>> stopped = new ArrayList<>(0);
      for (RemoteEngine<?> pool : pools) {
        try {
          if (pool.watch()) {
            tick = Math.min(tick, Math.min(pool.watchMillis(), pool.millisUntilDue()));
          } else {
            stopped.add(pool);
          }
        } catch (RuntimeException | Error e) {
          // one pool's fault must not stop the watch of the others
          System.getLogger(Loggers.REMOTE)
              .log(System.Logger.Level.ERROR, "The watch of " + pool + " failed; it goes on", e);
        }
      }
      synchronized (LOCK) {
        for (RemoteEngine<?> pool : stopped) { // a loop, not a method reference: see Chunk.Identity
          POOLS.remove(pool);
        }
        if (!wakeRequested && !POOLS.isEmpty()) {
          try {
            LOCK.wait(Math.max(1, tick));
          } catch (InterruptedException e) {
            // Not a reason to stop watching a live pool: the next round ends the thread if none is left.
          }
        }
        wakeRequested = false;
      }
    }
  }
}
