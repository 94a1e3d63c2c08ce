package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.process.WorkerConfig.Output;
import dev.parallelizable.internal.protocol.SerializationCodec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default heap of workers keeps a pool and its parent within the memory the JVM sees. */
class WorkerHeapTest {
  private static final long MIB = 1024 * 1024;
  private static final long GIB = 1024 * MIB;

  @Test
  void halfOfTheMemoryIsForHeapsAndTheParentKeepsItsOwn() {
    // 4 GiB container, parent with the default quarter: (2 GiB - 1 GiB) / 4
    assertEquals(256, WorkerHeap.perWorkerMib(4 * GIB, GIB, 4));
    // a parent with a small heap leaves more to the workers
    assertEquals(448, WorkerHeap.perWorkerMib(4 * GIB, 256 * MIB, 4));
    // a parent with a heap above a quarter is counted as a quarter
    assertEquals(256, WorkerHeap.perWorkerMib(4 * GIB, 3 * GIB, 4));
  }

  @Test
  void aWorkerNeverGetsMoreThanTheJvmsDefaultNorLessThan64Mib() {
    assertEquals(4 * 1024, WorkerHeap.perWorkerMib(16 * GIB, 0, 1), "a quarter at most");
    assertEquals(64, WorkerHeap.perWorkerMib(512 * MIB, 128 * MIB, 16), "64 MiB at least");
  }

  @Test
  void heapsOfParentAndWorkersFitInTheMemoryForAnyPoolSize() {
    for (long memory : new long[] {GIB, 4 * GIB, 32 * GIB}) {
      for (int workers = 1; workers <= 64; workers++) {
        long parent = memory / 4;
        long total = parent + workers * WorkerHeap.perWorkerMib(memory, parent, workers) * MIB;
        assertTrue(
            total <= memory / 2 || WorkerHeap.perWorkerMib(memory, parent, workers) == 64,
            memory + " bytes, " + workers + " workers: " + total);
      }
    }
  }

  @Test
  void theMachinesMemoryIsReadFromTheMemTotalLineOfMeminfo() {
    assertEquals(24 * GIB, WorkerHeap.memTotal("MemTotal:       25165824 kB\nMemFree:  1 kB\n"));
    assertEquals(
        2 * GIB, WorkerHeap.memTotal("Inactive: 7 kB\nMemTotal:\t2097152 kB\nSwapTotal: 0 kB\n"));
    assertEquals(0, WorkerHeap.memTotal("MemFree: 1 kB\nSwapMemTotal: 3 kB\n"), "no MemTotal line");
    assertEquals(0, WorkerHeap.memTotal("MemTotal: kB\n"), "no number");
  }

  @Test
  void theHeapOptionsOfTheUserWinOverTheDefault() {
    assertTrue(WorkerHeap.setsMaxHeap(List.of("-Xmx2g")));
    assertTrue(WorkerHeap.setsMaxHeap(List.of("-Dx=y", "-XX:MaxRAMPercentage=50")));
    assertFalse(WorkerHeap.setsMaxHeap(List.of("-Xms1g", "-XX:+UseG1GC")));
  }

  @Test
  void theWorkerCommandCarriesXmxUnlessTheUserSetOne() {
    List<String> defaulted = command(List.of());
    long xmx = defaulted.stream().filter(o -> o.startsWith("-Xmx")).count();
    assertEquals(1, xmx, defaulted.toString());
    assertTrue(defaulted.stream().anyMatch(o -> o.matches("-Xmx\\d+m")), defaulted.toString());

    List<String> chosen = command(List.of("-Xmx300m"));
    assertEquals(List.of("-Xmx300m"), chosen.stream().filter(o -> o.startsWith("-Xmx")).toList());
    List<String> percentage = command(List.of("-XX:MaxRAMPercentage=10"));
    assertFalse(percentage.stream().anyMatch(o -> o.startsWith("-Xmx")), percentage.toString());
  }

  private static List<String> command(List<String> options) {
    WorkerConfig config =
        new WorkerConfig(
            3, options, null, null, 0, null, null, java.time.Duration.ofSeconds(10), null,
            java.time.Duration.ofSeconds(60), 0, SerializationCodec.INSTANCE, false, Output.INHERIT);
    return config.command(Path.of("s"), Path.of("p"), Path.of("x"), "worker-1");
  }
}
