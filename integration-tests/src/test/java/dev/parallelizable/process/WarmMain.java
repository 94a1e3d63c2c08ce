package dev.parallelizable.process;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;

/**
 * A parent JVM for {@link WarmWorkersTest}, one run of an application whose pool keeps its worker
 * across runs. {@code run <seconds> <text>}: prints {@code PID} and the pid of the worker that ran
 * a task, has the worker print {@code text}, closes the pool (the worker parks for {@code seconds})
 * and prints {@code DONE}. {@code serve <seconds>}: prints {@code PID} and waits to be killed with
 * the worker serving its open pool.
 */
public final class WarmMain {
  private WarmMain() {}

  public static void main(String[] args) throws Exception {
    Duration warm = Duration.ofSeconds(Long.parseLong(args[1]));
    Pool pool = Parallel.processPool().workers(1).reuseWorkersAcrossRuns(warm).build();
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
}
