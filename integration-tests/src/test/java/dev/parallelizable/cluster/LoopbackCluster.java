package dev.parallelizable.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
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
 * detection (see the surefire system properties in the pom), each cluster with a name of its own.
 */
public final class LoopbackCluster implements AutoCloseable {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static LoopbackCluster shared;

  final String name;
  final List<String> addresses;
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

  /** Starts an embedded member on slot {@code slot}. */
  HazelcastInstance startMember(int slot, int threads) {
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config(slot, threads));
    members.add(member);
    return member;
  }

  /** The configuration of the member on slot {@code slot}. */
  Config config(int slot, int threads) {
    Config config = ClusterMember.config(name, addresses, port(slot), threads);
    config.setInstanceName(name + "-member-" + slot);
    return config;
  }

  int port(int slot) {
    String address = addresses.get(slot);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  String address(int slot) {
    return addresses.get(slot);
  }

  static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          // a port we could not close stays reserved by no one once this JVM exits
        }
      }
    }
  }

  @Override
  public void close() {
    members.parallelStream().forEach(member -> member.getLifecycleService().terminate());
  }
}
