package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
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
      // The JDK's file channels hold one socket of their own (for closing a channel another
      // thread reads): the worker's sockets are counted from there.
      int jdkSockets = sockets(worker).size();

      // Above a pipe's 64 KiB, below the 1 MiB from which arrays go through shared memory.
      byte[] payload = new byte[500_000];
      payload[499_999] = 7;
      assertEquals(payload.length, pool.apply(WorkParallel.length(payload)));
      await().atMost(BOUND).until(() -> sockets(worker).size() == jdkSockets + 1);

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
      assertEquals(jdkSockets + 1, sockets(worker).size(), "one bulk socket, set up once");
    }
  }

  @Test
  void underTheSocketPropertyTheWorkerHasNoPipesAndNoBulkSocket() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "reads /proc");
    System.setProperty(CHANNEL_PROPERTY, "socket");
    try (Pool pool = Parallel.processPool().workers(1).build()) {
      long worker = pool.apply(WorkParallel.pid());
      assertEquals(0, pipes(worker));
      int sockets = sockets(worker).size();
      byte[] payload = new byte[500_000];
      payload[499_999] = 7;
      assertArrayEquals(payload, (byte[]) pool.apply(WorkParallel.echo(payload)));
      assertEquals(3_000_000, pool.apply(WorkParallel.countingBytes(3_000_000)).length);
      assertEquals(sockets, sockets(worker).size(), "no bulk socket beside the socket");
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

  /** The sockets the worker has open. */
  private static List<String> sockets(long pid) throws IOException {
    return descriptors(pid, "socket:");
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
