package dev.parallelizable.internal.process;

import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker directories made ahead, each with its pair of named pipes, so that a worker's start runs
 * no {@code mkfifo} of its own: one run of {@code mkfifo} makes the pipes of {@value #BATCH}
 * directories, on a thread of its own. A JVM that starts workers one after another (jobs, {@code
 * maxTasksPerWorker}) saves a process start per worker: about 3 ms of CPU, and up to 10 ms of the
 * caller's time on a busy machine.
 *
 * <pre>
 * empty --a worker start, once the JVM has counted {@value #STOCK_FROM}, that leaves fewer than
 *     {@value #LOW} stocked while another worker is alive--> filling (a thread: {@value #BATCH}
 *     directories, one mkfifo run)
 * filling --mkfifo made them--> stocked; taken one per worker start
 * filling --mkfifo failed--> off: workers make their own pipes, and report the failure as before
 * any --{@link #empty()} (the last worker is gone) or {@link #close()} (the JVM exits)--> the
 *     stocked directories deleted; a fill under way deletes what it made
 * </pre>
 *
 * A directory is private (mode 0700) and owned by this JVM as every worker directory is ({@link
 * dev.parallelizable.internal.shared.OwnedDirectories}), so one left by a killed JVM is swept. A
 * stocked directory that another process emptied or deleted is dropped when taken. The stock is
 * kept only while the JVM has a worker, so that nothing is left in the temporary directory, and
 * nothing holds this library's classes, after the last pool is gone. For that reason a worker that
 * starts alone starts no fill: jobs started and joined one at a time would each see the stock made
 * for them deleted when their worker exits, unused, and pay a second mkfifo run for it.
 *
 * <p>Thread-safe: the stocked directories and the fill's state are guarded by this object's lock.
 */
final class PipeStock {
  /** Directories one fill makes. */
  static final int BATCH = 8;
  /** A take that leaves fewer stocked directories than this starts a fill. */
  static final int LOW = 3;
  /**
   * The worker start of the JVM that first starts a fill: a pool of one or two workers, started
   * once, makes its own pipes and pays for no directory it does not use.
   */
  static final int STOCK_FROM = 3;

  /** The JVM's stock. */
  static final PipeStock SHARED = new PipeStock();

  // Guarded by this object's lock:
  private final ArrayDeque<Path> stocked = new ArrayDeque<>();
  private int starts;
  private int fillsStarted;
  private boolean filling;
  /** Counts {@link #empty()}s: a fill that began before one deletes what it made. */
  private long generation;
  private boolean off;
  private boolean closed;

  /**
   * A worker directory with its pipes made ({@link Protocol#CHANNEL_UP} and {@link
   * Protocol#CHANNEL_DOWN}), now the caller's to use and delete; null if none is stocked (the caller
   * makes its own). Counts a worker start, and starts a fill when the stock runs low and {@code
   * othersAlive}: another worker of this JVM is alive beside the one starting.
   */
  Path take(boolean othersAlive) {
    Path taken = null;
    List<Path> broken = List.of();
    long startedIn;
    synchronized (this) {
      starts++;
      while (taken == null && !stocked.isEmpty()) {
        Path next = stocked.poll();
        if (intact(next)) {
          taken = next;
        } else {
          broken = broken.isEmpty() ? new ArrayList<>(1) : broken;
          broken.add(next);
        }
      }
      boolean fill =
          othersAlive && !filling && !off && !closed && starts >= STOCK_FROM && stocked.size() < LOW;
      filling |= fill;
      fillsStarted += fill ? 1 : 0;
      startedIn = fill ? generation : -1;
    }
    deleteAll(broken); // outside the lock: a start does not wait for another's deletion
    if (startedIn < 0) {
      return taken;
    }
    Thread filler = new Thread(new Filler(startedIn), "parallelizable-pipe-stock");
    filler.setDaemon(true);
    filler.setContextClassLoader(null); // holds no application class loader, as Processes.start
    filler.start();
    return taken;
  }

  /** Whether a stocked directory still holds its two pipes, and nothing deleted it. */
  private static boolean intact(Path directory) {
    return isPipe(directory.resolve(Protocol.CHANNEL_UP)) && isPipe(directory.resolve(Protocol.CHANNEL_DOWN));
  }

  private static boolean isPipe(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Makes {@value #BATCH} directories and their pipes, and stocks them unless the stock was emptied
   * or closed meanwhile. A failure turns the stock off: a worker that makes its own pipes then
   * reports it, and turns to a socket, as without a stock.
   */
  void fill() {
    long startedIn;
    synchronized (this) {
      startedIn = generation;
    }
    fill(startedIn);
  }

  /** A fill started in {@code startedIn}, the generation of the take that started it. */
  private void fill(long startedIn) {
    List<Path> made = new ArrayList<>(BATCH);
    boolean failed = false;
    try {
      List<Path> pipes = new ArrayList<>(2 * BATCH);
      for (int i = 0; i < BATCH; i++) {
        Path directory = WorkerChannels.privateDirectory();
        made.add(directory);
        pipes.add(directory.resolve(Protocol.CHANNEL_UP));
        pipes.add(directory.resolve(Protocol.CHANNEL_DOWN));
      }
      WorkerChannels.makePipes(pipes.toArray(new Path[0]));
    } catch (IOException | RuntimeException e) {
      failed = true;
    }
    synchronized (this) {
      filling = false;
      notifyAll();
      off |= failed;
      if (!failed && !closed && generation == startedIn) {
        stocked.addAll(made);
        return;
      }
    }
    deleteAll(made);
  }

  /**
   * The JVM has no worker left: the stocked directories are deleted. A later start fills again at
   * once: this JVM has shown that it starts workers.
   */
  void empty() {
    List<Path> dropped;
    synchronized (this) {
      generation++;
      dropped = new ArrayList<>(stocked);
      stocked.clear();
    }
    deleteAll(dropped);
  }

  /** Deletes {@code directories}; a loop, not a method reference, which is slow to set up first. */
  private static void deleteAll(List<Path> directories) {
    for (Path directory : directories) {
      SharedFiles.deleteDirectory(directory);
    }
  }

  /** The JVM is exiting: the stocked directories are deleted, and no fill stocks any more. */
  void close() {
    synchronized (this) {
      closed = true;
    }
    empty();
  }

  /** Waits until no fill runs. */
  synchronized void awaitFilled() throws InterruptedException {
    while (filling) {
      wait();
    }
  }

  /** How many fills {@link #take()} started. */
  synchronized int fillsStarted() {
    return fillsStarted;
  }

  /** How many directories are stocked. */
  synchronized int size() {
    return stocked.size();
  }

  /** The fill, a class of its own rather than a lambda, which is slow to set up first. */
  private final class Filler implements Runnable {
    private final long startedIn;

    Filler(long startedIn) {
      this.startedIn = startedIn;
    }

    @Override
    public void run() {
      fill(startedIn);
    }
  }
}
