package dev.parallelizable.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultCache;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.Costly;
import dev.parallelizable.fixtures.CostlyParallel;
import dev.parallelizable.fixtures.Work;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResultCache}: hits that run nothing and reach no worker, the entries on disk (corrupt
 * ones, the size limit and its LRU order, many writers at once), failures, and arguments or results
 * that cannot be encoded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResultCacheTest {
  private static final List<Integer> INPUTS = IntStream.range(0, 10).boxed().toList();

  @TempDir Path temp;

  @Test
  void aCachedCallIsNotSentToAWorkerAndReturnsTheSameValue() throws IOException {
    Path log = temp.resolve("runs.log");
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    List<Long> expected = INPUTS.stream().map(x -> (long) x * x).toList();
    try (Pool pool = cache.on(Parallel.processes(2))) {
      assertEquals(expected, pool.map(x -> CostlyParallel.square(log, x), INPUTS));
      assertEquals(10, Costly.runs(log));
      assertEquals(10, cache.stats().misses());

      assertEquals(expected, pool.map(x -> CostlyParallel.square(log, x), INPUTS));
      assertEquals(49L, pool.applyAsync(CostlyParallel.square(log, 7)).get());
      assertEquals(10, Costly.runs(log), "no hit ran again");
      assertEquals(11, cache.stats().hits());
      assertEquals(10, cache.stats().stores());

      assertEquals(121L, pool.apply(CostlyParallel.square(log, 11)));
      assertEquals(11, Costly.runs(log), "a new argument is a miss");
      pool.shutdown();
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> pool.apply(CostlyParallel.square(log, 4)));
      assertTrue(refused.getMessage().contains("was shut down"), refused.getMessage());
    }
    ResultCache reopened = ResultCache.open(temp.resolve("cache"));
    assertEquals(Optional.of(16L), reopened.get(CostlyParallel.square(log, 4)));
  }

  /**
   * A process pool starts a worker JVM when a task needs one: a second run whose every input the
   * cache answers starts none. The workers' java is a script that counts its launches; a pool built
   * with {@code prestartWorkers()} starts all of its workers with nothing to do.
   */
  @Test
  void aMapAnsweredEntirelyByTheCacheStartsNoWorkerJvm() throws IOException {
    Path log = temp.resolve("runs.log");
    Path launches = temp.resolve("launches");
    Path java = temp.resolve("java");
    Files.writeString(java, String.join("\n",
        "#!/bin/sh",
        "echo launched >> '" + launches + "'",
        "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"",
        ""));
    assertTrue(java.toFile().setExecutable(true));
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    List<Long> expected = INPUTS.stream().map(x -> (long) x * x).toList();
    try (Pool pool = cache.on(Parallel.processPool().workers(2).javaExecutable(java).build())) {
      assertEquals(expected, pool.map(x -> CostlyParallel.square(log, x), INPUTS));
    }
    long firstRun = launchCount(launches);
    assertTrue(firstRun >= 1 && firstRun <= 2, "the first run launched " + firstRun);

    try (Pool pool = cache.on(Parallel.processPool().workers(2).javaExecutable(java).build())) {
      assertEquals(expected, pool.map(x -> CostlyParallel.square(log, x), INPUTS));
      assertEquals(0, pool.stats().workersStarted());
    }
    assertEquals(firstRun, launchCount(launches), "a run answered by the cache launched a JVM");
    assertEquals(10, Costly.runs(log));

    Parallel.processPool().workers(2).javaExecutable(java).prestartWorkers().build().close(); // no task
    assertEquals(firstRun + 2, launchCount(launches), "prestartWorkers starts every worker");
  }

  private static long launchCount(Path launches) throws IOException {
    return Files.exists(launches) ? Files.readAllLines(launches).size() : 0;
  }

  @Test
  void imapAndImapUnorderedMixHitsAndMisses() throws IOException {
    Path log = temp.resolve("runs.log");
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    try (Pool pool = cache.on(Parallel.threads(3))) {
      pool.map(x -> CostlyParallel.square(log, x), List.of(0, 2, 4, 6, 8));
      List<Long> ordered = new ArrayList<>();
      try (ResultIterator<Long> results = pool.imap(x -> CostlyParallel.square(log, x), INPUTS)) {
        results.forEachRemaining(ordered::add);
      }
      assertEquals(INPUTS.stream().map(x -> (long) x * x).toList(), ordered);
      List<Long> unordered = new ArrayList<>();
      try (ResultIterator<Long> results =
          pool.imapUnordered(x -> CostlyParallel.square(log, x), IntStream.range(0, 15).boxed().toList())) {
        results.forEachRemaining(unordered::add);
      }
      assertEquals(
          IntStream.range(0, 15).mapToObj(x -> (long) x * x).collect(Collectors.toSet()),
          Set.copyOf(unordered));
      assertEquals(15, unordered.size());
    }
    assertEquals(15, Costly.runs(log), "each input ran once");
    assertEquals(5 + 10 + 15 - 15, cache.stats().hits());
  }

  @Test
  void eachMissOfAnUnorderedMapIsStoredUnderItsOwnInput() throws Exception {
    ResultCache cache = ResultCache.builder(temp.resolve("cache")).cacheFailures(true).build();
    // One window of the view (at least 64 inputs): its first chunk waits at the gate, so every other
    // chunk completes before it, out of input order.
    List<Integer> inputs = IntStream.rangeClosed(1, 64).boxed().toList();
    Function<Integer, Task<Integer>> gated =
        x -> x <= 7 ? WorkParallel.awaitGate(x, 30_000) : WorkParallel.nonNegative(x);
    List<Integer> unordered = new ArrayList<>();
    Work.gate = new CountDownLatch(1);
    try (Pool pool = cache.on(Parallel.threads(2));
        ResultIterator<Integer> results = pool.imapUnordered(gated, inputs, 7)) {
      for (int i = 0; i < inputs.size() - 7; i++) {
        unordered.add(results.next());
      }
      assertTrue(unordered.stream().allMatch(x -> x > 7), "the gated chunk completes last: " + unordered);
      Work.gate.countDown();
      results.forEachRemaining(unordered::add);
    } finally {
      Work.gate.countDown();
    }
    assertEquals(Set.copyOf(inputs), Set.copyOf(unordered));
    // A failure in the middle of a chunk is stored under its own input too.
    try (Pool pool = cache.on(Parallel.threads(2));
        ResultIterator<Integer> results = pool.imapUnordered(WorkParallel::nonNegative, List.of(100, 101, -5, 102), 4)) {
      TaskFailedException failure = assertThrows(TaskFailedException.class, () -> results.forEachRemaining(x -> {}));
      assertEquals("input -5 is negative", failure.getCause().getMessage());
    }
    // Another pool answers from the entries alone: a value or failure stored under another input's
    // key would come back for that input, and an input stored under none would run.
    try (Pool threads = Parallel.threads(2); Pool pool = cache.on(threads)) {
      assertEquals(inputs, pool.map(gated, inputs));
      assertEquals(List.of(100, 101), pool.map(WorkParallel::nonNegative, List.of(100, 101)));
      TaskFailedException cached = assertThrows(TaskFailedException.class,
          () -> pool.map(WorkParallel::nonNegative, List.of(-5)));
      assertEquals("input -5 is negative", cached.getCause().getMessage());
      assertEquals(0, threads.stats().submitted(), "every call was answered by the cache");
    }
  }

  @Test
  void aTruncatedOrGarbledEntryIsAMissAndIsReplaced() throws IOException {
    Path log = temp.resolve("runs.log");
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    Pool pool = cache.on(Parallel.sequential());
    assertEquals(9L, pool.apply(CostlyParallel.square(log, 3)));
    Path entry = onlyEntry(temp.resolve("cache"));

    try (RandomAccessFile file = new RandomAccessFile(entry.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    assertEquals(Optional.empty(), cache.get(CostlyParallel.square(log, 3)));
    assertEquals(1, cache.stats().corrupt());
    assertEquals(9L, pool.apply(CostlyParallel.square(log, 3)));
    assertEquals(2, Costly.runs(log));
    assertEquals(Optional.of(9L), cache.get(CostlyParallel.square(log, 3)), "replaced by a good entry");

    byte[] bytes = Files.readAllBytes(entry);
    bytes[bytes.length - 3] ^= 0x5a;
    Files.write(entry, bytes);
    assertEquals(9L, pool.apply(CostlyParallel.square(log, 3)));
    assertEquals(2, cache.stats().corrupt());
    assertEquals(3, Costly.runs(log), "a garbled value is never returned");
    assertEquals(Optional.of(9L), cache.get(CostlyParallel.square(log, 3)));
  }

  @Test
  void theSizeLimitEvictsTheLeastRecentlyUsedEntries() throws IOException {
    int size = 2_000;
    Path directory = temp.resolve("cache");
    Pool unlimited = ResultCache.open(directory).on(Parallel.sequential());
    unlimited.apply(CostlyParallel.block(0, size));
    long entryBytes = Files.size(onlyEntry(directory));
    ResultCache.open(directory).clear();

    ResultCache cache = ResultCache.builder(directory).maxBytes(3 * entryBytes + entryBytes / 2).build();
    Pool pool = cache.on(Parallel.sequential());
    pool.apply(CostlyParallel.block(0, size));
    pool.apply(CostlyParallel.block(1, size));
    pool.apply(CostlyParallel.block(2, size));
    assertTrue(cache.get(CostlyParallel.block(0, size)).isPresent(), "0 is now the most recent");
    pool.apply(CostlyParallel.block(3, size));

    assertEquals(1, cache.stats().evictions());
    assertFalse(cache.get(CostlyParallel.block(1, size)).isPresent(), "the least recently used went");
    for (int key : new int[] {0, 2, 3}) {
      assertArrayEquals(Costly.expectedBlock(key, size), cache.get(CostlyParallel.block(key, size)).orElseThrow());
    }
    ResultCache.MethodEntries blocks = cache.inspect().get(0);
    assertEquals(Costly.class.getName() + ".block(int,int)", blocks.method());
    assertEquals(3, blocks.entries());
    assertEquals(3 * entryBytes, blocks.bytes());
    assertTrue(blocks.fingerprint().matches("[0-9a-f]{16}"), blocks.fingerprint());
  }

  @Test
  void failuresAreNotCachedUnlessAsked() throws IOException {
    Path log = temp.resolve("runs.log");
    try (Pool pool = ResultCache.open(temp.resolve("plain")).on(Parallel.threads(2))) {
      for (int i = 0; i < 2; i++) {
        TaskFailedException failure =
            assertThrows(TaskFailedException.class, () -> pool.apply(CostlyParallel.failing(log, 5)));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
      }
      assertThrows(TaskFailedException.class, () -> pool.map(x -> CostlyParallel.failing(log, x), List.of(6)));
      assertEquals(3, Costly.runs(log));
    }

    ResultCache failures = ResultCache.builder(temp.resolve("failures")).cacheFailures(true).build();
    try (Pool pool = failures.on(Parallel.threads(2))) {
      for (int i = 0; i < 3; i++) {
        TaskFailedException failure =
            assertThrows(TaskFailedException.class, () -> pool.apply(CostlyParallel.failing(log, 5)));
        assertEquals("input 5 is refused", failure.getCause().getMessage());
      }
      for (int i = 0; i < 2; i++) {
        TaskFailedException failure =
            assertThrows(
                TaskFailedException.class,
                () -> pool.map(x -> CostlyParallel.failing(log, x), List.of(7)));
        assertEquals("input 7 is refused", failure.getCause().getMessage());
      }
      assertEquals(3 + 2, Costly.runs(log), "each failure ran once");
      assertEquals(3, failures.stats().hits());
    }
  }

  @Test
  void aCrashATimeoutOrACancellationStoresNothingEvenWhenFailuresAreCached() {
    ResultCache cache = ResultCache.builder(temp.resolve("cache")).cacheFailures(true).build();
    try (Pool pool =
        cache.on(Parallel.processPool().workers(1).taskTimeout(Duration.ofSeconds(2)).build())) {
      assertThrows(WorkerCrashedException.class, () -> pool.apply(WorkParallel.halt(3)));
      assertThrows(TaskTimeoutException.class, () -> pool.apply(WorkParallel.sleepMillis(60_000)));
      assertThrows(WorkerCrashedException.class, () -> pool.apply(WorkParallel.halt(3)), "ran again");
      AsyncResult<String> cancelled = pool.applyAsync(WorkParallel.sleepMillis(60_000));
      pool.terminate();
      assertThrows(TaskCancelledException.class, cancelled::get);
    }
    assertEquals(0, cache.stats().stores());
    assertEquals(List.of(), cache.inspect());
  }

  @Test
  void aCancelledMissIsDoneAndCancelledAtOnceThroughTheResultOrItsViewAndStoresNothing() throws Exception {
    ResultCache cache = ResultCache.builder(temp.resolve("cache")).cacheFailures(true).build();
    Work.gate = new CountDownLatch(1);
    try (Pool pool = cache.on(Parallel.threads(1))) {
      AsyncResult<Integer> running = pool.applyAsync(WorkParallel.awaitGate(1, 20_000));
      AsyncResult<Long> queued = pool.applyAsync(WorkParallel.cube(3));
      CompletableFuture<Long> view = queued.toCompletableFuture();
      assertTrue(view.cancel(false), "the view's cancel cancels the queued task");
      assertTrue(view.isCancelled());
      assertTrue(queued.isDone());
      assertTrue(queued.isCancelled());
      assertThrows(TaskCancelledException.class, queued::get);
      CancellationException cancellation = assertThrows(CancellationException.class, () -> queued.get(0, SECONDS));
      assertInstanceOf(TaskCancelledException.class, cancellation.getCause());
      assertFalse(queued.cancel(false), "nothing left to cancel");
      assertTrue(running.cancel(false), "Future's cancel discards a running task's result");
      assertTrue(running.isCancelled());
      Work.gate.countDown();
      assertEquals(27L, pool.apply(WorkParallel.cube(3)), "ran after all, once asked again");
      assertFalse(pool.applyAsync(WorkParallel.cube(3)).cancel(false), "a hit is done: nothing to cancel");
    }
    assertEquals(1, cache.stats().stores(), "only the cube that ran was stored");
  }

  @AfterEach
  void openTheGate() {
    Work.gate = new CountDownLatch(0);
  }

  @Test
  void anArgumentThatCannotBeEncodedFailsTheCallBeforeAnythingRuns() {
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    try (Pool pool = cache.on(Parallel.threads(2))) {
      Object notSerializable = new Object();
      IllegalArgumentException failure =
          assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(CostlyParallel.size(notSerializable)));
      assertTrue(failure.getMessage().contains("parameter 'value' (declared java.lang.Object)"), failure.getMessage());
      assertTrue(failure.getMessage().contains(Costly.class.getName() + ".size(java.lang.Object value)"), failure.getMessage());
      assertTrue(failure.getMessage().contains("make the class Serializable"), failure.getMessage());
      assertThrows(IllegalArgumentException.class, () -> pool.map(CostlyParallel::size, List.of("a", notSerializable)));
      assertEquals(0, cache.stats().misses() + cache.stats().hits(), "nothing was looked up or run");

      TaskFailedException result =
          assertThrows(TaskFailedException.class, () -> pool.apply(CostlyParallel.unencodableResult(1)));
      assertTrue(result.getCause().getMessage().contains("Cannot cache the result of Costly.unencodableResult(1)"),
          result.getCause().getMessage());
      assertEquals(0, cache.stats().stores());
    }
  }

  @Test
  void clearDeletesEveryEntry() throws IOException {
    Path log = temp.resolve("runs.log");
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    Pool pool = cache.on(Parallel.sequential());
    pool.map(x -> CostlyParallel.square(log, x), INPUTS);
    assertEquals(10, cache.inspect().get(0).entries());
    cache.clear();
    assertEquals(List.of(), cache.inspect());
    pool.map(x -> CostlyParallel.square(log, x), INPUTS);
    assertEquals(20, Costly.runs(log));
  }

  @Test
  void workerJvmsAndThreadsWritingTheSameKeysNeverReadATornEntry() throws Exception {
    Path directory = temp.resolve("cache");
    int size = 100_000;
    int keys = 12;
    // Room for about half the keys: entries keep being evicted and written again by everyone.
    long maxBytes = (long) size * keys / 2;
    int rounds = 4;
    List<Future<Long>> threads = new ArrayList<>();
    ExecutorService executor = Executors.newFixedThreadPool(3);
    try (Pool workers = Parallel.processes(3)) {
      List<AsyncResult<Long>> inWorkers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        inWorkers.add(workers.applyAsync(CostlyParallel.readAndWriteBlocks(directory, maxBytes, rounds, keys, size)));
      }
      for (int t = 0; t < 3; t++) {
        Callable<Long> call = () -> Costly.readAndWriteBlocks(directory, maxBytes, rounds, keys, size);
        threads.add(executor.submit(call));
      }
      for (AsyncResult<Long> result : inWorkers) {
        assertEquals(0L, result.get(), "a worker JVM read a wrong value or a corrupt entry");
      }
      for (Future<Long> result : threads) {
        assertEquals(0L, result.get(), "a thread read a wrong value or a corrupt entry");
      }
    } finally {
      executor.shutdownNow();
    }
    ResultCache check = ResultCache.open(directory);
    int found = 0;
    for (int key = 0; key < keys; key++) {
      Optional<byte[]> block = check.get(CostlyParallel.block(key, size));
      if (block.isPresent()) {
        found++;
        assertArrayEquals(Costly.expectedBlock(key, size), block.get());
      }
    }
    assertEquals(0, check.stats().corrupt());
    assertTrue(found > 0, "some entries remain");
    try (Stream<Path> files = Files.walk(directory)) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).toList(), "no temporary file is left");
    }
  }

  private static Path onlyEntry(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      List<Path> entries = files.filter(f -> f.toString().endsWith(".entry")).toList();
      assertEquals(1, entries.size(), entries::toString);
      return entries.get(0);
    }
  }
}
