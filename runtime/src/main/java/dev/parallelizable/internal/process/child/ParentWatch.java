package dev.parallelizable.internal.process.child;

import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.SharedMappings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

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
  /** The pool's shared data, deleted when the parent is gone; null if there is none. */
  private final SharedMappings shared;
  private boolean watchingProcess; // accessed only under this object's lock
  private volatile boolean stopped;

  ParentWatch(FileChannel stdin, Path progressFile, SharedMappings shared) {
    super("parallelizable-parent-watch");
    this.stdin = stdin;
    this.progressFile = progressFile;
    this.shared = shared;
    setDaemon(true);
  }

  /**
   * Also watches the parent's process; called by the main thread once it has answered its second
   * frame, and by this thread if a task closed standard input.
   */
  synchronized void watchProcess() {
    if (watchingProcess) {
      return;
    }
    watchingProcess = true;
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    if (parent.isPresent()) {
      parent.get().onExit().thenRun(new Halt(progressFile, shared));
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
      new Halt(progressFile, shared).run();
    }
  }

  private static final class Halt implements Runnable {
    private final Path progressFile;
    private final SharedMappings shared;

    Halt(Path progressFile, SharedMappings shared) {
      this.progressFile = progressFile;
      this.shared = shared;
    }

    @Override
    public void run() {
      WorkerMain.deleteQuietly(progressFile); // the parent cannot clean up any more
      WorkerMain.deleteQuietly(progressFile.resolveSibling(Protocol.EXIT_TRACE));
      WorkerMain.deleteQuietly(progressFile.resolveSibling(Protocol.CHANNEL_BULK));
      WorkerMain.deleteQuietly(progressFile.getParent());
      if (shared != null) {
        shared.deleteDirectory(); // mappings already made stay valid until this JVM is gone
      }
      Runtime.getRuntime().halt(Protocol.EXIT_ORPHANED);
    }
  }
}
