package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

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
 * it then shows what a worker keeps between tasks, and what each level of recycling makes fresh.
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
    }
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
