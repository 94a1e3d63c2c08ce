package dev.parallelizable.samples.tutorial;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.samples.Captured;
import dev.parallelizable.samples.Isolation;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs each tutorial program and checks what it prints. */
class TutorialProgramsTest {
  private static final Pattern FINISHED = Pattern.compile("Program finished in \\d+\\.\\d{3} seconds");
  /** The cubes of 1..999, worked out here: the sum of the first n cubes is (n(n+1)/2)^2. */
  private static final String CUBES_OF_1_TO_999 =
      "[1, 8, 27, ..., 997002999] (999 results, sum " + (999L * 1000 / 2) * (999L * 1000 / 2) + ")";

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(60)
  void startAndJoinTimesTwoJobsWithoutAndWithJoin(Isolation isolation) {
    Captured out = new Captured();

    StartAndJoin.run(out.stream(), isolation);

    List<String> lines = out.text().lines().toList();
    assertEquals("Two jobs on " + isolation + ", started without join():", lines.get(0));
    assertTrue(FINISHED.matcher(lines.get(1)).matches(), lines.get(1));
    assertTrue(lines.get(2).matches("[012] of 2 jobs still running when the timer stopped"), lines.get(2));
    assertEquals("Two jobs on " + isolation + ", with join():", lines.get(4));
    assertTrue(FINISHED.matcher(lines.get(5)).matches(), lines.get(5));
    assertEquals("Exit codes: 0, 0", lines.get(6));
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(90)
  void tenJobsAllExitWithZero(Isolation isolation) {
    Captured out = new Captured();

    TenJobs.run(out.stream(), isolation);

    List<String> lines = out.text().lines().toList();
    assertEquals(List.of("Ten jobs on " + isolation + ":"), lines.subList(0, 1));
    assertTrue(FINISHED.matcher(lines.get(1)).matches(), lines.get(1));
    assertEquals("10 of 10 jobs exited with code 0", lines.get(2));
    if (isolation == Isolation.PROCESSES) {
      assertEquals("  reused worker               [1, 2, 3, 4]", lines.get(4));
      assertTrue(lines.get(5).startsWith("  maxTasksPerClassLoader(2)   [1, 2, 1, 2]"), lines.get(5));
      assertTrue(lines.get(6).startsWith("  maxTasksPerWorker(2)        [1, 2, 1, 2]"), lines.get(6));
      assertTrue(lines.get(8).matches("  first run   \\d+\\.\\d\\d s   ten new JVMs.*"), lines.get(8));
      assertTrue(lines.get(9).matches("  warm run    \\d+\\.\\d\\d s   the same ten JVMs.*"), lines.get(9));
    } else {
      assertEquals(3, lines.size(), lines.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(60)
  void watchedPoolPrintsProgressFromStatsAndEndsWithEveryTaskDone(Isolation isolation) {
    Captured out = new Captured();

    WatchedPool.run(out.stream(), isolation, 40, 5);

    List<String> lines = out.text().lines().toList();
    assertTrue(lines.size() >= 3, lines.toString());
    Pattern progress = Pattern.compile(
        ".+ pool \\d+ \\(2 \\w+\\): (\\d+)/(\\d+) done, 0 failed, \\d+ running, \\d+ queued, [0-2] workers busy \\d+ ms");
    long lastDone = -1;
    for (String line : lines.subList(0, lines.size() - 1)) {
      java.util.regex.Matcher matcher = progress.matcher(line);
      assertTrue(matcher.matches(), line);
      long done = Long.parseLong(matcher.group(1));
      assertTrue(done >= lastDone, "progress only moves forward: " + lines);
      lastDone = done;
    }
    assertTrue(lines.get(lines.size() - 2).contains(": 40/40 done, 0 failed, 0 running, 0 queued, "),
        lines.get(lines.size() - 2));
    assertEquals("sum of the cubes: " + 40L * 40 * 41 * 41 / 4, lines.get(lines.size() - 1));
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(60)
  void cubePoolPrintsTheCubesFromApplyAsyncAndFromMap(Isolation isolation) {
    Captured out = new Captured();

    CubePool.run(out.stream(), isolation);

    List<String> lines = out.text().lines().toList();
    assertEquals("cube(x) for x in 1..999 on " + isolation + "(3), apply_async then get:", lines.get(0));
    assertTrue(FINISHED.matcher(lines.get(1)).matches(), lines.get(1));
    assertEquals(CUBES_OF_1_TO_999, lines.get(2));
    assertEquals("The same with map:", lines.get(3));
    assertTrue(FINISHED.matcher(lines.get(4)).matches(), lines.get(4));
    assertEquals(CUBES_OF_1_TO_999, lines.get(5));
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(60)
  void delayedCallsRunAsAList(Isolation isolation) {
    Captured out = new Captured();

    DelayedCalls.run(out.stream(), isolation);

    List<String> lines = out.text().lines().toList();
    assertEquals(
        "999 deferred calls, Cubes.cube(1) to Cubes.cube(999), run on " + isolation + "(3):",
        lines.get(0));
    assertTrue(FINISHED.matcher(lines.get(1)).matches(), lines.get(1));
    assertEquals(CUBES_OF_1_TO_999, lines.get(2));
  }

  @Test
  @Timeout(120)
  void slowerThanLoopTimesEveryWayAgainstTheLoop() {
    Captured out = new Captured();

    SlowerThanLoop.run(out.stream(), 5, 999, 20_000);

    List<String> lines = out.text().lines().toList();
    int workers = Runtime.getRuntime().availableProcessors();
    assertEquals(
        "cube(x) for x in 1..n, " + workers + " workers per pool; each timed call adds up the cubes it made.",
        lines.get(0));
    assertTrue(lines.get(1).startsWith("Median of 5 rounds after warm-up, each round timing every way once"),
        lines.get(1));
    assertTrue(lines.get(3).matches("\\s+n = 999\\s+n = 20,000"), lines.get(3));
    String time = "\\d+\\.\\d{3} ms";
    String spread = "\\(\\d+\\.?\\d*\\.\\.\\d+\\.?\\d*\\)";
    String withRatio = time + "\\s+x\\d+\\.\\d{2}\\s+" + spread;
    List<String> ways =
        List.of(
            "for loop into a long[]",
            "threads(" + workers + "), cubeMap",
            "processes(" + workers + "), cubeMap",
            "threads(" + workers + "), map",
            "processes(" + workers + "), map",
            "threads(" + workers + "), a block per worker",
            "processes(" + workers + "), a block per worker");
    String withoutRatio = time + "\\s+" + spread;
    String baseline = Pattern.quote("for loop into a List<Long>");
    assertTrue(lines.get(4).matches(baseline + "\\s+" + withoutRatio + "\\s+" + withoutRatio), lines.get(4));
    for (int row = 0; row < ways.size(); row++) {
      String line = lines.get(5 + row);
      assertTrue(
          line.matches(Pattern.quote(ways.get(row)) + "\\s+" + withRatio + "\\s+" + withRatio), line);
    }
    assertTrue(lines.get(5 + ways.size()).startsWith("The long[] loop makes no boxes"),
        lines.get(5 + ways.size()));
  }

  @Test
  void slowerThanLoopFailsOnAWayFasterThanItsWorkersCouldMakeIt() {
    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () -> SlowerThanLoop.checkSpeedup("threads(2), map", 999_999, 0.4, 2));

    assertEquals(
        "threads(2), map took x0.400 the long[] loop's time for n = 999,999 (fastest rounds), below the"
            + " bound of 1/2 = 0.500: it does at least the loop's work, so 2 workers cannot take less;"
            + " a measuring error (is every result read in the timed call, was every way warmed up?)",
        error.getMessage());
  }

  @Test
  void slowerThanLoopAcceptsASpeedUpUpToItsWorkers() {
    assertDoesNotThrow(() -> SlowerThanLoop.checkSpeedup("threads(2), map", 999_999, 0.5, 2));
    assertDoesNotThrow(() -> SlowerThanLoop.checkSpeedup("processes(4), map", 999, 0.25, 4));
    assertDoesNotThrow(() -> SlowerThanLoop.checkSpeedup("processes(4), map", 999, 7.5, 4));
  }
}
