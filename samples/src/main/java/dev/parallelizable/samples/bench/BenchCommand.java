package dev.parallelizable.samples.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the workloads W1 to W6 and W8 on every backend, one JSON line per workload and backend
 * on standard output, with the ratio to the baseline measured in the same run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures throughput and overhead against a plain loop and the JDK's own executors: W1 tiny"
          + " tasks, W2 sleeping jobs, W3 CPU-bound tasks, W4 cold start in a fresh JVM, W5 round"
          + " trip, W6 1 MB payloads, W1-scale time per task from 10^3 to 10^7 and imap over 10^8,"
          + " W8 100 tasks reading one 200 MB array (SharedData, the array, the array copied).",
      "Prints one JSON line per workload and backend: median, min, max, and the ratio to the"
          + " baseline timed in the same run. Progress goes to standard error."
    })
public final class BenchCommand implements Callable<Integer> {
  private final PrintStream stdout;
  private final PrintStream stderr;

  @Spec CommandSpec spec;

  @Option(names = "--workloads", split = ",", paramLabel = "ID",
      description = "Workloads to run, comma-separated (default: ${DEFAULT-VALUE}).",
      defaultValue = "W1,W2,W3,W4,W5,W6,W1-scale")
  List<String> workloads = new ArrayList<>();

  @Option(names = "--backends", split = ",", paramLabel = "NAME",
      description = "Backends to run (default: all): loop, jdk-executor, parallel-stream, sequential,"
          + " threads, processes.")
  List<String> backends = new ArrayList<>();

  @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
      description = "Workers per pool (default: ${DEFAULT-VALUE}; W2 always uses 10).")
  int workers;

  @Option(names = "--repeat", paramLabel = "N",
      description = "Timed repetitions per measurement (default: 7, or 2 with --quick).")
  Integer repeat;

  @Option(names = "--quick",
      description = "Small sizes and few repetitions: checks that everything runs, in seconds."
          + " Its figures mean nothing.")
  boolean quick;

  public BenchCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() {
    if (workers <= 0) {
      throw new ParameterException(spec.commandLine(), "--workers must be positive, got " + workers);
    }
    if (repeat != null && repeat <= 0) {
      throw new ParameterException(spec.commandLine(), "--repeat must be positive, got " + repeat);
    }
    for (String workload : workloads) {
      if (!Workloads.ALL.contains(workload)) {
        throw new ParameterException(spec.commandLine(),
            "unknown workload '" + workload + "': give some of " + String.join(",", Workloads.ALL));
      }
    }
    List<Backend> chosen = new ArrayList<>();
    try {
      for (String backend : backends) {
        chosen.add(Backend.parse(backend));
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage() + ": give some of "
          + String.join(",", Arrays.stream(Backend.values()).map(Backend::label).toList()));
    }
    Workloads bench = new Workloads(
        workers,
        quick,
        repeat != null ? repeat : quick ? 2 : 7,
        chosen.isEmpty() ? List.of(Backend.values()) : chosen,
        line -> {
          stdout.println(line);
          stdout.flush();
        },
        stderr);
    for (String workload : workloads) {
      bench.run(workload);
    }
    return 0;
  }
}
