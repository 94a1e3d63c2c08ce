package dev.parallelizable.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.Describe;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Pool} whose workers are the members of a Hazelcast cluster: the same generated tasks as
 * on {@link Parallel#threads(int)}, run on many machines, by changing the line that creates the
 * pool.
 *
 * <pre>{@code
 * try (Pool pool = ClusterPool.builder()
 *         .clusterName("render").members("10.0.0.5:5701", "10.0.0.6:5701").build()) {
 *   List<Long> cubes = pool.map(CubesParallel::cube, inputs);
 * }
 * // or, with a HazelcastInstance the application already has:
 * Pool pool = ClusterPool.connect(hazelcastInstance);
 * }</pre>
 *
 * <p>Members are JVMs started with {@link ClusterMember} (or configured with {@link
 * ClusterMember#config}) and the application's classpath. A task crosses as its invoker class name,
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
 * <p><b>Arguments and results</b> must be {@link java.io.Serializable}. An argument that is not fails
 * the task when it is submitted, before anything is sent: the returned result is already failed,
 * and a {@code map} throws, with a {@link TaskFailedException} whose cause, an {@link
 * IllegalArgumentException}, names the method, the parameter and its type. A result that is not
 * fails its task likewise on the member.
 *
 * <p><b>Cancel and timeout.</b> Chunks wait in the pool, in the caller's JVM, until a member has a
 * free thread, so {@code cancel()} succeeds while a task waits there, as on a thread pool. Once sent
 * a task counts as started. {@code get(timeout)} leaves the task running. {@link #terminate()}
 * fails every pending result with {@link TaskCancelledException}, asks the members to interrupt the
 * tasks they are running, and leaves the members up.
 *
 * <p><b>Member loss.</b> When a member leaves while running tasks (its JVM or machine died, or it
 * stopped answering heartbeats for Hazelcast's {@code hazelcast.max.no.heartbeat.seconds}, 60 by
 * default), its tasks are handled by the pool's {@link MemberLoss}: with {@link
 * MemberLoss#RERUN_ONCE} (the default) they are sent once more to another member, so a task may
 * run twice (at-least-once: tasks should be idempotent); with {@link MemberLoss#FAIL}, or on a
 * second loss, they fail with {@link MemberLostException} naming the member and the task. Either
 * way each result is delivered once, and a {@code map} completes while any member remains. With no
 * member left, pending tasks fail with {@link MemberLostException}.
 *
 * <pre>
 * A chunk in this pool:
 *
 *   dispatch() --(caller thread: build tasks, serialize)--> QUEUED (in the caller's JVM; cancellable)
 *   QUEUED --a member has a free thread: chunk.start()--> SENT(member)
 *   SENT --outcome--> DONE (results, or the first task failure)
 *   SENT --member left, first loss, RERUN_ONCE--> QUEUED (front of the queue)
 *   SENT --member left otherwise--> DONE (MemberLostException)
 *   SENT --never reached the member (it had already left)--> QUEUED (not counted as a loss)
 * </pre>
 */
public final class ClusterPool extends AbstractPool {
  /** What happens to the tasks a member was running when it leaves the cluster. */
  public enum MemberLoss {
    /** Send them once more, to another member (at-least-once; tasks should be idempotent). */
    RERUN_ONCE,
    /** Fail them with {@link MemberLostException}. */
    FAIL
  }

  private static final System.Logger LOG = System.getLogger(ClusterPool.class.getName());
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final Duration CAPACITY_TIMEOUT = Duration.ofSeconds(30);

  private final HazelcastInstance hazelcast;
  private final boolean ownsInstance;
  private final IExecutorService executor;
  private final String executorName;
  private final MemberLoss memberLoss;
  private final ClassLoader classLoader;
  private final ExecutorService results;
  /** Hands work to {@link #results}; drops it once the pool has stopped, when no one waits for it. */
  private final Executor resultThread;
  private final UUID membershipRegistration;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  private final Object lock = new Object();
  // Guarded by lock:
  private final Map<UUID, MemberSlot> members = new LinkedHashMap<>();
  private final Set<UUID> probing = new HashSet<>();
  private final ArrayDeque<Dispatch> queue = new ArrayDeque<>();
  private final Set<Dispatch> running = new HashSet<>();
  private int accepted;
  private boolean stopping;
  private boolean released;

  private ClusterPool(
      int number,
      String name,
      int size,
      HazelcastInstance hazelcast,
      boolean ownsInstance,
      String executorName,
      MemberLoss memberLoss,
      Map<Member, Integer> capacities) {
    super(name, size);
    this.hazelcast = hazelcast;
    this.ownsInstance = ownsInstance;
    this.executor = hazelcast.getExecutorService(executorName);
    this.executorName = executorName;
    this.memberLoss = memberLoss;
    this.classLoader = JavaSerialization.contextLoader();
    String threadName = "parallelizable-cluster-pool-" + number + "-results";
    this.results =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              thread.setContextClassLoader(classLoader);
              return thread;
            });
    this.resultThread = command -> {
      try {
        results.execute(command);
      } catch (RejectedExecutionException stopped) {
        // terminated: every chunk was aborted already, and a late outcome has no one to go to
      }
    };
    capacities.forEach((member, threads) -> members.put(member.getUuid(), new MemberSlot(member, threads)));
    this.membershipRegistration = hazelcast.getCluster().addMembershipListener(new Membership());
    // A member that joined between the capacity query and the listener is found here.
    for (Member member : hazelcast.getCluster().getMembers()) {
      probe(member);
    }
  }

  /**
   * A pool on the cluster that {@code hazelcast} belongs to. The pool does not own the instance:
   * closing the pool leaves it running. Tasks run on every member that is not a lite member,
   * including {@code hazelcast} itself if it is one.
   *
   * @throws IllegalStateException if no member can run tasks, or one does not answer, naming it
   */
  public static ClusterPool connect(HazelcastInstance hazelcast) {
    return builder().instance(hazelcast).build();
  }

  /** A builder for a pool that starts its own Hazelcast instance, or uses the application's. */
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
    private MemberLoss memberLoss = MemberLoss.RERUN_ONCE;

    private Builder() {}

    /** Uses the application's own instance, which the pool does not shut down. */
    public Builder instance(HazelcastInstance instance) {
      this.instance = Objects.requireNonNull(instance, "instance");
      return this;
    }

    /** The cluster to join, when the pool starts its own instance. */
    public Builder clusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /** Where members are ({@code host:port}), when the pool starts its own instance. */
    public Builder members(String... members) {
      return members(List.of(members));
    }

    /** Where members are ({@code host:port}), when the pool starts its own instance. */
    public Builder members(List<String> members) {
      this.members = List.copyOf(members);
      return this;
    }

    /** The port the pool's own instance listens on (members connect back to it); 0: 5701 or up. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Makes the pool's own instance a full member that runs {@code threads} tasks at once too. By
     * default it is a lite member: it joins the cluster to submit tasks and runs none.
     */
    public Builder runTasksHere(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive, got " + threads);
      }
      this.threadsHere = threads;
      return this;
    }

    /** The name of the members' task executor ({@link ClusterMember#EXECUTOR_NAME} by default). */
    public Builder executorName(String executorName) {
      this.executorName = Objects.requireNonNull(executorName, "executorName");
      return this;
    }

    /** What happens to a leaving member's tasks ({@link MemberLoss#RERUN_ONCE} by default). */
    public Builder memberLoss(MemberLoss memberLoss) {
      this.memberLoss = Objects.requireNonNull(memberLoss, "memberLoss");
      return this;
    }

    /**
     * Creates the pool: starts the pool's own instance if no {@link #instance} was given, and asks
     * every member how many tasks it runs at once.
     *
     * @throws IllegalStateException if no member can run tasks, or one does not answer, naming it
     * @throws IllegalArgumentException if neither an instance nor a cluster name was given
     */
    public ClusterPool build() {
      if (instance != null) {
        return create(instance, false, executorName, memberLoss);
      }
      if (clusterName == null) {
        throw new IllegalArgumentException(
            "Give either instance(hazelcastInstance) or clusterName(name) and members(host:port...)");
      }
      Config config = ClusterMember.config(clusterName, members, port, Math.max(1, threadsHere));
      config.setLiteMember(threadsHere == 0);
      HazelcastInstance own = Hazelcast.newHazelcastInstance(config);
      try {
        return create(own, true, executorName, memberLoss);
      } catch (RuntimeException | Error e) {
        own.shutdown();
        throw e;
      }
    }
  }

  private static ClusterPool create(
      HazelcastInstance hazelcast, boolean owns, String executorName, MemberLoss memberLoss) {
    String clusterName = hazelcast.getConfig().getClusterName();
    IExecutorService executor = hazelcast.getExecutorService(executorName);
    Map<Member, Integer> capacities = new LinkedHashMap<>();
    Map<Member, Future<Integer>> answers = new LinkedHashMap<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (!member.isLiteMember()) {
        answers.put(member, executor.submitToMember(new MemberCapacity(executorName), member));
      }
    }
    if (answers.isEmpty()) {
      throw noWorkers(clusterName);
    }
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
        throw cannotRun(clusterName, member, cause.toString(), e);
      } catch (TimeoutException e) {
        throw cannotRun(clusterName, member, "no answer within " + CAPACITY_TIMEOUT, e);
      }
    });
    if (capacities.isEmpty()) {
      throw noWorkers(clusterName);
    }
    int size = capacities.values().stream().mapToInt(Integer::intValue).sum();
    int number = POOLS.incrementAndGet();
    String name = String.format(
        "cluster pool %d (cluster '%s', %d members, %d threads)", number, clusterName, capacities.size(), size);
    return new ClusterPool(number, name, size, hazelcast, owns, executorName, memberLoss, capacities);
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

  /** The Hazelcast instance the pool submits through. */
  public HazelcastInstance hazelcastInstance() {
    return hazelcast;
  }

  // ---- dispatch -------------------------------------------------------------------------------

  @Override
  protected void dispatch(Chunk chunk) {
    Task<?>[] tasks = chunk.tasks();
    if (tasks == null) {
      return; // the map's function failed for an input; the chunk already failed with it
    }
    ChunkCall call;
    try {
      call = ChunkCall.of(tasks);
    } catch (ChunkCall.ArgumentNotSerializableException e) {
      chunk.start();
      // Nothing ran: the whole chunk fails, reported against the task that cannot be sent.
      chunk.fail(0, new TaskFailedException(e.task(), e));
      return;
    }
    Dispatch dispatch = new Dispatch(chunk, tasks, call);
    synchronized (lock) {
      if (released) {
        chunk.cancel(this + " was shut down");
        throw new IllegalStateException(this + " was shut down; create a new pool to run more tasks");
      }
      accepted++;
      queue.add(dispatch);
    }
    chunk.done().whenComplete((done, error) -> chunkDone());
    pump();
  }

  /** Sends queued chunks to the members with the most free threads. */
  private void pump() {
    List<Dispatch> sends = new ArrayList<>();
    List<Dispatch> orphans = new ArrayList<>();
    synchronized (lock) {
      while (!released && !queue.isEmpty()) {
        if (members.isEmpty()) {
          if (probing.isEmpty()) {
            orphans.addAll(queue);
            queue.clear();
          }
          break;
        }
        MemberSlot slot = freestMember();
        if (slot == null) {
          break;
        }
        Dispatch dispatch = queue.poll();
        if (dispatch.chunk.isDone() || !dispatch.start()) {
          continue; // cancelled while it waited
        }
        slot.running++;
        dispatch.member = slot.member;
        running.add(dispatch);
        sends.add(dispatch);
      }
    }
    for (Dispatch orphan : orphans) {
      orphan.failNoMember();
    }
    for (Dispatch dispatch : sends) {
      send(dispatch);
    }
  }

  private MemberSlot freestMember() {
    MemberSlot best = null;
    for (MemberSlot slot : members.values()) {
      if (slot.free() > 0 && (best == null || slot.free() > best.free())) {
        best = slot;
      }
    }
    return best;
  }

  @SuppressWarnings("unchecked")
  private void send(Dispatch dispatch) {
    Future<ChunkOutcome> future;
    try {
      future = executor.submitToMember(dispatch.call, dispatch.member);
    } catch (RuntimeException e) {
      completed(dispatch, null, e);
      return;
    }
    synchronized (lock) {
      dispatch.future = future;
    }
    // Hazelcast's futures are CompletableFutures; completion is handed to the result thread so
    // that decoding and user callbacks never run on Hazelcast's own threads.
    ((CompletionStage<ChunkOutcome>) future)
        .whenCompleteAsync((outcome, error) -> completed(dispatch, outcome, error), resultThread);
  }

  private void completed(Dispatch dispatch, ChunkOutcome outcome, Throwable error) {
    synchronized (lock) {
      running.remove(dispatch);
      MemberSlot slot = members.get(dispatch.member.getUuid());
      if (slot != null) {
        slot.running--;
      }
    }
    if (error == null) {
      deliver(dispatch, outcome);
    } else {
      failed(dispatch, unwrap(error));
    }
    pump();
  }

  private void deliver(Dispatch dispatch, ChunkOutcome outcome) {
    Chunk chunk = dispatch.chunk;
    Object[] values;
    Throwable failure;
    try {
      values = outcome.results(classLoader);
      failure = outcome.failure(classLoader);
    } catch (Exception e) {
      chunk.fail(0, new TaskFailedException(dispatch.describe(), new IllegalStateException(
          "The results from cluster member " + outcome.member() + " cannot be read here: "
              + Describe.throwable(e), e)));
      return;
    }
    for (int i = 0; i < values.length; i++) {
      chunk.setResult(i, values[i]);
    }
    if (failure == null) {
      chunk.succeed();
    } else {
      chunk.fail(outcome.completed(), new TaskFailedException(dispatch.tasks[outcome.completed()], failure));
    }
  }

  private void failed(Dispatch dispatch, Throwable cause) {
    Chunk chunk = dispatch.chunk;
    if (chunk.isDone()) {
      return; // terminated or cancelled meanwhile; nobody waits for this outcome
    }
    if (cause instanceof CancellationException || !hazelcast.getLifecycleService().isRunning()) {
      chunk.abort(new TaskCancelledException(
          "The Hazelcast instance of " + this + " stopped before " + dispatch.describe() + " finished"));
      return;
    }
    String member = ClusterMember.address(dispatch.member);
    if (cause instanceof TargetNotMemberException) {
      forget(dispatch.member);
      requeue(dispatch);
      return;
    }
    if (cause instanceof MemberLeftException
        || cause instanceof TargetDisconnectedException
        || cause instanceof HazelcastInstanceNotActiveException) {
      forget(dispatch.member);
      if (memberLoss == MemberLoss.RERUN_ONCE && dispatch.losses == 0) {
        dispatch.losses++;
        requeue(dispatch);
        return;
      }
      String reason = memberLoss == MemberLoss.FAIL
          ? "not re-run because the pool's member loss policy is FAIL"
          : "not re-run again: it had already been re-run once after losing member " + dispatch.firstLost;
      chunk.fail(0, new MemberLostException(dispatch.describe(), member,
          "Cluster member " + member + " left while running " + dispatch.describe() + "; " + reason));
      return;
    }
    chunk.fail(0, new TaskFailedException(dispatch.describe(), new IllegalStateException(
        "Cluster member " + member + " could not run " + dispatch.describe() + ": " + cause
            + ". Start members with dev.parallelizable.cluster.ClusterMember and the application's classpath",
        cause)));
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && !(cause instanceof MemberLeftException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private void requeue(Dispatch dispatch) {
    synchronized (lock) {
      if (dispatch.firstLost == null) {
        dispatch.firstLost = ClusterMember.address(dispatch.member);
      }
      queue.addFirst(dispatch);
    }
  }

  /** Stops sending to {@code member} if it is no longer in the cluster. */
  private void forget(Member member) {
    if (!hazelcast.getCluster().getMembers().contains(member)) {
      synchronized (lock) {
        members.remove(member.getUuid());
      }
    }
  }

  /** Asks a member that is new to this pool how many threads it has, then sends it work. */
  private void probe(Member member) {
    if (member.isLiteMember()) {
      return;
    }
    synchronized (lock) {
      if (released || members.containsKey(member.getUuid()) || !probing.add(member.getUuid())) {
        return;
      }
    }
    CompletionStage<Integer> answer;
    try {
      @SuppressWarnings("unchecked")
      CompletionStage<Integer> stage =
          (CompletionStage<Integer>) executor.submitToMember(new MemberCapacity(executorName), member);
      answer = stage;
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenCompleteAsync(
        (threads, error) -> {
          synchronized (lock) {
            probing.remove(member.getUuid());
            if (error == null && !released && hazelcast.getCluster().getMembers().contains(member)) {
              members.put(member.getUuid(), new MemberSlot(member, threads));
            }
          }
          if (error != null) {
            LOG.log(System.Logger.Level.WARNING,
                "Cluster member " + ClusterMember.address(member) + " joined but cannot run tasks for " + this
                    + "; start it with ClusterMember and the application's classpath", unwrap(error));
          }
          pump();
        },
        resultThread);
  }

  /** Follows members joining and leaving, on the result thread rather than Hazelcast's event thread. */
  private final class Membership implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      resultThread.execute(() -> probe(event.getMember()));
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      resultThread.execute(() -> {
        synchronized (lock) {
          members.remove(event.getMember().getUuid());
        }
        pump(); // fails queued work if no member is left
      });
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  private void chunkDone() {
    boolean idle;
    synchronized (lock) {
      accepted--;
      idle = stopping && accepted == 0 && !released;
      released |= idle;
    }
    if (idle) {
      release();
    }
  }

  @Override
  protected void stopWhenIdle() {
    boolean idle;
    synchronized (lock) {
      stopping = true;
      idle = accepted == 0 && !released;
      released |= idle;
    }
    if (idle) {
      release();
    }
  }

  @Override
  protected void awaitStopped() throws InterruptedException {
    try {
      stopped.get();
    } catch (ExecutionException e) {
      throw new AssertionError("the stop future never fails", e);
    }
    while (!results.awaitTermination(1, TimeUnit.DAYS)) {
      // keep waiting: join() has no deadline, as in Python
    }
  }

  @Override
  protected void stopNow() {
    List<Future<ChunkOutcome>> sent = new ArrayList<>();
    boolean release;
    synchronized (lock) {
      for (Dispatch dispatch : running) {
        if (dispatch.future != null) {
          sent.add(dispatch.future);
        }
      }
      queue.clear();
      stopping = true;
      release = !released;
      released = true;
    }
    for (Future<ChunkOutcome> future : sent) {
      try {
        future.cancel(true); // the member interrupts the running task
      } catch (RuntimeException e) {
        // the member or this instance is gone: nothing left to interrupt
      }
    }
    if (release) {
      release();
    }
  }

  /** Stops what the pool owns: its result thread, its listener and, if it started it, its instance. */
  private void release() {
    try {
      if (ownsInstance) {
        hazelcast.shutdown();
      } else if (hazelcast.getLifecycleService().isRunning()) {
        hazelcast.getCluster().removeMembershipListener(membershipRegistration);
      }
    } catch (HazelcastInstanceNotActiveException e) {
      // the application shut its instance down first; nothing to undo
    } finally {
      results.shutdown();
      stopped.complete(null);
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  /** One member's threads, as this pool uses them. Guarded by {@code lock}. */
  private static final class MemberSlot {
    final Member member;
    final int threads;
    int running;

    MemberSlot(Member member, int threads) {
      this.member = member;
      this.threads = threads;
    }

    int free() {
      return threads - running;
    }
  }

  /** A chunk on its way through this pool; mutable fields guarded by {@code lock}. */
  private final class Dispatch {
    final Chunk chunk;
    final Task<?>[] tasks;
    final ChunkCall call;
    boolean started;
    int losses;
    String firstLost;
    Member member;
    Future<ChunkOutcome> future;

    Dispatch(Chunk chunk, Task<?>[] tasks, ChunkCall call) {
      this.chunk = chunk;
      this.tasks = tasks;
      this.call = call;
    }

    /** Claims the chunk on its first sending; false if it was cancelled first. */
    boolean start() {
      if (!started) {
        started = chunk.start();
        return started;
      }
      return true;
    }

    void failNoMember() {
      String reason = "no member of cluster '" + hazelcast.getConfig().getClusterName()
          + "' that runs tasks is left; start members with dev.parallelizable.cluster.ClusterMember";
      if (firstLost != null) {
        chunk.fail(0, new MemberLostException(describe(), firstLost,
            "Cluster member " + firstLost + " left while running " + describe() + ", and " + reason));
      } else {
        chunk.start();
        chunk.fail(0, new TaskFailedException(describe(), new IllegalStateException(
            "Cannot run " + describe() + ": " + reason)));
      }
    }

    /** The first task, and how many more the chunk holds. */
    String describe() {
      return tasks.length == 1
          ? tasks[0].toString()
          : tasks[0] + " and the " + (tasks.length - 1) + " tasks after it";
    }
  }
}
