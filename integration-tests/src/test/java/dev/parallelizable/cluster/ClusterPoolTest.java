package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.RemoteException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.fixtures.WorkParallel;
import dev.parallelizable.support.TaskInvoker;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What is particular to the cluster pool, on the shared three-member cluster in this JVM (the
 * general Pool contract runs in {@code ClusterPoolContractTest}).
 */
@Timeout(value = 60, unit = SECONDS)
class ClusterPoolTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static LoopbackCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = LoopbackCluster.shared();
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  @Test
  void sizeIsTheSumOfTheMembersThreads() {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      assertEquals(6, pool.size());
      assertTrue(pool.toString().contains("3 members"), pool.toString());
    }
  }

  @Test
  void chunksAreSpreadOverEveryMember() {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      // Hazelcast names a member's task threads hz.INSTANCE.cached.thread-N.
      Set<String> instances =
          pool.map(x -> WorkParallel.threadName(), range(1, 60), 1).stream()
              .map(thread -> thread.substring("hz.".length(), thread.indexOf(".cached.")))
              .collect(Collectors.toSet());
      Set<String> members =
          cluster.members.stream().map(HazelcastInstance::getName).collect(Collectors.toSet());
      assertEquals(members, instances);
    }
  }

  @Test
  void callbacksRunOnThePoolsCallbackThreadNotOnTheResultThread() throws Exception {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      CompletableFuture<String> thread = new CompletableFuture<>();
      int input = 1_000; // held until the callback is in place, so that it runs where results arrive
      pool.applyAsync(ClusterWorkParallel.hold(input)).onSuccess(x -> thread.complete(Thread.currentThread().getName()));
      ClusterWork.release(input);
      assertEquals("parallelizable-callbacks (" + pool + ")", thread.get(20, SECONDS));
    }
  }

  @Test
  void anUnserializableArgumentFailsTheSubmitNamingTheParameter() {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(ClusterWorkParallel.describe(new Object())));
      for (String part : List.of("'value'", "declared java.lang.Object", "ClusterWork.describe(java.lang.Object value)", "java.lang.Object")) {
        assertTrue(refused.getMessage().contains(part), part + " in: " + refused.getMessage());
      }
      IllegalArgumentException inMap =
          assertThrows(
              IllegalArgumentException.class,
              () -> pool.map(x -> ClusterWorkParallel.describe(x == 7 ? new Object() : x), range(1, 20)));
      assertTrue(inMap.getMessage().contains("'value'"), inMap.getMessage());
      assertEquals(List.of("1", "2"), pool.map(ClusterWorkParallel::describe, range(1, 2)), "the pool stays usable");
    }
  }

  @Test
  void aTaskPastTheTimeoutIsInterruptedOnItsMemberAndFails() {
    try (ClusterPool pool =
        ClusterPool.builder().instance(cluster.members.get(0)).taskTimeout(Duration.ofMillis(500)).build()) {
      int input = 2_000; // never released: only the timeout ends it
      TaskTimeoutException timeout =
          assertThrows(TaskTimeoutException.class, () -> pool.apply(ClusterWorkParallel.hold(input)));
      assertTrue(timeout.getMessage().contains("ClusterWork.hold(" + input + ")"), timeout.getMessage());
      assertTrue(timeout.getMessage().contains("500 ms"), timeout.getMessage());
      assertTrue(timeout.getMessage().contains("interrupted on cluster member 127.0.0.1:"), timeout.getMessage());
      assertEquals(List.of("1", "2"), pool.map(ClusterWorkParallel::describe, range(1, 2)), "the pool stays usable");
    }
  }

  @Test
  void anUnserializableResultFailsItsTaskNamingIt() {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      TaskFailedException failure =
          assertThrows(TaskFailedException.class, () -> pool.apply(ClusterWorkParallel.unserializableResult()));
      String message = failure.getCause().getMessage();
      assertTrue(message.contains("unserializableResult()") && message.contains("java.lang.Object"), message);
      assertTrue(message.contains("cluster member 127.0.0.1:"), message);
    }
  }

  @Test
  void anUnserializableExceptionArrivesWithItsClassMessageAndStack() {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      TaskFailedException failure =
          assertThrows(TaskFailedException.class, () -> pool.apply(ClusterWorkParallel.throwUnserializable("boom")));
      RemoteException remote = assertInstanceOf(RemoteException.class, failure.getCause());
      assertEquals(ClusterWork.UnserializableException.class.getName(), remote.remoteClassName());
      assertTrue(remote.getMessage().contains("boom"), remote.getMessage());
      assertTrue(
          Arrays.stream(remote.getStackTrace()).anyMatch(f -> f.getMethodName().equals("throwUnserializable")),
          "the member's stack is kept");
    }
  }

  @Test
  void aTaskClassMissingOnTheMemberIsNamedWithTheMember() throws Exception {
    // An invoker whose class exists only in a class loader of its own, which members cannot see.
    try (URLClassLoader isolated = new URLClassLoader(new URL[0], TaskInvoker.class.getClassLoader());
        Pool pool = LoopbackCluster.sharedPool()) {
      TaskInvoker invoker =
          (TaskInvoker) Proxy.newProxyInstance(isolated, new Class<?>[] {TaskInvoker.class}, (p, m, a) -> 42L);
      Task<Long> task = TaskMethod.<Long>of(invoker, "answer()", "com.example.Ghost", "answer").bind();
      TaskFailedException failure = assertThrows(TaskFailedException.class, () -> pool.apply(task));
      String message = failure.getCause().getMessage();
      assertTrue(message.contains(invoker.getClass().getName()), message);
      assertTrue(
          cluster.addresses.stream().anyMatch(address -> message.contains("On cluster member " + address)),
          message);
    }
  }

  @Test
  void terminateInterruptsRunningTasksAndLeavesTheMembersUp() {
    Pool doomed = LoopbackCluster.sharedPool();
    List<AsyncResult<String>> sleepers = new ArrayList<>();
    for (int i = 0; i < doomed.size(); i++) {
      sleepers.add(doomed.applyAsync(WorkParallel.sleepMillis(120_000)));
    }
    doomed.terminate();
    sleepers.forEach(sleeper -> assertFalse(sleeper.successful()));
    // Were the sleepers still holding the members' threads, this map would wait two minutes.
    try (Pool pool = LoopbackCluster.sharedPool()) {
      assertEquals(List.of("0", "0", "0", "0", "0", "0"), pool.map(x -> ClusterWorkParallel.describe(0), range(1, 6), 1));
    }
    cluster.members.forEach(member -> assertTrue(member.getLifecycleService().isRunning()));
  }

  @Test
  void closingAPoolOnTheApplicationsInstanceLeavesItRunning() {
    HazelcastInstance member = cluster.members.get(0);
    try (ClusterPool pool = ClusterPool.connect(member)) {
      assertEquals(27L, pool.apply(WorkParallel.cube(3)));
      assertTrue(pool.hazelcastInstance() == member);
    }
    assertTrue(member.getLifecycleService().isRunning());
  }

  @Test
  void aPoolThatStartsItsOwnInstanceJoinsAsALiteMemberAndShutsItDown() {
    ClusterPool pool = cluster.poolBuilder().build();
    HazelcastInstance own = pool.hazelcastInstance();
    try (pool) {
      assertTrue(own.getCluster().getLocalMember().isLiteMember());
      assertEquals(6, pool.size(), "a lite member runs no task");
      assertEquals(List.of(1L, 8L, 27L), pool.map(WorkParallel::cube, range(1, 3)));
    }
    assertFalse(own.getLifecycleService().isRunning());
  }

  @Test
  void runTasksHereMakesThePoolsInstanceAWorkerToo() {
    try (ClusterPool pool =
        cluster.poolBuilder().runTasksHere(1).build()) {
      assertEquals(7, pool.size());
      String local = pool.hazelcastInstance().getName();
      Set<String> threads = Set.copyOf(pool.map(x -> WorkParallel.threadName(), range(1, 40), 1));
      assertTrue(threads.stream().anyMatch(t -> t.startsWith("hz." + local + ".")), threads.toString());
    }
  }

  @Test
  void aClusterWithNoMemberThatRunsTasksIsRefusedAndTheInstanceStopped() {
    int before = Hazelcast.getAllHazelcastInstances().size();
    LoopbackCluster empty = LoopbackCluster.reserve(1);
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> empty.poolBuilder().port(empty.port(0)).build());
    assertTrue(refused.getMessage().contains("'" + empty.name + "' has no member that runs tasks"), refused.getMessage());
    assertTrue(refused.getMessage().contains("ClusterMember"), refused.getMessage());
    assertEquals(before, Hazelcast.getAllHazelcastInstances().size(), "the pool's own instance was shut down");
  }

  @Test
  void theBuilderNeedsAnInstanceOrAClusterName() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().build());
    assertTrue(error.getMessage().contains("clusterName"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().runTasksHere(0));
  }

  @Test
  void memberConfigurationRejectsBadValuesNamingThem() {
    IllegalArgumentException port =
        assertThrows(IllegalArgumentException.class, () -> ClusterMember.config("c", List.of(), 70_000, 1, ClusterSecret.random()));
    assertTrue(port.getMessage().contains("70000"), port.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterMember.config(" ", List.of(), 0, 1, ClusterSecret.random()));
    assertThrows(IllegalArgumentException.class, () -> ClusterMember.config("c", List.of(), 0, 0, ClusterSecret.random()));
  }

  @Test
  void launcherOptionsAreParsedAndCheckedWithTheOffendingValue() {
    ClusterMember.Options options =
        ClusterMember.Options.parse(
            new String[] {"--cluster", "c", "--members", "10.0.0.1:5701, 10.0.0.2", "--port", "5702", "--threads", "3"});
    assertEquals("c", options.cluster);
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), options.members);
    assertEquals(5702, options.port);
    assertEquals(3, options.threads);
    List<String[]> bad =
        List.of(
            new String[] {"--members", "h:1"},
            new String[] {"--cluster", "c"},
            new String[] {"--cluster", "c", "--members", "h:x"},
            new String[] {"--cluster", "c", "--members", "h:1", "--port", "0"},
            new String[] {"--cluster", "c", "--members", "h:1", "--threads"},
            new String[] {"--cluster", "c", "--members", "h:1", "--verbose", "yes"});
    List<String> expected = List.of("--cluster", "--members", "h:x", "\"0\"", "--threads needs a value", "--verbose");
    for (int i = 0; i < bad.size(); i++) {
      String[] arguments = bad.get(i);
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> ClusterMember.Options.parse(arguments));
      assertTrue(error.getMessage().contains(expected.get(i)), error.getMessage());
    }
  }
}
