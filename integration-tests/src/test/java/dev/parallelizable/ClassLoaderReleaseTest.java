package dev.parallelizable;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.ThrowawayApplication;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library in a class loader that is discarded after use, as an application server does when it
 * undeploys an application, or a development-time restart when it reloads one: once the
 * application has closed its pools, no thread the library started and no shutdown hook it
 * registered holds that class loader, so it is collected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClassLoaderReleaseTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void aDiscardedLoaderIsCollectedOnceItsProcessAndThreadPoolsAreClosed() throws Exception {
    WeakReference<ClassLoader> loader = runAndDiscard(ThrowawayApplication.PROCESSES_AND_THREADS, "8 27 64 126");
    awaitCollected(loader);
  }

  @Test
  void aDiscardedLoaderIsCollectedOnceTheWorkersKeptForReuseExpire() throws Exception {
    WeakReference<ClassLoader> loader = runAndDiscard(ThrowawayApplication.REUSED_WORKERS, "reused");
    awaitCollected(loader);
  }

  @Test
  void anInterruptOfTheWatchdogWhileAPoolIsOpenDoesNotStopItsWatch() throws Exception {
    WeakReference<ClassLoader> loader =
        runAndDiscard(ThrowawayApplication.INTERRUPTED_WATCHDOG, "TaskTimeoutException");
    awaitCollected(loader);
  }

  /**
   * Loads the library and the fixtures (not this test) in a new loader whose parent is the platform
   * loader, runs {@code use} there, closes the loader, and keeps only a weak reference to it.
   */
  private static WeakReference<ClassLoader> runAndDiscard(String use, String expected) throws Exception {
    URL[] classpath = {
      Pool.class.getProtectionDomain().getCodeSource().getLocation(),
      ThrowawayApplication.class.getProtectionDomain().getCodeSource().getLocation(),
    };
    URLClassLoader loader = new URLClassLoader("throwaway", classpath, ClassLoader.getPlatformClassLoader());
    Thread caller = Thread.currentThread();
    ClassLoader callerContext = caller.getContextClassLoader();
    caller.setContextClassLoader(loader); // as a container does for the application's threads
    try {
      Class<?> application = loader.loadClass(ThrowawayApplication.class.getName());
      assertEquals(loader, application.getClassLoader(), "the fixture is the loader's own copy");
      @SuppressWarnings("unchecked")
      Function<String, String> run =
          (Function<String, String>) application.getDeclaredConstructor().newInstance();
      assertEquals(expected, run.apply(use));
    } finally {
      caller.setContextClassLoader(callerContext);
      loader.close();
    }
    return new WeakReference<>(loader);
  }

  private static void awaitCollected(WeakReference<ClassLoader> loader) {
    await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      System.gc();
      assertEquals(List.of(), threadsOf(loader.get()), "threads that hold the discarded loader");
      // assertNull would keep the loader in its failure, which the poller keeps until the next poll
      assertTrue(loader.get() == null, "the discarded loader is still reachable");
    });
  }

  /** The live threads whose class or context class loader is {@code loader}. */
  private static List<String> threadsOf(ClassLoader loader) {
    if (loader == null) {
      return List.of();
    }
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getContextClassLoader() == loader || thread.getClass().getClassLoader() == loader)
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }
}
