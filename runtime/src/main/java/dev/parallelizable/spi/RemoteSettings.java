package dev.parallelizable.spi;

import dev.parallelizable.CrashPolicy;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.internal.PoolNames;
import java.time.Duration;
import java.util.Objects;

/**
 * How the dispatch engine runs a remote pool. Immutable and thread-safe; made by a {@link Builder},
 * which is not thread-safe.
 */
public final class RemoteSettings {
  final String name;
  final String poolName;
  final int size;
  final CrashPolicy crashPolicy;
  final Duration taskTimeout;
  final Duration idleTimeout;
  final Duration startTimeout;
  final Duration initializerTimeout;
  final Duration shutdownTimeout;
  final int maxTasksPerWorker;
  final int maxTasksPerAssignment;
  final int startsWorkers;
  final boolean startsWorkersOnDemand;
  final boolean replacesWorkers;
  final RetryPolicy retryPolicy;

  private RemoteSettings(Builder b) {
    this.name = b.name;
    this.poolName = b.poolName == null ? b.name : b.poolName;
    this.size = b.size;
    this.crashPolicy = b.crashPolicy;
    this.taskTimeout = b.taskTimeout;
    this.idleTimeout = b.idleTimeout;
    this.startTimeout = b.startTimeout;
    this.initializerTimeout = b.initializerTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxTasksPerWorker = b.maxTasksPerWorker;
    this.maxTasksPerAssignment = b.maxTasksPerAssignment;
    this.startsWorkers = b.startsWorkers;
    this.startsWorkersOnDemand = b.startsWorkersOnDemand;
    this.replacesWorkers = b.replacesWorkers;
    this.retryPolicy = b.retryPolicy;
  }

  /**
   * Settings for a pool called {@code name} that runs {@code size} tasks at once.
   *
   * @param name the pool as its messages show it, e.g. {@code "cluster pool 1 (cluster 'render', 3
   *     members, 24 threads)"}; not null
   * @param size how many tasks the pool runs at once; at least 1
   * @return a new builder
   * @throws IllegalArgumentException if {@code size} is not positive
   */
  public static Builder builder(String name, int size) {
    return new Builder(name, size);
  }

  /**
   * The pool as its {@code toString()}, messages, events and stats show it.
   *
   * @return the pool as its messages show it
   */
  public String name() {
    return name;
  }

  /**
   * The pool's name, as {@code Pool.name()} returns it and metrics tag it: the one set with {@link
   * Builder#poolName}, else {@link #name()}.
   *
   * @return the pool's name
   */
  public String poolName() {
    return poolName;
  }

  /**
   * Checks a name given to a pool, by the rule of every pool's builder: not null, not blank, at most
   * 64 characters, no control character. For an adapter's builder, to fail where the name is given.
   *
   * @param name the name to check
   * @return {@code name}
   * @throws IllegalArgumentException naming the value and the rule it breaks
   */
  public static String checkPoolName(String name) {
    return PoolNames.check(name);
  }

  /**
   * How many tasks the pool runs at once, as {@code Pool.size()} reports it.
   *
   * @return the number of tasks run at once
   */
  public int size() {
    return size;
  }

  /**
   * What happens to a task whose worker is lost while running it.
   *
   * @return the crash policy
   */
  public CrashPolicy crashPolicy() {
    return crashPolicy;
  }

  /**
   * The per-task timeout, or null for none.
   *
   * @return the per-task timeout, or null
   */
  public Duration taskTimeout() {
    return taskTimeout;
  }

  /**
   * How long an idle worker the engine started lives, or null for ever.
   *
   * @return the idle timeout, or null
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long a worker the engine started may take to become ready, or null for no bound.
   *
   * @return the start timeout, or null
   */
  public Duration startTimeout() {
    return startTimeout;
  }

  /**
   * How long a worker may run the pool's initializer, from its {@link RemoteDispatcher#initializing}
   * until it is ready, or null for no bound.
   *
   * @return the initializer timeout, or null
   */
  public Duration initializerTimeout() {
    return initializerTimeout;
  }

  /**
   * How long a worker asked to stop in order ({@link RemoteWorkers#stop stop(worker, false)}) may
   * take to be gone before the engine stops it at once, or null for no bound.
   *
   * @return the shutdown timeout, or null
   */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * Tasks a worker runs before it is replaced; 0 for no limit.
   *
   * @return the task limit per worker, or 0
   */
  public int maxTasksPerWorker() {
    return maxTasksPerWorker;
  }

  /**
   * Tasks sent in one assignment at most; 0 for no limit.
   *
   * @return the task limit per assignment, or 0
   */
  public int maxTasksPerAssignment() {
    return maxTasksPerAssignment;
  }

  /**
   * How many workers the engine starts and keeps; 0 if workers join on their own.
   *
   * @return the number of workers the engine starts, or 0
   */
  public int startsWorkers() {
    return startsWorkers;
  }

  /**
   * Whether the engine starts its workers one by one as queued tasks need them (true), rather
   * than all {@link #startsWorkers()} at once when it is created (false).
   *
   * @return true if workers start when tasks need them
   */
  public boolean startsWorkersOnDemand() {
    return startsWorkersOnDemand;
  }

