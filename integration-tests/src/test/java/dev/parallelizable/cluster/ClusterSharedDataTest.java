package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.parallelizable.Codec;
import dev.parallelizable.SharedData;
import dev.parallelizable.Task;
import dev.parallelizable.fixtures.SharedReads;
import dev.parallelizable.fixtures.SharedReadsParallel;
import dev.parallelizable.spi.EncodedChunk;
import dev.parallelizable.spi.SharedDataPublisher;
import dev.parallelizable.spi.SharedDataStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SharedData} on a cluster pool: the bytes cross once per member, not with every task, and
 * leave the cluster when the handle or the pool is closed.
 */
@Timeout(value = 60, unit = SECONDS)
class ClusterSharedDataTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static LoopbackCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = LoopbackCluster.shared();
  }

  private static SharedData doubles(int count, long seed) {
    Random random = new Random(seed);
    double[] values = new double[count];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble();
    }
    return SharedData.of(values);
  }

  private static List<Integer> times(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  private static long fetches() {
    return cluster.members.stream().mapToLong(m -> ClusterShares.receiver(m).fetches()).sum();
  }

  private static IMap<String, byte[]> map() {
    return cluster.members.get(0).getMap(ClusterShares.MAP_NAME);
  }

  private static boolean stored(SharedData data) {
    String id = data.toString().replaceAll("SharedData#(\\d+)\\(.*", "$1");
    return map().keySet().stream().anyMatch(key -> key.endsWith("/" + id));
  }

  @Test
  void theDataCrossesOncePerMemberNotOncePerTask() {
    long before = fetches();
    try (SharedData data = doubles(200_000, 11);
        ClusterPool pool = LoopbackCluster.sharedPool()) {
      long expected = SharedReads.checksum(data);
      int tasks = 60;
      assertEquals(
          Collections.nCopies(tasks, expected), pool.map(n -> SharedReadsParallel.checksum(data), times(tasks), 1));
      assertEquals(1, pool.sharedPuts(), "the caller puts the bytes once");
      long fetched = fetches() - before;
      assertTrue(
          fetched >= 1 && fetched <= cluster.members.size(),
          "each of the " + cluster.members.size() + " members gets the bytes at most once, for " + tasks
              + " tasks; got " + fetched);
      assertTrue(stored(data), "the bytes stay in the cluster while the handle is open");
    }
  }

  @Test
  void closingTheHandleRemovesItsBytesFromTheClusterAndTheMembersCaches() {
    try (ClusterPool pool = LoopbackCluster.sharedPool()) {
      SharedData data = doubles(10_000, 13);
      long expected = SharedReads.checksum(data);
      assertEquals(Collections.nCopies(12, expected), pool.map(n -> SharedReadsParallel.checksum(data), times(12), 1));
      assertTrue(stored(data));
      int held = cluster.members.stream().mapToInt(m -> ClusterShares.receiver(m).held()).sum();
      assertTrue(held >= 1, "a member holds the handle: " + held);
      data.close();
      assertFalse(stored(data), "close() removes the bytes from the cluster at once");
      await().atMost(BOUND).until(() -> cluster.members.stream().mapToInt(m -> ClusterShares.receiver(m).held()).sum() < held);
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> pool.apply(SharedReadsParallel.checksum(data)));
      assertTrue(String.valueOf(error.getMessage()).contains("closed"), error.getMessage());
    }
  }

  @Test
  void closingThePoolRemovesTheBytesOfEveryHandleItWasGiven() {
    SharedData data = doubles(10_000, 17);
    try (ClusterPool pool = LoopbackCluster.sharedPool()) {
      pool.apply(SharedReadsParallel.checksum(data));
      assertTrue(stored(data));
    }
    assertFalse(stored(data), "the pool removed the bytes when it closed");
    data.close();
  }

  @Test
  void theBytesOfACallerThatLeavesWithoutClosingItsPoolAreRemoved() {
    ClusterPool pool = cluster.poolBuilder().build();
    HazelcastInstance caller = pool.hazelcastInstance();
    try (SharedData data = doubles(10_000, 23)) {
      pool.apply(SharedReadsParallel.checksum(data));
      assertTrue(stored(data));
      caller.getLifecycleService().terminate(); // as if the caller's JVM died
      await().atMost(BOUND).until(() -> !stored(data));
    } finally {
      pool.terminate();
    }
  }

  @Test
  void aReferenceToBytesTheClusterDoesNotHoldFailsItsTaskSayingSo() throws Exception {
    // A caller whose store drops every put: its tasks refer to keys no member can find.
    SharedDataStore forgetful = new SharedDataStore() {
      @Override
      public void put(String key, byte[] bytes) {}

      @Override
      public void remove(String key) {}

      @Override
      public byte[] get(String key) {
        return null;
      }
    };
    try (SharedData data = doubles(100, 19);
        SharedDataPublisher publisher = SharedDataPublisher.create(forgetful, "forged/")) {
      Task<?>[] tasks = {SharedReadsParallel.checksum(data)};
      byte[] request = EncodedChunk.encode(tasks, Codec.serialization(), publisher).request(0, 1);
      HazelcastInstance member = cluster.members.get(1);
      Member self = member.getCluster().getLocalMember();
      LoopbackCluster.SignedChunk chunk = LoopbackCluster.signedChunk(member, self, request);
      ChunkOutcome outcome =
          member.getExecutorService(ClusterMember.EXECUTOR_NAME).submitToMember(chunk.call(), self).get(20, SECONDS);
      String answer = new String(chunk.answerOf(outcome), StandardCharsets.ISO_8859_1);
      assertTrue(answer.contains("is gone: the pool's store holds nothing under forged/"), answer);
    }
  }
}
