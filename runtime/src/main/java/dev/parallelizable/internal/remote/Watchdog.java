package dev.parallelizable.internal.remote;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread for the whole JVM that runs {@link RemoteEngine#watch()} of every live remote
 * pool, as often as the most demanding pool asks (its task timeout sets its tick). Pools leave once
 * they are stopped. A plain thread rather than a scheduled executor: it is started on the path of a
 * pool's first result, and loads nothing.
 */
final class Watchdog extends Thread {
  private static final Watchdog INSTANCE = new Watchdog();

  private final Set<RemoteEngine<?>> pools = ConcurrentHashMap.newKeySet();

  private Watchdog() {
    super("parallelizable-remote-watchdog");
    setDaemon(true);
    start();
  }

  static void watch(RemoteEngine<?> pool) {
    INSTANCE.pools.add(pool);
    if (pool.watchMillis() < 100) {
      INSTANCE.interrupt(); // wake up to use the shorter tick at once
    }
  }

  /** Stops watching {@code pool}, which was terminated: its next tick would find nothing to do. */
  static void unwatch(RemoteEngine<?> pool) {
    INSTANCE.pools.remove(pool);
  }

  @Override
  public void run() {
    while (true) {
      long tick = 100;
      for (RemoteEngine<?> pool : pools) {
        try {
          if (pool.watch()) {
            tick = Math.min(tick, pool.watchMillis());
          } else {
            pools.remove(pool);
          }
        } catch (RuntimeException | Error e) {
          // one pool's fault must not stop the watch of the others
          System.getLogger("dev.parallelizable.remote")
              .log(System.Logger.Level.ERROR, "The watch of " + pool + " failed; it goes on", e);
        }
      }
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        // a pool with a shorter tick arrived
      }
    }
  }
}
