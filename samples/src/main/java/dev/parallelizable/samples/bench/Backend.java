package dev.parallelizable.samples.bench;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.Arrays;
import java.util.Locale;

/** Where a workload runs: the JDK baselines, and this library's pools. */
enum Backend {
  /** A plain for loop in the calling thread, building the same list: the baseline. */
  LOOP,
  /** A hand-written {@code ExecutorService} of the same size, the work split one chunk per worker. */
  JDK_EXECUTOR,
  /** {@code parallelStream()} on the common fork-join pool (the caller plus its workers). */
  PARALLEL_STREAM,
  /** {@code Parallel.sequential()}. */
  SEQUENTIAL,
  /** {@code Parallel.threads(n)}. */
  THREADS,
  /** {@code Parallel.processes(n)}. */
  PROCESSES;

  /** This library's pool of {@code workers} workers for this backend. */
  Pool pool(int workers) {
    return switch (this) {
      case SEQUENTIAL -> Parallel.sequential();
      case THREADS -> Parallel.threads(workers);
      case PROCESSES -> Parallel.processes(workers);
      default -> throw new IllegalStateException(this + " is not a pool of this library");
    };
  }

  boolean isPool() {
    return this == SEQUENTIAL || this == THREADS || this == PROCESSES;
  }

  /** The name used on the command line and in the results, e.g. {@code jdk-executor}. */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Backend parse(String label) {
    return Arrays.stream(values())
        .filter(backend -> backend.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + label + "'"));
  }
}
