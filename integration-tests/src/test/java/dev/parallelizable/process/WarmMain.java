package dev.parallelizable.process;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A parent JVM for {@link WarmWorkersTest}, one run of an application whose pool keeps its worker
 * across runs. {@code run <seconds> <text>}: prints {@code PID} and the pid of the worker that ran
 * a task, has the worker print {@code text}, closes the pool (the worker parks for {@code seconds})
 * and prints {@code DONE}. {@code serve <seconds>}: prints {@code PID} and waits to be killed with
 * the worker serving its open pool. A parent started with the system property {@value #WORKER_TAG}
 * gives its workers that property too, and one started with {@value #WORKER_LOADER} gives them that
 * system class loader.
 */
public final class WarmMain {
  /** A system property that, set for the parent, is set for its workers too. */
  static final String WORKER_TAG = "dev.parallelizable.test.workerTag";
  /** A system property whose value, set for the parent, is its workers' system class loader. */
  static final String WORKER_LOADER = "dev.parallelizable.test.workerLoader";

  private WarmMain() {}

  public static void main(String[] args) throws Exception {
    Duration warm = Duration.ofSeconds(Long.parseLong(args[1]));
    ProcessPoolBuilder builder = Parallel.processPool().workers(1).reuseWorkersAcrossRuns(warm);
    String tag = System.getProperty(WORKER_TAG);
    if (tag != null) {
      builder.systemProperty(WORKER_TAG, tag);
    }
    String loader = System.getProperty(WORKER_LOADER);
    if (loader != null) {
      builder.systemProperty("java.system.class.loader", loader);
    }
    Pool pool = builder.build();
    System.out.println("PID " + pool.apply(WorkParallel.pid()));
    System.out.flush();
    if (args[0].equals("serve")) {
      Thread.sleep(60_000);
      return;
    }
    pool.apply(WorkParallel.print(args[2]));
    pool.close();
    System.out.println("DONE");
  }

  /**
   * The pid of the worker that {@code parent}, a running {@code WarmMain}, printed; reads its
   * output up to that line.
   *
   * @throws IllegalStateException if the parent ended without printing it
   */
  static long workerPid(Process parent) throws IOException {
    BufferedReader output = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      if (line.startsWith("PID ")) {
        return Long.parseLong(line.substring(4).strip());
      }
    }
    throw new IllegalStateException("the parent printed no PID");
  }
}
