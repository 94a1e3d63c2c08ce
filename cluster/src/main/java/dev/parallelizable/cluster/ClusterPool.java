package dev.parallelizable.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.parallelizable.AsyncResult;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.ProgressListener;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WaitInterruptedException;
import dev.parallelizable.spi.ForwardingPool;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link Pool} whose workers are the members of a Hazelcast cluster: the same generated tasks as
 * on {@link Parallel#threads(int)}, run on many machines, by changing the line that creates the
 * pool.
 *
 * <pre>{@code
 * try (Pool pool = ClusterPool.builder()
 *         .clusterName("render").members("10.0.0.5:5701", "10.0.0.6:5701")
 *         .secret(ClusterSecret.fromFile(Path.of("/etc/render/cluster.secret"))).build()) {
 *   List<Long> cubes = pool.map(CubesParallel::cube, inputs);
 * }
 * // or, with a HazelcastInstance the application started from ClusterMember.config or secure:
 * Pool pool = ClusterPool.connect(hazelcastInstance);
 * }</pre>
 *
 * <p>Members are JVMs started with {@link ClusterMember} (or configured with {@link
 * ClusterMember#config}) and the application's classpath. Members and pools share a {@link
 * ClusterSecret}: a member runs only chunks signed with it, and the pool reads only answers signed
 * with it, so that whoever reaches the members' ports without it runs nothing on them and forges no
 * result; a member that does not hold it gets no work. A task crosses as its invoker class name,
 * method key and Java-serialized arguments; the member calls the generated invoker by name, so no
 * lambda and no class bytes cross. {@link #size()} is the number of tasks the members run at once
 * (the sum of their executors' threads) when the pool is created; members that join later also get
 * work.
 *
 * <p><b>Thread safety.</b> All methods are thread-safe.
 *
 * <p><b>Callbacks.</b> {@code AsyncResult} callbacks and progress listeners run on the pool's
 * callback thread, as on every pool (see {@code AsyncResult}), never on the result thread ({@code
 * parallelizable-cluster-pool-N-results}, which decodes results), so they may wait on the pool.
 *
 * <p><b>Arguments and results</b> must be {@link java.io.Serializable}, as for a process pool's
 * default {@link dev.parallelizable.Codec}. An argument that is not fails the submit ({@code
 * applyAsync}, {@code map}) in the caller with an {@link IllegalArgumentException} naming the
 * method, the parameter and its type; nothing is sent and the pool is not affected. A result or an
 * exception that cannot be sent back fails its task with a {@link TaskFailedException} naming it;
 * the member stays in service.
 *
 * <p><b>Cancel and timeout.</b> Chunks wait in the pool, in the caller's JVM, until a member has a
 * free thread, so {@code cancel()} succeeds while a task waits there, as on a thread pool. Once sent
 * a task counts as started. {@code get(timeout)} leaves the task running. With {@link
 * Builder#taskTimeout}, a task that runs longer is interrupted on its member and fails with {@link
 * dev.parallelizable.TaskTimeoutException}; the member stays (a task that ignores interrupts keeps
 * its thread busy). Chunks are then sent one task at a time, so that the timeout is per task.
 * {@link #terminate()}
 * fails every pending result with {@link TaskCancelledException}, asks the members to interrupt the
 * tasks they are running, and leaves the members up.
 *
 * <p><b>Member loss.</b> When a member leaves while running tasks (its JVM or machine died, or it
 * stopped answering heartbeats for Hazelcast's {@code hazelcast.max.no.heartbeat.seconds}, 60 by
 * default), its tasks are handled by the pool's {@link CrashPolicy}, as a crashed worker's are on a
 * process pool: with {@code CrashPolicy.retry(1)} (the default here) they are sent once more to
 * another member, so a task may run twice (at-least-once: tasks should be idempotent); when the
 * policy allows no more runs they fail with {@link MemberLostException} naming the member and the
 * task. Either way each result is delivered once, and a {@code map} completes while any member
 * remains. With no member left, pending tasks fail: with {@link MemberLostException} if they lost
 * one, else with a {@link TaskFailedException}.
 *
 * <p>Scheduling, requeue, timeout and stop are the runtime's one remote dispatch engine (see {@link
 * dev.parallelizable.spi.RemoteDispatcher}); this pool adapts the members to it. A chunk waits in
 * the caller's JVM until a member has a free thread, and is sent to the member with the most.
 */
public final class ClusterPool implements ForwardingPool {
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final Duration CAPACITY_TIMEOUT = Duration.ofSeconds(30);

  private final HazelcastInstance hazelcast;
  /** The engine's pool, which this pool forwards to. */
  private final Pool engine;
  private final ClusterWorkers workers;

  private ClusterPool(HazelcastInstance hazelcast, Pool engine, ClusterWorkers workers) {
    this.hazelcast = hazelcast;
    this.engine = engine;
    this.workers = workers;
  }

  /**
   * A pool on the cluster that {@code hazelcast} belongs to. The pool does not own the instance:
   * closing the pool leaves it running. Tasks run on every member that is not a lite member,
   * including {@code hazelcast} itself if it is one.
   *
   * @param hazelcast a running instance of the cluster, configured by {@link ClusterMember#config}
   *     or {@link ClusterMember#secure}; not null
   * @return a new pool, ready to run tasks
   * @throws IllegalStateException if no member can run tasks, or one does not answer or does not
   *     hold the instance's secret, naming it; or if the instance has no secret or filter
   */
  public static ClusterPool connect(HazelcastInstance hazelcast) {
    return builder().instance(hazelcast).build();
  }

  /**
   * A builder for a pool that starts its own Hazelcast instance, or uses the application's.
   *
   * @return a new builder with every option at its default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures and creates a {@link ClusterPool}. Not thread-safe; {@link #build()} may be called
   * again for another pool.
   */
  public static final class Builder {
    private HazelcastInstance instance;
    private String clusterName;
    private List<String> members = List.of();
    private int port;
    private int threadsHere;
    private String executorName = ClusterMember.EXECUTOR_NAME;
    private ClusterSecret secret;
    private CrashPolicy crashPolicy = CrashPolicy.retry(1);
    private Duration taskTimeout;
    private RetryPolicy retryPolicy;
    private String name;

    private Builder() {}

    /**
     * Uses the application's own instance, which the pool does not shut down.
     *
     * @param instance the application's instance; not null
     * @return this builder
     */
    public Builder instance(HazelcastInstance instance) {
      this.instance = Objects.requireNonNull(instance, "instance");
      return this;
    }

    /**
     * The cluster to join, when the pool starts its own instance.
     *
     * @param clusterName the cluster's name, as its members were started with; not null
     * @return this builder
     */
    public Builder clusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /**
     * Where members are ({@code host:port}), when the pool starts its own instance.
     *
     * @param members the members' addresses, as {@code host:port} or {@code host}
     * @return this builder
     */
    public Builder members(String... members) {
      return members(List.of(members));
    }

    /**
     * Where members are ({@code host:port}), when the pool starts its own instance.
     *
     * @param members the members' addresses, as {@code host:port} or {@code host}; not null
     * @return this builder
     */
    public Builder members(List<String> members) {
      this.members = List.copyOf(members);
      return this;
    }

    /**
     * The port the pool's own instance listens on (members connect back to it); 0: 5701 or up.
     *
     * @param port the port, or 0
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The secret the cluster's members and pools share, for the pool's own instance; by default the
     * one in the environment variable {@value ClusterSecret#ENVIRONMENT_VARIABLE}. An instance given
     * with {@link #instance} brings its own, from {@link ClusterMember#config} or {@link
     * ClusterMember#secure}.
     *
     * @param secret the secret, such as {@code ClusterSecret.fromFile(path)}; not null
     * @return this builder
     */
    public Builder secret(ClusterSecret secret) {
      this.secret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Makes the pool's own instance a full member that runs {@code threads} tasks at once too. By
     * default it is a lite member: it joins the cluster to submit tasks and runs none.
     *
     * @param threads how many tasks the pool's own instance runs at once; at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code threads} is not positive
     */
    public Builder runTasksHere(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive, got " + threads);
      }
      this.threadsHere = threads;
      return this;
    }

    /**
     * The name of the members' task executor ({@link ClusterMember#EXECUTOR_NAME} by default).
     *
     * @param executorName the executor's name, as the members were configured with; not null
     * @return this builder
     */
    public Builder executorName(String executorName) {
      this.executorName = Objects.requireNonNull(executorName, "executorName");
      return this;
    }

    /**
     * What happens to the tasks of a member that leaves while running them ({@code
     * CrashPolicy.retry(1)} by default: run once more on another member).
     *
     * @param policy the crash policy; not null
     * @return this builder
     */
    public Builder crashPolicy(CrashPolicy policy) {
      this.crashPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * What to do with a task that throws: run it again, after a delay, on any member (see {@link
     * RetryPolicy}); none by default. A task's own policy ({@link Task#withRetry}) replaces it. A
     * member that leaves is the {@linkplain #crashPolicy(CrashPolicy) crash policy}'s; the two
     * counts are kept apart.
     *
     * @param policy the retry policy of tasks that have none of their own; not null
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Interrupts a task that runs longer than {@code timeout} on its member, and fails it with
     * {@link dev.parallelizable.TaskTimeoutException}; none by default. Chunks are then sent one
     * task at a time.
     *
     * @param timeout the longest a task may run; positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder taskTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("taskTimeout must be positive, got " + timeout);
      }
      this.taskTimeout = timeout;
      return this;
    }

    /**
     * The pool's name ({@link Pool#name()}): in its messages, its JFR events and stats, the name of
     * its result thread ({@code parallelizable-NAME-results}), and the tag of its metrics. By
     * default {@code "cluster pool N"}, {@code N} counted from 1 over the cluster pools of the JVM.
     * Two pools may share a name; see {@link Pool#name()}.
     *
     * @param name the name; not blank, at most 64 characters, no control character
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is null, blank, longer than 64 characters or
     *     holds a control character (a line break, a tab...)
     */
    public Builder name(String name) {
      this.name = RemoteSettings.checkPoolName(name);
      return this;
    }

    /**
     * Creates the pool: starts the pool's own instance if no {@link #instance} was given, and opens
     * a session with every member, which proves that both hold the secret and tells how many tasks
     * the member runs at once.
     *
     * @return the new pool, ready to run tasks
     * @throws IllegalStateException if no member can run tasks, one does not answer or does not hold
     *     the secret, naming it; if no secret was given and the environment variable {@value
     *     ClusterSecret#ENVIRONMENT_VARIABLE} is not set; or if the instance given was not prepared
     *     by {@link ClusterMember#config} or {@link ClusterMember#secure}
     * @throws IllegalArgumentException if neither an instance nor a cluster name was given, or both
     *     an instance and a secret
     */
    public ClusterPool build() {
      if (instance != null) {
        if (secret != null) {
          throw new IllegalArgumentException(
              "secret(...) is for the pool's own instance; the instance given with instance(...) has its own:"
                  + " start it from ClusterMember.config(..., secret), or pass its Config through"
                  + " ClusterMember.secure(config, secret)");
        }
        return create(instance, false, this);
      }
      if (clusterName == null) {
        throw new IllegalArgumentException(
            "Give either instance(hazelcastInstance) or clusterName(name) and members(host:port...)");
      }
      Config config = ClusterMember.config(clusterName, members, port, Math.max(1, threadsHere), secretOrDefault());
      config.setLiteMember(threadsHere == 0);
      HazelcastInstance own = Hazelcast.newHazelcastInstance(config);
      try {
        return create(own, true, this);
      } catch (RuntimeException | Error e) {
        own.shutdown();
        throw e;
      }
    }

    private ClusterSecret secretOrDefault() {
      if (secret != null) {
        return secret;
      }
      if (System.getenv(ClusterSecret.ENVIRONMENT_VARIABLE) != null) {
        return ClusterSecret.fromEnvironment(ClusterSecret.ENVIRONMENT_VARIABLE);
      }
      throw new IllegalStateException(
          "ClusterPool.builder() has no cluster secret for cluster '" + clusterName + "': its members and"
              + " pools must share one. Set the environment variable " + ClusterSecret.ENVIRONMENT_VARIABLE
              + " to it, or call .secret(ClusterSecret.fromFile(path)) with a file made by `openssl rand"
              + " -base64 32 > cluster.secret` and given to the members too (--secret-file); only where"
              + " whoever can reach the members may run code on them, .secret(ClusterSecret.insecureNone())"
              + " runs without one");
    }
  }

  private static ClusterPool create(HazelcastInstance hazelcast, boolean owns, Builder builder) {
    String executorName = builder.executorName;
    String clusterName = hazelcast.getConfig().getClusterName();
    ClusterSecret secret = ClusterSecret.of(hazelcast);
    String unfit = secret == null ? "it has no cluster secret" : ClusterFilter.problem(hazelcast.getConfig());
    if (unfit != null) {
      throw new IllegalStateException(
          "The Hazelcast instance " + hazelcast.getName() + " of cluster '" + clusterName + "' cannot carry a"
              + " ClusterPool: " + unfit + ". Start it from ClusterMember.config(..., secret), or pass its"
              + " Config through ClusterMember.secure(config, secret) before Hazelcast.newHazelcastInstance");
    }
    int number = POOLS.incrementAndGet();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : ClusterPool.class.getClassLoader();
    String defaultName = "cluster pool " + number;
    String threadName =
        "parallelizable-" + (builder.name == null ? "cluster-pool-" + number : builder.name) + "-results";
    ExecutorService results = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      thread.setContextClassLoader(loader);
      return thread;
    });
    ClusterWorkers workers = new ClusterWorkers(hazelcast, owns, executorName, secret, loader, results);
    Map<Member, Integer> capacities;
    try {
      capacities = capacities(hazelcast, clusterName, workers);
    } catch (RuntimeException | Error e) {
      workers.stopped();
      throw e;
    }
    int size = capacities.values().stream().mapToInt(Integer::intValue).sum();
    String name = String.format("%s (cluster '%s', %d members, %d threads)",
        builder.name == null ? defaultName : "cluster pool '" + builder.name + "'",
        clusterName, capacities.size(), size);
    RemoteSettings settings = RemoteSettings.builder(name, size)
        .poolName(builder.name == null ? defaultName : builder.name)
        .crashPolicy(builder.crashPolicy)
        .retryPolicy(builder.retryPolicy)
        .taskTimeout(builder.taskTimeout)
        .maxTasksPerAssignment(builder.taskTimeout == null ? 0 : 1)
        .build();
    RemoteDispatcher<Member> engine = RemoteDispatcher.create(settings, workers);
    capacities.forEach(engine::ready);
    workers.follow();
    return new ClusterPool(hazelcast, engine.pool(), workers);
  }

  /** Opens a session with every member that runs tasks: how many tasks each runs at once. */
  private static Map<Member, Integer> capacities(HazelcastInstance hazelcast, String clusterName, ClusterWorkers workers) {
    Map<Member, Future<Integer>> answers = new LinkedHashMap<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (!member.isLiteMember()) {
        answers.put(member, workers.open(member));
      }
    }
    if (answers.isEmpty()) {
      throw noWorkers(clusterName);
    }
    Map<Member, Integer> capacities = new LinkedHashMap<>();
    long deadline = System.nanoTime() + CAPACITY_TIMEOUT.toNanos();
    answers.forEach((member, answer) -> {
      try {
        capacities.put(member, answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while asking the members of cluster '" + clusterName + "'", e);
      } catch (ExecutionException e) {
        // Hazelcast throws its MemberLeftException, an ExecutionException, as is.
        Throwable cause = e instanceof MemberLeftException || e.getCause() == null ? e : e.getCause();
        if (cause instanceof MemberLeftException || cause instanceof TargetNotMemberException) {
          return; // left while asked: not a worker of this pool
        }
        if (cause instanceof MemberCapacity.Refused) {
          throw new IllegalStateException("Cluster member " + ClusterMember.address(member) + " of cluster '"
              + clusterName + "' cannot work for this pool: " + cause.getMessage(), cause);
        }
        throw cannotRun(clusterName, member, cause.toString(), e);
      } catch (TimeoutException e) {
        throw cannotRun(clusterName, member, "no answer within " + CAPACITY_TIMEOUT, e);
      }
    });
    if (capacities.isEmpty()) {
      throw noWorkers(clusterName);
    }
    return capacities;
  }

  private static IllegalStateException noWorkers(String clusterName) {
    return new IllegalStateException(
        "Cluster '" + clusterName + "' has no member that runs tasks (only lite members); start"
            + " members with dev.parallelizable.cluster.ClusterMember --cluster " + clusterName);
  }

  private static IllegalStateException cannotRun(String clusterName, Member member, String why, Exception e) {
    return new IllegalStateException(
        "Cluster member " + ClusterMember.address(member) + " of cluster '" + clusterName + "' cannot run"
            + " tasks: " + why + ". Start members with dev.parallelizable.cluster.ClusterMember and the"
            + " application's classpath",
        e);
  }

  /** How many SharedData handles this pool put into the cluster; for tests. */
  long sharedPuts() {
    return workers.sharedPuts();
  }

  /**
   * The Hazelcast instance the pool submits through.
   *
   * @return the instance, the pool's own or the application's
   */
  public HazelcastInstance hazelcastInstance() {
    return hazelcast;
  }

  // ---- Pool, by the engine ----------------------------------------------------------------------

  /**
   * The engine's pool, which this pool forwards every call to, unchanged: a generated {@code
   * ...Map} reaches it through this method and hands it the inputs as the argument column.
   *
   * @return the engine's pool
   */
  @Override
  public Pool delegate() {
    return engine;
  }

  @Override
  public <R> AsyncResult<R> applyAsync(Task<R> task) {
    return engine.applyAsync(task);
  }

  @Override
  public <T, R> List<R> map(Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return engine.map(toTask, inputs, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<R> imap(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return engine.imap(toTask, inputs, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<R> imapUnordered(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return engine.imapUnordered(toTask, inputs, chunkSize);
  }

  @Override
  public <T, R> List<Outcome<R>> mapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return engine.mapOutcomes(toTask, inputs, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return engine.imapOutcomes(toTask, inputs, chunkSize);
  }

  @Override
  public <T, R> ResultIterator<Outcome<R>> imapUnorderedOutcomes(
      Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs, int chunkSize) {
    return engine.imapUnorderedOutcomes(toTask, inputs, chunkSize);
  }

  @Override
  public void addProgressListener(ProgressListener listener) {
    engine.addProgressListener(listener);
  }

  @Override
  public void removeProgressListener(ProgressListener listener) {
    engine.removeProgressListener(listener);
  }

  /**
   * {@inheritDoc}
   *
   * <p>On a cluster pool the workers are the members the pool uses, named by their address; a
   * member that leaves while the pool uses it counts as lost, and is not replaced.
   */
  @Override
  public PoolStats stats() {
    return engine.stats();
  }

  @Override
  public int size() {
    return engine.size();
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public void shutdown() {
    engine.shutdown();
  }

  /** Waits until every task finished and the pool released its listener, thread and own instance. */
  @Override
  public void join() {
    engine.join();
    try {
      workers.released().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while joining " + this, e);
    } catch (ExecutionException e) {
      throw new AssertionError("the release future never fails", e);
    }
  }

  /**
   * Fails every pending result with {@link TaskCancelledException}, asks the members to interrupt
   * the tasks they run, and leaves the members up.
   */
  @Override
  public void terminate() {
    engine.terminate();
  }

  @Override
  public boolean isShutdown() {
    return engine.isShutdown();
  }

  @Override
  public String toString() {
    return engine.toString();
  }
}
