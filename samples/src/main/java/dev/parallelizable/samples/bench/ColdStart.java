package dev.parallelizable.samples.bench;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * W4 in a fresh JVM: create a pool, run one trivial task, shut the pool down, and print the three
 * times in milliseconds on one line. {@link #inFreshJvm} starts it as a child JVM and reads them.
 * With a warm tag, the pool keeps its workers across runs ({@code reuseWorkersAcrossRuns}), under a
 * configuration of its own (a system property set to the tag), so that a second run with the same
 * tag finds the first run's workers; with a nap, the task is {@code workers} naps of that many
 * milliseconds instead (W2's pool).
 */
public final class ColdStart {
  private ColdStart() {}

  /** How long the workers of a warm run wait for the next run. */
  static final Duration WARM_FOR = Duration.ofSeconds(20);

  /**
   * {@code ColdStart <backend> <workers> [<warm tag> [<nap ms>]]}: prints {@code create first
   * shutdown} in milliseconds. Without arguments it returns at once: the JVMs of W7's bound.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      return;
    }
    Backend backend = Backend.parse(args[0]);
    int workers = Integer.parseInt(args[1]);
    long t0 = System.nanoTime();
    long t1;
    long t2;
    if (backend == Backend.JDK_EXECUTOR) {
      ExecutorService executor = Executors.newFixedThreadPool(workers);
      t1 = System.nanoTime();
      check(executor.submit(() -> BenchTasks.trivial(1)).get());
      t2 = System.nanoTime();
      executor.shutdown();
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } else {
      Pool pool = args.length > 2
          ? Parallel.processPool().workers(workers).systemProperty("parallelizable.bench.tag", args[2])
              .reuseWorkersAcrossRuns(WARM_FOR).build()
          : backend.pool(workers);
      t1 = System.nanoTime();
      if (args.length > 3) {
        List<Integer> naps = pool.map(BenchTasksParallel::nap, Collections.nCopies(workers, Integer.parseInt(args[3])), 1);
        if (naps.size() != workers) {
          throw new IllegalStateException(naps.size() + " naps of " + workers);
        }
      } else {
        check(pool.apply(BenchTasksParallel.trivial(1)));
      }
      t2 = System.nanoTime();
      pool.close();
    }
    long t3 = System.nanoTime();
    System.out.println((t1 - t0) / 1e6 + " " + (t2 - t1) / 1e6 + " " + (t3 - t2) / 1e6);
  }

  private static void check(int result) {
    if (result != 2) {
      throw new IllegalStateException("trivial(1) returned " + result);
    }
  }

  /** Runs {@link #main} in a new JVM on this JVM's classpath; returns its three times. */
  static double[] inFreshJvm(Backend backend, int workers) {
    return inFreshJvm(backend, workers, List.of());
  }

  /** Runs {@link #main} in a new JVM with the further {@code arguments}; returns its three times. */
  static double[] inFreshJvm(Backend backend, int workers, List<String> arguments) {
    return inFreshJvm(List.of(), backend, workers, arguments);
  }

  /** As {@link #inFreshJvm(Backend, int, List)}, in a JVM started with {@code jvmOptions}. */
  static double[] inFreshJvm(List<String> jvmOptions, Backend backend, int workers, List<String> arguments) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        ColdStart.class.getName(), backend.label(), Integer.toString(workers)));
    command.addAll(arguments);
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String line;
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        line = out.readLine();
      }
      int exit = process.waitFor();
      if (exit != 0 || line == null) {
        throw new IllegalStateException("cold start of " + backend.label() + " failed: exit code " + exit);
      }
      String[] fields = line.trim().split(" ");
      return new double[] {
        Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2])
      };
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
