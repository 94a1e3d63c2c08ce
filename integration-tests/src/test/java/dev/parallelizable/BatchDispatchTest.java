package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.HostileParallel;
import dev.parallelizable.fixtures.WorkParallel;
import dev.parallelizable.support.Invocations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch dispatch on every kind of pool: a chunk of calls of one method runs in the generated batch
 * loop, where the pool has one (the pool through the codec runs tasks one by one), and keeps the
 * meaning of the per-task path: results in input order, the first failure in input order naming
 * its element, null elements, and arguments that cannot be encoded failing the submit.
 */
@Timeout(value = 60, unit = SECONDS)
class BatchDispatchTest extends EveryPoolKind {
  /**
   * Every kind of pool, and the cached view of threads and of processes, for the generated map's
   * own test: a cached view keys each input from itself and runs its misses as a generated map.
   */
  private static final TaskMethod<Integer> NON_NEGATIVE = WorkParallel.nonNegative(0).method();

  static List<PoolKind> withCachedViews() {
    return PoolKind.withCachedViews();
  }


  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  /**
   * Whether the kind runs a chunk of one method through the batch loop, as worker JVMs and cluster
   * members do. The pool through the codec sends every chunk as a list of tasks (whose encoding
   * fails as a batch's does), and so does a pool that recycles class loaders, whose workers count
   * tasks one by one.
   */
  private static boolean batches(PoolKind kind) {
    return !kind.name().equals("sequential through the codec")
        && !kind.name().contains("class loader");
  }

