package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tutorial's second program: ten jobs running {@link Sleeper#task()} at once, Python's
 *
 * <pre>{@code
 * processes = []
 * for _ in range(10):
 *     p = multiprocessing.Process(target=task)
 *     p.start()
 *     processes.append(p)
 * for p in processes:
 *     p.join()
 * }</pre>
 *
 * Ten half-second sleeps still take about half a second, plus starting the ten workers. On processes
 * it then shows what a worker keeps between tasks, what each level of recycling makes fresh, and
 * the same ten sleeps on a pool whose workers are kept warm: once started, and once warm.
 */
public final class TenJobs {
  private TenJobs() {}

  /** Runs the program on jobs of the given kind, printing to {@code out}. */
  public static void run(PrintStream out, Isolation isolation) {
    out.println("Ten jobs on " + isolation + ":");
    Report clock = Report.start();
    List<Job<Void>> jobs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      jobs.add(isolation.job(SleeperParallel.task()).start());
    }
    int succeeded = 0;
    for (Job<Void> job : jobs) {
      job.join();
      succeeded += job.exitCode() == 0 ? 1 : 0;
    }
    clock.finished(out);
    out.println(succeeded + " of 10 jobs exited with code 0");
    if (isolation == Isolation.PROCESSES) {
      // A job's JVM starts fresh; a pool's worker keeps what a task left, unless told otherwise.
      out.println("What one worker keeps between four tasks (a static counter, counted by each task):");
      out.println("  reused worker               " + visits(Parallel.processPool()));
      out.println("  maxTasksPerClassLoader(2)   " + visits(Parallel.processPool().maxTasksPerClassLoader(2))
          + "   static state fresh every 2 tasks, same JVM");
      out.println("  maxTasksPerWorker(2)        " + visits(Parallel.processPool().maxTasksPerWorker(2))
          + "   a new JVM every 2 tasks: also threads, native memory, files");
      // What every run of a command-line tool pays for its workers, unless they are kept warm.
      out.println("Ten sleeps on a pool of ten workers kept warm across runs (reuseWorkersAcrossRuns):");
      String run = Long.toHexString(System.nanoTime()); // a configuration of this run's own
      out.printf(Locale.ROOT, "  first run   %.2f s   ten new JVMs; parked when the pool closes%n", warmRun(run));
      out.printf(Locale.ROOT, "  warm run    %.2f s   the same ten JVMs, as the next run of the application finds"
          + " them; they exit %d s after%n", warmRun(run), WARM_FOR.toSeconds());
    }
  }

  /** How long the workers of the tour's warm runs stay parked after it. */
  private static final Duration WARM_FOR = Duration.ofSeconds(5);

  /** Seconds to build a pool of ten workers kept warm, run ten sleeps on it, and close it. */
  private static double warmRun(String run) {
    long start = System.nanoTime();
    try (Pool pool = Parallel.processPool().workers(10).systemProperty("tour.run", run)
        .reuseWorkersAcrossRuns(WARM_FOR).build()) {
      pool.map(i -> SleeperParallel.task(), List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 1);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** The counts four tasks see on a pool of one worker built by {@code builder}. */
  private static List<Integer> visits(ProcessPoolBuilder builder) {
    try (Pool pool = builder.workers(1).build()) {
      return pool.map(VisitsParallel::visit, List.of(1, 2, 3, 4));
    }
  }

  public static void main(String[] args) {
    run(System.out, Isolation.fromArguments(args, Isolation.PROCESSES));
  }
}
