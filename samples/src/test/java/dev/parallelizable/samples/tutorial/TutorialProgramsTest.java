package dev.parallelizable.samples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    SlowerThanLoop.run(out.stream(), 1, 999, 20_000);

    List<String> lines = out.text().lines().toList();
    assertTrue(lines.get(0).startsWith("cube(x) for x in 1..n: median of 1 rounds"), lines.get(0));
    assertTrue(lines.get(1).matches("\\s+n = 999\\s+n = 20,000\\s*"), lines.get(1));
    assertTrue(lines.get(2).matches("for loop\\s+\\d+\\.\\d{3} ms\\s+\\d+\\.\\d{3} ms"), lines.get(2));
    String ratio = "\\d+\\.\\d{3} ms\\s+x\\d+\\.\\d";
    for (int row = 3; row <= 8; row++) {
      assertTrue(
          lines.get(row).matches("(threads|processes)\\(\\d+\\), .+?\\s+" + ratio + "\\s+" + ratio),
          lines.get(row));
    }
  }
}
