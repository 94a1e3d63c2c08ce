package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link Job} does, run against every kind ({@link JobKind#all()}). */
@Timeout(value = 60, unit = SECONDS)
class JobContractTest {
  static List<JobKind> kinds() {
    return JobKind.all();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void startThenJoinGivesTheResultAndExitCodeZero(JobKind kind) {
    Job<Long> job = kind.create(WorkParallel.cube(3));
    assertFalse(job.isAlive());
    assertNull(job.exitCode());
    job.start().join();
    assertFalse(job.isAlive());
    assertEquals(0, job.exitCode());
    assertEquals(27L, job.result());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void jobsRunConcurrently(JobKind kind) {
    List<Job<String>> jobs =
        IntStream.range(0, 4)
            .mapToObj(i -> kind.create(WorkParallel.sleepMillis(300)))
            .collect(Collectors.toList());
    jobs.forEach(Job::start);
    assertTrue(jobs.stream().anyMatch(Job::isAlive), "started jobs run without join()");
    jobs.forEach(Job::join);
    jobs.forEach(job -> assertEquals(0, job.exitCode()));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aFailingTaskExitsWithOneAndResultThrows(JobKind kind) {
    Job<Integer> job = kind.create(WorkParallel.failIf(1, 1)).start().join();
    assertEquals(1, job.exitCode());
    TaskFailedException failure = assertThrows(TaskFailedException.class, job::result);
    assertInstanceOf(IllegalStateException.class, failure.getCause());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void joinWithATimeoutReturnsFalseWhileRunning(JobKind kind) {
    Job<String> job = kind.create(WorkParallel.sleepMillis(30_000)).start();
    assertFalse(job.join(Duration.ofMillis(10)));
    assertTrue(job.isAlive());
    job.terminate();
    assertTrue(job.join(Duration.ofSeconds(10)));
    assertFalse(job.isAlive());
    assertTrue(job.exitCode() < 0, "terminated jobs report a negative exit code: " + job.exitCode());
    assertThrows(TaskCancelledException.class, job::result);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void lifecycleMisuseIsReported(JobKind kind) {
    Job<Long> job = kind.create(WorkParallel.cube(1));
    IllegalStateException notStarted = assertThrows(IllegalStateException.class, job::join);
    assertTrue(notStarted.getMessage().contains("start()"), notStarted.getMessage());
    IllegalStateException noResult = assertThrows(IllegalStateException.class, job::result);
    assertTrue(noResult.getMessage().contains("join()"), noResult.getMessage());
    job.start();
    IllegalStateException twice = assertThrows(IllegalStateException.class, job::start);
    assertTrue(twice.getMessage().contains("already started"), twice.getMessage());
    job.join();
  }
}
