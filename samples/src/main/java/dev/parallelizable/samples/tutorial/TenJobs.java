package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Job;
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
 * Ten half-second sleeps still take about half a second, plus starting the ten workers.
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
  }

  public static void main(String[] args) {
    run(System.out, Isolation.fromArguments(args, Isolation.PROCESSES));
  }
}
