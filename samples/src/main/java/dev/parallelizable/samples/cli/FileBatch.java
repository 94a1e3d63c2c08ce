package dev.parallelizable.samples.cli;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.RemoteException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one task per file and keeps going past failures: every file is submitted on its own with
 * {@code applyAsync}, so a corrupt file fails its own result and no other. ({@code map} would stop
 * at the first failure, as Python's does.)
 */
public final class FileBatch {
  private FileBatch() {}

  /** What became of one file: its result, or why it failed. */
  public record Outcome<R>(Path file, R result, String failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  /** The outcomes of a run, in the order of the files, and how long it took. */
  public record Summary<R>(List<Outcome<R>> outcomes, Duration elapsed) {
    /** The results of the files that succeeded, in file order. */
    public List<R> results() {
      return outcomes.stream().filter(o -> !o.failed()).map(Outcome::result).toList();
    }

    /** The files that failed, in file order. */
    public List<Outcome<R>> failures() {
      return outcomes.stream().filter(Outcome::failed).toList();
    }

    /** Files finished, successfully or not, per second. */
    public double filesPerSecond() {
      double seconds = elapsed.toNanos() / 1e9;
      return seconds > 0 ? outcomes.size() / seconds : 0;
    }
  }

  /**
   * Submits {@code toTask} of every file to {@code pool}, then waits for all of them.
   *
   * @throws dev.parallelizable.TaskCancelledException if the pool is terminated meanwhile
   */
  public static <R> Summary<R> run(Pool pool, List<Path> files, Function<Path, Task<R>> toTask) {
    long start = System.nanoTime();
    List<AsyncResult<R>> pending = new ArrayList<>(files.size());
    for (Path file : files) {
      pending.add(pool.applyAsync(toTask.apply(file)));
    }
    List<Outcome<R>> outcomes = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      try {
        outcomes.add(new Outcome<>(files.get(i), pending.get(i).get(), null));
      } catch (TaskFailedException e) {
        outcomes.add(new Outcome<>(files.get(i), null, reason(e)));
      }
    }
    return new Summary<>(outcomes, Duration.ofNanos(System.nanoTime() - start));
  }

  /** The original exception's class and message; for a crashed worker, what the pool says of it. */
  private static String reason(TaskFailedException failure) {
    Throwable cause = failure.getCause();
    if (cause == null) {
      return failure.getMessage();
    }
    // A RemoteException's message already starts with the original class name.
    return cause instanceof RemoteException ? cause.getMessage() : cause.toString();
  }
}