  /**
   * Whether a worker that left is replaced (by the engine, if it starts its own).
   *
   * @return true if a lost worker is replaced
   */
  public boolean replacesWorkers() {
    return replacesWorkers;
  }

  /**
   * The retry policy of tasks that have none of their own, or null for none.
   *
   * @return the pool's retry policy, or null
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** Builds {@link RemoteSettings}. */
  public static final class Builder {
    private final String name;
    private String poolName;
    private final int size;
    private CrashPolicy crashPolicy = CrashPolicy.fail();
    private Duration taskTimeout;
    private Duration idleTimeout;
    private Duration startTimeout = Duration.ofSeconds(60);
    private Duration initializerTimeout;
    private Duration shutdownTimeout;
    private int maxTasksPerWorker;
    private int maxTasksPerAssignment;
    private int startsWorkers;
    private boolean startsWorkersOnDemand;
    private boolean replacesWorkers = true;
    private RetryPolicy retryPolicy;

    private Builder(String name, int size) {
      this.name = Objects.requireNonNull(name, "name");
      if (size <= 0) {
        throw new IllegalArgumentException("size must be positive, got " + size);
      }
      this.size = size;
    }

    /**
     * The pool's name ({@code Pool.name()}); by default the name given to {@link
     * RemoteSettings#builder}.
     *
     * @param poolName the pool's name; checked as {@link RemoteSettings#checkPoolName} does
     * @return this builder
     * @throws IllegalArgumentException if {@code poolName} breaks the rule of names
     */
    public Builder poolName(String poolName) {
      this.poolName = checkPoolName(poolName);
      return this;
    }

    /**
     * What happens to a task whose worker is lost ({@link CrashPolicy#fail()} by default).
     *
     * @param policy the crash policy; not null
     * @return this builder
     */
    public Builder crashPolicy(CrashPolicy policy) {
      this.crashPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The per-task timeout; null for none.
     *
     * @param timeout the longest a task may run, or null
     * @return this builder
     */
    public Builder taskTimeout(Duration timeout) {
      this.taskTimeout = timeout;
      return this;
    }

    /**
     * How long an idle worker the engine started lives; null for ever.
     *
     * @param timeout how long an idle worker lives, or null
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * How long a started worker may take to become ready, or to report {@link
     * RemoteDispatcher#initializing} (60 s by default); null for no bound. Past it the engine stops
     * the worker at once, and its start failed.
     *
     * @param timeout how long a started worker may take to become ready, or null
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /**
     * How long a worker may run the pool's initializer, from {@link
     * RemoteDispatcher#initializing} until it is ready; null (the default) for no bound. Past it the
     * engine stops the worker at once, and its start failed.
     *
     * @param timeout how long the initializer may run, or null
     * @return this builder
     */
    public Builder initializerTimeout(Duration timeout) {
      this.initializerTimeout = timeout;
      return this;
    }

    /**
     * How long a worker asked to stop in order may take to be gone; null (the default) for no
     * bound. Past it the engine stops the worker at once ({@link RemoteWorkers#stop stop(worker,
     * true)}).
     *
     * @param timeout how long a stopping worker may take to be gone, or null
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * 0 for no limit.
     *
     * @param tasks tasks a worker runs before it is replaced, or 0
     * @return this builder
     */
    public Builder maxTasksPerWorker(int tasks) {
      this.maxTasksPerWorker = tasks;
      return this;
    }

    /**
     * 0 for no limit.
     *
     * @param tasks the most tasks sent in one assignment, or 0
     * @return this builder
     */
    public Builder maxTasksPerAssignment(int tasks) {
      this.maxTasksPerAssignment = tasks;
      return this;
    }

    /**
     * The engine starts {@code count} workers with {@link RemoteWorkers#newWorker()}.
     *
     * @param count the number of workers the engine starts and keeps, or 0 if they join on their
     *     own
     * @return this builder
     */
    public Builder startsWorkers(int count) {
      this.startsWorkers = count;
      return this;
    }

    /**
     * Whether the engine starts its workers as queued tasks need them, a worker for each task no
     * worker is free to take, up to {@link #startsWorkers(int)} (true), or all of them when it is
     * created (false, the default). A pool on demand that is given no task starts no worker.
     *
     * @param onDemand whether workers start when tasks need them
     * @return this builder
     */
    public Builder startsWorkersOnDemand(boolean onDemand) {
      this.startsWorkersOnDemand = onDemand;
      return this;
    }

    /**
     * Whether a worker that left is replaced (default true); a one-task job's is not.
     *
     * @param replaces whether a worker that left is replaced
     * @return this builder
     */
    public Builder replacesWorkers(boolean replaces) {
      this.replacesWorkers = replaces;
      return this;
    }

    /**
     * The retry policy of tasks that have none of their own ({@link
     * dev.parallelizable.Task#withRetry}); null (the default) for none.
     *
     * @param policy the pool's retry policy, or null
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = policy;
      return this;
    }

    /**
     * The settings; the builder may be used again.
     *
     * @return new settings
     */
    public RemoteSettings build() {
      return new RemoteSettings(this);
    }
  }
}
