package dev.parallelizable.internal.process.child;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.protocol.Connection;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.ProgressSlot;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.protocol.SerializationCodec;
import dev.parallelizable.internal.shared.SharedMappings;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The main class of a worker JVM. Arguments: the channel's path (the named pipe to the parent, or
 * the socket; see {@link Protocol}), the progress slot's path, the
 * worker's name, the charset of the parent's standard output, and the pool's directory of shared
 * data (see {@link SharedMappings}).
 *
 * <p>The worker reads its token from standard input, connects, runs the initializer, and then runs
 * the tasks of each RUN frame in its main thread, in order, answering with RESULTS and FAILED frames
 * (see {@link Protocol}); in class loaders of their own if the pool recycles them (see {@link
 * TaskLoaders}). It exits when the parent closes the channel (in order, with shutdown
 * hooks), when its standard input ends or the parent process ends (at once: the parent is gone),
 * and, in job mode, after its one task.
 *
 * <p><b>Errors in tasks.</b> Whatever a task throws, {@link StackOverflowError} included, is sent
 * back as that task's failure and the worker carries on: the stack has unwound. An {@link
 * OutOfMemoryError} is sent back too, but then the worker exits with code {@value
 * Protocol#EXIT_OUT_OF_MEMORY}, because the heap may be left in a state no one can trust (a class
 * that failed to initialize, a collection half updated); the parent replaces it. An {@code
 * OutOfMemoryError} that kills any other thread of the worker also ends it.
 *
 * <p>Startup is on the critical path of a new pool, so the code run before the worker is ready
 * avoids what loads many classes: lambdas, string concatenation and formatting.
 */
public final class WorkerMain {
  /** A run of tasks longer than this sends the results it has so far. */
  static final long FLUSH_MILLIS = 2;

  private static final long FLUSH_NANOS = FLUSH_MILLIS * 1_000_000;
  /** Results are also sent once they take this much, to bound the memory of both sides. */
  private static final long FLUSH_BYTES = 4 << 20;
  /**
   * Dropping mappings of closed shared data of at least this many bytes collects the heap at once,
   * so that they are unmapped; smaller ones wait for the next collection.
   */
  private static final long RELEASE_COLLECTS_BYTES = 1 << 20;

  private final String name;
  /** The channel to the parent it serves; a warm worker gets a new one from each parent. */
  private Connection connection;
  private final Path progressFile;
  private final ParentWatch watch;
  /** Where references to shared data resolve; null if the parent gave no directory. */
  private SharedMappings shared;
  /** Where a warm worker parks between pools; made on its first park. */
  private WarmDoor door;
  /** Whether INIT was answered: a warm worker answers the INIT of each later parent at once. */
  private boolean initialized;
  /** Whether the worker runs one job's task and exits, told by INIT. */
  private boolean jobMode;
  private ProgressSlot progress;
  private final FrameOutput results = new FrameOutput(8192);
  /** When the RUN or RUN_BATCH being answered began to be read; its last answer says how long it took. */
  private long runBegan;
  private Codec codec = SerializationCodec.INSTANCE;
  /**
   * The class loaders tasks run in, renewed every so many tasks, if the pool recycles them (then
   * the parent sends no batch: each task is counted); null: tasks run in the worker's own loader.
   */
  private TaskLoaders loaders;

  private WorkerMain(
      String name, Connection connection, Path progressFile, ParentWatch watch, SharedMappings shared) {
    this.shared = shared;
    this.name = name;
    this.connection = connection;
    this.progressFile = progressFile;
    this.watch = watch;
  }

  // The worker writes its own failures to its standard error, not to a logger: that stream is its
  // channel to the parent, which routes it as the pool's workerOutput says and keeps its last
  // lines for the report of a crash. A worker has no logging configuration of its own.
  public static void main(String[] args) {
    try {
      start(args);
    } catch (Throwable e) {
      System.err.print("Parallelizable worker failed: ");
      e.printStackTrace();
      Runtime.getRuntime().halt(2);
    }
  }

