package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.fixtures.SharedReads;
import dev.parallelizable.fixtures.SharedReadsParallel;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SharedData} on every kind of pool: the same bytes everywhere, read-only everywhere; and, on
 * process pools, no copy in the workers, arrays over the threshold shared automatically, and no
 * file left once closed.
 */
@Timeout(value = 90, unit = SECONDS)
class SharedDataTest {
  private static final Path SHM = Path.of("/dev/shm");
  private final List<Pool> pools = new ArrayList<>();

  static List<PoolKind> kinds() {
    return PoolKind.all();
  }

  private <P extends Pool> P track(P pool) {
    pools.add(pool);
    return pool;
  }

  @AfterEach
  void terminatePools() {
    pools.forEach(Pool::terminate);
  }

  /** {@code count} random doubles from {@code seed}; shared with the other tests of shared data. */
  static double[] doubles(int count, long seed) {
    Random random = new Random(seed);
    double[] values = new double[count];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble();
    }
    return values;
  }

  /** 0 to n - 1, one input per task. */
  static List<Integer> times(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyTaskReadsTheSameBytes(PoolKind kind) {
    Pool pool = track(kind.create(2));
    Random random = new Random(7);
    byte[] bytes = new byte[100_003];
    random.nextBytes(bytes);
    int[] ints = random.ints(50_001).toArray();
    long[] longs = random.longs(20_000).toArray();
    float[] floats = new float[30_000];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = random.nextFloat();
    }
    try (SharedData b = SharedData.of(bytes);
        SharedData i = SharedData.of(ints);
        SharedData l = SharedData.of(longs);
        SharedData f = SharedData.of(floats);
        SharedData d = SharedData.of(doubles(40_000, 3))) {
      for (SharedData data : List.of(b, i, l, f, d)) {
        long expected = SharedReads.checksum(data);
        assertEquals(
            Collections.nCopies(8, expected),
            pool.map(n -> SharedReadsParallel.checksum(data), times(8), 1),
            data + " on " + kind);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTaskCannotWriteIntoSharedData(PoolKind kind) {
    Pool pool = track(kind.create(2));
    double[] values = doubles(10_000, 5);
    try (SharedData data = SharedData.of(values)) {
      long expected = SharedReads.checksum(data);
      assertEquals(
          Collections.nCopies(4, "java.nio.ReadOnlyBufferException"),
          pool.map(n -> SharedReadsParallel.tryToWrite(data), times(4), 1));
      assertEquals(
          Collections.nCopies(4, expected), pool.map(n -> SharedReadsParallel.checksum(data), times(4), 1));
      assertEquals(expected, SharedReads.checksum(SharedData.of(values)));
    }
  }

  @Test
  void aWorkerGivesBackTheMemoryOfHandlesThatWereClosed() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "reads the worker's mappings from /proc");
    try (Pool pool = Parallel.processPool().workers(1).build()) {
      // As joblib does in every call: the data written, mapped and let go, on a pool that lives on.
      for (int call = 0; call < 3; call++) {
        double[] values = doubles(1 << 20, call);
        try (SharedData data = SharedData.of(values)) {
          assertEquals(SharedReads.checksum(data), pool.apply(SharedReadsParallel.checksum(data)));
        }
      }
      // The next tasks drop the mappings; the collector then unmaps them.
      await().atMost(Duration.ofSeconds(20)).until(() -> pool.apply(SharedReadsParallel.closedMappings()) == 0);
    }
  }

  @Test
  void threadsSeeTheArrayItself() {
    double[] values = {1, 2, 3};
    try (SharedData data = SharedData.of(values);
        Pool pool = Parallel.threads(2)) {
      values[1] = 20; // the creator may still write: threads see it, as the javadoc says
      assertEquals(20.0, data.asDoubleBuffer().get(1));
      assertEquals(SharedReads.checksum(SharedData.of(values)), pool.apply(SharedReadsParallel.checksum(data)));
    }
  }

  @Test
  void aViewOfAnotherTypeFailsNamingTheRightOne() {
    try (SharedData data = SharedData.of(new int[3])) {
      IllegalStateException e = assertThrows(IllegalStateException.class, data::asDoubleBuffer);
      assertTrue(e.getMessage().contains("holds INT elements, not DOUBLE: use asIntBuffer()"), e.getMessage());
    }
  }

  /** The directories of this JVM's process pools. */
  private static List<Path> poolDirectories() throws IOException {
    String prefix = "parallelizable-shared-" + ProcessHandle.current().pid() + "-";
    List<Path> found = new ArrayList<>();
    for (Path root : List.of(SHM, Path.of(System.getProperty("java.io.tmpdir")))) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> entries = Files.list(root)) {
          entries.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(found::add);
        }
      }
    }
    return found;
  }

  private static long fileCount() throws IOException {
    long count = 0;
    for (Path directory : poolDirectories()) {
      try (Stream<Path> files = Files.list(directory)) {
        count += files.count();
      }
    }
    return count;
  }

  @Test
  void aWorkerMapsTheDataInsteadOfCopyingIt() {
    int megabytes = 96;
    double[] values = doubles(megabytes << 17, 11);
    try (SharedData data = SharedData.of(values);
        Pool pool = Parallel.processPool().workers(1).maxHeap("64m").build()) {
      // 96 MB could not even be copied into a 64 MB heap; the first call maps, the second reads.
      pool.apply(SharedReadsParallel.tryToWrite(data));
      long[] memory = pool.apply(SharedReadsParallel.readAllAndReportMemory(data));
      long anonGrowthKb = memory[2] - memory[1];
      long rssGrowthKb = memory[4] - memory[3];
      long sizeKb = (long) megabytes << 10;
      assertTrue(anonGrowthKb < sizeKb / 8,
          "the worker's private memory grew by " + anonGrowthKb + " kB reading " + sizeKb + " kB");
      assertTrue(rssGrowthKb > sizeKb / 2,
          "the worker's resident memory grew by only " + rssGrowthKb + " kB reading " + sizeKb
              + " kB: the data was not read through the mapping");
    }
  }

  @Test
  void largeArraysAreWrittenOnceAndNoTaskSeesAnothersWrites() throws IOException {
    double[] values = doubles(1 << 18, 13); // 2 MB, over the default threshold of 1 MiB
    long expected = SharedReads.arrayChecksum(values);
    Pool pool = track(Parallel.processPool().workers(2).build());
    long before = fileCount();
    assertEquals(
        Collections.nCopies(10, values[0]),
        pool.map(n -> SharedReadsParallel.readFirstThenOverwrite(values), times(10), 1),
        "no task sees what another task wrote into its array");
    assertEquals(
        Collections.nCopies(10, expected), pool.map(n -> SharedReadsParallel.arrayChecksum(values), times(10), 1));
    assertEquals(before + 1, fileCount(), "the same array instance is written once");
    assertEquals(expected, pool.apply(SharedReadsParallel.arrayChecksum(values.clone())));
    assertEquals(before + 2, fileCount(), "another instance is another file");
  }

  @Test
  void arraysBelowTheThresholdOrWithTheThresholdOffAreNotWritten() throws IOException {
    double[] values = doubles(1 << 18, 17);
    long expected = SharedReads.arrayChecksum(values);
    Pool off = track(Parallel.processPool().workers(1).sharedArrayThreshold(0).build());
    Pool high = track(Parallel.processPool().workers(1).sharedArrayThreshold(4 << 20).build());
    long before = fileCount();
    assertEquals(expected, off.apply(SharedReadsParallel.arrayChecksum(values)));
    assertEquals(expected, high.apply(SharedReadsParallel.arrayChecksum(values)));
    assertEquals(before, fileCount());
  }

  @Test
  void closingTheHandleOrThePoolLeavesNoFile() throws IOException {
    List<Path> before = poolDirectories();
    Pool pool = Parallel.processes(2);
    SharedData data = SharedData.of(doubles(100_000, 19));
    long expected = SharedReads.checksum(data);
    assertEquals(expected, pool.apply(SharedReadsParallel.checksum(data)));
    double[] large = doubles(1 << 18, 23);
    pool.apply(SharedReadsParallel.arrayChecksum(large));
    List<Path> directories = new ArrayList<>(poolDirectories());
    directories.removeAll(before);
    assertEquals(1, directories.size(), directories.toString());
    Path directory = directories.get(0);
    assertEquals(2, count(directory));
    data.close();
    assertEquals(1, count(directory), "the handle's file is deleted with the handle");
    IllegalArgumentException closed =
        assertThrows(IllegalArgumentException.class, () -> pool.apply(SharedReadsParallel.checksum(data)));
    assertTrue(closed.getMessage().contains(data + " was closed"), closed.getMessage());
    pool.close();
    assertFalse(Files.exists(directory), () -> "the pool's directory is deleted when it closes: " + listing(directory));
  }

  @Test
  void aWorkerThatHadNotMappedAClosedHandleFailsItsTaskSayingSo(@TempDir Path gates) throws IOException {
    SharedData data = SharedData.of(doubles(1000, 29));
    Pool pool = track(Parallel.processes(1));
    Path gate = gates.resolve("open");
    AsyncResult<String> blocker = pool.applyAsync(WorkParallel.awaitFile(gate, 60_000));
    AsyncResult<Long> queued = pool.applyAsync(SharedReadsParallel.checksum(data)); // file written now
    data.close();
    Files.writeString(gate, "open");
    assertEquals("open", blocker.get(Duration.ofSeconds(60)));
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> queued.get(Duration.ofSeconds(60)));
    String chain = chain(failure);
    assertTrue(chain.contains("is gone") && chain.contains("SharedData.close()"), chain);
    assertEquals(27L, pool.apply(WorkParallel.cube(3)), "the worker stays in service");
  }

  static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }

  private static String listing(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(Path::toString).collect(Collectors.joining(", "));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static long count(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }

  @Test
  void aPoolThatIsTerminatedLeavesNoDirectory() throws IOException {
    List<Path> before = poolDirectories();
    Pool pool = Parallel.processes(1);
    try (SharedData data = SharedData.of(new byte[4096])) {
      pool.apply(SharedReadsParallel.checksum(data));
    }
    pool.terminate();
    assertTrue(before.containsAll(poolDirectories()), "terminate() returns once the directory is deleted");
  }
}
