package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.Work;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Parallel.process(task)}: one task in a JVM of its own, with that JVM's exit code. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessJobTest {

  @Test
  void aJobRunsItsTaskInANewJvmAndExitsWithZero() {
    Job<Long> job = Parallel.process(WorkParallel.pid());
    assertEquals(-1, job.pid());
    assertFalse(job.isAlive());
    assertNull(job.exitCode());
    assertThrows(IllegalStateException.class, job::join, "not started");
    assertSame(job, job.start());
    assertTrue(job.pid() > 0);
    assertNotEquals(ProcessHandle.current().pid(), job.pid());
    job.join();
    assertFalse(job.isAlive());
    assertEquals(0, job.exitCode());
    assertEquals(job.pid(), job.result());
    assertThrows(IllegalStateException.class, job::start, "a job starts once");
  }

  @Test
  void aJobWhoseTaskThrowsExitsWithOne() {
    Job<Void> job = Parallel.process(WorkParallel.throwCustom("no")).start().join();
    assertEquals(1, job.exitCode());
    TaskFailedException failure = assertThrows(TaskFailedException.class, job::result);
    assertInstanceOf(Work.CustomException.class, failure.getCause());
  }

  @Test
  void theExitCodeIsTheJvmsOwn() {
    Job<Void> job = Parallel.process(WorkParallel.exit(3)).start().join();
    assertEquals(3, job.exitCode());
    WorkerCrashedException crash = assertThrows(WorkerCrashedException.class, job::result);
    assertEquals(3, crash.exitCode());
    assertTrue(crash.getMessage().startsWith("The JVM of job Work.exit(3), worker worker-"), crash.getMessage());
    assertTrue(crash.getMessage().contains("died while running it: exit code 3"), crash.getMessage());
    assertFalse(crash.getMessage().contains("replaced"), "a job's JVM is not replaced: " + crash.getMessage());
  }

  @Test
  void terminateKillsTheJvmAndReportsTheSignal() {
    Job<String> job = Parallel.process(WorkParallel.sleepMillis(60_000)).start();
    assertTrue(job.isAlive());
    assertFalse(job.join(Duration.ofMillis(50)));
    assertThrows(IllegalStateException.class, job::result, "not finished");
    long pid = job.pid();
    job.terminate();
    job.join();
    assertEquals(-9, job.exitCode());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertThrows(TaskCancelledException.class, job::result);
  }

  @Test
  void aJobTakesTheOptionsOfItsBuilder() {
    Job<Object> job =
        Parallel.processPool()
            .systemProperty("job.greeting", "hello")
            .job(WorkParallel.echo("x"))
            .start()
            .join();
    assertEquals(0, job.exitCode());
    assertEquals("x", job.result());
  }
}
