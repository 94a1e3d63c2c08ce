package dev.parallelizable.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.parallelizable.Codec;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.EncodedChunk;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteWorkers;
import dev.parallelizable.spi.SharedDataPublisher;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The adapter of the members of a Hazelcast cluster to the runtime's dispatch engine: sends
 * assignments to members' task executors, follows members joining and leaving, and words the loss
 * of a member. Every report to the engine is made on the pool's one result thread, never on a
 * Hazelcast thread, so that decoding and the application's callbacks never hold Hazelcast up.
 *
 * <p>The pool works with a member once it has opened a session with it ({@link MemberCapacity}),
 * which proves that both hold the instance's {@link ClusterSecret}; each chunk is then signed and
 * numbered in that session, and each answer is read only once its signature is checked.
 * Thread-safe.
 */
final class ClusterWorkers implements RemoteWorkers<Member, EncodedChunk> {
  private static final System.Logger LOG = System.getLogger(Loggers.CLUSTER_POOL);

  private final HazelcastInstance hazelcast;
  private final boolean ownsInstance;
  private final IExecutorService executor;
  private final String executorName;
  private final ClassLoader classLoader;
  private final ExecutorService results;
  /** Hands work to {@link #results}; drops it once the pool has stopped, when no one waits for it. */
  private final Executor resultThread;
  private final ClusterSecret secret;
  /** The session of this pool with each member that opened one. */
  private final Map<Member, Session> sessions = new ConcurrentHashMap<>();
  private final Map<Assignment<EncodedChunk>, Future<ChunkOutcome>> sent = new ConcurrentHashMap<>();
  private final Set<UUID> probing = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private volatile RemoteDispatcher<Member> engine;
  private volatile UUID membershipRegistration;
  /** Puts the data of SharedData arguments into the cluster once; removes it when the pool stops. */
  private final SharedDataPublisher shares;

  ClusterWorkers(HazelcastInstance hazelcast, boolean ownsInstance, String executorName, ClusterSecret secret,
      ClassLoader classLoader, ExecutorService results) {
    this.hazelcast = hazelcast;
    this.ownsInstance = ownsInstance;
    this.executor = hazelcast.getExecutorService(executorName);
    this.executorName = executorName;
    this.secret = secret;
    this.shares = SharedDataPublisher.create(ClusterShares.store(hazelcast, secret), ClusterShares.newPrefix(hazelcast));
    this.classLoader = classLoader;
    this.results = results;
    this.resultThread = command -> {
      try {
        results.execute(command);
      } catch (RejectedExecutionException stopped) {
        // stopped: every chunk was completed or aborted already
      }
    };
  }

  @Override
  public void attach(RemoteDispatcher<Member> dispatcher) {
    this.engine = dispatcher;
  }

