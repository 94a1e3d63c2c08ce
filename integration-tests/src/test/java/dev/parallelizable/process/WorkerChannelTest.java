package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's channel as its process sees it: two named pipes, and beside them a socket for large
 * frames that the first large frame sets up; or, where the system property asks for it (as a
 * missing {@code mkfifo} does), a socket for everything. Read from the worker's open file
 * descriptors in {@code /proc}, so Linux only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerChannelTest {
  private static final String CHANNEL_PROPERTY = "dev.parallelizable.workerChannel";
  private static final Duration BOUND = Duration.ofSeconds(20);

  @AfterEach
  void clearProperty() {
    System.clearProperty(CHANNEL_PROPERTY);
  }

  @Test
  void smallFramesCrossPipesAndTheFirstLargeFrameAddsTheBulkSocketWhichCarriesTheRestBothWays()
      throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "reads /proc");
    try (Pool pool = Parallel.processPool().workers(1).build()) {
      long worker = pool.apply(WorkParallel.pid());
      assertEquals(27L, pool.apply(WorkParallel.cube(3)));
      assertEquals(2, pipes(worker), "the channel's two named pipes");
      assertEquals(0, bulkSockets(worker), "small frames need no bulk socket");

      // Above a pipe's 64 KiB, below the 1 MiB from which arrays go through shared memory.
      byte[] payload = new byte[500_000];
      payload[499_999] = 7;
      assertEquals(payload.length, pool.apply(WorkParallel.length(payload)));
      await().atMost(BOUND).until(() -> bulkSockets(worker) == 1);

      for (int i = 0; i < 5; i++) {
        assertEquals(payload.length, pool.apply(WorkParallel.length(payload)), "to the worker");
        byte[] counting = pool.apply(WorkParallel.countingBytes(3_000_000 + i));
        assertEquals(3_000_000 + i, counting.length, "from the worker");
        assertEquals((byte) 2_999_999, counting[2_999_999]);
        assertEquals(27L, pool.apply(WorkParallel.cube(3)), "small frames between them keep their order");
      }
      List<Integer> lengths = pool.map(WorkParallel::length, List.of(payload, new byte[3], payload));
      assertEquals(List.of(payload.length, 3, payload.length), lengths);
      assertEquals(worker, pool.apply(WorkParallel.pid()), "one worker served it all");
      assertEquals(1, bulkSockets(worker), "one bulk socket, set up once");
    }
  }

  @Test
  void underTheSocketPropertyTheWorkerHasNoPipesAndNoBulkSocket() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "reads /proc");
    System.setProperty(CHANNEL_PROPERTY, "socket");
    try (Pool pool = Parallel.processPool().workers(1).build()) {
      long worker = pool.apply(WorkParallel.pid());
      assertEquals(0, pipes(worker));
      String[] arguments = ProcessHandle.of(worker).orElseThrow().info().arguments().orElseThrow();
      assertTrue(List.of(arguments).stream().anyMatch(argument -> argument.matches(".*/parallelizable-[^/]*/s")),
          "the worker was given a socket: " + List.of(arguments));
      byte[] payload = new byte[500_000];
      payload[499_999] = 7;
      assertArrayEquals(payload, (byte[]) pool.apply(WorkParallel.echo(payload)));
      assertEquals(3_000_000, pool.apply(WorkParallel.countingBytes(3_000_000)).length);
      assertEquals(0, bulkSockets(worker), "no bulk socket beside the socket");
    }
  }

  @Test
  void aPropertyValueOtherThanPipesOrSocketIsRefusedWhenThePoolIsBuilt() {
    System.setProperty(CHANNEL_PROPERTY, "tcp");
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> Parallel.processPool().workers(1).build());
    assertEquals("The system property dev.parallelizable.workerChannel is \"tcp\"; it takes \"pipes\""
        + " (named pipes, the default where mkfifo is on the PATH) or \"socket\" (a Unix domain socket)",
        refused.getMessage());
  }

  /**
   * A parent JVM whose {@code mkfifo} fails, as on a file system without named pipes: the worker
   * it was for is replaced, the parent says once that workers use a socket from now on, and the
   * task runs.
   */
  @Test
  void whereMkfifoFailsTheWorkerIsReplacedAndWorkersTalkOverASocket(@TempDir Path directory)
      throws IOException, InterruptedException {
    Path bin = Files.createDirectory(directory.resolve("bin"));
    Path mkfifo = bin.resolve("mkfifo");
    Files.writeString(mkfifo, String.join("\n",
        "#!/bin/sh", "echo \"mkfifo: cannot create fifo: Operation not supported\" >&2", "exit 1", ""));
    assertTrue(mkfifo.toFile().setExecutable(true));
    ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), ParentMain.class.getName(), "apply")
        .redirectErrorStream(true);
    builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    Process parent = builder.start();
    String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(parent.waitFor(30, TimeUnit.SECONDS), output);
    assertEquals(0, parent.exitValue(), output);
    assertTrue(output.contains("RESULT 27"), output);
    assertTrue(output.contains("its named pipes could not be made: " + mkfifo), output);
    assertTrue(output.contains("mkfifo: cannot create fifo: Operation not supported"), output);
    assertTrue(output.contains("the pool starts another"), output);
    assertEquals(1, output.split("Named pipes could not be made in ", -1).length - 1,
        "said once: " + output);
  }

  /** How many bulk sockets the worker has open. */
  private static int bulkSockets(long pid) throws IOException {
    return workerSockets(pid, "b");
  }

  /**
   * How many Unix domain sockets the worker has open whose address is the file {@code name} of a
   * worker's directory: its sockets' inodes, looked up in {@code /proc/net/unix}, which keeps a
   * socket's address after its file is deleted. (The JDK opens sockets of its own, more or fewer
   * by version, so sockets are not counted by their descriptors alone.)
   */
  private static int workerSockets(long pid, String name) throws IOException {
    List<String> open = descriptors(pid, "socket:[");
    int found = 0;
    for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 8 && fields[7].matches(".*/parallelizable-[^/]*/" + name)
          && open.contains("socket:[" + fields[6] + "]")) {
        found++;
      }
    }
    return found;
  }

  /** How many of the named pipes of a worker's directory (deleted once open) the worker has open. */
  private static int pipes(long pid) throws IOException {
    int pipes = 0;
    for (String target : descriptors(pid, "/")) {
      if (target.matches(".*/parallelizable-[^/]*/[ud]( \\(deleted\\))?")) {
        pipes++;
      }
    }
    return pipes;
  }

  private static List<String> descriptors(long pid, String prefix) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        try {
          String target = Files.readSymbolicLink(entry).toString();
          if (target.startsWith(prefix)) {
            found.add(target);
          }
        } catch (IOException e) {
          // closed while listed
        }
      }
    }
    return found;
  }
}