  private static void start(String[] args) throws Exception {
    FileInputStream stdin = new FileInputStream(FileDescriptor.in);
    byte[] token = new byte[Protocol.TOKEN_LENGTH];
    for (int n = 0; n < token.length; ) {
      int read = stdin.read(token, n, token.length - n);
      if (read < 0) {
        Runtime.getRuntime().halt(Protocol.EXIT_ORPHANED);
      }
      n += read;
    }
    isolateStandardStreams(args[3]);
    Thread.currentThread().setName(args[2]);
    Thread.setDefaultUncaughtExceptionHandler(new ExitOnOutOfMemory());
    SharedMappings shared = args.length > 4 ? new SharedMappings(Paths.get(args[4])) : null;
    ParentWatch watch = new ParentWatch(stdin.getChannel(), Paths.get(args[1]), shared);
    watch.start();

    Connection connection = connect(Paths.get(args[0]), Paths.get(args[1]), token);
    FrameOutput hello = new FrameOutput(Protocol.TOKEN_LENGTH);
    hello.write(token, 0, token.length);
    connection.send(Protocol.HELLO, 0, hello);
    WorkerMain worker = new WorkerMain(args[2], connection, Paths.get(args[1]), watch, shared);
    Runtime.getRuntime().addShutdownHook(new OrderlyExit(worker));
    worker.serve();
  }

  /**
   * Opens the channel that {@code channel} names: the named pipe to the parent, with the pipe from
   * it beside it; or, if its name says so, the Unix domain socket. Neither open blocks: the parent
   * holds both pipes open before it sends the token. The pipes are opened by the classes that
   * read standard input, which a worker loads anyway; over them, the first large frame sets up the
   * bulk socket beside the progress slot (see {@link Connection}).
   */
  private static Connection connect(Path channel, Path progressFile, byte[] token) throws IOException {
    if (channel.getFileName().toString().equals(Protocol.CHANNEL_SOCKET)) {
      return new Connection(SocketChannel.open(UnixDomainSocketAddress.of(channel)));
    }
    FileInputStream down = new FileInputStream(channel.resolveSibling(Protocol.CHANNEL_DOWN).toFile());
    FileOutputStream up = new FileOutputStream(channel.toFile());
    Connection connection = new Connection(down.getChannel(), up.getChannel());
    connection.startOnLargeFrame(
        new BulkChannel(connection, progressFile.resolveSibling(Protocol.CHANNEL_BULK), token));
    return connection;
  }

