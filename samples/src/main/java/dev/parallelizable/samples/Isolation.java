package dev.parallelizable.samples;

import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import java.util.Locale;

/**
 * Where the samples run their tasks: on threads of this JVM, or in worker JVMs. The one line a
 * program changes to move between the two.
 */
public enum Isolation {
  /** Threads of this JVM: the lowest overhead; tasks share memory and can crash the program. */
  THREADS {
    @Override
    public Pool pool(int workers) {
      return Parallel.threads(workers);
    }

    @Override
    public <R> Job<R> job(Task<R> task) {
      return Parallel.thread(task);
    }
  },
  /** One JVM per worker: a crash, a leak or {@code System.exit} in a task stays in its worker. */
  PROCESSES {
    @Override
    public Pool pool(int workers) {
      return Parallel.processes(workers);
    }

    @Override
    public <R> Job<R> job(Task<R> task) {
      return Parallel.process(task);
    }
  };

  /** A new pool of {@code workers} workers of this kind. */
  public abstract Pool pool(int workers);

  /** A job, not yet started, that runs {@code task} on a worker of its own of this kind. */
  public abstract <R> Job<R> job(Task<R> task);

  /**
   * The isolation named by a program's first argument ({@code threads} or {@code processes}), or
   * {@code fallback} when there is none.
   *
   * @throws IllegalArgumentException naming the argument and the choices if it is neither
   */
  public static Isolation fromArguments(String[] args, Isolation fallback) {
    if (args.length == 0) {
      return fallback;
    }
    for (Isolation isolation : values()) {
      if (isolation.toString().equalsIgnoreCase(args[0])) {
        return isolation;
      }
    }
    throw new IllegalArgumentException(
        "Unknown isolation '" + args[0] + "': give threads or processes");
  }

  /** {@code threads} or {@code processes}, as on the command line. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
