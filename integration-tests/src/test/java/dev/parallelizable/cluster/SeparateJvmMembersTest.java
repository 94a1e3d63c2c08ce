package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.ResultIterator;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two members in JVMs of their own, started with {@code java -cp <this test's classpath>
 * dev.parallelizable.cluster.ClusterMember ...} as a user starts them, with a secret file: tasks
 * resolve by name in a JVM that shares only the classpath and the secret. The pool joins as a lite
 * member from this JVM, so no task runs here. The last test kills a member JVM in the middle of a
 * map.
 */
@Timeout(value = 90, unit = SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateJvmMembersTest {
  private static final String READY = " is ready ";
  private static LoopbackCluster cluster;
  private static final List<Process> members = new ArrayList<>();
  private static ClusterPool pool;
  @TempDir static Path secrets;

  @BeforeAll
  static void startMembers() throws Exception {
    cluster = LoopbackCluster.reserve(3); // slots 0 and 1: member JVMs; slot 2: the pool
    Path secretFile = secrets.resolve("cluster.secret");
    Files.writeString(secretFile, Base64.getEncoder().encodeToString(ClusterSecret.randomBytes(32)) + "\n");
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (int slot = 0; slot < 2; slot++) {
      Process member = launch(slot, "--cluster", cluster.name, "--members", String.join(",", cluster.addresses),
          "--secret-file", secretFile.toString(), "--port", String.valueOf(cluster.port(slot)), "--threads", "2");
      members.add(member);
      ready.add(awaitLine(member, READY));
      // One at a time: members that start together race to be the master and merge slowly.
      ready.get(slot).get(60, SECONDS);
    }
    pool = ClusterPool.builder()
        .clusterName(cluster.name)
        .members(cluster.addresses)
        .port(cluster.port(2))
        .secret(ClusterSecret.fromFile(secretFile))
        .build();
  }

  @AfterAll
  static void stopMembers() {
    if (pool != null) {
      pool.terminate();
    }
    members.forEach(Process::destroyForcibly);
  }

  /** Starts {@code ClusterMember} in a new JVM with this JVM's classpath and Hazelcast settings. */
  private static Process launch(int slot, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("hazelcast.") || name.equals("java.util.logging.config.file"))
        .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
    // Surefire's classpath is a manifest-only jar whose Class-Path lists the real entries.
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterMember.class.getName()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove(ClusterSecret.ENVIRONMENT_VARIABLE); // only what the test passes
    if (slot >= 0) { // a member's log, for when a test fails; a bad command line is read by the test
      File log = Path.of("target", "member-" + cluster.name + "-" + slot + ".log").toFile();
      builder.redirectError(ProcessBuilder.Redirect.appendTo(log));
    }
    return builder.start();
  }

  /** Completes when {@code process} prints a line containing {@code text} on its standard output. */
  private static CompletableFuture<Void> awaitLine(Process process, String text) {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.contains(text)) {
            seen.complete(null);
          }
        }
        seen.completeExceptionally(new IllegalStateException("member exited with " + process.waitFor()));
      } catch (IOException | InterruptedException e) {
        seen.completeExceptionally(e);
      }
    }, "member-output");
    reader.setDaemon(true);
    reader.start();
    return seen;
  }

  private static Set<Long> memberPids() {
    return members.stream().filter(Process::isAlive).map(Process::pid).collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void tasksRunInTheMemberJvmsAndOnlyThere() {
    assertEquals(4, pool.size(), "two members of two threads; the pool's own lite member runs none");
    Set<Long> pids = new HashSet<>(pool.map(x -> ClusterWorkParallel.pid(), IntStream.range(0, 40).boxed().toList(), 1));
    assertEquals(memberPids(), pids);
    assertFalse(pids.contains(ProcessHandle.current().pid()));
  }

  @Test
  @Order(2)
  void resultsAndFailuresCrossTheJvmBoundary() {
    List<Integer> inputs = IntStream.rangeClosed(1, 300).boxed().toList();
    assertEquals(
        LongStream.rangeClosed(1, 300).map(x -> x * x * x).boxed().toList(),
        pool.map(WorkParallel::cube, inputs));
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> pool.map(x -> WorkParallel.failIf(x, 120), inputs));
    IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failure.getCause());
    assertEquals("input 120 is not allowed", cause.getMessage());
  }

  @Test
  @Order(3)
  void aMemberJvmKilledInTheMiddleOfAMapLosesNoResult() throws Exception {
    List<Integer> inputs = IntStream.range(0, 24).boxed().toList();
    List<String> results = new ArrayList<>();
    Process victim = members.get(1);
    try (ResultIterator<String> iterator = pool.imap(x -> WorkParallel.sleepMillis(250), inputs, 1)) {
      for (int i = 0; i < 4; i++) {
        results.add(iterator.next());
      }
      victim.destroyForcibly();
      assertTrue(victim.waitFor(30, SECONDS));
      iterator.forEachRemaining(results::add);
    }
    assertEquals(24, results.size(), "every input has exactly one result");
    assertEquals(1, memberPids().size());
    assertEquals(memberPids(), new HashSet<>(pool.map(x -> ClusterWorkParallel.pid(), List.of(1, 2, 3), 1)),
        "the pool goes on with the member that remains");
  }

  @Test
  void aLauncherWithoutASecretExitsWith2NamingTheOptionsAndTheVariable() throws Exception {
    Process launcher = launch(-1, "--cluster", "c", "--members", "127.0.0.1:1");
    if (!launcher.waitFor(30, SECONDS)) {
      launcher.destroyForcibly();
      throw new TimeoutException("the launcher did not exit without a secret");
    }
    assertEquals(2, launcher.exitValue());
    String error = new String(launcher.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    for (String part : List.of("no cluster secret", "--secret-file PATH", ClusterSecret.ENVIRONMENT_VARIABLE,
        "openssl rand -base64 32", "--insecure-no-secret")) {
      assertTrue(error.contains(part), part + " in: " + error);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--cluster c", "--cluster c --members h:1 --port x", "--cluster c --members h:1 --verbose"})
  void badLauncherArgumentsPrintUsageAndExitWith2(String arguments) throws Exception {
    String[] split = arguments.isEmpty() ? new String[0] : arguments.split(" ");
    Process launcher = launch(-1, split);
    if (!launcher.waitFor(30, SECONDS)) {
      launcher.destroyForcibly();
      throw new TimeoutException("the launcher did not exit on bad arguments: " + arguments);
    }
    assertEquals(2, launcher.exitValue());
    String error = new String(launcher.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(error.startsWith("ClusterMember: "), error);
    assertTrue(error.contains("Usage: java -cp <application classpath> dev.parallelizable.cluster.ClusterMember"), error);
  }
}
