package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Job;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;

/**
 * The tutorial's first program: two jobs running {@link Sleeper#task()}, Python's
 *
 * <pre>{@code
 * p1 = multiprocessing.Process(target=task)
 * p2 = multiprocessing.Process(target=task)
 * p1.start(); p2.start()
 * p1.join(); p2.join()          # the second time only
 * }</pre>
 *
 * First without {@code join()}: the timer stops before the jobs have done anything. Then with it:
 * the two half-second sleeps overlap, so the program takes about 0.5 s plus the jobs' start-up.
 */
public final class StartAndJoin {
  private StartAndJoin() {}

  /** Runs the program on jobs of the given kind, printing to {@code out}. */
  public static void run(PrintStream out, Isolation isolation) {
    out.println("Two jobs on " + isolation + ", started without join():");
    Report clock = Report.start();
    Job<Void> first = isolation.job(SleeperParallel.task()).start();
    Job<Void> second = isolation.job(SleeperParallel.task()).start();
    clock.finished(out);
    int running = (first.isAlive() ? 1 : 0) + (second.isAlive() ? 1 : 0);
    out.println(running + " of 2 jobs still running when the timer stopped");
    // Python's program ends here and its children carry on; this one waits for them before going on.
    first.join();
    second.join();

    out.println();
    out.println("Two jobs on " + isolation + ", with join():");
    clock = Report.start();
    first = isolation.job(SleeperParallel.task()).start();
    second = isolation.job(SleeperParallel.task()).start();
    first.join();
    second.join();
    clock.finished(out);
    out.printf("Exit codes: %d, %d%n", first.exitCode(), second.exitCode());
  }

  public static void main(String[] args) {
    run(System.out, Isolation.fromArguments(args, Isolation.PROCESSES));
  }
}