  @ParameterizedTest
  @MethodSource("withCachedViews")
  void aChunkOfOneMethodRunsInTheBatchLoop(PoolKind kind) {
    Pool pool = pool(kind);
    String expected = batches(kind) ? "invokeBatch" : "invoke";
    // New inputs for each map, so that through a cache each runs its inputs as misses.
    List<String> viaMethodReference = pool.map(WorkParallel::calledBy, range(1, 200), 50);
    assertEquals(Collections.nCopies(200, expected), viaMethodReference);
    List<String> viaImap = new ArrayList<>();
    try (ResultIterator<String> results = pool.imapUnordered(WorkParallel::calledBy, range(201, 400), 50)) {
      results.forEachRemaining(viaImap::add);
    }
    assertEquals(Collections.nCopies(200, expected), viaImap);
    List<String> viaOrderedImap = new ArrayList<>();
    pool.imap(WorkParallel::calledBy, range(401, 600), 50).forEachRemaining(viaOrderedImap::add);
    assertEquals(Collections.nCopies(200, expected), viaOrderedImap);
    List<String> viaOutcomes = new ArrayList<>();
    pool.imapUnorderedOutcomes(WorkParallel::calledBy, range(601, 800), 50)
        .forEachRemaining(outcome -> viaOutcomes.add(outcome.value()));
    assertEquals(Collections.nCopies(200, expected), viaOutcomes);
    assertEquals(
        Collections.nCopies(200, expected),
        WorkParallel.on(pool).calledByMap(range(801, 1000)),
        "the generated map");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTaskAloneRunsAsATask(PoolKind kind) {
    assertEquals("invoke", pool(kind).apply(WorkParallel.calledBy(1)));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mixedMethodsInOneMapKeepTheirOrderAndResults(PoolKind kind) {
    Pool pool = pool(kind);
    // Runs of each method within a chunk, and methods alternating element by element.
    List<String> runs = pool.map(x -> x <= 60 ? WorkParallel.calledBy(x) : WorkParallel.taggedCalledBy(x), range(1, 100), 100);
    List<String> alternating = pool.map(x -> x % 2 == 0 ? WorkParallel.calledBy(x) : WorkParallel.taggedCalledBy(x), range(1, 100), 25);
    for (int i = 0; i < 100; i++) {
      assertEquals(i < 60, !runs.get(i).startsWith("tagged "), "element " + i + ": " + runs.get(i));
      assertEquals(i % 2 == 1, !alternating.get(i).startsWith("tagged "), "element " + i + ": " + alternating.get(i));
    }
    if (kind.name().equals("threads") || kind.name().equals("sequential")) {
      assertEquals("invokeBatch", runs.get(0), "a run of one method is a batch");
      assertEquals("tagged invokeBatch", runs.get(99));
      assertEquals("invoke", alternating.get(1), "a run of one task is a task");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aFailureInTheMiddleOfABatchIsTheFirstInInputOrderAndNamesItsElement(PoolKind kind) {
    Pool pool = pool(kind);
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> pool.map(x -> WorkParallel.failIf(x, 150), range(1, 400), 200));
    assertEquals("Work.failIf(150, 150)", failure.task());
    assertTrue(failure.getMessage().contains("Work.failIf(150, 150)"), failure.getMessage());
    assertInstanceOf(IllegalStateException.class, failure.getCause());
    assertEquals("input 150 is not allowed", failure.getCause().getMessage());

    List<Integer> delivered = new ArrayList<>();
    try (ResultIterator<Integer> results = pool.imap(x -> WorkParallel.failIf(x, 150), range(1, 400), 200)) {
      TaskFailedException again = assertThrows(TaskFailedException.class, () -> results.forEachRemaining(delivered::add));
      assertEquals("Work.failIf(150, 150)", again.task());
    }
    assertEquals(range(1, 149), delivered, "the results before the failure, none after it");
  }

  @ParameterizedTest
  @MethodSource("withCachedViews")
  void anOutcomeMapRunsItsBatchOnPastAFailedRow(PoolKind kind) {
    Pool pool = pool(kind);
    List<Integer> inputs = range(0, 299);
    for (int negative : new int[] {0, 100, 101, 250}) {
      inputs.set(negative, -negative - 1);
    }
    List<Outcome<Integer>> outcomes = pool.mapOutcomes(WorkParallel::nonNegative, inputs, 150);
    assertEquals(inputs.size(), outcomes.size());
    for (int i = 0; i < inputs.size(); i++) {
      Outcome<Integer> outcome = outcomes.get(i);
      assertEquals(i, outcome.position());
      if (inputs.get(i) < 0) {
        TaskFailedException failure = assertInstanceOf(TaskFailedException.class, outcome.failure(), "element " + i);
        assertEquals("Work.nonNegative(" + inputs.get(i) + ")", failure.task());
        assertEquals("input " + inputs.get(i) + " is negative", outcome.failure().getCause().getMessage());
      } else {
        assertEquals(inputs.get(i), outcome.value(), "element " + i);
      }
    }
    // The rows before and after the failed ones ran in batches, on every kind that has them.
    String expected = batches(kind) ? "invokeBatch" : "invoke";
    List<Outcome<String>> modes = pool.mapOutcomes(WorkParallel::calledBy, range(2000, 2299), 150);
    assertEquals(Collections.nCopies(300, expected), modes.stream().map(Outcome::value).collect(Collectors.toList()));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void theGeneratedMapReportsTheFirstFailureInInputOrderNamingItsElement(PoolKind kind) {
    WorkParallel work = WorkParallel.on(pool(kind));
    List<Integer> inputs = range(0, 3000);
    inputs.set(1700, -1);
    inputs.set(2900, -2);
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> work.nonNegativeMap(inputs));
    assertEquals("Work.nonNegative(-1)", failure.task());
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    assertEquals("input -1 is negative", failure.getCause().getMessage());

    TaskFailedException nullInput =
        assertThrows(TaskFailedException.class, () -> work.cubeMap(Arrays.asList(1, 2, null, 4, 5, 6, 7, 8)));
    assertTrue(nullInput.getMessage().contains("input null"), nullInput.getMessage());
    assertInstanceOf(IllegalArgumentException.class, nullInput.getCause());
  }

  @ParameterizedTest
  @MethodSource("withCachedViews")
  void theGeneratedMapTakesItsColumnFromTheInputsWithoutBuildingATaskPerInput(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicInteger built = new AtomicInteger();
    Function<Integer, Task<Integer>> counting = countingNonNegative(built);
    List<Integer> inputs = range(0, 3000);
    assertEquals(inputs, Invocations.map(pool, NON_NEGATIVE, counting, inputs));
    // New inputs from 1500 on, so that through a cache the second map too runs a batch of misses.
    for (int i = 1500; i < inputs.size(); i++) {
      inputs.set(i, inputs.get(i) + 3000);
    }
    inputs.set(1700, -1);
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> Invocations.map(pool, NON_NEGATIVE, counting, inputs));
    assertEquals("Work.nonNegative(-1)", failure.task(), "the failure names its element all the same");
    assertEquals("input -1 is negative", failure.getCause().getMessage());
    if (batches(kind)) {
      assertEquals(0, built.get(), "tasks built from the inputs of a generated map");
    }
  }

  /**
   * A map of three inputs is cut into a chunk of one and a chunk of two on a pool of workers (four
   * chunks per worker balance a map, and a chunk of one task of unknown cost runs on a worker of its
   * own), or into a chunk per input when its tasks are measured slow: a chunk of one takes its
   * argument from its input too.
   */
  @ParameterizedTest
  @MethodSource("withCachedViews")
  void aGeneratedMapCutIntoChunksOfOneBuildsNoTaskEither(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicInteger built = new AtomicInteger();
    Function<Integer, Task<Integer>> counting = countingNonNegative(built);
    // Inputs no other test maps, so that through a cache each map runs them as misses.
    List<Integer> inputs = List.of(-7_000_001, 7_000_002, 7_000_003);
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> Invocations.map(pool, NON_NEGATIVE, counting, inputs));
    assertEquals("Work.nonNegative(-7000001)", failure.task(), "the failure names its element all the same");
    List<Integer> succeeding = List.of(7_000_001, 7_000_002, 7_000_003);
    assertEquals(succeeding, Invocations.map(pool, NON_NEGATIVE, counting, succeeding));
    if (batches(kind)) {
      assertEquals(0, built.get(), "tasks built from the inputs of a generated map");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aMapCallsItsFunctionOncePerInput(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicInteger calls = new AtomicInteger();
    Function<Integer, Task<Long>> counting = x -> {
      calls.incrementAndGet();
      return WorkParallel.cube(x);
    };
    List<Integer> inputs = range(-250, 249);
    List<Long> expected = inputs.stream().map(x -> (long) x * x * x).collect(Collectors.toList());
    assertEquals(expected, pool.map(counting, inputs, 100));
    assertEquals(500, calls.get(), "calls of the function by map");
    calls.set(0);
    assertEquals(expected, pool.map(counting, inputs));
    assertEquals(500, calls.get(), "calls of the function by map, chunked by the pool");
    calls.set(0);
    List<Long> outcomes = new ArrayList<>();
    pool.mapOutcomes(counting, inputs, 100).forEach(outcome -> outcomes.add(outcome.value()));
    assertEquals(expected, outcomes);
    assertEquals(500, calls.get(), "calls of the function by mapOutcomes");
  }

  /** The generated factory of {@code Work.nonNegative}, counting its calls in {@code built}. */
  private static Function<Integer, Task<Integer>> countingNonNegative(AtomicInteger built) {
    return x -> {
      built.incrementAndGet();
      return WorkParallel.nonNegative(x);
    };
  }

  /** A function that counts its calls per input ({@code calls[x - 1]}) as it builds each task. */
  private static <R> Function<Integer, Task<R>> counted(AtomicIntegerArray calls, Function<Integer, Task<R>> toTask) {
    return x -> {
      calls.incrementAndGet(x - 1);
      return toTask.apply(x);
    };
  }

  private static void assertCalledOncePerInput(AtomicIntegerArray calls, String what) {
    for (int i = 0; i < calls.length(); i++) {
      assertEquals(1, calls.get(i), what + ": calls of the function for input " + (i + 1));
    }
  }

  /** Once for each input up to {@code input}, at most once after it (a pool that builds as it runs stops). */
  private static void assertCalledOncePerInputUpTo(AtomicIntegerArray calls, int input, String what) {
    for (int i = 0; i < calls.length(); i++) {
      int expected = i < input ? 1 : Math.min(calls.get(i), 1);
      assertEquals(expected, calls.get(i), what + ": calls of the function for input " + (i + 1));
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aChunkOfTasksThatCannotBeOneBatchRunsAsBeforeCallingTheFunctionOncePerInput(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicIntegerArray calls = new AtomicIntegerArray(200);
    List<String> mixed = pool.map(
        counted(calls, x -> x % 50 == 25 ? WorkParallel.taggedCalledBy(x) : WorkParallel.calledBy(x)), range(1, 200), 100);
    for (int i = 0; i < 200; i++) {
      assertEquals((i + 1) % 50 == 25, mixed.get(i).startsWith("tagged "), "element " + i + ": " + mixed.get(i));
    }
    assertCalledOncePerInput(calls, "two methods");

    RetryPolicy twice = RetryPolicy.builder().maxAttempts(2).build();
    AtomicIntegerArray retried = new AtomicIntegerArray(200);
    List<Integer> withPolicy = pool.map(
        counted(retried, x -> x == 70 ? WorkParallel.failIf(x, -1).withRetry(twice) : WorkParallel.failIf(x, -1)),
        range(1, 200), 100);
    assertEquals(range(1, 200), withPolicy);
    assertCalledOncePerInput(retried, "a task with a retry policy");

    TaskMethod<Long> cube = WorkParallel.cube(0).method();
    AtomicIntegerArray nulls = new AtomicIntegerArray(8);
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> pool.map(
        counted(nulls, x -> x == 5 ? cube.bind((Object) null) : WorkParallel.cube(x)), range(1, 8), 8));
    assertEquals("Work.cube(null)", failure.task(), "a null for a primitive parameter, bound by hand");
    assertCalledOncePerInputUpTo(nulls, 5, "a null for a primitive parameter");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aFunctionThatThrowsFailsTheMapNamingItsInputHavingBeenCalledOncePerInputUpToIt(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicIntegerArray calls = new AtomicIntegerArray(100);
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> pool.map(counted(calls, x -> {
      if (x == 37) {
        throw new IllegalStateException("no task for 37");
      }
      return WorkParallel.cube(x);
    }), range(1, 100), 100));
    assertEquals("<building the task for input 37>", failure.task());
    assertTrue(failure.getMessage().contains("the function passed to map could not build a task for input 37"),
        failure.getMessage());
    assertEquals("no task for 37", failure.getCause().getCause().getMessage());
    assertCalledOncePerInputUpTo(calls, 37, "a function that throws");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTaskThatFailsInABatchIsNamedWithoutCallingTheFunctionAgain(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicIntegerArray calls = new AtomicIntegerArray(400);
    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> pool.map(counted(calls, x -> WorkParallel.failIf(x, 150)), range(1, 400), 200));
    assertEquals("Work.failIf(150, 150)", failure.task());
    assertEquals("input 150 is not allowed", failure.getCause().getMessage());
    assertCalledOncePerInputUpTo(calls, 150, "a task that fails in a batch");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void anElementThatCannotBeEncodedFailsTheGeneratedMapAsItFailsTheMap(PoolKind kind) {
    Pool pool = pool(kind);
    Object unencodable = new Object();
    List<Object> inputs = Arrays.asList("a", unencodable, "c", "d");
    HostileParallel hostile = HostileParallel.on(pool);
    if (!kind.encodes()) {
      assertEquals(inputs, hostile.passMap(inputs), "nothing is encoded here");
      return;
    }
    IllegalArgumentException viaMap =
        assertThrows(IllegalArgumentException.class, () -> pool.map(HostileParallel::pass, inputs, 4));
    IllegalArgumentException viaGenerated =
        assertThrows(IllegalArgumentException.class, () -> hostile.passMap(inputs));
    assertEquals(viaMap.getMessage(), viaGenerated.getMessage());
    assertEquals(List.of("x", "y"), hostile.passMap(List.<Object>of("x", "y")), "the pool still runs maps");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void nullReferencesTravelInAColumn(PoolKind kind) {
    List<Object> inputs = Arrays.asList("a", null, "c", null);
    assertEquals(inputs, pool(kind).map(WorkParallel::echo, inputs, 4));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aNullForAPrimitiveParameterFailsNamingTheElement(PoolKind kind) {
    Pool pool = pool(kind);
    List<Integer> inputs = Arrays.asList(1, 2, null, 4);
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> pool.map(WorkParallel::cube, inputs, 4));
    assertTrue(failure.getMessage().contains("input null"), failure.getMessage());
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    List<Long> delivered = new ArrayList<>();
    try (ResultIterator<Long> results = pool.imap(WorkParallel::cube, inputs, 4)) {
      assertThrows(TaskFailedException.class, () -> results.forEachRemaining(delivered::add));
    }
    assertTrue(delivered.isEmpty() || delivered.equals(List.of(1L, 8L)), "at most the results before it: " + delivered);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void anElementThatCannotBeEncodedFailsTheSubmitNamingMethodParameterAndType(PoolKind kind) {
    Pool pool = pool(kind);
    Object unencodable = new Object();
    List<Object> inputs = Arrays.asList("a", unencodable, "c", "d");
    if (!kind.encodes()) {
      assertEquals(inputs, pool.map(HostileParallel::pass, inputs, 4), "nothing is encoded here");
      return;
    }
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> pool.map(HostileParallel::pass, inputs, 4));
    for (String part : List.of("Hostile.pass", "'value'", "java.lang.Object")) {
      assertTrue(error.getMessage().contains(part), part + " in: " + error.getMessage());
    }
    assertEquals(List.of("x", "y"), pool.map(HostileParallel::pass, List.<Object>of("x", "y"), 2));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void largeMapsOfPrimitivesMatchTheLoop(PoolKind kind) {
    // A pool that recycles class loaders runs no batch, and loads the task's classes again for every
    // second task: a hundred thousand tasks would take a minute there, to check what a thousand do.
    int half = kind.name().contains("class loader") ? 500 : 50_000;
    List<Integer> inputs = range(-half, half);
    List<Long> expected = inputs.stream().map(x -> (long) x * x * x).collect(Collectors.toList());
    assertEquals(expected, WorkParallel.on(pool(kind)).cubeMap(inputs));
  }
}
