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

/**
 * The adapter of the members of a Hazelcast cluster to the runtime's dispatch engine: sends
 * assignments to members' task executors, follows members joining and leaving, and words the loss
 * of a member. Every report to the engine is made on the pool's one result thread, never on a
 * Hazelcast thread, so that decoding and the application's callbacks never hold Hazelcast up.
 * Thread-safe.
 */
final class ClusterWorkers implements RemoteWorkers<Member> {
  private static final System.Logger LOG = System.getLogger(ClusterPool.class.getName());

  private final HazelcastInstance hazelcast;
  private final boolean ownsInstance;
  private final IExecutorService executor;
  private final String executorName;
  private final ClassLoader classLoader;
  private final ExecutorService results;
  /** Hands work to {@link #results}; drops it once the pool has stopped, when no one waits for it. */
  private final Executor resultThread;
  private final Map<Assignment, Future<ChunkOutcome>> sent = new ConcurrentHashMap<>();
  private final Set<UUID> probing = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private volatile RemoteDispatcher<Member> engine;
  private volatile UUID membershipRegistration;
  /** Puts the data of SharedData arguments into the cluster once; removes it when the pool stops. */
  private final SharedDataPublisher shares;

  ClusterWorkers(HazelcastInstance hazelcast, boolean ownsInstance, String executorName,
      ClassLoader classLoader, ExecutorService results) {
    this.hazelcast = hazelcast;
    this.ownsInstance = ownsInstance;
    this.executor = hazelcast.getExecutorService(executorName);
    this.executorName = executorName;
    this.shares = SharedDataPublisher.create(ClusterShares.store(hazelcast), ClusterShares.newPrefix(hazelcast));
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
  public Object encode(Task<?>[] tasks) {
    return EncodedChunk.encode(tasks, Codec.serialization(), shares);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void send(Member member, Assignment assignment) {
    ChunkCall call = new ChunkCall(((EncodedChunk) assignment.encoded()).request(assignment.from(), assignment.to()));
    Future<ChunkOutcome> future;
    try {
      future = executor.submitToMember(call, member);
    } catch (RuntimeException e) {
      resultThread.execute(() -> completed(member, assignment, null, e));
      return;
    }
    sent.put(assignment, future);
    ((CompletionStage<ChunkOutcome>) future)
        .whenCompleteAsync((outcome, error) -> completed(member, assignment, outcome, error), resultThread);
  }

  private void completed(Member member, Assignment assignment, ChunkOutcome outcome, Throwable error) {
    sent.remove(assignment);
    if (!assignment.isActive()) {
      return; // lost with its member, timed out, or terminated: already accounted for
    }
    if (error == null) {
      deliver(assignment, outcome);
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
      Task<?> task = assignment.tasks()[assignment.from()];
      assignment.fail(assignment.from(), new TaskFailedException(task.toString(), new IllegalStateException(
          "Cluster member " + ClusterMember.address(member) + " could not run " + task + ": " + cause
              + ". Start members with dev.parallelizable.cluster.ClusterMember and the application's classpath",
          cause)));
      engine.answered(assignment);
    }
  }

  private void deliver(Assignment assignment, ChunkOutcome outcome) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(classLoader);
    try {
      EncodedChunk.readAnswer(outcome.answer(), assignment, Codec.serialization(), "cluster member " + outcome.member());
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
  public void abandon(Member member, Assignment assignment) {
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

  /** Asks a member that is new to this pool how many threads it has, then gives it work. */
  private void probe(Member member) {
    if (member.isLiteMember() || engine.isShutdown() || !probing.add(member.getUuid())) {
      return;
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
    answer.whenCompleteAsync((threads, error) -> {
      probing.remove(member.getUuid());
      if (error == null && running() && hazelcast.getCluster().getMembers().contains(member)) {
        engine.ready(member, threads);
      } else if (error != null && running() && !leftBeforeAnswering(member, unwrap(error))) {
        LOG.log(System.Logger.Level.WARNING,
            "Cluster member " + ClusterMember.address(member) + " joined but cannot run tasks for " + engine
                + "; start it with ClusterMember and the application's classpath", unwrap(error));
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

  /** Follows members joining and leaving, on the result thread rather than Hazelcast's event thread. */
  private final class Membership implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      resultThread.execute(() -> probe(event.getMember()));
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      resultThread.execute(() -> engine.gone(event.getMember(), null));
    }
  }

  /** Stops what the pool owns: its listener, its result thread and, if it started it, its instance. */
  @Override
  public void stopped() {
    shares.close();
    try {
      if (ownsInstance) {
        hazelcast.shutdown();
      } else if (running() && membershipRegistration != null) {
        hazelcast.getCluster().removeMembershipListener(membershipRegistration);
      }
    } catch (HazelcastInstanceNotActiveException e) {
      // the application shut its instance down first; nothing to undo
    } finally {
      results.shutdown();
      released.complete(null);
    }
  }
}
