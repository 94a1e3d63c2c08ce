package dev.parallelizable.samples.tutorial;

import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;

/** {@code tour}: the tutorial's programs, in its order, each on processes and then on threads. */
@Command(
    name = "tour",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the programs of the \"Multiprocessing in Python\" tutorial, in Java: jobs started and"
          + " joined, a pool's apply_async and map, joblib's delayed calls, each on worker"
          + " processes and then on threads; last, why a pool can be slower than a for loop.",
      "Lines a task prints come from the JVM that runs it."
    })
public final class TourCommand implements Callable<Integer> {
  private final PrintStream stdout;

  public TourCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  private record Program(String title, BiConsumer<PrintStream, Isolation> body) {}

  @Override
  public Integer call() {
    List<Program> programs =
        List.of(
            new Program("Two jobs: start, then join", StartAndJoin::run),
            new Program("Ten jobs at once", TenJobs::run),
            new Program("A pool: apply_async, then map", CubePool::run),
            new Program("joblib: a list of delayed calls", DelayedCalls::run));
    int number = 0;
    for (Program program : programs) {
      number++;
      for (Isolation isolation : List.of(Isolation.PROCESSES, Isolation.THREADS)) {
        heading(number + ". " + program.title() + ", on " + isolation);
        program.body().accept(stdout, isolation);
      }
    }
    heading((number + 1) + ". Parallel is slower than my for-loop");
    SlowerThanLoop.run(stdout, 5, 999, 999_999);
    return 0;
  }

  private void heading(String title) {
    stdout.println();
    stdout.println("=== " + title + " ===");
    stdout.flush();
  }
}
