package dev.parallelizable.samples.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Job;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.samples.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Calls the classes the processor generated for {@link Calls}, {@link Scaler} and {@link
 * Geometry.Circle}, on every kind of pool, as user code does. The pools are shared by the tests
 * that leave them usable; the lifecycle tests make their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GeneratedCodeTest {
  private static final Map<PoolKind, Pool> POOLS = new EnumMap<>(PoolKind.class);

  @BeforeAll
  static void startPools() {
    for (PoolKind kind : PoolKind.values()) {
      POOLS.put(kind, kind.create(2));
    }
  }

  @AfterAll
  static void stopPools() {
    POOLS.values().forEach(Pool::close);
  }

  private static final List<Integer> ONE_TO_FIFTY =
      IntStream.rangeClosed(1, 50).boxed().collect(Collectors.toList());
  private static final List<Long> CUBES_OF_ONE_TO_FIFTY =
      ONE_TO_FIFTY.stream().map(x -> (long) x * x * x).collect(Collectors.toList());

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void mapReturnsResultsInInputOrder(PoolKind kind) {
    Pool pool = POOLS.get(kind);

    assertEquals(CUBES_OF_ONE_TO_FIFTY, pool.map(CallsParallel::cube, ONE_TO_FIFTY));
    assertEquals(CUBES_OF_ONE_TO_FIFTY, pool.map(CallsParallel::cube, ONE_TO_FIFTY, 7));
    assertEquals(CUBES_OF_ONE_TO_FIFTY, CallsParallel.on(pool).cubeMap(ONE_TO_FIFTY));
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void imapYieldsResultsInInputOrder(PoolKind kind) {
    try (ResultIterator<Long> cubes = POOLS.get(kind).imap(CallsParallel::cube, ONE_TO_FIFTY, 3)) {
      List<Long> results = new ArrayList<>();
      cubes.forEachRemaining(results::add);

      assertEquals(CUBES_OF_ONE_TO_FIFTY, results);
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void imapUnorderedYieldsEveryResultOnce(PoolKind kind) {
    try (ResultIterator<Long> cubes = POOLS.get(kind).imapUnordered(CallsParallel::cube, ONE_TO_FIFTY)) {
      List<Long> results = cubes.stream().sorted().collect(Collectors.toList());

      assertEquals(CUBES_OF_ONE_TO_FIFTY, results);
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void applyAsyncDeliversTheResultToGetAndToTheCallback(PoolKind kind) throws Exception {
    CompletableFuture<Long> callback = new CompletableFuture<>();

    AsyncResult<Long> result = CallsParallel.on(POOLS.get(kind)).cubeAsync(7).onSuccess(callback::complete);

    assertEquals(343L, result.get(Duration.ofSeconds(30)));
    assertTrue(result.successful());
    assertEquals(343L, callback.get(30, TimeUnit.SECONDS));
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void runRunsAListOfDeferredCallsInOrder(PoolKind kind) {
    List<Task<Long>> calls = ONE_TO_FIFTY.stream().map(CallsParallel::cube).collect(Collectors.toList());

    assertEquals(CUBES_OF_ONE_TO_FIFTY, POOLS.get(kind).run(calls));
    assertEquals(CUBES_OF_ONE_TO_FIFTY, POOLS.get(kind).run(calls.stream()));
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aTaskThatThrowsFailsWithTheOriginalException(PoolKind kind) {
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> POOLS.get(kind).apply(CallsParallel.parsePositive("-3")));

    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    assertEquals("not positive: -3", failure.getCause().getMessage());
    assertEquals("Calls.parsePositive(\"-3\")", failure.task());
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aCheckedExceptionIsTheCauseAsThrown(PoolKind kind, @TempDir Path dir) {
    Path missing = dir.resolve("missing.txt");

    AsyncResult<String> result = CallsParallel.on(POOLS.get(kind)).readAsync(missing);

    TaskFailedException failure = assertThrows(TaskFailedException.class, result::get);
    assertInstanceOf(NoSuchFileException.class, failure.getCause());
    assertEquals(missing.toString(), failure.getCause().getMessage());
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void mapFailsWithTheFirstFailureInInputOrder(PoolKind kind) {
    List<String> inputs = List.of("1", "2", "-3", "4", "-5", "6");

    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> POOLS.get(kind).map(CallsParallel::parsePositive, inputs, 1));

    assertEquals("not positive: -3", failure.getCause().getMessage());
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aVoidMethodRunsAndReturnsNull(PoolKind kind, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("written.txt");

    assertNull(POOLS.get(kind).apply(CallsParallel.write(file, "written by a task")));

    assertEquals("written by a task", Files.readString(file));
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aGenericMethodReturnsItsTypeArgument(PoolKind kind) {
    Pool pool = POOLS.get(kind);

    String word = pool.apply(CallsParallel.largest(List.of("pear", "zebra", "apple")));
    Integer number = pool.apply(CallsParallel.largest(List.of(3, 41, 7)));

    assertEquals("zebra", word);
    assertEquals(41, number);
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void varargsTakeAnyNumberOfArgumentsOrAnArray(PoolKind kind) {
    Pool pool = POOLS.get(kind);

    assertEquals(0, pool.apply(CallsParallel.sum()));
    assertEquals(6, pool.apply(CallsParallel.sum(1, 2, 3)));
    assertEquals(9, pool.apply(CallsParallel.sum(new int[] {4, 5})));
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void overloadsAreCalledByTheirGeneratedNames(PoolKind kind) {
    Pool pool = POOLS.get(kind);

    assertEquals("number 7", pool.apply(CallsParallel.describe(7)));
    assertEquals("text seven", pool.apply(CallsParallel.describeText("seven")));
    assertEquals("text eight", CallsParallel.on(pool).describeTextAsync("eight").get());
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void anInstanceMethodRunsOnItsReceiver(PoolKind kind) {
    Pool pool = POOLS.get(kind);
    Scaler triple = new Scaler(3);

    assertEquals(15L, pool.apply(ScalerParallel.scale(triple, 5)));
    assertEquals(List.of(3L, 6L, 9L), pool.map(x -> ScalerParallel.scale(triple, x), List.of(1, 2, 3)));
    assertEquals(21L, ScalerParallel.on(pool).scaleAsync(triple, 7).get());
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aNestedClassHasItsOwnGeneratedClass(PoolKind kind) {
    double area = POOLS.get(kind).apply(Geometry_CircleParallel.area(2.0));

    assertEquals(4 * Math.PI, area, 1e-12);
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void onlyTheProcessPoolRunsTasksInAnotherProcess(PoolKind kind) {
    long worker = POOLS.get(kind).apply(CallsParallel.pid());

    if (kind == PoolKind.PROCESSES) {
      assertNotEquals(ProcessHandle.current().pid(), worker);
    } else {
      assertEquals(ProcessHandle.current().pid(), worker);
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void shutdownLetsAcceptedWorkFinishAndRefusesNewWork(PoolKind kind) {
    Pool pool = kind.create(2);
    List<AsyncResult<Long>> accepted = new ArrayList<>();
    for (int x = 1; x <= 4; x++) {
      accepted.add(CallsParallel.on(pool).cubeAsync(x));
    }

    pool.shutdown();

    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> pool.applyAsync(CallsParallel.cube(5)));
    pool.join();
    assertTrue(pool.isShutdown());
    assertEquals(List.of(1L, 8L, 27L, 64L), accepted.stream().map(AsyncResult::get).toList());
    assertTrue(refused.getMessage().contains("was shut down"), refused.getMessage());
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void joinBeforeShutdownIsAnError(PoolKind kind) {
    try (Pool pool = kind.create(1)) {
      assertThrows(IllegalStateException.class, pool::join);
    }
  }

  @ParameterizedTest
  @EnumSource(value = PoolKind.class, names = {"THREADS", "PROCESSES"})
  void terminateCancelsWorkThatHasNotFinished(PoolKind kind) {
    Pool pool = kind.create(2);
    List<AsyncResult<Long>> pending = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      pending.add(pool.applyAsync(CallsParallel.sleep(60_000)));
    }

    pool.terminate();

    for (AsyncResult<Long> result : pending) {
      assertThrows(TaskCancelledException.class, result::get);
    }
    assertTrue(pool.isShutdown());
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  void aJobRunsOneTaskAndReportsItsExitCode(Isolation isolation) {
    Job<Long> job = isolation.job(CallsParallel.cube(3));
    assertNull(job.exitCode());

    job.start().join();

    assertEquals(0, job.exitCode());
    assertEquals(27L, job.result());
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  void aJobWhoseTaskThrowsExitsWithOne(Isolation isolation) {
    Job<Integer> job = isolation.job(CallsParallel.parsePositive("0")).start();

    assertTrue(job.join(Duration.ofSeconds(30)));

    assertEquals(1, job.exitCode());
    TaskFailedException failure = assertThrows(TaskFailedException.class, job::result);
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    assertEquals("not positive: 0", failure.getCause().getMessage());
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  void terminateStopsARunningJob(Isolation isolation) {
    Job<Long> job = isolation.job(CallsParallel.sleep(60_000)).start();
    assertTrue(job.isAlive());

    job.terminate();

    assertTrue(job.join(Duration.ofSeconds(30)));
    assertTrue(job.exitCode() < 0, "exit code " + job.exitCode());
    assertThrows(TaskCancelledException.class, job::result);
  }
}
