package dev.parallelizable.micrometer;

import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds the {@linkplain Pool#stats() stats} of one {@link Pool} to a Micrometer {@link
 * MeterRegistry}: a gauge or a function counter per count, each tagged {@code pool=}{@linkplain
 * Pool#name() the pool's name} and the extra tags given.
 *
 * <pre>{@code
 * Pool pool = Parallel.processPool().workers(4).name("renders").build();
 * new PoolMetrics(pool, Tags.of("app", "gallery")).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (Prometheus names in parentheses)</caption>
 *   <tr><th>Meter</th><th>Type</th><th>Value: {@link PoolStats}'s</th></tr>
 *   <tr><td>{@value #TASKS_SUBMITTED} ({@code parallelizable_pool_tasks_submitted_total})</td>
 *       <td>function counter</td><td>{@link PoolStats#submitted() submitted}</td></tr>
 *   <tr><td>{@value #TASKS_COMPLETED}</td><td>function counter</td><td>{@link
 *       PoolStats#completed() completed}</td></tr>
 *   <tr><td>{@value #TASKS_FAILED}</td><td>function counter</td><td>{@link PoolStats#failed()
 *       failed}</td></tr>
 *   <tr><td>{@value #TASKS_CANCELLED}</td><td>function counter</td><td>{@link
 *       PoolStats#cancelled() cancelled}</td></tr>
 *   <tr><td>{@value #TASKS_QUEUED} ({@code parallelizable_pool_tasks_queued})</td><td>gauge</td>
 *       <td>{@link PoolStats#queued() queued}</td></tr>
 *   <tr><td>{@value #TASKS_RUNNING}</td><td>gauge</td><td>{@link PoolStats#running()
 *       running}</td></tr>
 *   <tr><td>{@value #WORKERS_ALIVE}</td><td>gauge</td><td>the number of {@link
 *       PoolStats#workers() workers}</td></tr>
 *   <tr><td>{@value #WORKERS_BUSY}</td><td>gauge</td><td>the workers running a chunk now</td></tr>
 *   <tr><td>{@value #WORKERS_STARTED}</td><td>function counter</td><td>{@link
 *       PoolStats#workersStarted() workersStarted}</td></tr>
 *   <tr><td>{@value #WORKERS_LOST}</td><td>function counter</td><td>{@link
 *       PoolStats#workersLost() workersLost}</td></tr>
 *   <tr><td>{@value #WORKERS_REPLACED}</td><td>function counter</td><td>{@link
 *       PoolStats#workersReplaced() workersReplaced}</td></tr>
 *   <tr><td>{@value #SIZE}</td><td>gauge</td><td>{@link Pool#size()}</td></tr>
 * </table>
 *
 * <p><b>Reading.</b> Every meter reads a new {@code stats()} snapshot when the registry asks for
 * its value, on the thread that asks (a publishing or scraping thread); a snapshot is cheap, and
 * nothing runs between reads. Each snapshot adds up, but two meters read one after the other may
 * see two snapshots, so the meters of one scrape add up only when the pool is idle.
 *
 * <p><b>A closed pool</b> keeps its stats: its meters go on reporting its final counts (queued and
 * running 0, the workers that were left at the end: none for a process pool), and binding it after
 * it was closed works and shows them. The binder holds the pool by a weak reference, as the
 * registry's meters do, so neither keeps a pool alive: once the application has dropped the pool
 * and it is garbage-collected, its gauges report {@code NaN} and its counters the last value they
 * read, until the meters are removed from the registry. A pool already collected when {@link
 * #bindTo} is called binds nothing.
 *
 * <p><b>Names need not be unique.</b> A registry holds one meter per name and tags, and a {@code
 * bindTo} replaces the meters it would register that are already there: the pool bound last is the
 * one a name and tags show. So a pool created again under the same name (one per job, or per run)
 * takes over its predecessor's meters, whose counters then restart from the new pool's counts; two
 * pools that run at the same time need names of their own, or an extra tag that tells them apart.
 *
 * <p>Thread-safe: {@link #bindTo} may be called from any thread, for any number of registries.
 */
public final class PoolMetrics implements MeterBinder {
  /** Tasks submitted since the pool was created; a function counter. */
  public static final String TASKS_SUBMITTED = "parallelizable.pool.tasks.submitted";
  /** Tasks that returned a result; a function counter. */
  public static final String TASKS_COMPLETED = "parallelizable.pool.tasks.completed";
  /** Tasks that failed; a function counter. */
  public static final String TASKS_FAILED = "parallelizable.pool.tasks.failed";
  /** Tasks cancelled or skipped; a function counter. */
  public static final String TASKS_CANCELLED = "parallelizable.pool.tasks.cancelled";
  /** Tasks waiting for a worker; a gauge. */
  public static final String TASKS_QUEUED = "parallelizable.pool.tasks.queued";
  /** Tasks whose chunk a worker is running; a gauge. */
  public static final String TASKS_RUNNING = "parallelizable.pool.tasks.running";
  /** Workers working for the pool now; a gauge. */
  public static final String WORKERS_ALIVE = "parallelizable.pool.workers.alive";
  /** Workers running a chunk now; a gauge. */
  public static final String WORKERS_BUSY = "parallelizable.pool.workers.busy";
  /** Workers that became ready since the pool was created; a function counter. */
  public static final String WORKERS_STARTED = "parallelizable.pool.workers.started";
  /** Workers that left unexpectedly; a function counter. */
  public static final String WORKERS_LOST = "parallelizable.pool.workers.lost";
  /** Workers started in place of one that left or was recycled; a function counter. */
  public static final String WORKERS_REPLACED = "parallelizable.pool.workers.replaced";
  /** The pool's size, the tasks it runs at once; a gauge. */
  public static final String SIZE = "parallelizable.pool.size";
  /** The tag every meter carries, whose value is the pool's name. */
  public static final String POOL_TAG = "pool";

  private final WeakReference<Pool> pool;
  private final Tags tags;

  /**
   * Meters of {@code pool}, tagged {@code pool=}{@code pool.name()}.
   *
   * @param pool the pool; not null, and held weakly
   * @throws NullPointerException if {@code pool} is null
   */
  public PoolMetrics(Pool pool) {
    this(pool, Tags.empty());
  }

  /**
   * Meters of {@code pool}, tagged {@code pool=}{@code pool.name()} and {@code tags}.
   *
   * @param pool the pool; not null, and held weakly
   * @param tags more tags for every meter, such as {@code Tags.of("app", "gallery")}; not null,
   *     without the key {@value #POOL_TAG}
   * @throws NullPointerException if {@code pool} or {@code tags} is null
   * @throws IllegalArgumentException if {@code tags} has the key {@value #POOL_TAG}
   */
  public PoolMetrics(Pool pool, Iterable<Tag> tags) {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(tags, "tags");
    for (Tag tag : tags) {
      if (tag.getKey().equals(POOL_TAG)) {
        throw new IllegalArgumentException(
            "tags must not have the key '" + POOL_TAG + "', got " + tag + ": PoolMetrics tags every meter"
                + " pool=<the pool's name>; name the pool with its builder's name(...) instead");
      }
    }
    this.pool = new WeakReference<>(pool);
    this.tags = Tags.of(tags).and(POOL_TAG, pool.name());
  }

  /**
   * Registers the pool's meters in {@code registry}, replacing any meter of the same name and tags
   * already there. Never throws for the state of the pool: a closed pool binds and shows its final
   * counts, a collected one binds nothing.
   *
   * @param registry the registry; not null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Pool bound = pool.get();
    if (bound == null) {
      return;
    }
    counter(registry, bound, TASKS_SUBMITTED, "Tasks submitted to the pool", PoolStats::submitted);
    counter(registry, bound, TASKS_COMPLETED, "Tasks that returned a result", PoolStats::completed);
    counter(registry, bound, TASKS_FAILED,
        "Tasks that threw, timed out, were lost with their worker, or could not be built", PoolStats::failed);
    counter(registry, bound, TASKS_CANCELLED,
        "Tasks cancelled before they ran, skipped after an earlier failure, or failed by terminate()",
        PoolStats::cancelled);
    gauge(registry, bound, TASKS_QUEUED, "Tasks waiting for a worker", PoolStats::queued);
    gauge(registry, bound, TASKS_RUNNING, "Tasks whose chunk a worker is running", PoolStats::running);
    gauge(registry, bound, WORKERS_ALIVE, "Workers working for the pool now", stats -> stats.workers().size());
    gauge(registry, bound, WORKERS_BUSY, "Workers running a chunk now",
        stats -> stats.workers().stream().filter(PoolStats.WorkerStats::busy).count());
    counter(registry, bound, WORKERS_STARTED, "Workers that became ready", PoolStats::workersStarted);
    counter(registry, bound, WORKERS_LOST, "Workers that left unexpectedly", PoolStats::workersLost);
    counter(registry, bound, WORKERS_REPLACED, "Workers started in place of one that left or was recycled",
        PoolStats::workersReplaced);
    gauge(registry, bound, SIZE, "Tasks the pool runs at once", PoolStats::size);
  }

  private void counter(MeterRegistry registry, Pool bound, String name, String description,
      ToDoubleFunction<PoolStats> count) {
    replace(registry, name, Meter.Type.COUNTER, description);
    // The meter holds the pool weakly; the function reads it from the meter, never from this binder.
    FunctionCounter.builder(name, bound, p -> count.applyAsDouble(p.stats()))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, Pool bound, String name, String description,
      ToDoubleFunction<PoolStats> value) {
    replace(registry, name, Meter.Type.GAUGE, description);
    Gauge.builder(name, bound, p -> value.applyAsDouble(p.stats()))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  /**
   * Removes the meter {@code name} with this binder's tags, if the registry has one (see above). By
   * its id before the registry's filters, so that a meter whose tags a filter changed (common tags)
   * is found, and a meter with more tags than these (another pool's) is not.
   */
  private void replace(MeterRegistry registry, String name, Meter.Type type, String description) {
    registry.removeByPreFilterId(new Meter.Id(name, tags, null, description, type));
  }

  @Override
  public String toString() {
    Pool bound = pool.get();
    return "PoolMetrics[" + (bound == null ? "collected pool" : bound.name()) + ", " + tags + "]";
  }
}
