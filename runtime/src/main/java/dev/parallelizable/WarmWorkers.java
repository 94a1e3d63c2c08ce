package dev.parallelizable;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker JVMs this user keeps warm across runs ({@link
 * ProcessPoolBuilder#reuseWorkersAcrossRuns(Duration)}): lists them, and stops those parked. Also a
 * command:
 *
 * <pre>
 * java -cp parallelizable-runtime.jar dev.parallelizable.WarmWorkers          # lists them
 * java -cp parallelizable-runtime.jar dev.parallelizable.WarmWorkers stop     # stops the parked ones
 * </pre>
 *
 * <p>A worker serving a pool is listed, never stopped: it ends with its pool. Stopping a parked
 * worker asks it to exit (SIGTERM, so shutdown hooks that its tasks registered run), kills it if it
 * has not exited within 10 s, and deletes its directory. Listing also deletes the directories of
 * workers that are gone (killed, or the machine's processes ended with a crash).
 *
 * <p>Thread-safe: it reads and renames files; a pool that claims a worker at the same moment as
 * {@link #stopParked()} gets it or not, never both.
 *
 * <p><b>Failures.</b> Neither method throws: a directory that cannot be read, or that this user does
 * not own, lists no worker; a worker that exits while it is listed or stopped is left out. A worker
 * that does not exit within 10 s of SIGTERM is killed (SIGKILL). Stopping never touches a worker
 * that serves a pool; that worker ends with its pool, or when its parent JVM is gone.
 */
public final class WarmWorkers {
  private static final long STOP_GRACE_MILLIS = 10_000;

  private WarmWorkers() {}

  /**
   * One line per warm worker of this user: its process id, its state ({@code parked}, {@code
   * claimed}, {@code serving a pool}, {@code starting}), the time a parked one expires, and its
   * directory.
   *
   * @return the workers, in no particular order; empty if there are none, or if workers cannot be
   *     kept across runs on this machine
   */
  public static List<String> list() {
    List<String> lines = new ArrayList<>();
    for (var worker : dev.parallelizable.internal.process.WarmWorkers.list()) {
      lines.add(describe(worker));
    }
    return lines;
  }

  /**
   * Stops every parked worker of this user, as the class comment says.
   *
   * @return one line per worker stopped, as {@link #list()} writes it
   */
  public static List<String> stopParked() {
    List<String> lines = new ArrayList<>();
    for (var worker : dev.parallelizable.internal.process.WarmWorkers.stopParked(STOP_GRACE_MILLIS)) {
      lines.add(describe(worker));
    }
    return lines;
  }

  private static String describe(dev.parallelizable.internal.process.WarmWorkers.Listed worker) {
    return "pid " + worker.pid() + "  " + worker.state()
        + (worker.deadlineMillis() > 0 ? " until " + Instant.ofEpochMilli(worker.deadlineMillis()) : "")
        + "  " + worker.directory();
  }

  /**
   * Lists the warm workers, or with the argument {@code stop} stops the parked ones; prints one line
   * per worker. Exits with code 2 on any other argument.
   *
   * @param args none, {@code list}, or {@code stop}
   */
  public static void main(String[] args) {
    PrintStream out = System.out;
    String command = args.length == 0 ? "list" : args[0];
    List<String> lines;
    if (command.equals("list") && args.length <= 1) {
      lines = list();
      out.println(lines.isEmpty() ? "No warm workers." : lines.size() + " warm worker(s):");
    } else if (command.equals("stop") && args.length == 1) {
      lines = stopParked();
      out.println("Stopped " + lines.size() + " parked worker(s)" + (lines.isEmpty() ? "." : ":"));
    } else {
      System.err.println("Usage: java -cp <the Parallelizable runtime's jar> dev.parallelizable.WarmWorkers [list|stop]");
      System.exit(2);
      return;
    }
    for (String line : lines) {
      out.println("  " + line);
    }
  }
}