  /**
   * Nothing a task prints may reach the channel, and nothing may be lost when the JVM ends without
   * flushing (a halt, a signal): the standard streams become unbuffered, and standard input, which
   * belongs to the parent watch, is empty.
   */
  private static void isolateStandardStreams(String charsetName) {
    Charset charset;
    try {
      charset = Charset.forName(charsetName);
    } catch (IllegalArgumentException e) {
      charset = Charset.defaultCharset();
    }
    System.setIn(new ByteArrayInputStream(new byte[0]));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, charset));
    System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, charset));
  }

  private void serve() throws IOException {
    Connection.Frame init = connection.receive();
    if (init == null || init.type != Protocol.INIT) {
      throw new IOException("Expected INIT from the parent");
    }
    if (!initialize(init.body)) {
      return;
    }
    int frames = 0;
    while (true) {
      Connection.Frame frame = connection.receive();
      if (frame == null) {
        // The parent retired the worker, or it was killed: a warm worker's directory is outside the
        // parent's own, so the worker deletes it (the pipes it holds stay open until it exits).
        if (Files.exists(progressFile.resolveSibling(Protocol.WARM_DOOR))) {
          WarmDoor.deleteDirectory(progressFile.getParent());
        }
        exit(0);
        return;
      }
      if (frame.type == Protocol.PING) {
        connection.send(Protocol.READY, 0, null); // alive, for the pool that took it
        continue;
      }
      if (frame.type == Protocol.PARK) {
        park(frame.body.readLong());
        continue;
      }
      if (frame.type == Protocol.INIT && initialized) {
        connection.send(Protocol.READY, 0, null); // a warm worker, for the parent that claimed it
        continue;
      }
      frame.body.sharedMappings(shared);
      if (shared != null && shared.releaseClosed() >= RELEASE_COLLECTS_BYTES) {
        // A mapping is undone only when its buffer is collected; a closed handle's may be hundreds
        // of megabytes of memory (a file in /dev/shm) that nothing else would make the heap collect.
        System.gc();
      }
      boolean succeeded;
      if (frame.type == Protocol.RUN) {
        succeeded = run(frame.id, frame.body);
      } else if (frame.type == Protocol.RUN_BATCH && loaders == null) {
        succeeded = runBatch(frame.id, frame.body);
      } else {
        throw new IOException("Unexpected frame type " + frame.type);
      }
      if (jobMode) {
        exit(succeeded ? 0 : 1);
        return;
      }
      // The watch on the parent's process backs up the one on standard input for a worker that
      // lives on; a job's worker, or one recycled after its first task, exits before it would
      // help, and would pay a thread and a few dozen classes for it.
      if (++frames == 2) {
        watch.watchProcess();
      }
    }
  }

  /**
   * Parks until {@code deadlineMillis} (epoch): closes the channel, which the parent reads as the
   * end of this worker's service, and waits at the door for a parent to claim it (see {@link
   * WarmDoor}); then serves that parent over the pipes of its directory, opened again.
   */
  private void park(long deadlineMillis) throws IOException {
    watch.park();
    // The parent reads the end of the channel and closes its ends of the pipes: once it has, no
    // earlier parent holds them, and the next one may open them.
    connection.shutdownOutput();
    while (connection.receive() != null) {
      // nothing more is sent after PARK
    }
    connection.close();
    ParentWatch.prepareToAttach(); // the parent that parked it is done with it: off everyone's path
    if (door == null) {
      door = new WarmDoor(progressFile.getParent());
    }
    WarmDoor.Claim claim;
    try {
      claim = door.await(deadlineMillis);
    } catch (IOException e) {
      // A door that is no named pipe, or a claim that is not one: no parent can be trusted to
      // come. The claiming parent, if any, sees the worker gone and starts another.
      WarmDoor.deleteDirectory(progressFile.getParent());
      Runtime.getRuntime().halt(Protocol.EXIT_ORPHANED);
      return;
    }
    shared = claim.sharedDirectory == null ? null : new SharedMappings(claim.sharedDirectory);
    watch.attach(claim.parentPid, shared);
    if (loaders != null) {
      loaders.shared(shared);
    }
    synchronized (this) {
      progress = null; // the new parent made a new progress slot
    }
    connection = connect(progressFile.resolveSibling(Protocol.CHANNEL_UP), progressFile, claim.token);
    FrameOutput hello = new FrameOutput(Protocol.TOKEN_LENGTH);
    hello.write(claim.token, 0, claim.token.length);
    connection.send(Protocol.HELLO, 0, hello);
  }

  /** Handles INIT; false if the codec or the initializer failed, and the worker is exiting. */
  private boolean initialize(FrameInput in) throws IOException {
    in.sharedMappings(shared);
    try {
      codec = Protocol.readCodec(in);
      jobMode = in.readByte() != 0;
      int tasksPerClassLoader = in.readInt();
      boolean initializer = in.readByte() != 0;
      if (tasksPerClassLoader > 0) {
        loaders = new TaskLoaders(
            tasksPerClassLoader, initializer ? in.readBytes(in.available()) : null, codec, name, shared);
        loaders.renew(); // the initializer runs in the first loader, as part of the start
      } else if (initializer) {
        runInitializer(in);
      }
    } catch (Throwable e) {
      FrameOutput failure = new FrameOutput(1024);
      Protocol.writeFailure(failure, codec, e);
      connection.send(Protocol.START_FAILED, 0, failure);
      exit(1);
      return false;
    }
    initialized = true;
    connection.send(Protocol.READY, 0, null);
    return true;
  }

  private void runInitializer(FrameInput in) throws Throwable {
    in.readInt();
    new TaskBlock(in, codec, name).call(in);
  }

  /** Runs the tasks of one RUN frame; false if one failed. */
  private boolean run(long id, FrameInput in) throws IOException {
    runBegan = System.nanoTime();
    int count = in.readInt();
    TaskBlock block = new TaskBlock(in, codec, name, loaders);
    // A run of one task needs no progress: the parent knows which task it is and when it began.
    ProgressSlot slot = count > 1 ? progress() : null;
    int first = 0;
    startResults(first);
    long flushAt = System.nanoTime() + FLUSH_NANOS;
    for (int i = 0; i < count; i++) {
      if (slot != null) {
        slot.started(id, i);
      }
      Throwable failure = null;
      try {
        if (loaders != null) {
          loaders.beforeTask();
        }
        failure = block.writeResult(results, block.call(in));
      } catch (Throwable e) {
        failure = e;
      }
      if (failure != null) {
        if (i > first) {
          sendResults(id, first, i - first, false);
        }
        sendFailure(id, i, failure);
        return false;
      }
      if (i + 1 < count && (System.nanoTime() - flushAt > 0 || results.length() > FLUSH_BYTES)) {
        sendResults(id, first, i + 1 - first, false);
        first = i + 1;
        startResults(first);
        flushAt = System.nanoTime() + FLUSH_NANOS;
      }
    }
    sendResults(id, first, count - first, true);
    return true;
  }

  /**
   * Runs the rows of one RUN_BATCH frame through the invoker's batch loop, then sends the result
   * column: a primitive one in bulk (BATCH_RESULTS), a reference one value by value (RESULTS), in
   * frames of at most {@link #FLUSH_BYTES}; then the failure of the first row that failed, if one
   * did. False if one failed.
   */
  private boolean runBatch(long id, FrameInput in) throws IOException {
    runBegan = System.nanoTime();
    BatchBlock batch = new BatchBlock(in, codec, name);
    BatchBlock.Ran ran = batch.run(batch.rows() > 0 && batch.count() > 1 ? progress().batch(id) : null);
    Object column = ran.column();
    int done = ran.rows();
    Throwable failure = ran.failure();
    if (column instanceof Object[] values) {
      startResults(0);
      int first = 0;
      for (int i = 0; i < done; i++) {
        Throwable unsent = batch.writeResult(results, values[i]);
        if (unsent != null) {
          if (i > first) {
            sendResults(id, first, i - first, false);
          }
          sendFailure(id, i, unsent);
          return false;
        }
        if (i + 1 < done && results.length() > FLUSH_BYTES) {
          sendResults(id, first, i + 1 - first, false);
          first = i + 1;
          startResults(first);
        }
      }
      if (done > first || failure == null) {
        sendResults(id, first, done - first, failure == null);
      }
    } else {
      byte kind = Columns.kindOf(column);
      int piece = (int) Math.max(1, FLUSH_BYTES / Math.max(1, Columns.width(kind)));
      int first = 0;
      do {
        int end = (int) Math.min(done, (long) first + piece);
        if (end > first || failure == null) {
          results.reset();
          results.writeInt(first);
          results.writeInt(end - first);
          results.writeByte(end == done && failure == null ? 1 : 0);
          results.writeByte(kind);
          Protocol.writeColumn(results, column, first, end);
          if (end == done && failure == null) {
            results.writeLong(System.nanoTime() - runBegan);
          }
          connection.send(Protocol.BATCH_RESULTS, id, results);
        }
        first = end;
      } while (first < done);
    }
    if (failure != null) {
      sendFailure(id, done, failure);
      return false;
    }
    return true;
  }

  /**
   * The progress slot, mapped on first use rather than at startup, where it would delay the pool's
   * first result; the file is deleted once mapped.
   */
  private synchronized ProgressSlot progress() throws IOException {
    if (progress == null) {
      progress = ProgressSlot.map(progressFile, false);
      deleteQuietly(progressFile);
      deleteQuietly(progressFile.getParent());
    }
    return progress;
  }

  /** Marks an orderly exit in the progress slot, mapped or not (see {@link ProgressSlot}). */
  private synchronized void markOrderlyExit() throws IOException {
    if (progress != null) {
      progress.orderlyExit();
    } else {
      ProgressSlot.orderlyExit(progressFile);
    }
  }

  static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // the parent removes what is left once the worker has exited
    }
  }

  private void startResults(int first) {
    results.reset();
    results.writeInt(first);
    results.writeInt(0);
    results.writeByte(0);
  }

  /** Sends the results written since {@link #startResults}; the last also says how long the run took. */
  private void sendResults(long id, int first, int count, boolean last) throws IOException {
    results.putInt(0, first);
    results.putInt(4, count);
    results.putByte(8, last ? 1 : 0);
    if (last) {
      results.writeLong(System.nanoTime() - runBegan);
    }
    connection.send(Protocol.RESULTS, id, results);
  }

  /**
   * Sends the failure of task {@code index}. If encoding it runs out of memory (a huge message or
   * exception), the buffer is given back and a small failure is sent instead, naming the exception's
   * class with the {@code OutOfMemoryError} as its cause; a task's own {@code OutOfMemoryError}
   * still ends the worker once sent.
   */
  private void sendFailure(long id, int index, Throwable failure) throws IOException {
    boolean fatal = failure instanceof OutOfMemoryError;
    try {
      results.reset();
      results.writeInt(index);
      results.writeByte(fatal ? 1 : 0);
      Protocol.writeThrownTypes(results, failure);
      Protocol.writeFailure(results, codec, failure);
    } catch (OutOfMemoryError e) {
      results.release(8192);
      ParallelException replacement =
          new ParallelException(
              "The " + failure.getClass().getName() + " thrown by the task could not be sent back from "
                  + name + ": encoding it ran out of memory",
              e);
      results.writeInt(index);
      results.writeByte(fatal ? 1 : 0);
      Protocol.writeThrownTypes(results, failure); // retried as the task's exception would be
      Protocol.writeFailure(results, codec, replacement);
    }
    connection.send(Protocol.FAILED, id, results);
    if (fatal) {
      Runtime.getRuntime().halt(Protocol.EXIT_OUT_OF_MEMORY);
    }
  }

  /**
   * Exits in order: shutdown hooks run, and the channel closes with the process, after them, so the
   * parent reads the progress slot's orderly-exit mark only once it is final. The caller returns
   * from {@code main} next. With status 0 and no other thread that would keep the JVM alive, that
   * return is the exit: the JVM ends as a program whose {@code main} returned does, hooks and all.
   * {@code System.exit} on JDK 21 and later first looks for a logger of {@code Runtime.exit}, which
   * makes the JDK read every jar on the classpath: tens of milliseconds of a short worker's life.
   */
  private void exit(int status) {
    watch.stopWatching();
    if (status != 0 || !othersAreDaemons()) {
      System.exit(status);
    }
  }

  /** Whether every other live platform thread is a daemon (virtual threads are daemons). */
  private static boolean othersAreDaemons() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int count = root.enumerate(threads, true);
    if (count == threads.length) {
      return false; // more than were counted a moment ago: they may not all be listed
    }
    for (int i = 0; i < count; i++) {
      Thread thread = threads[i];
      if (thread != Thread.currentThread() && !thread.isDaemon() && thread.isAlive()) {
        return false;
      }
    }
    return true;
  }

  /** Marks an orderly exit in the progress slot (see {@link ProgressSlot}). */
  private static final class OrderlyExit extends Thread {
    private final WorkerMain worker;

    OrderlyExit(WorkerMain worker) {
      super("parallelizable-orderly-exit");
      this.worker = worker;
    }

    @Override
    public void run() {
      try {
        worker.markOrderlyExit();
      } catch (IOException e) {
        // the parent then reads an exit code above 128 as a signal
      }
    }
  }

  private static final class ExitOnOutOfMemory implements Thread.UncaughtExceptionHandler {
    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
      System.err.print("Exception in thread \"");
      System.err.print(thread.getName());
      System.err.print("\" ");
      failure.printStackTrace();
      if (failure instanceof OutOfMemoryError) {
        Runtime.getRuntime().halt(Protocol.EXIT_OUT_OF_MEMORY);
      }
    }
  }
}
