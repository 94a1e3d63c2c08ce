package dev.parallelizable.samples.bench;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.SharedData;
import dev.parallelizable.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The workloads W1 to W6 of the benchmark, the same as the Python reference scripts run, each
 * measured on every backend in one JVM, with its baseline timed in the same run.
 *
 * <p><b>Warm</b> means the backend was created and has run the same call before: a JVM must also
 * have compiled the code, so warm calls follow an untimed warm-up of about {@code warmupMillis}.
 * <b>Cold</b> is create + first call + close, timed around the first use of a new pool in this JVM
 * (a process pool's worker JVMs are new, hence cold); W4 times it in a fresh JVM.
 *
 * <p>Each result is one {@link JsonLine}, handed to {@code sink} as soon as it is measured. Not
 * thread-safe.
 */
final class Workloads {
  static final List<String> ALL =
      List.of("W1", "W2", "W3", "W4", "W5", "W6", "W1-scale", "W7", "W1-cold", "W8");
  private static final int MB = 1_000_000;

  private final int workers;
  private final boolean quick;
  private final int repeat;
  private final List<Backend> backends;
  private final java.util.function.Consumer<JsonLine> sink;
  private final PrintStream log;
  private final long warmupNanos;

  Workloads(
      int workers,
      boolean quick,
      int repeat,
      List<Backend> backends,
      java.util.function.Consumer<JsonLine> sink,
      PrintStream log) {
    this.workers = workers;
    this.quick = quick;
    this.repeat = repeat;
    this.backends = backends;
    this.sink = sink;
    this.log = log;
    this.warmupNanos = TimeUnit.MILLISECONDS.toNanos(quick ? 30 : 1_000);
  }

  void run(String workload) {
    log.println("bench: " + workload);
    switch (workload) {
      case "W1" -> tinyTasks();
      case "W2" -> sleepers();
      case "W3" -> cpuBound();
      case "W4" -> coldStart();
      case "W5" -> roundTrip();
      case "W6" -> payload();
      case "W8" -> sharedData();
      case "W1-scale" -> scale();
      case "W7" -> starts().recycle();
      case "W1-cold" -> starts().secondPool();
      default -> throw new IllegalArgumentException(
          "unknown workload '" + workload + "': give some of " + String.join(",", ALL));
    }
  }

  private StartWorkloads starts() {
    return new StartWorkloads(workers, quick, repeat, sink, log);
  }

  private boolean runs(Backend backend) {
    return backends.contains(backend);
  }

  private List<Backend> among(Backend... candidates) {
    return List.of(candidates).stream().filter(this::runs).toList();
  }

  // ---------------------------------------------------------------- W1

  private void tinyTasks() {
    for (int n : quick ? new int[] {1_000, 10_000} : new int[] {1_000, 1_000_000}) {
      List<Integer> xs = IntStream.range(1, n).boxed().toList();
      long expected = cubeSum(xs);
      Predicate<List<Long>> check = out -> out.size() == xs.size() && sum(out) == expected;
      Mapper<Integer, Long> loop = Mapper.of(Backend.LOOP, workers, BenchTasks::cube, null);
      warm(loop, null, xs, check);
      // A call of a few microseconds is noisy: time ten times as many.
      int reps = n < 100_000 ? repeat * 10 : repeat;
      for (Backend backend : among(Backend.LOOP, Backend.JDK_EXECUTOR, Backend.PARALLEL_STREAM,
          Backend.SEQUENTIAL, Backend.THREADS, Backend.PROCESSES)) {
        MapRun run = timeMap(backend, BenchTasks::cube, BenchTasksParallel::cube, xs, check,
            backend == Backend.LOOP ? null : loop, reps);
        JsonLine line = new JsonLine("W1", backend.label()).put("tasks", xs.size());
        run.warmMillis().into(line, "ms").put("baseline", "loop");
        if (backend == Backend.LOOP) {
          line.put("baseline_median", run.warmMillis().median()).put("ratio", 1.0);
        } else {
          line.put("baseline_median", run.loopMillis().median()).put("ratio", run.ratios().median());
        }
        emit(line.put("cold_ms", run.coldMillis()).put("ok", run.ok()));
      }
      // The generated cubeMap beside pool.map(BenchTasksParallel::cube, ...) above.
      for (Backend backend : among(Backend.THREADS, Backend.PROCESSES)) {
        MapRun run = timeMap(backend, () -> Mapper.generated(backend.pool(workers),
            (pool, inputs) -> BenchTasksParallel.on(pool).cubeMap(inputs)), xs, check, loop, reps, null);
        JsonLine line = new JsonLine("W1", backend.label()).put("mode", "generated map").put("tasks", xs.size());
        run.warmMillis().into(line, "ms").put("baseline", "loop");
        line.put("baseline_median", run.loopMillis().median()).put("ratio", run.ratios().median());
        emit(line.put("cold_ms", run.coldMillis()).put("ok", run.ok()));
      }
      if (runs(Backend.LOOP)) {
        emit(arrayLoop(xs, loop, reps, expected));
      }
      if (runs(Backend.PROCESSES)) {
        emit(channelBound(xs, loop, reps));
      }
      loop.close();
    }
  }

  /**
   * The floor of W1 on processes: only the bytes its map moves (an int argument, a long result per
   * task) over each worker's channel as a pool has it (two pipes, and a socket for chunks over 64
   * KiB; see {@link ChannelBound}), in chunks as the pool first cuts them, paired with the loop as
   * the pools are.
   */
  private JsonLine channelBound(List<Integer> xs, Mapper<Integer, Long> loop, int reps) {
    int chunk = Math.max(1, (xs.size() + 4 * workers - 1) / (4 * workers));
    List<Double> millis = new ArrayList<>();
    List<Double> loopMillis = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    long read = 0;
    try (ChannelBound bound = new ChannelBound(workers, Integer.BYTES, Long.BYTES)) {
      long until = System.nanoTime() + warmupNanos;
      while (System.nanoTime() - until < 0) {
        bound.move(xs.size(), chunk);
      }
      for (int rep = 0; rep < reps; rep++) {
        settle(xs.size());
        long start = System.nanoTime();
        read += sum(loop.map(xs)); // the loop is timed with reading its results, as in timeMap
        loopMillis.add((System.nanoTime() - start) / 1e6);
        settle(xs.size());
        start = System.nanoTime();
        bound.move(xs.size(), chunk);
        millis.add((System.nanoTime() - start) / 1e6);
        ratios.add(millis.get(rep) / loopMillis.get(rep));
      }
    } catch (java.io.IOException e) {
      return new JsonLine("W1", "processes-bound").put("mode", "channel bytes").put("tasks", xs.size())
          .put("ok", false).put("error", e.toString());
    }
    JsonLine line = new JsonLine("W1", "processes-bound").put("mode", "channel bytes").put("tasks", xs.size());
    Stats.of(millis).into(line, "ms").put("baseline", "loop");
    return line.put("baseline_median", Stats.of(loopMillis).median())
        .put("ratio", Stats.of(ratios).median()).put("chunk", chunk).put("ok", read == cubeSum(xs) * reps);
  }

  /**
   * The same loop into a {@code long[]}, paired with the loop into a {@code List<Long>} as the
   * pools are: what is left of the loop without boxing and its garbage, so that a reader can tell
   * the cost of a way from the collector's.
   */
  private JsonLine arrayLoop(List<Integer> xs, Mapper<Integer, Long> loop, int reps, long expected) {
    int n = xs.size();
    boolean ok = true;
    long until = System.nanoTime() + warmupNanos;
    while (System.nanoTime() - until < 0) {
      ok &= sum(cubes(n)) == expected;
    }
    List<Double> millis = new ArrayList<>();
    List<Double> loopMillis = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      settle(n);
      long start = System.nanoTime();
      ok &= sum(loop.map(xs)) == expected; // the loop is timed with reading its results, as in timeMap
      loopMillis.add((System.nanoTime() - start) / 1e6);
      settle(n);
      start = System.nanoTime();
      ok &= sum(cubes(n)) == expected;
      millis.add((System.nanoTime() - start) / 1e6);
      ratios.add(millis.get(rep) / loopMillis.get(rep));
    }
    JsonLine line = new JsonLine("W1", "loop-array").put("tasks", n);
    Stats.of(millis).into(line, "ms").put("baseline", "loop");
    return line.put("baseline_median", Stats.of(loopMillis).median())
        .put("ratio", Stats.of(ratios).median()).put("ok", ok);
  }

  /** The cubes of 1 to n, into an array. */
  private static long[] cubes(int n) {
    long[] cubes = new long[n];
    for (int x = 1; x <= n; x++) {
      cubes[x - 1] = BenchTasks.cube(x);
    }
    return cubes;
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long value : values) {
      total += value;
    }
    return total;
  }

  private static long cubeSum(List<Integer> xs) {
    long total = 0;
    for (int x : xs) {
      total += BenchTasks.cube(x);
    }
    return total;
  }

  private static long sum(List<? extends Number> values) {
    long total = 0;
    for (Number value : values) {
      total += value.longValue();
    }
    return total;
  }

  /** W1 over more sizes: the time per element should not depend on n; imap in bounded memory. */
  private void scale() {
    int top = quick ? 5 : 7;
    for (Backend backend : among(Backend.LOOP, Backend.THREADS, Backend.PROCESSES)) {
      for (int exponent = 3; exponent <= top; exponent++) {
        int n = (int) Math.pow(10, exponent);
        List<Integer> xs = IntStream.range(1, n + 1).boxed().toList();
        long expected = cubeSum(xs);
        MapRun run = timeMap(backend, BenchTasks::cube, BenchTasksParallel::cube, xs,
            out -> sum(out) == expected, null, n < 100_000 ? repeat * 10 : Math.min(repeat, 5));
        JsonLine line = new JsonLine("W1-scale", backend.label()).put("tasks", n);
        Stats perElement = Stats.of(run.warm().stream().map(ms -> ms * 1e6 / n).toList());
        emit(perElement.into(line, "ns/task").put("ok", run.ok()));
      }
    }
    long n = quick ? 1_000_000L : 100_000_000L;
    for (Backend backend : among(Backend.THREADS, Backend.PROCESSES)) {
      emit(imapInBoundedMemory(backend, n));
    }
  }

  private JsonLine imapInBoundedMemory(Backend backend, long n) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Iterable<Integer> lazyInputs = () -> new Iterator<>() {
      private int next = 1;

      @Override
      public boolean hasNext() {
        return next <= n;
      }

      @Override
      public Integer next() {
        return next++;
      }
    };
    long checkpoint = n / 10;
    long maxHeap = 0;
    long total = 0;
    long count = 0;
    System.gc();
    long startHeap = memory.getHeapMemoryUsage().getUsed();
    long start = System.nanoTime();
    try (Pool pool = backend.pool(workers);
        ResultIterator<Long> results = pool.imap(BenchTasksParallel::cube, lazyInputs)) {
      while (results.hasNext()) {
        total += results.next();
        if (++count % checkpoint == 0) {
          System.gc(); // live data only: what an imap keeps, not what it has dropped
          maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long expected = 0;
    for (int x = 1; x <= n; x++) {
      expected += BenchTasks.cube(x);
    }
    return new JsonLine("W1-scale", backend.label())
        .put("mode", "imap")
        .put("tasks", n)
        .put("unit", "ns/task")
        .put("median", seconds * 1e9 / n)
        .put("reps", 1)
        .put("heap_start_MB", startHeap / 1e6)
        .put("heap_max_live_MB", maxHeap / 1e6)
        .put("ok", count == n && total == expected);
  }

  // ---------------------------------------------------------------- W2

  private void sleepers() {
    int tasks = 10;
    int napMillis = quick ? 50 : 500;
    int reps = Math.min(repeat, 5);
    for (Backend backend : among(Backend.JDK_EXECUTOR, Backend.THREADS, Backend.PROCESSES)) {
      List<String> kinds = backend == Backend.JDK_EXECUTOR ? List.of("pool") : List.of("jobs", "pool");
      for (String kind : kinds) {
        List<Double> seconds = new ArrayList<>();
        boolean ok = true;
        for (int rep = 0; rep < reps; rep++) {
          long start = System.nanoTime();
          List<Integer> results = switch (kind) {
            case "jobs" -> napJobs(backend, tasks, napMillis);
            default -> napPool(backend, tasks, napMillis);
          };
          seconds.add((System.nanoTime() - start) / 1e9);
          ok &= sum(results) == tasks;
        }
        Stats cold = Stats.of(seconds);
        JsonLine line = new JsonLine("W2", backend.label() + (kind.equals("jobs") ? "-jobs" : ""));
        emit(cold.into(line, "s")
            .put("tasks", tasks)
            .put("nap_s", napMillis / 1e3)
            .put("overhead_ms", (cold.median() - napMillis / 1e3) * 1e3)
            .put("ok", ok));
      }
    }
    if (runs(Backend.PROCESSES)) {
      warmRuns("W2", tasks, List.of(Integer.toString(napMillis)), reps, "s", 1e3);
      starts().bareJvms(tasks, reps); // what the process jobs are bounded by
    }
  }

  private static List<Integer> napJobs(Backend backend, int tasks, int napMillis) {
    List<Job<Integer>> jobs = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      Task<Integer> nap = BenchTasksParallel.nap(napMillis);
      jobs.add(backend == Backend.PROCESSES ? Parallel.process(nap) : Parallel.thread(nap));
    }
    jobs.forEach(Job::start);
    jobs.forEach(Job::join);
    return jobs.stream().map(Job::result).toList();
  }

  private List<Integer> napPool(Backend backend, int tasks, int napMillis) {
    List<Integer> inputs = java.util.Collections.nCopies(tasks, napMillis);
    if (backend == Backend.JDK_EXECUTOR) {
      ExecutorService executor = Executors.newFixedThreadPool(tasks);
      try {
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int millis : inputs) {
          calls.add(() -> BenchTasks.nap(millis));
        }
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> future : executor.invokeAll(calls)) {
          results.add(future.get());
        }
        return results;
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException(e);
      } finally {
        executor.shutdown();
      }
    }
    try (Pool pool = backend.pool(tasks)) {
      return pool.map(BenchTasksParallel::nap, inputs);
    }
  }

  // ---------------------------------------------------------------- W3

  private void cpuBound() {
    int tasks = 40;
    long targetNanos = TimeUnit.MILLISECONDS.toNanos(quick ? 2 : 50);
    int k = calibrate(targetNanos);
    List<Integer> ks = java.util.Collections.nCopies(tasks, k);
    long expected = BenchTasks.burn(k) * tasks;
    Predicate<List<Long>> check = out -> sum(out) == expected;
    int reps = Math.min(repeat, 5);
    Stats loop = null;
    for (Backend backend : among(Backend.LOOP, Backend.JDK_EXECUTOR, Backend.PARALLEL_STREAM,
        Backend.SEQUENTIAL, Backend.THREADS, Backend.PROCESSES)) {
      MapRun run = timeMap(backend, BenchTasks::burn, BenchTasksParallel::burn, ks, check, null, reps);
      if (backend == Backend.LOOP) {
        loop = run.warmMillis();
      }
      JsonLine line = new JsonLine("W3", backend.label()).put("tasks", tasks).put("k", k);
      run.warmMillis().into(line, "ms").put("cold_ms", run.coldMillis());
      if (loop != null) {
        line.put("baseline", "loop")
            .put("baseline_median", loop.median())
            .put("speedup", loop.median() / run.warmMillis().median())
            .put("cold_speedup", loop.median() / run.coldMillis());
      }
      emit(line.put("ok", run.ok()));
    }
  }

  /** The {@code k} for which one {@code burn(k)} takes about {@code targetNanos} here, compiled. */
  private static int calibrate(long targetNanos) {
    int k = 100_000;
    for (int i = 0; i < 200; i++) {
      BenchTasks.burn(k); // compile it first
    }
    while (true) {
      List<Double> nanos = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        BenchTasks.burn(k);
        nanos.add((double) (System.nanoTime() - start));
      }
      double median = Stats.of(nanos).median();
      if (median > targetNanos / 5.0 || k > Integer.MAX_VALUE / 4) {
        return (int) Math.min(Integer.MAX_VALUE, (long) (k * (targetNanos / median)));
      }
      k *= 2;
    }
  }

  // ---------------------------------------------------------------- W4

  private void coldStart() {
    int reps = quick ? 1 : Math.max(repeat, 5);
    for (Backend backend : among(Backend.JDK_EXECUTOR, Backend.SEQUENTIAL, Backend.THREADS,
        Backend.PROCESSES)) {
      List<Double> create = new ArrayList<>();
      List<Double> first = new ArrayList<>();
      List<Double> shutdown = new ArrayList<>();
      List<Double> total = new ArrayList<>();
      List<Double> jvm = new ArrayList<>();
      for (int rep = 0; rep < reps; rep++) {
        long start = System.nanoTime();
        double[] phases = ColdStart.inFreshJvm(backend, workers);
        jvm.add((System.nanoTime() - start) / 1e6);
        create.add(phases[0]);
        first.add(phases[1]);
        shutdown.add(phases[2]);
        total.add(phases[0] + phases[1] + phases[2]);
      }
      JsonLine line = new JsonLine("W4", backend.label());
      emit(Stats.of(total).into(line, "ms")
          .put("create_ms", Stats.of(create).median())
          .put("first_task_ms", Stats.of(first).median())
          .put("shutdown_ms", Stats.of(shutdown).median())
          .put("jvm_process_ms", Stats.of(jvm).median())
          .put("ok", true));
    }
    if (runs(Backend.PROCESSES)) {
      warmRuns("W4", workers, List.of(), reps, "ms", 1);
      warmRunsWithClassData(reps);
    }
  }

  /**
   * W4's second run again, in JVMs that load their classes from a class-data archive of the
   * application (AppCDS), as a command-line tool can ship: one training run writes it with {@code
   * -XX:ArchiveClassesAtExit}, then each measured run reads it. Emits {@code
   * processes-warm-second-cds}; nothing if the archive cannot be written (a classpath with
   * directories).
   */
  private void warmRunsWithClassData(int reps) {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) {
        return; // an archive takes jars only, as when the benchmarks run from their jar
      }
    }
    Path archive;
    try {
      archive = Files.createTempFile("parallelizable-bench-", ".jsa");
      Files.delete(archive);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      String tag = Long.toHexString(System.nanoTime()) + "-cds";
      ColdStart.inFreshJvm(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
          Backend.PROCESSES, workers, List.of(tag));
      if (!Files.exists(archive)) {
        return;
      }
      List<Double> second = new ArrayList<>();
      for (int rep = 0; rep < reps; rep++) {
        List<String> options = List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
        List<String> arguments = List.of(tag + "-" + rep);
        ColdStart.inFreshJvm(options, Backend.PROCESSES, workers, arguments); // the first run: workers start
        double[] warm = ColdStart.inFreshJvm(options, Backend.PROCESSES, workers, arguments);
        second.add(warm[0] + warm[1] + warm[2]);
      }
      emit(Stats.of(second).into(new JsonLine("W4", "processes-warm-second-cds"), "ms").put("ok", true));
    } finally {
      try {
        Files.deleteIfExists(archive);
      } catch (IOException e) {
        // a file in the temporary directory
      }
    }
  }

  /**
   * Two runs of an application in fresh JVMs, each a pool that keeps its workers across runs: the
   * first starts them, the second finds them warm. Each repetition has a configuration of its own,
   * so the first run of each is cold. Emits {@code processes-warm-first} and {@code
   * processes-warm-second}, each the total of create, work and close ({@code unit}: ms or s).
   */
  private void warmRuns(String workload, int poolWorkers, List<String> task, int reps, String unit, double scale) {
    List<Double> first = new ArrayList<>();
    List<Double> second = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      List<String> arguments = new ArrayList<>();
      arguments.add(Long.toHexString(System.nanoTime()) + "-" + rep);
      arguments.addAll(task);
      double[] cold = ColdStart.inFreshJvm(Backend.PROCESSES, poolWorkers, arguments);
      double[] warm = ColdStart.inFreshJvm(Backend.PROCESSES, poolWorkers, arguments);
      first.add((cold[0] + cold[1] + cold[2]) / scale);
      second.add((warm[0] + warm[1] + warm[2]) / scale);
    }
    emit(Stats.of(first).into(new JsonLine(workload, "processes-warm-first"), unit).put("ok", true));
    emit(Stats.of(second).into(new JsonLine(workload, "processes-warm-second"), unit).put("ok", true));
  }

  // ---------------------------------------------------------------- W5

  private void roundTrip() {
    int calls = quick ? 1_000 : 10_000;
    int warmupCalls = quick ? 200 : 5_000;
    int reps = Math.min(repeat, 5);
    Stats baseline = null;
    for (Backend backend : among(Backend.LOOP, Backend.JDK_EXECUTOR, Backend.SEQUENTIAL,
        Backend.THREADS, Backend.PROCESSES)) {
      IntFunction<Integer> call;
      AutoCloseable resource;
      switch (backend) {
        case LOOP -> {
          call = BenchTasks::trivial;
          resource = () -> {};
        }
        case JDK_EXECUTOR -> {
          Mapper.SplitExecutor<Integer, Integer> executor =
              new Mapper.SplitExecutor<>(workers, BenchTasks::trivial);
          call = x -> {
            try {
              return executor.call(x);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
          resource = executor;
        }
        default -> {
          Pool pool = backend.pool(workers);
          call = x -> {
            AsyncResult<Integer> result = pool.applyAsync(BenchTasksParallel.trivial(x));
            return result.get();
          };
          resource = pool;
        }
      }
      boolean ok = true;
      List<Double> micros = new ArrayList<>();
      try (resource) {
        for (int i = 0; i < warmupCalls; i++) {
          ok &= call.apply(i) == i + 1;
        }
        for (int rep = 0; rep < reps; rep++) {
          long start = System.nanoTime();
          for (int i = 0; i < calls; i++) {
            ok &= call.apply(i) == i + 1;
          }
          micros.add((System.nanoTime() - start) / 1e3 / calls);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      Stats stats = Stats.of(micros);
      if (backend == Backend.JDK_EXECUTOR) {
        baseline = stats;
      }
      JsonLine line = stats.into(new JsonLine("W5", backend.label()), "us/call").put("calls", calls);
      if (baseline != null) {
        line.put("baseline", "jdk-executor")
            .put("baseline_median", baseline.median())
            .put("ratio", stats.median() / baseline.median());
      }
      emit(line.put("ok", ok));
      if (backend == Backend.PROCESSES) {
        roundTripBound(calls, warmupCalls, reps, stats);
      }
    }
  }

  /** W5's bound for processes, in the same run: see {@link RoundTripBound}. */
  private void roundTripBound(int calls, int warmupCalls, int reps, Stats processes) {
    boolean ok = true;
    List<Double> micros = new ArrayList<>();
    try (RoundTripBound bound = new RoundTripBound()) {
      for (int i = 0; i < warmupCalls; i++) {
        ok &= bound.call(i) == i;
      }
      for (int rep = 0; rep < reps; rep++) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          ok &= bound.call(i) == i;
        }
        micros.add((System.nanoTime() - start) / 1e3 / calls);
      }
    } catch (Exception e) {
      throw new IllegalStateException("W5 bound: " + e, e);
    }
    Stats stats = Stats.of(micros);
    emit(stats.into(new JsonLine("W5", "processes-bound"), "us/call").put("calls", calls)
        .put("processes_median", processes.median())
        .put("processes_to_bound", processes.median() / stats.median())
        .put("ok", ok));
  }

  // ---------------------------------------------------------------- W6

  private void payload() {
    int tasks = quick ? 10 : 200;
    Random random = new Random(6);
    List<byte[]> payloads = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      byte[] payload = new byte[MB];
      random.nextBytes(payload);
      payloads.add(payload);
    }
    Predicate<List<Integer>> check = out -> out.size() == tasks && out.stream().allMatch(s -> s == MB);
    int reps = Math.min(repeat, 5);
    for (Backend backend : among(Backend.LOOP, Backend.JDK_EXECUTOR, Backend.SEQUENTIAL,
        Backend.THREADS, Backend.PROCESSES)) {
      try (HeapPeak heap = new HeapPeak()) {
        MapRun run = timeMap(backend, BenchTasks::size, BenchTasksParallel::size, payloads, check,
            null, reps, heap);
        List<Double> rates = run.warm().stream().map(ms -> tasks * 1e3 / ms).toList();
        JsonLine line = Stats.of(rates).into(new JsonLine("W6", backend.label()), "MB/s")
            .put("tasks", tasks)
            .put("payload_MB", tasks * (double) MB / 1e6)
            .put("first_MB_per_s", tasks * 1e3 / run.firstMillis())
            .put("heap_peak_growth_MB", heap.growthBytes() / 1e6)
            .put("workers_peak_rss_MB", run.workersPeakRssBytes() / 1e6);
        emit(line.put("ok", run.ok()));
      }
    }
  }

  // ---------------------------------------------------------------- W8

  /**
   * W8: {@code tasks} tasks on the pool's workers, each summing a strided sample of the same 200 MB
   * array: through a {@link SharedData} handle (written once, mapped by each worker), passing the
   * array itself (over the pool's threshold: written once, copied from the mapping by each task),
   * and passing it with the threshold off (encoded and sent for every task, so timed on a tenth of
   * the tasks). {@code processes-shared-per-call} times the handle's creation, the map and its close
   * together, on the same warm pool, as joblib writes its memory map in every call. Each line reports the parent's and the workers' memory read from /proc right after
   * the timed maps.
   */
  private void sharedData() {
    int tasks = quick ? 10 : 100;
    int megabytes = quick ? 20 : 200;
    double[] data = new double[megabytes * MB / 8];
    Random random = new Random(8);
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextDouble();
    }
    List<Integer> starts = IntStream.range(0, tasks).boxed().toList();
    List<Double> expected = starts.stream().map(i -> BenchTasks.stridedSumOfArray(data, i)).toList();
    int reps = quick ? 1 : Math.min(repeat, 3);
    try (SharedData shared = SharedData.of(data)) {
      Stats loop = timeW8(reps, () -> starts.stream().map(i -> BenchTasks.stridedSumOfArray(data, i)).toList(),
          expected);
      emitW8(new JsonLine("W8", "loop"), loop, null, tasks, megabytes, true);
      if (runs(Backend.THREADS)) {
        try (Pool pool = Parallel.threads(workers)) {
          Stats threads = timeW8(reps, () -> pool.map(i -> BenchTasksParallel.stridedSum(shared, i), starts),
              expected);
          emitW8(new JsonLine("W8", "threads-shared"), threads, null, tasks, megabytes, true);
        }
      }
      if (!runs(Backend.PROCESSES)) {
        return;
      }
      Stats handle;
      try (Pool pool = Parallel.processes(workers)) {
        handle = timeW8(reps, () -> pool.map(i -> BenchTasksParallel.stridedSum(shared, i), starts), expected);
        emitW8(new JsonLine("W8", "processes-shared"), handle, handle, tasks, megabytes, true);
        // As joblib does in every Parallel call: the data written anew, mapped, and let go.
        Stats perCall = timeW8(reps, () -> {
          try (SharedData fresh = SharedData.of(data)) {
            return pool.map(i -> BenchTasksParallel.stridedSum(fresh, i), starts);
          }
        }, expected);
        emitW8(new JsonLine("W8", "processes-shared-per-call"), perCall, handle, tasks, megabytes, true);
      }
      try (Pool pool = Parallel.processes(workers)) {
        Stats array = timeW8(reps,
            () -> pool.map(i -> BenchTasksParallel.stridedSumOfArray(data, i), starts), expected);
        emitW8(new JsonLine("W8", "processes-array"), array, handle, tasks, megabytes, true);
      }
      // Encoded and sent for every task: 20 GB for 100 tasks. A tenth of them, scaled to 100.
      List<Integer> fewer = starts.subList(0, Math.max(1, tasks / 10));
      List<Double> fewerExpected = expected.subList(0, fewer.size());
      try (Pool pool = Parallel.processPool().workers(workers).sharedArrayThreshold(0).build()) {
        Stats copy = timeW8(1, () -> pool.map(i -> BenchTasksParallel.stridedSumOfArray(data, i), fewer),
            fewerExpected);
        Stats scaled = Stats.of(List.of(copy.median() * tasks / fewer.size()));
        emitW8(new JsonLine("W8", "processes-copy").put("tasks_timed", fewer.size()), scaled, handle, tasks,
            megabytes, true);
      }
    }
  }

  /** Warms up with one checked call, then times {@code reps} calls, in seconds. */
  private static Stats timeW8(int reps, java.util.function.Supplier<List<Double>> call, List<Double> expected) {
    if (!call.get().equals(expected)) {
      throw new IllegalStateException("W8: wrong sums");
    }
    List<Double> seconds = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      long start = System.nanoTime();
      List<Double> sums = call.get();
      seconds.add((System.nanoTime() - start) / 1e9);
      if (!sums.equals(expected)) {
        throw new IllegalStateException("W8: wrong sums");
      }
    }
    return Stats.of(seconds);
  }

  private void emitW8(JsonLine line, Stats stats, Stats baseline, int tasks, int megabytes, boolean ok) {
    long self = ProcessHandle.current().pid();
    stats.into(line, "s").put("tasks", tasks).put("data_MB", megabytes);
    if (baseline != null) {
      line.put("baseline", "processes-shared")
          .put("baseline_median", baseline.median())
          .put("ratio", stats.median() / baseline.median());
    }
    line.put("parent_rss_MB", ChildProcesses.statusBytes(self, "VmRSS") / 1e6)
        .put("parent_peak_rss_MB", ChildProcesses.statusBytes(self, "VmHWM") / 1e6)
        .put("workers_rss_MB", ChildProcesses.childrenStatusBytes("VmRSS") / 1e6)
        .put("workers_private_MB", ChildProcesses.childrenStatusBytes("RssAnon") / 1e6)
        .put("workers_peak_rss_MB", ChildProcesses.childrenStatusBytes("VmHWM") / 1e6);
    emit(line.put("ok", ok));
  }

  // ---------------------------------------------------------------- timing

  private void emit(JsonLine line) {
    sink.accept(line);
  }

  /** The fewest inputs of a call that {@link #settle} collects before. */
  private static final int SETTLE_FROM = 100_000;

  /**
   * Collects the garbage of the calls before the next timed one on {@code inputs} inputs, as JMH's
   * {@code -gc true} does between iterations, so that a call does not pay for the garbage of the
   * one before it: the warm-up's maps leave gigabytes of boxed results behind, and G1 then copies
   * them for seconds in pauses that fall on whichever call comes next. Not before a call on fewer
   * than {@link #SETTLE_FROM} inputs: its garbage is too little to matter, and right after a
   * collection it would run with cold caches, timing the collection's wake rather than the call.
   */
  private static void settle(int inputs) {
    if (inputs >= SETTLE_FROM) {
      System.gc();
    }
  }

  /**
   * Makes the calls of a timed repetition for the warm-up time: {@code pairedLoop}'s (if not null)
   * and {@code mapper}'s, each read by {@code check}. The timed calls then run the code the JIT
   * made for them, rather than code it discards when the first timed repetition hands the check a
   * list of a class it has not seen, and recompiles while the repetitions are timed.
   */
  private <T, R> void warm(Mapper<T, R> mapper, Mapper<T, R> pairedLoop, List<T> inputs,
      Predicate<List<R>> check) {
    long end = System.nanoTime() + warmupNanos;
    int calls = 0;
    do {
      if (pairedLoop != null) {
        check.test(pairedLoop.map(inputs));
      }
      check.test(mapper.map(inputs));
      calls++;
    } while (System.nanoTime() < end && calls < 10_000);
  }

  private <T, R> MapRun timeMap(Backend backend, Function<T, R> direct, Function<T, Task<R>> toTask,
      List<T> inputs, Predicate<List<R>> check, Mapper<T, R> pairedLoop, int reps) {
    return timeMap(backend, direct, toTask, inputs, check, pairedLoop, reps, null);
  }

  /**
   * Python's {@code timed_map}: create, first call (cold), warm-up, {@code reps} timed calls (each
   * right after one call of {@code pairedLoop}, if given, for a ratio that resists drift), close.
   */
  private <T, R> MapRun timeMap(Backend backend, Function<T, R> direct, Function<T, Task<R>> toTask,
      List<T> inputs, Predicate<List<R>> check, Mapper<T, R> pairedLoop, int reps, HeapPeak heap) {
    return timeMap(backend, () -> Mapper.of(backend, workers, direct, toTask), inputs, check, pairedLoop,
        reps, heap);
  }

  private <T, R> MapRun timeMap(Backend backend, Supplier<Mapper<T, R>> create, List<T> inputs,
      Predicate<List<R>> check, Mapper<T, R> pairedLoop, int reps, HeapPeak heap) {
    long t0 = System.nanoTime();
    Mapper<T, R> mapper = create.get();
    long t1 = System.nanoTime();
    boolean ok = check.test(mapper.map(inputs));
    long t2 = System.nanoTime();
    warm(mapper, pairedLoop, inputs, check);
    List<Double> warm = new ArrayList<>();
    List<Double> loop = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    if (heap != null) {
      heap.start();
    }
    boolean settles = heap == null; // not while heap samples the live heap: its collections measure it
    for (int rep = 0; rep < reps; rep++) {
      // Each call is timed with the reading of all its results (the check does), so a list that
      // defers work until it is read is charged for it, as the loop is for its boxes.
      if (pairedLoop != null) {
        if (settles) {
          settle(inputs.size());
        }
        long start = System.nanoTime();
        ok &= check.test(pairedLoop.map(inputs));
        loop.add((System.nanoTime() - start) / 1e6);
      }
      if (settles) {
        settle(inputs.size());
      }
      long start = System.nanoTime();
      ok &= check.test(mapper.map(inputs));
      warm.add((System.nanoTime() - start) / 1e6);
      if (pairedLoop != null) {
        ratios.add(warm.get(rep) / loop.get(rep));
      }
    }
    if (heap != null) {
      heap.stop();
    }
    long workersRss = backend == Backend.PROCESSES ? ChildProcesses.peakRssBytes() : 0;
    long t3 = System.nanoTime();
    mapper.close();
    long t4 = System.nanoTime();
    double coldMillis = ((t1 - t0) + (t2 - t1) + (t4 - t3)) / 1e6;
    return new MapRun(coldMillis, (t2 - t1) / 1e6, warm, loop, ratios, workersRss, ok);
  }

  /** The measurements of one backend's map. */
  private record MapRun(double coldMillis, double firstMillis, List<Double> warm, List<Double> loop,
      List<Double> ratioList, long workersPeakRssBytes, boolean ok) {
    Stats warmMillis() {
      return Stats.of(warm);
    }

    Stats loopMillis() {
      return Stats.of(loop);
    }

    Stats ratios() {
      return Stats.of(ratioList);
    }
  }
}
