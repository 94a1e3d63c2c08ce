package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pools' JFR events, recorded in this JVM with {@link Recording} and read back from the file
 * with {@link RecordingFile}, and a process pool's stats after a crash.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolEventsTest {
  private static final Duration CRASH_REPORTED_WITHIN = Duration.ofSeconds(30);
  private static final String CUBE = "dev.parallelizable.fixtures.Work.cube";

  @TempDir Path directory;

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  /**
   * One recording for the class: a second recording started in the same JVM may, for its first
   * moments, write strings that the first one already pooled as null (seen on JDK 17).
   */
  private static Recording recording;

  @BeforeAll
  static void startRecording() {
    recording = new Recording();
    for (String event : List.of("TaskExecution", "ChunkDispatch", "WorkerStart", "WorkerExit",
        "WorkerCrash", "WorkerReplacement")) {
      recording.enable("dev.parallelizable." + event).withoutThreshold();
    }
    recording.start();
  }

  @AfterAll
  static void closeRecording() {
    recording.close();
  }

  /** The events of {@code pool} recorded so far, written to a file and read back from it. */
  private List<RecordedEvent> eventsOf(Pool pool) throws IOException {
    Path file = directory.resolve("pool.jfr");
    recording.dump(file);
    return RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().startsWith("dev.parallelizable.")
            && pool.toString().equals(e.getString("pool")))
        .collect(Collectors.toList());
  }

  /** The events of one type in the order they were committed: a file holds them by thread buffer. */
  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream()
        .filter(e -> e.getEventType().getName().equals("dev.parallelizable." + name))
        .sorted(java.util.Comparator.comparing(RecordedEvent::getEndTime))
        .collect(Collectors.toList());
  }

  @Test
  void aProcessPoolRecordsTasksDispatchesWorkersAndACrashWithItsReplacement() throws Exception {
    Pool pool = Parallel.processes(1);
    String crashed;
    String replacement;
    try {
      assertEquals(20, pool.map(WorkParallel::cube, range(1, 20), 5).size());
      crashed = pool.stats().workers().get(0).name();
      WorkerCrashedException crash = assertThrows(WorkerCrashedException.class,
          () -> pool.applyAsync(WorkParallel.exit(3)).get(CRASH_REPORTED_WITHIN));
      assertEquals(3, crash.exitCode());
      assertEquals(27L, pool.apply(WorkParallel.cube(3)));
      PoolStats stats = pool.stats();
      assertEquals(22, stats.submitted());
      assertEquals(21, stats.completed());
      assertEquals(1, stats.failed());
      assertEquals(0, stats.running() + stats.queued() + stats.cancelled());
      assertEquals(2, stats.workersStarted());
      assertEquals(1, stats.workersLost());
      assertEquals(1, stats.workersReplaced());
      assertEquals(1, stats.workers().size());
      replacement = stats.workers().get(0).name();
      assertNotEquals(crashed, replacement);
      assertEquals(1, stats.workers().get(0).tasks(), "the replacement ran one task");
    } finally {
      pool.close();
    }
    List<RecordedEvent> events = eventsOf(pool);

    List<RecordedEvent> cubes = named(events, "TaskExecution").stream()
        .filter(e -> CUBE.equals(e.getString("method")))
        .collect(Collectors.toList());
    assertEquals(21, cubes.stream().mapToInt(e -> e.getInt("tasks")).sum(), cubes.toString());
    assertTrue(cubes.size() >= 5, "one event per chunk of the map, one for the apply: " + cubes);
    for (RecordedEvent cube : cubes) {
      assertEquals("succeeded", cube.getString("outcome"));
      assertEquals(cube.getInt("tasks"), cube.getInt("succeeded"));
      assertFalse(cube.getDuration().isNegative());
      assertFalse(cube.getDuration("queueWait").isNegative());
    }
    assertEquals(List.of(0L, 5L, 10L, 15L), cubes.stream().filter(e -> crashed.equals(e.getString("worker")))
        .map(e -> e.getLong("firstTask")).sorted().collect(Collectors.toList()));
    RecordedEvent lost = named(events, "TaskExecution").stream()
        .filter(e -> "dev.parallelizable.fixtures.Work.exit".equals(e.getString("method")))
        .findFirst().orElseThrow();
    assertEquals("lost", lost.getString("outcome"));
    assertEquals(crashed, lost.getString("worker"));

    assertTrue(named(events, "ChunkDispatch").stream().mapToInt(e -> e.getInt("tasks")).sum() >= 22);

    List<RecordedEvent> starts = named(events, "WorkerStart");
    assertEquals(List.of(crashed, replacement),
        starts.stream().map(e -> e.getString("worker")).collect(Collectors.toList()));
    assertTrue(starts.get(0).getDuration("startup").toNanos() > 0, "a JVM takes time to start");

    RecordedEvent crash = named(events, "WorkerCrash").get(0);
    assertEquals(crashed, crash.getString("worker"));
    assertEquals(1, crash.getInt("tasksRunning"));

    RecordedEvent replaced = named(events, "WorkerReplacement").get(0);
    assertEquals(crashed, replaced.getString("replaced"));
    assertEquals(replacement, replaced.getString("replacement"));
    assertEquals("crashed", replaced.getString("reason"));

    assertEquals(List.of(crashed + " crashed", replacement + " retired"), named(events, "WorkerExit").stream()
        .map(e -> e.getString("worker") + " " + e.getString("reason")).collect(Collectors.toList()));
  }

  @Test
  void aThreadPoolRecordsEachChunkOnTheThreadThatRanIt() throws Exception {
    Pool pool = Parallel.threads(2);
    try {
      pool.map(WorkParallel::cube, range(1, 40), 4);
      assertThrows(TaskFailedException.class, () -> pool.apply(WorkParallel.failIf(1, 1)));
    } finally {
      pool.close();
    }
    List<RecordedEvent> events = eventsOf(pool);
    List<RecordedEvent> tasks = named(events, "TaskExecution");
    List<RecordedEvent> cubes = tasks.stream()
        .filter(e -> CUBE.equals(e.getString("method"))).collect(Collectors.toList());
    assertEquals(10, cubes.size(), "one event per chunk");
    assertEquals(40, cubes.stream().mapToInt(e -> e.getInt("tasks")).sum());
    for (RecordedEvent cube : cubes) {
      assertTrue(cube.getString("worker").startsWith("parallelizable-threads-"), cube.getString("worker"));
      assertEquals(cube.getString("worker"), cube.getThread().getJavaName(), "recorded on the worker thread");
    }
    RecordedEvent failed = tasks.stream()
        .filter(e -> "dev.parallelizable.fixtures.Work.failIf".equals(e.getString("method")))
        .findFirst().orElseThrow();
    assertEquals("failed", failed.getString("outcome"));
    assertEquals(0, failed.getInt("succeeded"));
    assertEquals(11, named(events, "ChunkDispatch").size());
    List<String> threads = named(events, "WorkerStart").stream()
        .map(e -> e.getString("worker")).collect(Collectors.toList());
    assertTrue(threads.size() >= 1 && threads.size() <= 2, threads.toString());
  }

  @Test
  void aNamedPoolRecordsItsEventsUnderItsName() throws Exception {
    Pool pool = Parallel.threadPool().threads(1).name("recorded").build();
    try {
      pool.map(WorkParallel::cube, range(1, 8), 2);
    } finally {
      pool.close();
    }
    assertEquals("thread pool 'recorded' (1 thread)", pool.toString());
    List<RecordedEvent> events = eventsOf(pool);
    List<RecordedEvent> cubes = named(events, "TaskExecution").stream()
        .filter(e -> CUBE.equals(e.getString("method"))).collect(Collectors.toList());
    assertEquals(8, cubes.stream().mapToInt(e -> e.getInt("tasks")).sum(), cubes.toString());
    for (RecordedEvent cube : cubes) {
      assertEquals("parallelizable-recorded-worker-1", cube.getString("worker"));
    }
    assertEquals(List.of("parallelizable-recorded-worker-1"), named(events, "WorkerStart").stream()
        .map(e -> e.getString("worker")).collect(Collectors.toList()));
  }
}
