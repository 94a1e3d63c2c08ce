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
   * The isolation named by a program's first argument, or {@code fallback} when there is none.
   *
   * @throws IllegalArgumentException as {@link #parse} does
   */
  public static Isolation fromArguments(String[] args, Isolation fallback) {
    return args.length == 0 ? fallback : parse(args[0]);
  }

  /**
   * The isolation named {@code threads} or {@code processes}, in any case.
   *
   * @throws IllegalArgumentException naming the value and the choices if it is neither
   */
  public static Isolation parse(String name) {
    for (Isolation isolation : values()) {
      if (isolation.toString().equalsIgnoreCase(name)) {
        return isolation;
      }
    }
    throw new IllegalArgumentException("unknown isolation '" + name + "': give threads or processes");
  }

  /** {@code threads} or {@code processes}, as on the command line. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
