package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.RemoteException;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.fixtures.Work;
import dev.parallelizable.fixtures.WorkParallel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a process pool does when nothing goes wrong, and when a task or its data do. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolTest {
  private static Pool pool;
  /** One worker, for assertions about the worker that ran a task. */
  private static Pool single;

  @BeforeAll
  static void startPools() {
    pool = Parallel.processes(2);
    single = Parallel.processes(1);
  }

  @AfterAll
  static void closePools() {
    pool.close();
    single.close();
  }

  @Test
  void runsTasksInOtherJvms() {
    assertEquals(27L, pool.apply(WorkParallel.cube(3)));
    long worker = pool.apply(WorkParallel.pid());
    assertNotEquals(ProcessHandle.current().pid(), worker);
    assertTrue(Workers.pids().contains(worker), "the task ran in a worker of this JVM");
  }

  @Test
  void mapKeepsInputOrderAcrossChunks() {
    List<Integer> inputs = IntStream.range(0, 1000).boxed().collect(Collectors.toList());
    List<Long> expected = inputs.stream().map(Work::cube).collect(Collectors.toList());
    assertEquals(expected, pool.map(WorkParallel::cube, inputs));
    assertEquals(expected, pool.map(WorkParallel::cube, inputs, 7));
    assertEquals(expected, pool.map(WorkParallel::cube, inputs, 1));
    assertEquals(expected, pool.run(inputs.stream().map(WorkParallel::cube)));
  }

  @Test
  void imapYieldsInOrderAndImapUnorderedYieldsEverything() {
    List<Integer> inputs = IntStream.range(0, 200).boxed().collect(Collectors.toList());
    List<Long> ordered = new ArrayList<>();
    try (ResultIterator<Long> results = pool.imap(WorkParallel::cube, inputs, 3)) {
      results.forEachRemaining(ordered::add);
    }
    assertEquals(inputs.stream().map(Work::cube).collect(Collectors.toList()), ordered);
    try (ResultIterator<Long> results = pool.imapUnordered(WorkParallel::cube, inputs, 3)) {
      assertEquals(
          inputs.stream().map(Work::cube).collect(Collectors.toSet()),
          results.stream().collect(Collectors.toSet()));
    }
  }

  @Test
  void callbacksRunOnTheResultReaderThread() {
    CompletableFuture<String> thread = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.cube(2)).onSuccess(r -> thread.complete(Thread.currentThread().getName()));
    assertTrue(thread.join().matches("parallelizable-worker-\\d+-results"), thread.join());
    CompletableFuture<ParallelException> failure = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.failIf(1, 1)).onFailure(failure::complete);
    assertInstanceOf(TaskFailedException.class, failure.join());
  }

  @Test
  void staticStateOfTheWorkerIsNotTheParents() {
    single.apply(WorkParallel.setMarker("changed in a worker"));
    assertEquals("changed in a worker", single.apply(WorkParallel.marker()));
    assertEquals("parent", Work.marker);
  }

  @Test
  void aTaskRunsOnTheWorkersMainThreadNamedAfterTheWorker() {
    assertTrue(single.apply(WorkParallel.threadName()).matches("worker-\\d+"));
  }

  @Test
  void defaultCodecCarriesCommonValuesExactly() {
    Random random = new Random(42);
    byte[] large = new byte[3 * 1024 * 1024];
    random.nextBytes(large);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("paths", new ArrayList<>(List.of(Path.of("/tmp/a"), Path.of("relative/b"))));
    nested.put("numbers", List.of(1, 2L, 3.5));
    List<Object> values =
        Arrays.asList(
            null, true, (byte) -7, (short) 300, 'x', 42, -9_000_000_000L, 1.5f, Math.PI, "",
            "naïve ☃ text", Path.of("/var/data/file.bin"), nested, new int[0]);
    for (Object value : values) {
      Object echoed = pool.apply(WorkParallel.echo(value));
      if (value instanceof int[] ints) {
        assertArrayEquals(ints, (int[]) echoed);
      } else {
        assertEquals(value, echoed, () -> "round trip of " + value);
      }
    }
    assertArrayEquals(large, (byte[]) pool.apply(WorkParallel.echo(large)));
    int[] ints = random.ints(100_000).toArray();
    long[] longs = random.longs(100_000).toArray();
    double[] doubles = random.doubles(100_000).toArray();
    assertArrayEquals(ints, (int[]) pool.apply(WorkParallel.echo(ints)));
    assertArrayEquals(longs, (long[]) pool.apply(WorkParallel.echo(longs)));
    assertArrayEquals(doubles, (double[]) pool.apply(WorkParallel.echo(doubles)));
    assertEquals(large.length, pool.apply(WorkParallel.length(large)));
  }

  @Test
  void anArgumentThatCannotBeEncodedFailsTheSubmitAndNamesTheParameter() {
    Object notSerializable = new Object();
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(WorkParallel.echo(notSerializable)));
    assertTrue(refused.getMessage().contains("parameter 'value' (declared Object)"), refused.getMessage());
    assertTrue(refused.getMessage().contains("Work.echo("), refused.getMessage());
    assertTrue(refused.getMessage().contains("java.lang.Object"), refused.getMessage());

    List<Object> inputs = List.of(1, 2, notSerializable, 4);
    IllegalArgumentException inMap =
        assertThrows(IllegalArgumentException.class, () -> pool.map(WorkParallel::echo, inputs, 1));
    assertTrue(inMap.getMessage().contains("parameter 'value'"), inMap.getMessage());
    assertEquals(8L, pool.apply(WorkParallel.cube(2)), "the pool works on");
  }

  @Test
  void aResultThatCannotBeEncodedFailsItsTaskAndTheWorkerStays() {
    long worker = single.apply(WorkParallel.pid());
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> single.apply(WorkParallel.unserializableResult()));
    assertTrue(failure.getMessage().contains("Work.unserializableResult()"), failure.getMessage());
    assertTrue(failure.getCause().getMessage().contains("could not be sent back"), failure.getCause().getMessage());
    assertTrue(failure.getCause().getMessage().contains("java.lang.Object"), failure.getCause().getMessage());
    assertEquals(worker, single.apply(WorkParallel.pid()), "the same worker answers");
  }

  @Test
  void aTaskExceptionArrivesAsItsOwnTypeWithTheWorkersFrames() {
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> pool.apply(WorkParallel.throwCustom("bad input")));
    assertInstanceOf(Work.CustomException.class, failure.getCause());
    assertEquals("bad input", failure.getCause().getMessage());
    assertTrue(failure.getMessage().contains("Work.throwCustom(\"bad input\")"), failure.getMessage());
    assertTrue(hasFrame(failure.getCause(), "dev.parallelizable.fixtures.Work", "throwCustom"));
    assertTrue(hasFrame(failure.getCause(), "dev.parallelizable.internal.process.WorkerMain", "run"));
  }

  @Test
  void anExceptionThatCannotBeEncodedArrivesAsRemoteExceptionWithItsNameMessageAndStack() {
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> single.apply(WorkParallel.throwUnserializable("odd")));
    RemoteException remote = assertInstanceOf(RemoteException.class, failure.getCause());
    assertEquals(Work.UnserializableException.class.getName(), remote.remoteClassName());
    assertTrue(remote.getMessage().endsWith(": odd"), remote.getMessage());
    assertTrue(hasFrame(remote, "dev.parallelizable.fixtures.Work", "throwUnserializable"));
    assertTrue(remote.getSuppressed()[0].getMessage().contains("NotSerializableException"));
    assertEquals(8L, single.apply(WorkParallel.cube(2)));
  }

  @Test
  void aStackOverflowFailsTheTaskAndTheWorkerCarriesOn() {
    long worker = single.apply(WorkParallel.pid());
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> single.apply(WorkParallel.recurse(0)));
    assertInstanceOf(StackOverflowError.class, failure.getCause());
    assertEquals(worker, single.apply(WorkParallel.pid()));
  }

  @Test
  void mapFailsWithTheFirstFailureInInputOrderWithinAChunk() {
    List<Integer> inputs = IntStream.range(0, 50).boxed().collect(Collectors.toList());
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> pool.map(x -> WorkParallel.failIf(x, 17), inputs, 10));
    assertTrue(failure.getMessage().contains("Work.failIf(17, 17)"), failure.getMessage());
    assertInstanceOf(IllegalStateException.class, failure.getCause());
  }

  @Test
  void whatTasksPrintIsCopiedWithTheWorkersNameAndNeverReachesTheChannel() {
    try (Workers.Capture capture = new Workers.Capture()) {
      for (int i = 0; i < 20; i++) {
        assertEquals("line " + i, single.apply(WorkParallel.print("line " + i)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> capture.out().contains("raw line 19"));
      await().atMost(Duration.ofSeconds(10)).until(() -> capture.err().contains("err line 19"));
      String out = capture.out();
      assertTrue(out.matches("(?s).*\\[worker-\\d+] line 7\n.*"), out);
      assertTrue(out.matches("(?s).*\\[worker-\\d+] raw line 7\n.*"), out);
      assertTrue(capture.err().matches("(?s).*\\[worker-\\d+] err line 7\n.*"), capture.err());
    }
  }

  private static boolean hasFrame(Throwable failure, String className, String method) {
    return Arrays.stream(failure.getStackTrace())
        .anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method));
  }
}