  /**
   * Opens this pool's session with {@code member}: completes with the member's thread count once
   * the member proved it holds the secret, or with a {@link MemberCapacity.Refused} saying why it
   * cannot work for the pool.
   */
  @SuppressWarnings("unchecked")
  CompletableFuture<Integer> open(Member member) {
    byte[] challenge = ClusterSecret.randomBytes(16);
    UUID caller = hazelcast.getCluster().getLocalMember().getUuid();
    CompletionStage<byte[]> answer;
    try {
      answer = (CompletionStage<byte[]>) executor.submitToMember(
          MemberCapacity.open(secret, executorName, challenge, caller, member.getUuid()), member);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return answer.toCompletableFuture().thenApply(bytes -> {
      MemberCapacity.Opened opened = MemberCapacity.read(secret, bytes, challenge, member.getUuid());
      sessions.put(member, new Session(opened.session()));
      return opened.threads();
    });
  }

  /** Starts following members; a member that joined since the capacity query is probed here. */
  void follow() {
    membershipRegistration = hazelcast.getCluster().addMembershipListener(new Membership());
    for (Member member : hazelcast.getCluster().getMembers()) {
      probe(member);
    }
  }

  /** How many SharedData handles this pool put into the cluster: one each, however many tasks. */
  long sharedPuts() {
    return shares.puts();
  }

  /** Completes once the pool released what it owns. */
  CompletableFuture<Void> released() {
    return released;
  }

  @Override
  public EncodedChunk encode(Task<?>[] tasks) {
    return EncodedChunk.encode(tasks, Codec.serialization(), shares);
  }

  /** A chunk of one method's calls crosses as its argument columns: a batch, with no task per call. */
  @Override
  public boolean encodesColumns() {
    return true;
  }

  @Override
  public EncodedChunk encodeColumns(TaskMethod<?> method, Object[] columns, int count) {
    return EncodedChunk.encodeColumns(method, columns, count, Codec.serialization(), shares);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void send(Member member, Assignment<EncodedChunk> assignment) {
    Session session = sessions.get(member); // opened before the engine knew the member
    if (session == null) { // the member left, and the engine has not heard yet
      resultThread.execute(() -> completed(member, assignment, null, null,
          new TargetNotMemberException("cluster member " + ClusterMember.address(member) + " left")));
      return;
    }
    long number = session.numbers.incrementAndGet();
    byte[] request = assignment.encoded().request(assignment.from(), assignment.to());
    ChunkCall call = ChunkCall.signed(secret, session.id, number, request);
    Future<ChunkOutcome> future;
    try {
      future = executor.submitToMember(call, member);
    } catch (RuntimeException e) {
      resultThread.execute(() -> completed(member, assignment, null, null, e));
      return;
    }
    sent.put(assignment, future);
    ((CompletionStage<ChunkOutcome>) future).whenCompleteAsync((outcome, error) -> {
      byte[] answer = null;
      Throwable problem = error;
      if (error == null) {
        try {
          answer = outcome.answer(secret, session.id, number);
        } catch (IllegalStateException refused) {
          problem = refused;
        }
      }
      completed(member, assignment, outcome, answer, problem);
    }, resultThread);
  }

  private void completed(Member member, Assignment<EncodedChunk> assignment, ChunkOutcome outcome, byte[] answer, Throwable error) {
    sent.remove(assignment);
    if (!assignment.isActive()) {
      return; // lost with its member, timed out, or terminated: already accounted for
    }
    if (error == null) {
      deliver(assignment, outcome.member(), answer);
      engine.answered(assignment);
      return;
    }
    if (outcome != null) { // the member answered, but refused the chunk, or its answer is not signed
      Task<?> task = assignment.task(assignment.from());
      assignment.fail(assignment.from(), new TaskFailedException(task.toString(), new IllegalStateException(
          "Cluster member " + ClusterMember.address(member) + " could not run " + task + ": " + error.getMessage(),
          error)));
      engine.answered(assignment);
      return;
    }
    Throwable cause = unwrap(error);
    if (cause instanceof CancellationException) {
      engine.returned(assignment);
    } else if (!running() || cause instanceof MemberLeftException
        || cause instanceof TargetNotMemberException || cause instanceof TargetDisconnectedException
        || cause instanceof HazelcastInstanceNotActiveException) {
      engine.gone(member, cause);
    } else {
      Task<?> task = assignment.task(assignment.from());
      assignment.fail(assignment.from(), new TaskFailedException(task.toString(), new IllegalStateException(
          "Cluster member " + ClusterMember.address(member) + " could not run " + task + ": " + cause
              + ". Start members with dev.parallelizable.cluster.ClusterMember and the application's classpath",
          cause)));
      engine.answered(assignment);
    }
  }

  private void deliver(Assignment<EncodedChunk> assignment, String member, byte[] answer) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(classLoader);
    try {
      EncodedChunk.readAnswer(answer, assignment, Codec.serialization(), "cluster member " + member);
    } finally {
      thread.setContextClassLoader(previous);
    }
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

  private boolean running() {
    return hazelcast.getLifecycleService().isRunning();
  }

  @Override
  public void stop(Member member, boolean now) {
    if (now) {
      sent.forEach((assignment, future) -> {
        try {
          future.cancel(true); // the member interrupts the running task
        } catch (RuntimeException e) {
          // the member or this instance is gone: nothing left to interrupt
        }
      });
    }
    engine.gone(member, null); // the member stays in the cluster; it just works no more for this pool
  }

  @Override
  public void abandon(Member member, Assignment<EncodedChunk> assignment) {
    Future<ChunkOutcome> future = sent.get(assignment);
    if (future != null) {
      try {
        future.cancel(true); // completes it as cancelled, which returns the assignment
      } catch (RuntimeException e) {
        // the member is gone: its loss returns the assignment
      }
    }
  }

  @Override
  public boolean timeoutStopsWorker() {
    return false;
  }

  @Override
  public String abandoned(Member member) {
    return "it was interrupted on cluster member " + ClusterMember.address(member) + ", which stays in service";
  }

  @Override
  public WorkerLostException lost(Member member, Task<?> task, String position, String why) {
    String address = ClusterMember.address(member);
    return new MemberLostException(task.toString(), address,
        "Cluster member " + address + " left while running " + task + position + why);
  }

  @Override
  public String noWorkerLeft() {
    String cluster;
    try {
      cluster = "cluster '" + hazelcast.getConfig().getClusterName() + "'";
    } catch (RuntimeException e) {
      cluster = "the cluster";
    }
    return running()
        ? "no member of " + cluster + " that runs tasks is left; start members with"
            + " dev.parallelizable.cluster.ClusterMember"
        : "the pool's Hazelcast instance stopped";
  }

  @Override
  public boolean workersMayJoin() {
    return !probing.isEmpty();
  }

  /**
   * Opens a session with a member that is new to this pool, then gives it work; a member that
   * refuses the pool's secret, or answers without it, gets none.
   */
  private void probe(Member member) {
    if (member.isLiteMember() || engine.pool().isShutdown() || sessions.containsKey(member)
        || !probing.add(member.getUuid())) {
      return; // not a worker, or opened already
    }
    open(member).whenCompleteAsync((threads, error) -> {
      probing.remove(member.getUuid());
      Throwable cause = error == null ? null : unwrap(error);
      if (error == null && running() && hazelcast.getCluster().getMembers().contains(member)) {
        engine.ready(member, threads);
      } else if (cause instanceof MemberCapacity.Refused && running()) {
        LOG.log(System.Logger.Level.WARNING, "Cluster member " + ClusterMember.address(member)
            + " joined but gets no tasks from " + engine + ": " + cause.getMessage());
      } else if (error != null && running() && !leftBeforeAnswering(member, cause)) {
        LOG.log(System.Logger.Level.WARNING,
            "Cluster member " + ClusterMember.address(member) + " joined but cannot run tasks for " + engine
                + "; start it with ClusterMember and the application's classpath", cause);
      }
      engine.workersChanged();
    }, resultThread);
  }

  /**
   * Whether {@code member} left the cluster before it answered the probe: not a member that cannot
   * run tasks, so nothing to warn about (its loss is handled as any other).
   */
  private boolean leftBeforeAnswering(Member member, Throwable cause) {
    return cause instanceof MemberLeftException || cause instanceof TargetNotMemberException
        || cause instanceof TargetDisconnectedException || cause instanceof HazelcastInstanceNotActiveException
        || !hazelcast.getCluster().getMembers().contains(member);
  }

  /** Asks each member to end this pool's session, without waiting: the instance goes on. */
  private void endSessions() {
    sessions.forEach((member, session) -> {
      try {
        executor.executeOnMember(new SessionEnd(secret, session.id), member);
      } catch (RuntimeException e) {
        // the member left, and its sessions with it
      }
    });
    sessions.clear();
  }

  /** This pool's session with one member: its id, and the number of the last chunk sent in it. */
  private static final class Session {
    final byte[] id;
    final AtomicLong numbers = new AtomicLong();

    Session(byte[] id) {
      this.id = id;
    }
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
        engine.gone(event.getMember(), null);
        sessions.remove(event.getMember()); // the member forgot it with its JVM, or ended it
      });
    }
  }

  /**
   * Stops what the pool owns: its sessions, its listener, its result thread and, if it started it,
   * its instance.
   */
  @Override
  public void stopped() {
    shares.close();
    try {
      if (ownsInstance) {
        hazelcast.shutdown(); // the members end its sessions when it leaves
      } else if (running()) {
        endSessions();
        if (membershipRegistration != null) {
          hazelcast.getCluster().removeMembershipListener(membershipRegistration);
        }
      }
    } catch (HazelcastInstanceNotActiveException e) {
      // the application shut its instance down first; nothing to undo
    } finally {
      results.shutdown();
      released.complete(null);
    }
  }
}
