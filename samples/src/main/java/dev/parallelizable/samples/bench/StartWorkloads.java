package dev.parallelizable.samples.bench;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The workloads that measure worker start: W7 (200 trivial tasks on 2 workers, each worker
 * replaced after every task, cold), W1-cold (a second pool of the same configuration in a running
 * application: create, first map of 999 cubes, close, against threads), and the bound of W2's jobs
 * (ten bare JVMs, {@code java -Xshare:auto -version}, started together).
 */
final class StartWorkloads {
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

  /** W7: create a pool recycling every worker after one task, map 200 trivial tasks, close. */
  void recycle() {
    int tasks = quick ? 20 : 200;
    int reps = quick ? 1 : Math.min(repeat, 3);
    List<Integer> inputs = IntStream.range(0, tasks).boxed().toList();
    List<Double> seconds = new ArrayList<>();
    boolean ok = true;
    for (int rep = 0; rep < reps; rep++) {
      long start = System.nanoTime();
      try (Pool pool = Parallel.processPool().workers(workers).maxTasksPerWorker(1).build()) {
        List<Integer> results = pool.map(BenchTasksParallel::trivial, inputs, 1);
        ok &= results.size() == tasks && results.get(tasks - 1) == tasks;
      }
      seconds.add((System.nanoTime() - start) / 1e9);
      log.printf("bench: W7 run %d: %.2f s%n", rep + 1, seconds.get(rep));
    }
    Stats stats = Stats.of(seconds);
    sink.accept(stats.into(new JsonLine("W7", "processes"), "s")
        .put("tasks", tasks)
        .put("ms_per_task", stats.median() * 1e3 / tasks)
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

  /** Ten bare JVMs ({@code java -Xshare:auto -version}) started together, until all exited. */
  void bareJvms(int count, int reps) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
  }
}
