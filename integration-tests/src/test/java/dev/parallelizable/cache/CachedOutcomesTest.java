package dev.parallelizable.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultCache;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.fixtures.Costly;
import dev.parallelizable.fixtures.CostlyParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Maps that keep going through a result cache: hits and misses alike give one outcome per input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CachedOutcomesTest {
  private static final List<Integer> INPUTS = IntStream.range(0, 10).boxed().toList();

  @TempDir Path temp;

  private static Task<Long> squareUnlessThree(Path log, int x) {
    return x == 3 ? null : CostlyParallel.square(log, x);
  }

  private static void assertOutcomes(List<Outcome<Long>> outcomes) {
    assertEquals(10, outcomes.size());
    for (int x = 0; x < 10; x++) {
      Outcome<Long> outcome = outcomes.get(x);
      assertEquals(x, outcome.position());
      if (x == 3) {
        TaskFailedException failure = assertInstanceOf(TaskFailedException.class, outcome.failure());
        assertTrue(failure.getMessage().contains("3"), failure.getMessage());
      } else {
        assertEquals((long) x * x, outcome.value());
      }
    }
  }

  /**
   * The cached view words a bad argument, and an input whose task cannot be built, exactly as the
   * pool under it does: the view and its pool check and describe them in one place.
   */
  @Test
  void theViewRejectsBadArgumentsAndWordsAnUnbuildableInputAsItsPoolDoes() {
    try (Pool plain = Parallel.threads(2);
        Pool cached = ResultCache.open(temp.resolve("cache")).on(Parallel.threads(2))) {
      Path log = temp.resolve("runs.log");
      assertEquals(
          assertThrows(IllegalArgumentException.class, () -> plain.applyAsync(null)).getMessage(),
          assertThrows(IllegalArgumentException.class, () -> cached.applyAsync(null)).getMessage());
      assertEquals(
          assertThrows(IllegalArgumentException.class,
              () -> plain.map(x -> CostlyParallel.square(log, x), INPUTS, -2)).getMessage(),
          assertThrows(IllegalArgumentException.class,
              () -> cached.map(x -> CostlyParallel.square(log, x), INPUTS, -2)).getMessage());
      assertEquals(
          assertThrows(IllegalArgumentException.class,
              () -> plain.imapOutcomes((Integer x) -> CostlyParallel.square(log, x), null, 1)).getMessage(),
          assertThrows(IllegalArgumentException.class,
              () -> cached.imapOutcomes((Integer x) -> CostlyParallel.square(log, x), null, 1)).getMessage());
      TaskFailedException fromPool = assertInstanceOf(TaskFailedException.class,
          plain.mapOutcomes(x -> squareUnlessThree(log, x), INPUTS).get(3).failure());
      TaskFailedException fromView = assertInstanceOf(TaskFailedException.class,
          cached.mapOutcomes(x -> squareUnlessThree(log, x), INPUTS).get(3).failure());
      assertEquals(fromPool.getMessage(), fromView.getMessage());
      assertEquals(String.valueOf(fromPool.getCause()), String.valueOf(fromView.getCause()));
    }
  }

  @Test
  void hitsAndMissesEachGiveTheirOutcomeAndAFailureStopsNothing() throws IOException {
    Path log = temp.resolve("runs.log");
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    try (Pool pool = cache.on(Parallel.threads(2))) {
      pool.map(x -> CostlyParallel.square(log, x), List.of(0, 1, 2));
      assertOutcomes(pool.mapOutcomes(x -> squareUnlessThree(log, x), INPUTS));
      assertEquals(9, Costly.runs(log), "the three hits did not run again, the other six ran once");

      List<Outcome<Long>> unordered = new ArrayList<>();
      try (ResultIterator<Outcome<Long>> outcomes =
          pool.imapUnorderedOutcomes(x -> squareUnlessThree(log, x), INPUTS)) {
        outcomes.forEachRemaining(unordered::add);
      }
      unordered.sort(Comparator.comparingLong(Outcome::position));
      assertOutcomes(unordered);
      assertEquals(9, Costly.runs(log), "every one a hit");
    }
  }

  /** Throws {@code checked} undeclared, as Kotlin code and Lombok's {@code @SneakyThrows} do. */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> RuntimeException sneaky(Exception checked) throws E {
    throw (E) checked;
  }

  @Test
  void aCheckedExceptionThrownSneakilyByTheFunctionIsOnlyThatInputsOutcome() throws IOException {
    Path log = temp.resolve("runs.log");
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    try (Pool pool = cache.on(Parallel.threads(2))) {
      List<Outcome<Long>> outcomes =
          pool.mapOutcomes(
              x -> {
                if (x == 3) {
                  throw CachedOutcomesTest.<RuntimeException>sneaky(new IOException("no task for 3"));
                }
                return CostlyParallel.square(log, x);
              },
              INPUTS);
      assertOutcomes(outcomes);
      Throwable cause = outcomes.get(3).failure().getCause().getCause(); // as every pool words it
      assertInstanceOf(IOException.class, cause);
      assertEquals("no task for 3", cause.getMessage());
    }
  }
}
