package dev.parallelizable.samples.bench;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The workloads that measure worker start: W7 (200 trivial tasks on 2 workers, each worker
 * replaced after every task, cold; and each task in a new class loader of a worker that lives on), W1-cold (a second pool of the same configuration in a running
 * application: create, first map of 999 cubes, close, against threads), and what bounds W2's jobs
 * and W7, measured in the same run: ten bare JVMs ({@code java -Xshare:auto -version}) started
 * together; ten JVMs that run the worker's main class up to its handshake with the parent and exit
 * (the worker floor); and W7's JVMs, started two at a time, running a main that does nothing on the
 * workers' classpath.
 */
final class StartWorkloads {
  /**
   * The JVM options a process pool gives its workers by default, so that a bound's JVMs differ
   * from workers in nothing else: the serial collector from JDK 18 on, whose class data sharing
   * archive's objects it loads (JDK 17 maps them into G1's heap only), and the archive mapped at
   * the address it was written for. The {@code bare-jvms} row keeps the JDK's defaults.
   */
  static final List<String> WORKER_OPTIONS = Runtime.version().feature() >= 18
      ? List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0")
      : List.of("-XX:-UsePerfData", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

  private final int workers;
  private final boolean quick;
  private final int repeat;
  private final Consumer<JsonLine> sink;
  private final PrintStream log;

  StartWorkloads(int workers, boolean quick, int repeat, Consumer<JsonLine> sink, PrintStream log) {
    this.workers = workers;
    this.quick = quick;
    this.repeat = repeat;
    this.sink = sink;
    this.log = log;
  }

  // ---------------------------------------------------------------- W7

  /**
   * W7: create a pool recycling every worker after one task, map 200 trivial tasks, close; then the
   * same with a new class loader for every task in workers that live on ({@code
   * processes-classloader}); then the bound.
   */
  void recycle() {
    int tasks = quick ? 20 : 200;
    recycle("processes", tasks, Parallel.processPool().workers(workers).maxTasksPerWorker(1));
    recycle("processes-classloader", tasks, Parallel.processPool().workers(workers).maxTasksPerClassLoader(1));
    recycleBound(tasks);
  }

  private void recycle(String backend, int tasks, ProcessPoolBuilder builder) {
    int reps = quick ? 1 : Math.min(repeat, 3);
    List<Integer> inputs = IntStream.range(0, tasks).boxed().toList();
    List<Double> seconds = new ArrayList<>();
    boolean ok = true;
    for (int rep = 0; rep < reps; rep++) {
      long start = System.nanoTime();
      try (Pool pool = builder.build()) {
        List<Integer> results = pool.map(BenchTasksParallel::trivial, inputs, 1);
        ok &= results.size() == tasks && results.get(tasks - 1) == tasks;
      }
      seconds.add((System.nanoTime() - start) / 1e9);
      log.printf("bench: W7 %s run %d: %.2f s%n", backend, rep + 1, seconds.get(rep));
    }
    Stats stats = Stats.of(seconds);
    sink.accept(stats.into(new JsonLine("W7", backend), "s")
        .put("tasks", tasks)
        .put("ms_per_task", stats.median() * 1e3 / tasks)
        .put("ok", ok));
  }

  /**
   * W7's bound: as many JVMs as W7 starts workers, two at a time as its two workers are, each
   * running a main that returns at once ({@link ColdStart} without arguments) on this JVM's
   * classpath with the workers' default JVM options. What remains of W7 above it is the pool's.
   */
  private void recycleBound(int jvms) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(WORKER_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdStart.class.getName()));
    long start = System.nanoTime();
    boolean ok = true;
    Process[] lanes = new Process[workers];
    try {
      for (int i = 0; i < jvms; i++) {
        int lane = i % workers;
        if (lanes[lane] != null) {
          ok &= lanes[lane].waitFor() == 0;
        }
        lanes[lane] = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
      }
      for (Process process : lanes) {
        if (process != null) {
          ok &= process.waitFor() == 0;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Could not start " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the bare JVMs", e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log.printf("bench: W7 bound, %d bare JVMs %d at a time: %.2f s%n", jvms, workers, seconds);
    sink.accept(Stats.of(List.of(seconds)).into(new JsonLine("W7", "bare-jvms"), "s")
        .put("jvms", jvms)
        .put("at_a_time", workers)
        .put("ms_per_jvm", seconds * 1e3 / jvms)
        .put("ok", ok));
  }

  // ---------------------------------------------------------------- W1-cold

  /**
   * W1 cold in a running application: a pool of the same configuration as one created and closed
   * before, created, given its first map of 999 cubes, and closed; threads, fresh processes, and
   * processes that reuse the workers of the previous pool.
   */
  void secondPool() {
    int n = 1_000;
    int reps = quick ? 2 : Math.max(repeat, 5);
    List<Integer> xs = IntStream.range(1, n).boxed().toList();
    Stats threads = null;
    for (String kind : List.of("threads", "processes", "processes-reused")) {
      Supplier<Pool> create = switch (kind) {
        case "threads" -> () -> Parallel.threads(workers);
        case "processes" -> () -> Parallel.processes(workers);
        default -> () -> Parallel.processPool().workers(workers).reuseWorkersFor(Duration.ofSeconds(30)).build();
      };
      cycle(create, xs); // the first pool of this configuration in this JVM: not measured
      List<Double> millis = new ArrayList<>();
      boolean ok = true;
      for (int rep = 0; rep < reps; rep++) {
        long start = System.nanoTime();
        ok &= cycle(create, xs);
        millis.add((System.nanoTime() - start) / 1e6);
      }
      Stats stats = Stats.of(millis);
      JsonLine line = stats.into(new JsonLine("W1-cold", kind), "ms").put("tasks", xs.size());
      if (threads == null) {
        threads = stats;
      }
      sink.accept(line.put("baseline", "threads")
          .put("baseline_median", threads.median())
          .put("ratio", stats.median() / threads.median())
          .put("ok", ok));
    }
  }

  private static boolean cycle(Supplier<Pool> create, List<Integer> xs) {
    try (Pool pool = create.get()) {
      List<Long> cubes = pool.map(BenchTasksParallel::cube, xs);
      return cubes.size() == xs.size() && cubes.get(xs.size() - 1) == (long) xs.size() * xs.size() * xs.size();
    }
  }

  // ---------------------------------------------------------------- W2's bound

  /**
   * W2's bounds: ten bare JVMs ({@code java -Xshare:auto -version}) started together, until all
   * exited; then the worker floor.
   */
  void bareJvms(int count, int reps) {
    String java = java();
    List<Double> seconds = new ArrayList<>();
    boolean ok = true;
    for (int rep = 0; rep < reps; rep++) {
      long start = System.nanoTime();
      List<Process> started = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          started.add(new ProcessBuilder(java, "-Xshare:auto", "-version")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start());
        }
        for (Process process : started) {
          ok &= process.waitFor() == 0;
        }
      } catch (IOException e) {
        throw new IllegalStateException("Could not start " + java + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the bare JVMs", e);
      }
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    sink.accept(Stats.of(seconds).into(new JsonLine("W2", "bare-jvms"), "s")
        .put("jvms", count)
        .put("ok", ok));
    workerFloor(count, reps, List.of(), "worker-floor");
    Path archive = floorArchive();
    if (archive != null) {
      try {
        workerFloor(count, reps, List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds*=off"),
            "worker-floor-cds");
      } finally {
        deleteTree(archive.getParent());
      }
    }
  }

  /**
   * A class-data archive of the worker's classes, as a pool's workers get one where the application
   * runs from jars: written by one worker that runs to its handshake and exits; null where the
   * classpath has a directory (the JDK archives none) or it could not be written.
   */
  private Path floorArchive() {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) {
        return null;
      }
    }
    try {
      Path directory = Files.createTempDirectory("parallelizable-floor-cds");
      Path archive = directory.resolve("worker.jsa");
      workerFloorRun(1, List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off"), new ArrayList<>(),
          new ArrayList<>(), new ArrayList<>());
      return Files.isRegularFile(archive) ? archive : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * W2's worker floor: {@code count} JVMs started together, each running the worker's main class
   * with the JVM options a pool gives it by default until it has opened its named pipes and sent its
   * token, the handshake (with the median CPU time a worker used up to it, as the operating system
   * counts it); then their standard input is closed, which makes a worker halt as
   * when its parent is gone, until all exited. What a job adds above it is the pool's.
   */
  private void workerFloor(int count, int reps, List<String> options, String backend) {
    List<Double> seconds = new ArrayList<>();
    List<Double> handshakes = new ArrayList<>();
    List<Double> cpuMillis = new ArrayList<>();
    boolean ok = true;
    for (int rep = 0; rep < reps; rep++) {
      ok &= workerFloorRun(count, options, seconds, handshakes, cpuMillis);
    }
    sink.accept(Stats.of(seconds).into(new JsonLine("W2", backend), "s")
        .put("jvms", count)
        .put("handshake_s", Stats.of(handshakes).median())
        .put("cpu_ms_to_handshake", cpuMillis.isEmpty() ? 0 : Stats.of(cpuMillis).median())
        .put("ok", ok));
  }

  /** One run of the worker floor with {@code options}; adds its times; false if a worker failed. */
  private boolean workerFloorRun(
      int count, List<String> options, List<Double> seconds, List<Double> handshakes, List<Double> cpuMillis) {
    boolean ok = true;
    Path directory = null;
    List<Process> started = new ArrayList<>();
    List<FileChannel> pipes = new ArrayList<>();
    try {
      directory = Files.createTempDirectory("parallelizable-floor");
      // The pool's channel: two named pipes per worker, made and held open for reading and
      // writing before the JVM needs them, as the pool does while it boots.
      List<String> mkfifo = new ArrayList<>(List.of("mkfifo", "-m", "600"));
      for (int i = 0; i < count; i++) {
        mkfifo.add(directory.resolve("u" + i).toString());
        mkfifo.add(directory.resolve("d" + i).toString());
      }
      ok &= new ProcessBuilder(mkfifo).inheritIO().start().waitFor() == 0;
      for (int i = 0; i < count; i++) {
        // The worker finds its pipe from the parent beside its pipe to it, named "d".
        Path worker = Files.createDirectory(directory.resolve("w" + i));
        Files.move(directory.resolve("u" + i), worker.resolve("u"));
        Files.move(directory.resolve("d" + i), worker.resolve("d"));
        pipes.add(FileChannel.open(worker.resolve("u"), StandardOpenOption.READ, StandardOpenOption.WRITE));
        pipes.add(FileChannel.open(worker.resolve("d"), StandardOpenOption.READ, StandardOpenOption.WRITE));
      }
      byte[] token = new byte[TOKEN_LENGTH];
      Arrays.fill(token, (byte) '0');
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        Path worker = directory.resolve("w" + i);
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(options);
        command.addAll(WORKER_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WORKER_MAIN,
            worker.resolve("u").toString(), worker.resolve("p").toString(), "floor-" + i, "UTF-8"));
        Process process = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        started.add(process);
        process.getOutputStream().write(token);
        process.getOutputStream().flush();
      }
      for (int i = 0; i < count; i++) {
        FileChannel up = pipes.get(2 * i);
        ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES);
        while (hello.hasRemaining() && up.read(hello) >= 0) {
          // the frame header and the token
        }
        ok &= !hello.hasRemaining();
      }
      handshakes.add((System.nanoTime() - start) / 1e9);
      for (Process process : started) {
        process.info().totalCpuDuration().ifPresent(cpu -> cpuMillis.add(cpu.toNanos() / 1e6));
      }
      for (Process process : started) {
        process.getOutputStream().close();
      }
      for (Process process : started) {
        ok &= process.waitFor() == EXIT_ORPHANED;
      }
      seconds.add((System.nanoTime() - start) / 1e9);
    } catch (IOException e) {
      throw new IllegalStateException("Could not run the worker floor: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the worker floor's JVMs", e);
    } finally {
      started.forEach(Process::destroyForcibly);
      for (FileChannel pipe : pipes) {
        try {
          pipe.close();
        } catch (IOException e) {
          // its file is deleted with the directory below
        }
      }
      deleteTree(directory);
    }
    return ok;
  }

  /** The worker's main class, its token length, and the length of its first frame (header and token). */
  private static final String WORKER_MAIN = "dev.parallelizable.internal.process.child.WorkerMain";
  private static final int TOKEN_LENGTH = 32;
  private static final int HELLO_BYTES = 4 + 1 + 8 + TOKEN_LENGTH;
  /** The exit code of a worker whose parent is gone. */
  private static final int EXIT_ORPHANED = 4;

  private static void deleteTree(Path directory) {
    if (directory == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover in the temporary directory is harmless
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
