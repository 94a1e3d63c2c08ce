package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the life of a worker JVM rather than in a task: shutdown hooks that never end, an
 * initializer that never returns, and what the caller gets for each, within what bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerLifecycleFaultTest {
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(300);
  /** The shutdown timeout, plus the watchdog's tick and the kill, on a busy machine. */
  private static final Duration STOPPED_WITHIN = SHUTDOWN_TIMEOUT.plusSeconds(5);

  private static ProcessPoolBuilder quickToKill() {
    return Parallel.processPool().shutdownTimeout(SHUTDOWN_TIMEOUT);
  }

  @Test
  void closeKillsAWorkerWhoseShutdownHookBlocks() {
    Pool pool = quickToKill().workers(1).build();
    long worker = pool.apply(WorkParallel.blockShutdown());
    assertTimeoutPreemptively(STOPPED_WITHIN, pool::close);
    assertTrue(Workers.allGone(Set.of(worker)), "the worker was killed");
  }

  @Test
  void joinKillsAWorkerWhoseShutdownHookCallsSystemExit() {
    Pool pool = quickToKill().workers(1).build();
    long worker = pool.apply(WorkParallel.exitInShutdownHook());
    pool.shutdown();
    assertTimeoutPreemptively(STOPPED_WITHIN, pool::join);
    assertTrue(Workers.allGone(Set.of(worker)), "the worker was killed");
  }

  @Test
  void aRecycledWorkerWhoseShutdownHookBlocksIsKilledWhileThePoolGoesOn() {
    try (Pool pool = quickToKill().workers(1).maxTasksPerWorker(1).build()) {
      long first = pool.apply(WorkParallel.blockShutdown());
      long second = pool.apply(WorkParallel.pid());
      assertNotEquals(first, second, "the first worker was recycled after one task");
      await().atMost(STOPPED_WITHIN).until(() -> Workers.allGone(Set.of(first)));
    }
  }

  @Test
  void anIdleWorkerWhoseShutdownHookBlocksIsKilled() {
    try (Pool pool = quickToKill().workers(1).idleTimeout(Duration.ofMillis(200)).build()) {
      long worker = pool.apply(WorkParallel.blockShutdown());
      await().atMost(STOPPED_WITHIN.plusMillis(200)).until(() -> Workers.allGone(Set.of(worker)));
      assertEquals(8L, pool.apply(WorkParallel.cube(2)), "a new worker starts when work comes");
    }
  }

  @Test
  void aJobWhoseShutdownHookBlocksIsKilledAndJoinReturns() {
    Job<Long> job = quickToKill().job(WorkParallel.blockShutdown()).start();
    assertTimeoutPreemptively(STOPPED_WITHIN, () -> {
      job.join();
    });
    assertEquals(job.pid(), job.result(), "the task's result arrived before the kill");
    assertEquals(-9, job.exitCode(), "killed by SIGKILL after the shutdown timeout");
    assertTrue(Workers.allGone(Set.of(job.pid())));
  }

  /** A job's JVM ends once its task returned, even with a thread the task left running. */
  @Test
  void aJobWhoseTaskLeftAThreadRunningStillEnds() {
    Job<Long> job = quickToKill().job(WorkParallel.leaveThreadRunning()).start();
    assertTimeoutPreemptively(STOPPED_WITHIN, () -> {
      job.join();
    });
    assertEquals(0, job.exitCode(), "it exited in order, not killed");
    assertEquals(job.pid(), job.result());
    assertTrue(Workers.allGone(Set.of(job.pid())));
  }

  /** A worker that ends in order runs the shutdown hooks its tasks added, job or pool worker. */
  @Test
  void aWorkerThatEndsInOrderRunsTheShutdownHooksOfItsTasks(@TempDir Path directory) throws Exception {
    Path fromJob = directory.resolve("job");
    Job<Long> job = Parallel.process(WorkParallel.writeInShutdownHook(fromJob, "job")).start().join();
    assertEquals(0, job.exitCode());
    assertEquals("job", Files.readString(fromJob));

    Path fromRecycled = directory.resolve("recycled");
    Path fromClosed = directory.resolve("closed");
    long recycled;
    long closed;
    try (Pool pool = Parallel.processPool().workers(1).maxTasksPerWorker(1).build()) {
      recycled = pool.apply(WorkParallel.writeInShutdownHook(fromRecycled, "recycled"));
      closed = pool.apply(WorkParallel.writeInShutdownHook(fromClosed, "closed"));
    }
    await().atMost(STOPPED_WITHIN).until(() -> Workers.allGone(Set.of(recycled, closed)));
    assertEquals("recycled", Files.readString(fromRecycled));
    assertEquals("closed", Files.readString(fromClosed));
  }

  @Test
  void theShutdownTimeoutIsCheckedWhereItIsSet() {
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class, () -> Parallel.processPool().shutdownTimeout(Duration.ZERO));
    assertEquals("shutdownTimeout must be positive, got 0 s", zero.getMessage());
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class,
            () -> Parallel.processPool().shutdownTimeout(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(2)));
    assertEquals("shutdownTimeout was already set to 1 s", twice.getMessage());
  }

  @Test
  void terminateReturnsWithEveryThreadOfThePoolStopped() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Pool pool = Parallel.processes(2);
    pool.map(WorkParallel::cube, List.of(1, 2, 3, 4), 1);
    List<Thread> owned =
        Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> !before.contains(thread))
            .filter(thread -> thread.getName().startsWith("parallelizable-worker-"))
            .collect(Collectors.toList());
    assertTrue(owned.size() >= 6, "a reader and two output pumps per worker: " + owned);
    assertTimeoutPreemptively(STOPPED_WITHIN, pool::terminate);
    List<String> alive =
        owned.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList());
    assertEquals(List.of(), alive, "threads of the pool still running after terminate()");
  }

  @Test
  void aHangingInitializerFailsTheStartNamingItsBoundAndHowToRaiseIt() {
    try (Pool pool =
        quickToKill()
            .workers(1)
            .initializer(WorkParallel.sleepMillis(60_000))
            .initializerTimeout(Duration.ofMillis(300))
            .build()) {
      WorkerStartException failure =
          assertTimeoutPreemptively(
              STOPPED_WITHIN.plusSeconds(5),
              () -> assertThrows(WorkerStartException.class, () -> pool.apply(WorkParallel.cube(1))));
      String message = failure.getMessage();
      assertTrue(message.contains("initializer Work.sleepMillis(60000)"), message);
      assertTrue(message.contains("initializer timeout of 300 ms"), message);
      assertTrue(message.contains("initializerTimeout(Duration)"), message);
      assertFalse(message.contains("signal"), message);
      assertThrows(WorkerStartException.class, () -> pool.apply(WorkParallel.cube(2)), "broken for good");
    }
  }

  @Test
  void theInitializerTimeoutIsCheckedWhereItIsSet() {
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parallel.processPool().initializerTimeout(Duration.ofSeconds(-1)));
    assertEquals("initializerTimeout must be positive, got -1 s", negative.getMessage());
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> Parallel.processPool().initializerTimeout(null));
    assertEquals("initializerTimeout must be positive, got null", none.getMessage());
  }

  @Test
  void aTaskThatClosesItsStandardInputBreaksNothing() {
    try (Pool pool = Parallel.processes(1)) {
      long worker = pool.apply(WorkParallel.closeStandardInput());
      // The parent watch notices the close at once; before, it halted the worker under the next task.
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
          .until(() -> ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false));
      assertEquals(worker, pool.apply(WorkParallel.pid()), "the same worker runs the next task");
      assertEquals(27L, pool.apply(WorkParallel.cube(3)));
    }
  }

  /**
   * Where the channel is a socket (the system property chooses it here, as a missing {@code mkfifo}
   * would), another process of the user connects to the worker's socket before the worker does:
   * once with a frame that holds no token, once saying nothing. Both are dropped and logged; the
   * worker is accepted after them and runs the task.
   */
  @Test
  void connectionsToTheSocketWithoutTheTokenAreDroppedAndThePoolWaitsForItsWorker(@TempDir Path directory)
      throws IOException {
    List<SocketChannel> intruders = new ArrayList<>();
    System.setProperty(CHANNEL_PROPERTY, "socket");
    HeldWorkerStart start = new HeldWorkerStart(directory);
    try (LogCapture log = new LogCapture("dev.parallelizable.ProcessPool");
        Pool pool = Parallel.processPool().workers(1).javaExecutable(start.java).build()) {
      AsyncResult<Long> result = pool.applyAsync(WorkParallel.cube(3));
      Path socket = start.channelNamed("s"); // a socket

      SocketChannel withoutToken = SocketChannel.open(UnixDomainSocketAddress.of(socket));
      intruders.add(withoutToken);
      withoutToken.write(helloWithoutToken());
      intruders.add(SocketChannel.open(UnixDomainSocketAddress.of(socket))); // says nothing
      start.release();

      assertEquals(27L, result.get(Duration.ofSeconds(30)));
      List<String> dropped =
          log.messages().stream()
              .filter(message -> message.contains("did not present the worker's token"))
              .collect(Collectors.toList());
      assertEquals(2, dropped.size(), log.messages().toString());
      assertEquals(8L, pool.apply(WorkParallel.cube(2)));
    } finally {
      System.clearProperty(CHANNEL_PROPERTY);
      for (SocketChannel intruder : intruders) {
        intruder.close();
      }
    }
  }

  /**
   * Another process of the user writes a frame without the token to the worker's pipe before the
   * worker does. The stream can no longer be trusted, so that worker is killed at once and logged,
   * and the pool starts another, which runs the task; the pool is not broken.
   */
  @Test
  void aPipeThatDoesNotBeginWithTheTokenKillsThatWorkerAndThePoolStartsAnother(@TempDir Path directory)
      throws IOException {
    HeldWorkerStart start = new HeldWorkerStart(directory);
    try (LogCapture log = new LogCapture("dev.parallelizable.ProcessPool");
        Pool pool = Parallel.processPool().workers(1).javaExecutable(start.java).build()) {
      AsyncResult<Long> result = pool.applyAsync(WorkParallel.cube(3));
      Path pipe = start.channelNamed("u"); // its pipe to the parent
      try (FileChannel intruder = FileChannel.open(pipe, StandardOpenOption.WRITE)) {
        intruder.write(helloWithoutToken()); // the parent holds the pipe open: this open does not block
      }
      start.release();

      assertEquals(27L, result.get(Duration.ofSeconds(30)));
      List<String> killed =
          log.messages().stream()
              .filter(message -> message.contains("did not begin with the worker's token")
                  && message.contains(pipe.toString()) && message.contains("the pool starts another"))
              .collect(Collectors.toList());
      assertEquals(1, killed.size(), log.messages().toString());
      assertEquals(8L, pool.apply(WorkParallel.cube(2)));
      assertFalse(Files.exists(pipe.getParent()), "the killed worker's directory is deleted, pipes and all");
      Path replacement = start.channel(); // the replacement's launch wrote its own arguments
      assertNotEquals(pipe, replacement);
      assertTrue(Files.isDirectory(replacement.getParent()), "the replacement serves from its directory");
      assertFalse(Files.exists(replacement), "its pipe's file is deleted once it opened it");
      assertFalse(Files.exists(replacement.resolveSibling("d")), "and so is the other one");
    }
  }

  private static final String CHANNEL_PROPERTY = "dev.parallelizable.workerChannel";

  /** A HELLO frame whose token is 32 zero bytes. */
  private static ByteBuffer helloWithoutToken() {
    ByteBuffer frame = ByteBuffer.allocate(4 + 9 + 32).order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(9 + 32).put((byte) 1).putLong(0).put(new byte[32]).flip();
    return frame;
  }

  /**
   * A {@code java} for the pool's workers that writes its arguments to a file, then waits until
   * {@link #release()} before it starts the JVM: the test can reach the worker's channel first.
   */
  private static final class HeldWorkerStart {
    final Path java;
    private final Path arguments;
    private final Path go;

    HeldWorkerStart(Path directory) throws IOException {
      this.arguments = directory.resolve("arguments");
      this.go = directory.resolve("go");
      this.java = directory.resolve("java");
      Files.writeString(java, String.join("\n",
          "#!/bin/sh",
          "printf '%s\\n' \"$@\" > '" + arguments + "'",
          "while [ ! -e '" + go + "' ]; do sleep 0.02; done",
          "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"",
          ""));
      assertTrue(java.toFile().setExecutable(true));
    }

    /**
     * The channel the first worker was given, once the parent made it: asserts that its file is
     * named {@code name}.
     */
    Path channelNamed(String name) throws IOException {
      Path channel = channel();
      assertEquals(name, channel.getFileName().toString(), "the channel the worker was given");
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(channel));
      return channel;
    }

    /** The channel the last worker started was given: the argument after the main class. */
    Path channel() throws IOException {
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(arguments));
      List<String> command = Files.readAllLines(arguments);
      return Path.of(command.get(command.indexOf("dev.parallelizable.internal.process.child.WorkerMain") + 1));
    }

    void release() throws IOException {
      Files.createFile(go);
    }
  }

  @Test
  void aHaltWithACodeAbove128IsAnExitCodeAndSigkillIsASignal() {
    try (Pool pool = Parallel.processes(1)) {
      AsyncResult<Void> halted = pool.applyAsync(WorkParallel.halt(137));
      WorkerCrashedException halt =
          assertThrows(WorkerCrashedException.class, () -> halted.get(Duration.ofSeconds(10)));
      assertEquals(137, halt.exitCode());
      assertTrue(halt.getMessage().contains("exit code 137"), halt.getMessage());

      long worker = pool.apply(WorkParallel.pid());
      AsyncResult<String> sleeping = pool.applyAsync(WorkParallel.sleepMillis(60_000));
      await().atMost(Duration.ofSeconds(10)).until(() -> Workers.pids().contains(worker));
      assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly());
      WorkerCrashedException kill =
          assertThrows(WorkerCrashedException.class, () -> sleeping.get(Duration.ofSeconds(10)));
      assertEquals(-9, kill.exitCode());
      assertTrue(kill.getMessage().contains("killed by signal 9 (SIGKILL)"), kill.getMessage());
    }
  }

  @Test
  void aSystemExitWithACodeAbove128IsAnExitCode() {
    Job<Void> job = Parallel.process(WorkParallel.exit(130)).start().join();
    assertEquals(130, job.exitCode());
  }

  /** Collects what a java.util.logging logger (the System.Logger backend) logs, and keeps it quiet. */
  private static final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final boolean useParentHandlers;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    LogCapture(String name) {
      logger = Logger.getLogger(name);
      useParentHandlers = logger.getUseParentHandlers();
      logger.setUseParentHandlers(false);
      logger.addHandler(this);
    }

    List<String> messages() {
      return messages;
    }

    @Override
    public void publish(LogRecord record) {
      messages.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(useParentHandlers);
    }
  }
}
