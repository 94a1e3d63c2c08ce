package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.RemoteException;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.fixtures.Work;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
  void aPoolOfOneWorkerSaysSoInTheSingular() {
    try (Pool one = Parallel.processes(1)) {
      assertTrue(one.toString().matches("process pool \\d+ \\(1 worker\\)"), one.toString());
    }
  }

  @Test
  void aLargeChunkSentInPartsGivesEachPartItsOwnRowsOfTheColumns() {
    // Workers replaced every 7,000 tasks: the one chunk of 20,000 goes as three assignments, the
    // later two from the middle of its argument column, each part large enough to be sent from
    // the column itself, and its results come back the same way.
    List<Integer> inputs = IntStream.range(0, 20_000).map(i -> i * 7 - 50_000).boxed().toList();
    try (Pool recycling = Parallel.processPool().workers(1).maxTasksPerWorker(7_000).build()) {
      List<Long> cubes = recycling.map(WorkParallel::cube, inputs, inputs.size());
      assertEquals(inputs.size(), cubes.size());
      for (int i = 0; i < inputs.size(); i++) {
        long x = inputs.get(i);
        assertEquals(x * x * x, cubes.get(i), "input " + i);
      }
      assertEquals(3, recycling.stats().workersStarted(), "three workers, one per part");
    }
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
  void callbacksRunOnThePoolsCallbackThreadNotOnAResultReader(@TempDir Path directory) throws Exception {
    Path gate = directory.resolve("gate");
    CompletableFuture<String> thread = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.awaitFile(gate, 20_000))
        .onSuccess(r -> thread.complete(Thread.currentThread().getName()));
    Files.createFile(gate); // the task finishes only now that its callback is in place
    assertEquals("parallelizable-callbacks (" + pool + ")", thread.get(20, java.util.concurrent.TimeUnit.SECONDS));
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
  void aChunkOfMegabytesCrossesInPiecesAndComesBackWhole() {
    Random random = new Random(7);
    List<Object> arrays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      byte[] array = new byte[1 << 20];
      random.nextBytes(array);
      arrays.add(array);
    }
    List<Object> echoed = single.map(WorkParallel::echo, arrays, 10); // one chunk of 10 MB each way
    for (int i = 0; i < arrays.size(); i++) {
      assertArrayEquals((byte[]) arrays.get(i), (byte[]) echoed.get(i), "array " + i);
    }
  }

  @Test
  void aCodecOfTheApplicationsOwnIsUsedBothWays() {
    try (Pool text = Parallel.processPool().workers(1).codec(new TextCodec()).build()) {
      assertEquals(27L, text.apply(WorkParallel.cube(3)));
      assertEquals("hello", text.apply(WorkParallel.echo("hello")));
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> text.applyAsync(WorkParallel.echo(1.5)));
      assertTrue(refused.getMessage().contains("TextCodec writes only strings"), refused.getMessage());
      TaskFailedException failure =
          assertThrows(TaskFailedException.class, () -> text.apply(WorkParallel.throwCustom("no")));
      RemoteException remote = assertInstanceOf(RemoteException.class, failure.getCause());
      assertEquals(Work.CustomException.class.getName(), remote.remoteClassName());
    }
  }

  @Test
  void anArgumentThatCannotBeEncodedFailsTheSubmitAndNamesTheParameter() {
    Object notSerializable = new Object();
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(WorkParallel.echo(notSerializable)));
    assertTrue(refused.getMessage().contains("parameter 'value' (declared java.lang.Object)"), refused.getMessage());
    assertTrue(refused.getMessage().contains("Work.echo("), refused.getMessage());
    assertTrue(refused.getMessage().contains("java.lang.Object"), refused.getMessage());

    List<Object> inputs = List.of(1, 2, notSerializable, 4);
    IllegalArgumentException inMap =
        assertThrows(IllegalArgumentException.class, () -> pool.map(WorkParallel::echo, inputs, 1));
    assertTrue(inMap.getMessage().contains("parameter 'value'"), inMap.getMessage());
    assertEquals(8L, pool.apply(WorkParallel.cube(2)), "the pool works on");
  }

  @Test
  void theDeserializationFilterRejectsGadgetClassesNamingThem() {
    Object gadget = new javax.management.BadAttributeValueExpException("trigger");
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> single.apply(WorkParallel.echo(gadget)));
    String message = failure.getCause().getMessage();
    assertTrue(message.contains("Argument 1 of echo(java.lang.Object) could not be decoded"), message);
    assertTrue(message.contains("Rejected by the codec"), message);
    assertTrue(message.contains("javax.management.BadAttributeValueExpException"), message);
    assertEquals(8L, single.apply(WorkParallel.cube(2)));
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
    assertTrue(hasFrame(failure.getCause(), "dev.parallelizable.internal.process.child.WorkerMain", "run"));
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

  @Test
  void cancelStopsATaskThatHasNotStarted(@TempDir Path directory) throws Exception {
    Path gate = directory.resolve("gate");
    AsyncResult<String> blocking = single.applyAsync(WorkParallel.awaitFile(gate, 20_000));
    AsyncResult<Long> queued = single.applyAsync(WorkParallel.cube(5));
    assertTrue(queued.cancel());
    assertThrows(TaskCancelledException.class, queued::get);
    Files.createFile(gate);
    assertEquals("gate", blocking.get());
    assertFalse(blocking.cancel(), "it ran");
    assertEquals(125L, single.apply(WorkParallel.cube(5)));
  }

  @Test
  void aTaskFromAClassLoaderTheWorkersCannotSeeIsRefusedWithTheFix() throws Exception {
    Class<?> elsewhere = Class.forName(WorkParallel.class.getName(), true, new ElsewhereLoader());
    Task<?> task = (Task<?>) elsewhere.getMethod("cube", int.class).invoke(null, 3);
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.applyAsync(task));
    assertTrue(
        refused.getMessage().startsWith(
            "Task class dev.parallelizable.fixtures.WorkParallel$Invoker cannot be loaded by worker processes"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("it comes from /opt/plugins/work"), refused.getMessage());
    assertTrue(refused.getMessage().contains("Parallel.processPool().classpath(...)"), refused.getMessage());
    assertEquals(8L, pool.apply(WorkParallel.cube(2)), "the pool works on");

    try (Pool explicit =
        Parallel.processPool().workers(1).classpath(System.getProperty("java.class.path")).build()) {
      assertEquals(27L, explicit.apply(task), "with an explicit classpath the worker loads it by name");
    }
  }

  /** Loads the fixtures itself, as from a plugin directory that is not on the classpath. */
  private static final class ElsewhereLoader extends ClassLoader {
    static final URL LOCATION = location();

    ElsewhereLoader() {
      super(ProcessPoolTest.class.getClassLoader());
    }

    private static URL location() {
      try {
        return new URL("file:/opt/plugins/work/");
      } catch (MalformedURLException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.parallelizable.fixtures.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded != null) {
          return loaded;
        }
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          byte[] bytes = in.readAllBytes();
          ProtectionDomain domain = new ProtectionDomain(new CodeSource(LOCATION, (Certificate[]) null), null);
          return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
    }
  }

  private static boolean hasFrame(Throwable failure, String className, String method) {
    return Arrays.stream(failure.getStackTrace())
        .anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method));
  }
}
