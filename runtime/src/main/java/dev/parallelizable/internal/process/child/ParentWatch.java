package dev.parallelizable.internal.process.child;

import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.SharedMappings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ends the worker as soon as its parent is gone, deleting what the parent can no longer delete (its
 * directory, and the pool's shared data): its standard input ends (at once, the pipe's
 * only writer was the parent), or its process exits (polled by the JDK). The second watch is set
 * up once the worker has answered its second frame, off the path of the pool's first result and
 * never in a worker that runs one task (a job, a pool recycling after every task), or at once if a
 * task closes standard input.
 */
final class ParentWatch extends Thread {
  private final FileChannel stdin;
  private final Path progressFile;
  // Accessed only under this object's lock:
  /** The pool's shared data, deleted when the parent is gone; null if there is none. */
  private SharedMappings shared;
  private boolean watchingProcess;
  /**
   * Counts the parents a warm worker served: a watch set up for an earlier one, whose exit comes
   * after the worker parked, ends nothing.
   */
  private int parent;
  private volatile boolean stopped;

  ParentWatch(FileChannel stdin, Path progressFile, SharedMappings shared) {
    super("parallelizable-parent-watch");
    this.stdin = stdin;
    this.progressFile = progressFile;
    this.shared = shared;
    setDaemon(true);
  }

  /**
   * The worker parks (see {@link WarmDoor}): its parent may exit from now on. Stops watching
   * standard input, whose only writer is that parent, and makes the watch on its process moot.
   */
  synchronized void park() {
    parent++;
    watchingProcess = true; // no watch is set up again until the next parent attaches
    stopWatching();
  }

  /**
   * A parked worker now serves the parent {@code pid}, with {@code shared} its directory of shared
   * data (null for none): its process is watched from now on, and if it is gone already, the
   * worker ends at once.
   */
  synchronized void attach(long pid, SharedMappings shared) {
    int current = ++parent;
    this.shared = shared;
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      halt(current);
      return;
    }
    handle.get().onExit().thenRun(new Halt(this, current));
  }

  /** Halts the worker if {@code watched} is still the parent it serves. */
  private void halt(int watched) {
    Path directory = progressFile.getParent();
    SharedMappings data;
    synchronized (this) {
      if (watched != parent) {
        return; // the worker parked since: the parent it served may exit
      }
      data = shared;
    }
    WarmDoor.deleteDirectory(directory); // the parent cannot clean up any more
    if (data != null) {
      data.deleteDirectory(); // mappings already made stay valid until this JVM is gone
    }
    Runtime.getRuntime().halt(Protocol.EXIT_ORPHANED);
  }

  /**
   * Loads what {@link #attach} uses while the worker waits parked: the JDK's process handles, with
   * the executor and thread factory behind {@code onExit}, and {@code CompletableFuture}. A worker
   * that never watched a process would otherwise load them as a parent claims it, and that parent
   * would wait for it.
   */
  static void prepareToAttach() {
    ProcessHandle.current().parent();
    new CompletableFuture<Void>().thenRun(NOTHING).complete(null);
  }

  private static final Runnable NOTHING = new Runnable() {
    @Override
    public void run() {}
  };

  /**
   * Also watches the parent's process; called by the main thread once it has answered its second
   * frame, and by this thread if a task closed standard input.
   */
  synchronized void watchProcess() {
    if (watchingProcess) {
      return;
    }
    watchingProcess = true;
    Optional<ProcessHandle> process = ProcessHandle.current().parent();
    if (process.isPresent()) {
      process.get().onExit().thenRun(new Halt(this, parent));
    }
  }

  /**
   * Stops watching before an orderly exit. The JVM's exit waits up to 300 ms for threads blocked
   * in native code, as this one is in its read; closing the channel wakes it up.
   */
  void stopWatching() {
    stopped = true;
    try {
      stdin.close();
    } catch (IOException e) {
      // closed or broken: either way this thread no longer reads
    }
  }

  /**
   * Reads standard input until it ends, which means the parent is gone: then halts. A task that
   * closes {@code FileDescriptor.in} closes this channel as well (the JDK closes every stream of a
   * file descriptor together): that is no sign of the parent's death, so the watch goes on by the
   * parent's process alone, and the task and its worker carry on.
   */
  @Override
  public void run() {
    ByteBuffer buffer = ByteBuffer.allocate(64);
    try {
      while (stdin.read(buffer) >= 0) {
        buffer.clear(); // the parent writes nothing more; end of stream means it is gone
      }
    } catch (ClosedChannelException e) {
      // AsynchronousCloseException included: stopWatching() or a task closed standard input
      if (!stopped) {
        watchProcess();
      }
      return;
    } catch (IOException e) {
      // the pipe broke: the parent is gone as well
    }
    if (!stopped) {
      halt(0);
    }
  }

  private static final class Halt implements Runnable {
    private final ParentWatch watch;
    private final int parent;

    Halt(ParentWatch watch, int parent) {
      this.watch = watch;
      this.parent = parent;
    }

    @Override
    public void run() {
      watch.halt(parent);
    }
  }
}
