package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.parallelizable.AsyncResult;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Outcome;
import dev.parallelizable.PoolStats;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Members that die while running tasks: three members of one thread each in this JVM, one task
 * held on each, then a member other than the pool's own is terminated (no graceful leave).
 */
@Timeout(value = 60, unit = SECONDS)
class MemberLossTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private LoopbackCluster cluster;
  private ClusterPool pool;

  @BeforeEach
  void startCluster() {
    ClusterWork.resetHolds();
    cluster = LoopbackCluster.start(3, 1);
  }

  @AfterEach
  void stopCluster() {
    ClusterWork.resetHolds();
    if (pool != null) {
      pool.terminate();
    }
    if (cluster != null) { // null if it could not start: that failure is the test's
      cluster.close();
    }
  }

  private ClusterPool pool(CrashPolicy crashPolicy) {
    pool = ClusterPool.builder().instance(cluster.members.get(0)).crashPolicy(crashPolicy).build();
    return pool;
  }

  /** Waits until inputs 0, 1 and 2 run, one per member. */
  private static void awaitAllHeld() {
    await().atMost(BOUND).until(() -> ClusterWork.STARTS.size() == 3);
  }

  /** The input held on {@code member}, from the name of the thread that runs it. */
  private static int inputOn(HazelcastInstance member) {
    return ClusterWork.STARTS.entrySet().stream()
        .filter(e -> e.getValue().get(e.getValue().size() - 1).startsWith("hz." + member.getName() + "."))
        .mapToInt(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing runs on " + member.getName() + ": " + ClusterWork.STARTS));
  }

  private static int runs(int input) {
    return ClusterWork.STARTS.getOrDefault(input, List.of()).size();
  }

  @Test
  void aMapCompletesWhenAMemberDiesInTheMiddleAndItsTaskIsRunOnceMore() throws Exception {
    pool(CrashPolicy.retry(1));
    CompletableFuture<List<Integer>> map =
        CompletableFuture.supplyAsync(() -> pool.map(ClusterWorkParallel::hold, List.of(0, 1, 2, 3, 4), 1));
    awaitAllHeld();
    HazelcastInstance victim = cluster.members.get(2);
    int lost = inputOn(victim);
    victim.getLifecycleService().terminate();
    for (int input = 0; input <= 4; input++) {
      if (input != lost) {
        ClusterWork.release(input);
      }
    }
    await().atMost(BOUND).until(() -> runs(lost) == 2);
    ClusterWork.release(lost);
    assertEquals(List.of(0, 1, 2, 3, 4), map.get(30, SECONDS), "every result once, in order");
    assertEquals(2, runs(lost), "the lost task ran again, once");
    PoolStats stats = pool.stats();
    assertEquals(5, stats.submitted(), stats.summary());
    assertEquals(5, stats.completed(), "a task run again counts once: " + stats.summary());
    assertEquals(0, stats.failed() + stats.cancelled() + stats.running() + stats.queued(), stats.summary());
    assertEquals(1, stats.workersLost(), stats.summary());
    assertEquals(0, stats.workersReplaced(), "a cluster pool replaces no member");
    assertEquals(2, stats.workers().size(), "the member that left took its row: " + stats.workers());
  }

  @Test
  void aMapThatKeepsGoingGivesTheLostTaskItsFailureAndTheOthersTheirResults() throws Exception {
    pool(CrashPolicy.fail());
    CompletableFuture<List<Outcome<Integer>>> map = CompletableFuture.supplyAsync(
        () -> pool.mapOutcomes(ClusterWorkParallel::hold, List.of(0, 1, 2, 3, 4), 1));
    awaitAllHeld();
    HazelcastInstance victim = cluster.members.get(2);
    int lost = inputOn(victim);
    victim.getLifecycleService().terminate();
    for (int input = 0; input <= 4; input++) {
      ClusterWork.release(input);
    }
    List<Outcome<Integer>> outcomes = map.get(30, SECONDS);
    for (int input = 0; input <= 4; input++) {
      Outcome<Integer> outcome = outcomes.get(input);
      if (input == lost) {
        MemberLostException failure = assertInstanceOf(MemberLostException.class, outcome.failure());
        assertTrue(failure.getMessage().contains("ClusterWork.hold(" + lost + ")"), failure.getMessage());
      } else {
        assertEquals(input, outcome.value(), "input " + input);
      }
    }
    assertEquals(1, runs(lost), "not run again under CrashPolicy.fail()");
  }

  @Test
  void eachResultReachesItsCallbackOnceWhenAMemberDies() {
    pool(CrashPolicy.retry(1));
    Map<Integer, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    List<AsyncResult<Integer>> results = new ArrayList<>();
    for (int input = 0; input < 3; input++) {
      int x = input;
      results.add(pool.applyAsync(ClusterWorkParallel.hold(x))
          .onSuccess(value -> deliveries.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet()));
    }
    awaitAllHeld();
    HazelcastInstance victim = cluster.members.get(1);
    int lost = inputOn(victim);
    victim.getLifecycleService().terminate();
    for (int input = 0; input < 3; input++) {
      if (input != lost) {
        ClusterWork.release(input);
      }
    }
    await().atMost(BOUND).until(() -> runs(lost) == 2);
    ClusterWork.release(lost);
    for (int input = 0; input < 3; input++) {
      assertEquals(input, results.get(input).get(BOUND));
    }
    await().atMost(BOUND).until(() -> deliveries.size() == 3);
    deliveries.forEach((input, count) -> assertEquals(1, count.get(), "deliveries of " + input));
  }

  @Test
  void underCrashPolicyFailTheLostTaskFailsNamingTheMemberAndTheTask() {
    pool(CrashPolicy.fail());
    List<AsyncResult<Integer>> results = new ArrayList<>();
    for (int input = 0; input < 3; input++) {
      results.add(pool.applyAsync(ClusterWorkParallel.hold(input)));
    }
    awaitAllHeld();
    HazelcastInstance victim = cluster.members.get(2);
    String address = ClusterMember.address(victim.getCluster().getLocalMember());
    int lost = inputOn(victim);
    victim.getLifecycleService().terminate();

    MemberLostException failure = assertThrows(MemberLostException.class, () -> results.get(lost).get(BOUND));
    assertEquals(address, failure.member());
    assertTrue(failure.getMessage().contains("Cluster member " + address), failure.getMessage());
    assertTrue(failure.getMessage().contains("ClusterWork.hold(" + lost + ")"), failure.getMessage());
    assertTrue(failure.getMessage().contains("CrashPolicy.fail()"), failure.getMessage());
    assertInstanceOf(WorkerLostException.class, failure, "one family with a crashed worker JVM");
    assertEquals(address, failure.worker());
    assertEquals(1, runs(lost), "not run again");
    for (int input = 0; input < 3; input++) {
      ClusterWork.release(input);
    }
    for (int input = 0; input < 3; input++) {
      if (input != lost) {
        assertEquals(input, results.get(input).get(BOUND));
      }
    }
    assertEquals(List.of(5L, 7L), pool.map(x -> ClusterWorkParallel.sumOfSquaresMod7(x), List.of(3L, 4L)),
        "the pool goes on with the members that remain");
  }

  @Test
  void aTaskLostTwiceFailsNamingBothMembers() {
    pool(CrashPolicy.retry(1));
    List<AsyncResult<Integer>> results = new ArrayList<>();
    for (int input = 0; input < 3; input++) {
      results.add(pool.applyAsync(ClusterWorkParallel.hold(input)));
    }
    awaitAllHeld();
    HazelcastInstance first = cluster.members.get(2);
    HazelcastInstance second = cluster.members.get(1);
    String firstAddress = ClusterMember.address(first.getCluster().getLocalMember());
    String secondAddress = ClusterMember.address(second.getCluster().getLocalMember());
    int lost = inputOn(first);
    int onSecond = inputOn(second);
    first.getLifecycleService().terminate();
    ClusterWork.release(onSecond);
    assertEquals(onSecond, results.get(onSecond).get(BOUND));
    await().atMost(BOUND).until(() -> runs(lost) == 2);
    assertTrue(
        ClusterWork.STARTS.get(lost).get(1).startsWith("hz." + second.getName() + "."),
        "the re-run went to the member that had a free thread: " + ClusterWork.STARTS);
    second.getLifecycleService().terminate();

    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> results.get(lost).get(BOUND));
    MemberLostException lostTwice = assertInstanceOf(MemberLostException.class, failure);
    assertEquals(secondAddress, lostTwice.member());
    assertTrue(lostTwice.getMessage().contains("lost with its worker 2 times, more than CrashPolicy.retry(1) allows"),
        lostTwice.getMessage());
    assertTrue(lostTwice.getMessage().contains("Cluster member " + secondAddress), lostTwice.getMessage());
  }
}
