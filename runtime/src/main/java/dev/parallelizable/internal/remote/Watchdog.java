package dev.parallelizable.internal.remote;

import dev.parallelizable.internal.Loggers;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread for the whole JVM that runs {@link EngineWatch#watch()} of every live remote
 * pool, as often as the most demanding pool asks (its task timeout sets its tick). Pools leave once
 * they are stopped. It also wakes when a task that is to run again under its retry policy is due
 * ({@link EngineWatch#millisUntilDue()}), and at once when one is queued ({@link #wake()}). A plain thread rather than a scheduled executor: it is started on the path of a
 * pool's first result, and loads nothing.
 */
final class Watchdog extends Thread {
  private static final Watchdog INSTANCE = new Watchdog();

  private final Set<EngineWatch<?>> pools = ConcurrentHashMap.newKeySet();
  private final Object wakeLock = new Object();
  /** Whether a retry was queued since the last round. Guarded by wakeLock. */
  private boolean wakeRequested;

  private Watchdog() {
    super("parallelizable-remote-watchdog");
    setDaemon(true);
    start();
  }

  static void watch(EngineWatch<?> pool) {
    INSTANCE.pools.add(pool);
    if (pool.watchMillis() < 100) {
      INSTANCE.interrupt(); // wake up to use the shorter tick at once
    }
  }

  /** Runs a round of watches now: a retry was queued, and its delay may end before the next tick. */
  static void wake() {
    synchronized (INSTANCE.wakeLock) {
      INSTANCE.wakeRequested = true;
      INSTANCE.wakeLock.notifyAll();
    }
  }

  /** Stops watching {@code pool}, which was terminated: its next tick would find nothing to do. */
  static void unwatch(EngineWatch<?> pool) {
    INSTANCE.pools.remove(pool);
  }

  @Override
  public void run() {
    while (true) {
      long tick = 100;
      for (EngineWatch<?> pool : pools) {
        try {
          if (pool.watch()) {
            tick = Math.min(tick, Math.min(pool.watchMillis(), pool.millisUntilDue()));
          } else {
            pools.remove(pool);
          }
        } catch (RuntimeException | Error e) {
          // one pool's fault must not stop the watch of the others
          System.getLogger(Loggers.REMOTE)
              .log(System.Logger.Level.ERROR, "The watch of " + pool + " failed; it goes on", e);
        }
      }
      try {
        synchronized (wakeLock) {
          if (!wakeRequested) {
            wakeLock.wait(Math.max(1, tick));
          }
          wakeRequested = false;
        }
      } catch (InterruptedException e) {
        // a pool with a shorter tick arrived
      }
    }
  }
}
