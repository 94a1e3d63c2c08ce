package dev.parallelizable.cluster;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A measurement, not a test: workload W3 (40 tasks of about 50 ms of pure CPU each) on a cluster of
 * three member JVMs on loopback, beside a process pool of two workers and a sequential loop in this
 * JVM, in the same run. Prints the times, their ratios and the per-task overhead of the cluster.
 * {@code docs/performance.md}, "Cluster overhead: W3 on three loopback members", gives the command
 * and how to read the numbers on a small machine.
 */
public final class W3Measurement {
  private static final int TASKS = 40;
  private static final long TARGET_NANOS = 50_000_000L;
  private static final int ROUNDS = 3;

  private W3Measurement() {}

  public static void main(String[] args) throws Exception {
    long n = calibrate();
    System.out.printf("calibrated: sumOfSquaresMod7(%d) takes about 50 ms here%n", n);
    List<Task<Long>> w3 = Collections.nCopies(TASKS, ClusterWorkParallel.sumOfSquaresMod7(n));

    LoopbackCluster cluster = LoopbackCluster.reserve(4); // three member JVMs and this JVM's pool
    Path secretFile = Files.createTempFile("w3-", ".secret");
    Files.writeString(secretFile, Base64.getEncoder().encodeToString(ClusterSecret.randomBytes(32)));
    List<Process> members = new ArrayList<>();
    try {
      for (int slot = 0; slot < 3; slot++) {
        members.add(startMember(cluster, slot, secretFile));
      }
      try (Pool pool = ClusterPool.builder()
          .clusterName(cluster.name)
          .members(cluster.addresses)
          .port(cluster.port(3))
          .secret(ClusterSecret.fromFile(secretFile))
          .build();
          Pool processes = Parallel.processes(2)) {
        pool.run(w3); // warms up the members' JIT and connections
        processes.run(w3);
        List<Long> sequential = new ArrayList<>();
        List<Long> clustered = new ArrayList<>();
        List<Long> processed = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
          long start = System.nanoTime();
          for (Task<Long> task : w3) {
            task.call();
          }
          sequential.add(System.nanoTime() - start);
          start = System.nanoTime();
          pool.run(w3);
          clustered.add(System.nanoTime() - start);
          start = System.nanoTime();
          processes.run(w3);
          processed.add(System.nanoTime() - start);
        }
        long seq = median(sequential);
        long clu = median(clustered);
        long pro = median(processed);
        System.out.printf("cores here: %d; members: 3 JVMs x 1 thread; pool size %d%n",
            Runtime.getRuntime().availableProcessors(), pool.size());
        System.out.printf("W3 sequential: %d ms; W3 on the cluster: %d ms; cluster/sequential = %.2f (median of %d)%n",
            seq / 1_000_000, clu / 1_000_000, (double) clu / seq, ROUNDS);
        System.out.printf("W3 on a process pool of 2: %d ms; processes/sequential = %.2f; cluster/processes = %.2f%n",
            pro / 1_000_000, (double) pro / seq, (double) clu / pro);

        Task<Long> empty = ClusterWorkParallel.sumOfSquaresMod7(0);
        for (int i = 0; i < 200; i++) {
          pool.apply(empty); // warm-up
        }
        long start = System.nanoTime();
        for (int i = 0; i < 500; i++) {
          pool.apply(empty);
        }
        long roundTrip = (System.nanoTime() - start) / 500;
        List<Task<Long>> empties = Collections.nCopies(5_000, empty);
        start = System.nanoTime();
        pool.map(t -> t, empties, 1);
        long perChunk = (System.nanoTime() - start) / 5_000;
        // Hazelcast alone: the same round trip to one member with the smallest call there is, the
        // one that opens a session.
        ClusterPool clusterPool = (ClusterPool) pool;
        var instance = clusterPool.hazelcastInstance();
        var executor = instance.getExecutorService(ClusterMember.EXECUTOR_NAME);
        var member = instance.getCluster().getMembers().stream()
            .filter(m -> !m.isLiteMember()).findFirst().orElseThrow();
        var open = MemberCapacity.open(ClusterSecret.of(instance), ClusterMember.EXECUTOR_NAME,
            ClusterSecret.randomBytes(16), instance.getCluster().getLocalMember().getUuid(), member.getUuid());
        for (int i = 0; i < 200; i++) {
          executor.submitToMember(open, member).get();
        }
        start = System.nanoTime();
        for (int i = 0; i < 500; i++) {
          executor.submitToMember(open, member).get();
        }
        long hazelcastRoundTrip = (System.nanoTime() - start) / 500;
        System.out.printf(
            "one empty task, submit to result: %d us (Hazelcast's own round trip: %d us);"
                + " empty tasks one per chunk, pipelined: %d us each%n",
            roundTrip / 1_000, hazelcastRoundTrip / 1_000, perChunk / 1_000);
      }
    } finally {
      members.forEach(Process::destroyForcibly);
      Files.deleteIfExists(secretFile);
    }
  }

  /** The n for which one task takes about 50 ms in this JVM, after the JIT has compiled it. */
  private static long calibrate() {
    long n = 1_000_000;
    for (int i = 0; i < 5; i++) {
      ClusterWork.sumOfSquaresMod7(n); // warm-up
    }
    for (int i = 0; i < 4; i++) {
      long start = System.nanoTime();
      ClusterWork.sumOfSquaresMod7(n);
      long took = Math.max(1, System.nanoTime() - start);
      n = Math.max(1, n * TARGET_NANOS / took);
    }
    return n;
  }

  private static Process startMember(LoopbackCluster cluster, int slot, Path secretFile) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dhazelcast.logging.type=none",
        "-Dhazelcast.local.localAddress=127.0.0.1",
        "-Dhazelcast.socket.bind.any=false",
        "-Dhazelcast.wait.seconds.before.join=0",
        "-cp", System.getProperty("java.class.path"),
        ClusterMember.class.getName(),
        "--cluster", cluster.name,
        "--members", String.join(",", cluster.addresses),
        "--secret-file", secretFile.toString(),
        "--port", String.valueOf(cluster.port(slot)),
        "--threads", "1"));
    Process member = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(member.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.contains(" is ready ")) {
            ready.complete(null);
          }
        }
      } catch (Exception e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("member " + slot + " exited"));
    });
    reader.setDaemon(true);
    reader.start();
    ready.get(60, TimeUnit.SECONDS);
    return member;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static {
    // The measuring JVM's own lite member stays on loopback too, and quiet.
    System.setProperty("hazelcast.logging.type", "none");
    System.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    System.setProperty("hazelcast.socket.bind.any", "false");
    System.setProperty("hazelcast.wait.seconds.before.join", "0");
  }
}
