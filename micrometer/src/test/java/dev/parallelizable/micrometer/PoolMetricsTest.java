package dev.parallelizable.micrometer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.TaskFailedException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters of a pool, read from a {@link SimpleMeterRegistry}, against the pool's own stats. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolMetricsTest {
  private static final int INPUTS = 50;
  private static final int DIVISOR = 5;

  /** Each meter and the stats it reports. */
  private static final Map<String, ToDoubleFunction<PoolStats>> METERS = Map.ofEntries(
      Map.entry(PoolMetrics.TASKS_SUBMITTED, PoolStats::submitted),
      Map.entry(PoolMetrics.TASKS_COMPLETED, PoolStats::completed),
      Map.entry(PoolMetrics.TASKS_FAILED, PoolStats::failed),
      Map.entry(PoolMetrics.TASKS_CANCELLED, PoolStats::cancelled),
      Map.entry(PoolMetrics.TASKS_QUEUED, PoolStats::queued),
      Map.entry(PoolMetrics.TASKS_RUNNING, PoolStats::running),
      Map.entry(PoolMetrics.WORKERS_ALIVE, stats -> stats.workers().size()),
      Map.entry(PoolMetrics.WORKERS_BUSY, stats -> stats.workers().stream().filter(PoolStats.WorkerStats::busy).count()),
      Map.entry(PoolMetrics.WORKERS_STARTED, PoolStats::workersStarted),
      Map.entry(PoolMetrics.WORKERS_LOST, PoolStats::workersLost),
      Map.entry(PoolMetrics.WORKERS_REPLACED, PoolStats::workersReplaced),
      Map.entry(PoolMetrics.SIZE, PoolStats::size));

  private static List<Integer> inputs() {
    return IntStream.rangeClosed(1, INPUTS).boxed().collect(Collectors.toList());
  }

  /** The value of meter {@code name} of the pool named {@code pool}: a gauge's or a counter's. */
  private static double value(MeterRegistry registry, String name, String pool) {
    Meter meter = registry.get(name).tag(PoolMetrics.POOL_TAG, pool).meter();
    return meter.measure().iterator().next().getValue();
  }

  /** Every meter of {@code pool} in {@code registry} reports what {@code stats} says. */
  private static void assertMetersShow(PoolStats stats, MeterRegistry registry) {
    for (Map.Entry<String, ToDoubleFunction<PoolStats>> meter : METERS.entrySet()) {
      assertEquals(meter.getValue().applyAsDouble(stats), value(registry, meter.getKey(), stats.name()),
          meter.getKey() + " of " + stats.summary());
    }
  }

  /**
   * A map that keeps going and one that stops at its first failure, on {@code pool}: the first
   * counts exactly what the test knows, the second whatever the pool did, as {@code stats()} says.
   */
  private static void runMapsWithFailures(Pool pool) {
    try {
      runMapsWithFailuresOn(pool);
    } finally {
      pool.close();
    }
  }

  private static void runMapsWithFailuresOn(Pool pool) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new PoolMetrics(pool).bindTo(registry);
    List<Outcome<Integer>> outcomes = pool.mapOutcomes(x -> MetricsWorkParallel.failOnMultipleOf(x, DIVISOR), inputs());
    assertEquals(INPUTS / DIVISOR, outcomes.stream().filter(o -> !o.isSuccess()).count());
    assertEquals(INPUTS, value(registry, PoolMetrics.TASKS_SUBMITTED, pool.name()));
    assertEquals(INPUTS - INPUTS / DIVISOR, value(registry, PoolMetrics.TASKS_COMPLETED, pool.name()));
    assertEquals(INPUTS / DIVISOR, value(registry, PoolMetrics.TASKS_FAILED, pool.name()));
    assertEquals(0, value(registry, PoolMetrics.TASKS_CANCELLED, pool.name()));
    assertEquals(0, value(registry, PoolMetrics.TASKS_QUEUED, pool.name()));
    assertEquals(0, value(registry, PoolMetrics.TASKS_RUNNING, pool.name()));
    assertEquals(pool.size(), value(registry, PoolMetrics.SIZE, pool.name()));
    assertMetersShow(pool.stats(), registry);

    assertThrows(TaskFailedException.class,
        () -> pool.map(x -> MetricsWorkParallel.failOnMultipleOf(x, DIVISOR), inputs(), 2));
    pool.close(); // the chunks that had started when the map failed are done
    PoolStats stats = pool.stats();
    assertTrue(stats.submitted() > INPUTS, "the map stops reading its inputs at the failure: " + stats.summary());
    assertTrue(stats.failed() > INPUTS / DIVISOR, stats.summary());
    assertMetersShow(stats, registry);
    for (Meter meter : registry.getMeters()) {
      assertEquals(pool.name(), meter.getId().getTag(PoolMetrics.POOL_TAG), meter.getId().toString());
    }
    assertEquals(METERS.keySet(), registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet()));
  }

  @Test
  void aThreadPoolsMetersCountItsTasksAsItsStatsDo() {
    runMapsWithFailures(Parallel.threadPool().threads(2).name("metrics-threads").build());
  }

  @Test
  void aProcessPoolsMetersCountItsTasksAndWorkersAsItsStatsDo() {
    Pool pool = Parallel.processPool().workers(2).name("metrics-processes").build();
    runMapsWithFailures(pool);
    assertEquals(2, pool.stats().workersStarted());
  }

  @Test
  void gaugesFollowTheTasksAPoolIsRunning() {
    MetricsWork.gate = new CountDownLatch(1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Pool pool = Parallel.threadPool().threads(2).name("metrics-gated").build()) {
      new PoolMetrics(pool).bindTo(registry);
      List<AsyncResult<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        results.add(pool.applyAsync(MetricsWorkParallel.awaitGate(i, 60_000)));
      }
      await().atMost(Duration.ofSeconds(30))
          .until(() -> value(registry, PoolMetrics.TASKS_RUNNING, "metrics-gated") == 2);
      assertEquals(3, value(registry, PoolMetrics.TASKS_QUEUED, "metrics-gated"));
      assertEquals(2, value(registry, PoolMetrics.WORKERS_BUSY, "metrics-gated"));
      assertEquals(2, value(registry, PoolMetrics.WORKERS_ALIVE, "metrics-gated"));
      assertEquals(5, value(registry, PoolMetrics.TASKS_SUBMITTED, "metrics-gated"));
      assertMetersShow(pool.stats(), registry);
      MetricsWork.gate.countDown();
      for (AsyncResult<Integer> result : results) {
        result.get(Duration.ofSeconds(30));
      }
      assertEquals(5, value(registry, PoolMetrics.TASKS_COMPLETED, "metrics-gated"));
      assertEquals(0, value(registry, PoolMetrics.TASKS_RUNNING, "metrics-gated"));
    } finally {
      MetricsWork.gate.countDown();
    }
  }

  @Test
  void aClosedPoolBindsAndShowsItsFinalCounts() {
    Pool pool = Parallel.threadPool().threads(2).name("metrics-closed").build();
    pool.mapOutcomes(x -> MetricsWorkParallel.failOnMultipleOf(x, DIVISOR), inputs(), 3);
    pool.terminate();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new PoolMetrics(pool).bindTo(registry);
    assertEquals(INPUTS, value(registry, PoolMetrics.TASKS_SUBMITTED, "metrics-closed"));
    assertEquals(INPUTS / DIVISOR, value(registry, PoolMetrics.TASKS_FAILED, "metrics-closed"));
    assertMetersShow(pool.stats(), registry);
  }

  @Test
  void theRegistryAndTheBinderDoNotKeepAPoolAlive() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<PoolMetrics> binders = new ArrayList<>();
    WeakReference<Pool> pool = poolBoundTo(registry, binders);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      System.gc();
      return pool.get() == null;
    });
    assertTrue(Double.isNaN(value(registry, PoolMetrics.TASKS_QUEUED, "metrics-dropped")), "a gauge of a collected pool");
    assertEquals(3, value(registry, PoolMetrics.TASKS_COMPLETED, "metrics-dropped"),
        "a counter keeps the last value it read");
    SimpleMeterRegistry later = new SimpleMeterRegistry();
    binders.get(0).bindTo(later);
    assertEquals(List.of(), later.getMeters(), "a collected pool binds nothing");
    assertEquals("PoolMetrics[collected pool, [tag(pool=metrics-dropped)]]", binders.get(0).toString());
  }

  /** A pool that ran 3 tasks, is bound to {@code registry} and closed; only the returned reference is left. */
  private static WeakReference<Pool> poolBoundTo(MeterRegistry registry, List<PoolMetrics> binders) {
    Pool pool = Parallel.threadPool().threads(1).name("metrics-dropped").build();
    PoolMetrics metrics = new PoolMetrics(pool);
    metrics.bindTo(registry);
    binders.add(metrics);
    pool.map(x -> MetricsWorkParallel.failOnMultipleOf(x, 100), List.of(1, 2, 3), 1);
    assertEquals(3, value(registry, PoolMetrics.TASKS_COMPLETED, "metrics-dropped"));
    pool.close();
    return new WeakReference<>(pool);
  }

  @Test
  void aPoolCreatedAgainUnderItsNameTakesOverTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Pool first = Parallel.threadPool().threads(1).name("metrics-job").build()) {
      new PoolMetrics(first).bindTo(registry);
      first.map(x -> MetricsWorkParallel.failOnMultipleOf(x, 100), List.of(1, 2, 3), 1);
    }
    try (Pool second = Parallel.threadPool().threads(1).name("metrics-job").build()) {
      new PoolMetrics(second).bindTo(registry);
      second.apply(MetricsWorkParallel.failOnMultipleOf(1, 100));
      assertEquals(1, value(registry, PoolMetrics.TASKS_SUBMITTED, "metrics-job"));
      assertEquals(METERS.size(), registry.getMeters().size(), "one meter per name and tags");
      assertMetersShow(second.stats(), registry);
    }
  }

  @Test
  void everyMeterCarriesTheExtraTagsAndAnUnnamedPoolsDefaultName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Pool pool = Parallel.threads(1)) {
      new PoolMetrics(pool, Tags.of("app", "gallery")).bindTo(registry);
      assertTrue(pool.name().startsWith("thread pool "), pool.name());
      assertEquals(METERS.size(), registry.getMeters().size());
      for (Meter meter : registry.getMeters()) {
        assertEquals(List.of(Tag.of("app", "gallery"), Tag.of("pool", pool.name())), meter.getId().getTags());
      }
      assertEquals(1, value(registry, PoolMetrics.SIZE, pool.name()));
    }
  }

  @Test
  void thePoolTagIsThePoolsOwn() {
    try (Pool pool = Parallel.sequential("metrics-tags")) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> new PoolMetrics(pool, Tags.of("pool", "other")));
      assertEquals("tags must not have the key 'pool', got tag(pool=other): PoolMetrics tags every meter"
          + " pool=<the pool's name>; name the pool with its builder's name(...) instead", refused.getMessage());
      assertThrows(NullPointerException.class, () -> new PoolMetrics(null));
    }
  }
}
