package dev.parallelizable.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.parallelizable.Parallelizable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Methods the cluster tests run as tasks, beside the runtime's {@code Work}: what only a cluster
 * can show (which JVM ran a task) and values that cannot cross a JVM boundary; the processor
 * generates {@code ClusterWorkParallel} from them.
 */
public final class ClusterWork {
  /** For {@link #hold}: the names of the threads that started each input, in order. */
  public static final Map<Integer, List<String>> STARTS = new ConcurrentHashMap<>();

  private static final Map<Integer, CountDownLatch> RELEASES = new ConcurrentHashMap<>();

  private ClusterWork() {}

  /**
   * Records that it started (in {@link #STARTS}) and blocks until {@link #release} lets input
   * {@code x} go; for members in the test's JVM only. Returns {@code x}.
   */
  @Parallelizable
  public static int hold(int x) throws InterruptedException {
    STARTS.computeIfAbsent(x, k -> new CopyOnWriteArrayList<>()).add(Thread.currentThread().getName());
    boolean released;
    try {
      released = RELEASES.computeIfAbsent(x, k -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      endIfOnTerminatedMember(); // the termination interrupted it
      throw e;
    }
    endIfOnTerminatedMember();
    if (!released) {
      throw new IllegalStateException("input " + x + " was not released within 30 s");
    }
    return x;
  }

  /**
   * A member the test terminated stands for a dead JVM: its task never answers. Hazelcast leaves
   * the threads of a terminated member of this JVM running, and one that returned, or threw, would
   * fail to send its answer with an exception on a Hazelcast thread.
   */
  private static void endIfOnTerminatedMember() {
    if (onTerminatedMember()) {
      while (true) {
        Thread.interrupted();
        LockSupport.park();
      }
    }
  }

  /** Whether this thread belongs to a member of this JVM that is no longer running. */
  private static boolean onTerminatedMember() {
    String thread = Thread.currentThread().getName();
    int end = thread.indexOf(".cached.");
    if (!thread.startsWith("hz.") || end < 0) {
      return false;
    }
    HazelcastInstance member = Hazelcast.getHazelcastInstanceByName(thread.substring("hz.".length(), end));
    return member == null || !member.getLifecycleService().isRunning();
  }

  /** Lets every run of {@link #hold}{@code (x)}, present and future, return. */
  @Parallelizable
  public static void release(int x) {
    RELEASES.computeIfAbsent(x, k -> new CountDownLatch(1)).countDown();
  }

  /** Forgets every start and release. */
  @Parallelizable
  public static void resetHolds() {
    RELEASES.values().forEach(CountDownLatch::countDown);
    RELEASES.clear();
    STARTS.clear();
  }

  /** For {@link #tally}: how many times it ran in this JVM, per key. */
  public static final Map<String, AtomicInteger> TALLIES = new ConcurrentHashMap<>();

  /** Counts its runs under {@code key} (in {@link #TALLIES}) and returns the count. */
  @Parallelizable
  public static int tally(String key) {
    return TALLIES.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  /** The process id of the JVM that runs the task. */
  @Parallelizable
  public static long pid() {
    return ProcessHandle.current().pid();
  }

  /** Returns its argument: with an unserializable argument, the task cannot be sent. */
  @Parallelizable
  public static String describe(Object value) {
    return String.valueOf(value);
  }

  /** Returns a value that cannot be sent back. */
  @Parallelizable
  public static Object unserializableResult() {
    return new Object();
  }

  /** Throws an exception that cannot be serialized. */
  @Parallelizable
  public static int throwUnserializable(String message) {
    throw new UnserializableException(message);
  }

  /**
   * Pure CPU work: the sum of {@code i * i % 7} for {@code i < n}. About 50 ms per task at the
   * {@code n} that {@code W3Measurement} calibrates.
   */
  @Parallelizable
  public static long sumOfSquaresMod7(long n) {
    long sum = 0;
    for (long i = 0; i < n; i++) {
      sum += i * i % 7;
    }
    return sum;
  }

  /** An exception with a field Java serialization cannot write. */
  public static final class UnserializableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // deliberately not serializable
    private final Object lock = new Object();

    UnserializableException(String message) {
      super(message);
    }

    @Override
    public String toString() {
      return super.toString() + " (holding " + lock.getClass().getSimpleName() + ")";
    }
  }
}
