package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hazelcast members for tests: loopback only, TCP-IP discovery of listed ports, fast failure
 * detection (see the surefire system properties in the pom), each cluster with a name of its own
 * and a random secret that only this JVM knows.
 */
public final class LoopbackCluster implements AutoCloseable {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static LoopbackCluster shared;

  final String name;
  final List<String> addresses;
  final ClusterSecret secret = ClusterSecret.random();
  final List<HazelcastInstance> members = new ArrayList<>();

  private LoopbackCluster(String name, List<String> addresses) {
    this.name = name;
    this.addresses = addresses;
  }

  /**
   * Three members of two threads each, started once per test JVM and shared by the test classes
   * that leave them as they found them (no member stopped, no task left running). Stopped when the
   * JVM exits, by Hazelcast's shutdown hook.
   */
  public static synchronized LoopbackCluster shared() {
    if (shared == null) {
      shared = start(3, 2);
    }
    return shared;
  }

  /** A pool on the shared cluster that submits through its first member. */
  public static ClusterPool sharedPool() {
    return ClusterPool.connect(shared().members.get(0));
  }

  /** A pool on the shared cluster with a per-task timeout, submitting through its first member. */
  public static ClusterPool sharedPool(java.time.Duration taskTimeout) {
    return ClusterPool.builder().instance(shared().members.get(0)).taskTimeout(taskTimeout).build();
  }

  /** Reserves {@code slots} loopback ports for a new cluster; starts no member. */
  static LoopbackCluster reserve(int slots) {
    List<String> addresses = new ArrayList<>();
    for (int port : freePorts(slots)) {
      addresses.add("127.0.0.1:" + port);
    }
    return new LoopbackCluster("test-" + ProcessHandle.current().pid() + "-" + CLUSTERS.incrementAndGet(), addresses);
  }

  /**
   * Starts {@code count} embedded members, one after the other: members started together race to
   * become the master and take seconds to merge, while each later one joins in a fraction of one.
   */
  static LoopbackCluster start(int count, int threadsEach) {
    LoopbackCluster cluster = reserve(count);
    for (int i = 0; i < count; i++) {
      cluster.startMember(i, threadsEach);
    }
    return cluster;
  }

  /**
   * Starts an embedded member on slot {@code slot}. If another process took the slot's port between
   * the check that it was free and the member's bind, the slot moves to another free port (twice
   * at most): members started later find it there, and earlier ones through them.
   */
  HazelcastInstance startMember(int slot, int threads) {
    for (int attempt = 0; ; attempt++) {
      try {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config(slot, threads));
        members.add(member);
        return member;
      } catch (HazelcastException e) {
        if (attempt == 2 || !boundElsewhere(e)) {
          throw e;
        }
        addresses.set(slot, "127.0.0.1:" + freePorts(1)[0]);
      }
    }
  }

  private static boolean boundElsewhere(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  /** A builder for a pool that starts its own instance, a lite member, in this cluster. */
  ClusterPool.Builder poolBuilder() {
    return ClusterPool.builder().clusterName(name).members(addresses).secret(secret);
  }

  /** The configuration of the member on slot {@code slot}. */
  Config config(int slot, int threads) {
    return config(slot, threads, secret);
  }

  /** The configuration of the member on slot {@code slot}, holding {@code secret}. */
  Config config(int slot, int threads, ClusterSecret secret) {
    Config config = ClusterMember.config(name, addresses, port(slot), threads, secret);
    config.setInstanceName(name + "-member-" + slot);
    return config;
  }

  /**
   * Chunk 1 of {@code request} for {@code target}, signed as a pool of the instance {@code via}
   * signs it, in a session of its own that this opens with {@code target}.
   */
  static SignedChunk signedChunk(HazelcastInstance via, Member target, byte[] request) throws Exception {
    ClusterSecret secret = ClusterSecret.of(via);
    byte[] challenge = ClusterSecret.randomBytes(16);
    MemberCapacity open = MemberCapacity.open(
        secret, ClusterMember.EXECUTOR_NAME, challenge, via.getCluster().getLocalMember().getUuid(), target.getUuid());
    byte[] answer = via.getExecutorService(ClusterMember.EXECUTOR_NAME).submitToMember(open, target).get(20, SECONDS);
    byte[] session = MemberCapacity.read(secret, answer, challenge, target.getUuid()).session();
    return new SignedChunk(ChunkCall.signed(secret, session, 1, request), secret, session, 1);
  }

  /** A chunk signed as a pool signs it, and what the pool needs to read its answer. */
  record SignedChunk(ChunkCall call, ClusterSecret secret, byte[] session, long number) {
    /** The answer of {@code outcome}, once its signature is checked as the pool checks it. */
    byte[] answerOf(ChunkOutcome outcome) {
      return outcome.answer(secret, session, number);
    }
  }

  int port(int slot) {
    String address = addresses.get(slot);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  String address(int slot) {
    return addresses.get(slot);
  }

  /** Ports handed out by this JVM, never handed out twice. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * {@code count} ports free on the loopback interface, below the system's range of ephemeral ports
   * when it can be read: a port from that range, free when checked, may be taken by any outgoing
   * connection before a member binds it (members retry connecting to the slots not started yet).
   */
  static int[] freePorts(int count) {
    int[] ports = new int[count];
    int[] range = ephemeralRange();
    java.util.Random random = new java.util.Random();
    for (int i = 0; i < count; i++) {
      ports[i] = range == null ? anyFreePort() : freePortBelow(range[0], random);
    }
    return ports;
  }

  /** The low and high ends of the ephemeral ports (Linux), or null if they cannot be read. */
  private static int[] ephemeralRange() {
    try {
      // Read through a buffer: Files.readString, seeing a size of 0, reads the first byte alone,
      // and a sysctl file read from any offset but its start is empty.
      String line;
      try (java.io.BufferedReader reader =
          java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        line = reader.readLine();
      }
      String[] ends = line.trim().split("\\s+");
      int low = Integer.parseInt(ends[0]);
      return low > 12_000 ? new int[] {low, Integer.parseInt(ends[1])} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int freePortBelow(int ephemeralLow, java.util.Random random) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ephemeralLow - 10_000 + random.nextInt(10_000);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        if (socket.getLocalPort() == port && HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("No free port below " + ephemeralLow + " after 1,000 tries");
  }

  private static int anyFreePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    members.parallelStream().forEach(member -> member.getLifecycleService().terminate());
  }
}
