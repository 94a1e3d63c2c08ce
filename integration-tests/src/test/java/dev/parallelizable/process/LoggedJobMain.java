package dev.parallelizable.process;

import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.fixtures.WorkParallel;

/**
 * A parent JVM for {@link WorkerClassDataTest}: runs one job, {@code cube(3)}, whose JVM logs each
 * class it loads, and where from, to {@code <directory>/classes-<its pid>.log}; prints {@code DONE}.
 * The log option is the same in every run, so that every run's worker has the same command line
 * and so the same class-data archive.
 */
public final class LoggedJobMain {
  private LoggedJobMain() {}

  public static void main(String[] args) {
    String log = args[0] + "/classes-%p.log";
    Job<Long> job = Parallel.processPool()
        .jvmOptions("-Xlog:class+load=info:file=\"" + log + "\":none")
        .job(WorkParallel.cube(3))
        .start()
        .join();
    if (job.exitCode() != 0 || job.result() != 27) {
      throw new IllegalStateException("the job exited with " + job.exitCode());
    }
    System.out.println("DONE");
  }
}
