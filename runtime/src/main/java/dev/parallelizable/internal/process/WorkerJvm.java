package dev.parallelizable.internal.process;

import dev.parallelizable.internal.protocol.Connection;
import dev.parallelizable.internal.protocol.ProgressSlot;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.SharedFiles;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system side of one worker: starts its JVM in a private directory (the channel: the
 * named pipes {@value Protocol#CHANNEL_UP} and {@value Protocol#CHANNEL_DOWN}, or the socket
 * {@value Protocol#CHANNEL_SOCKET}; the progress slot {@code p}, the exit trace {@value
 * Protocol#EXIT_TRACE}), makes its pipes, pumps its standard output and error, kills it, and once
 * it is gone waits for it within a grace period, drains its output, reads its exit status and
 * deletes the directory.
 *
 * <p>Thread-safe: {@link #directory}, the pumps and {@link #killed} are guarded by this object's
 * lock; the process, the progress slot and the exit status are published through volatile fields.
 */
final class WorkerJvm implements WorkerRegistry.Registered {

  /** How long a worker whose channel ended unexpectedly may take to exit before it is killed. */
  private static final long CRASH_GRACE_MILLIS = 1_000;
  private static final long DRAIN_MILLIS = 1_000;

  /** The configuration the JVM started with. */
  private final WorkerConfig config;
  private final String name;
  /** The directory of shared data of the pool it starts for, which it may map. */
  private final Path sharedDirectory;
  /** Whether its channel is a pair of named pipes, else a socket; chosen as it is created. */
  private final boolean pipes = WorkerChannels.pipes();
  /** Whether it may be kept warm across runs (see {@link WarmWorkers}); chosen as it is created. */
  private final boolean warm;

  private Path directory;
  private volatile Process process;
  private volatile ProgressSlot progress;
  private OutputPump stdout;
  private OutputPump stderr;
  private boolean killed;
  private volatile Integer exitStatus;
  /**
   * Its standard output and error, read from their named pipes; set only for a worker in a warm
   * directory (see {@link WarmWorkers}), which is what makes it one: it may be parked when its pool
   * closes.
   */
  private FileChannel[] outputPipes;
  /** Whether it was asked to park; once its channel ended in order it is no longer this JVM's. */
  private boolean parking;
  /** Whether it parked: it lives on for another parent, and nothing here may kill or delete it. */
  private boolean detached;
  /** The run of {@code mkfifo} that makes its pipes, started with its JVM; null once awaited. */
  private WorkerChannels.Making makingPipes;
  /** The class-data archive it reads or trains; set as it starts. */
  private WorkerClassData.Use classData = WorkerClassData.Use.NONE;

  WorkerJvm(WorkerConfig config, String name, Path sharedDirectory) {
    this.config = config;
    this.name = name;
    this.sharedDirectory = sharedDirectory;
    this.warm = pipes && config.warm() && WarmWorkers.root() != null;
  }

  /**
   * Starts the JVM, registered first for the shutdown hook that kills the workers of an exiting
   * parent (and forgotten again if it cannot start). Throws if the worker was killed first, the
   * parent is exiting, or the process cannot start.
   */
  void start() throws IOException {
    synchronized (this) {
      if (killed || !WorkerRegistry.add(this)) {
        throw new IOException("the pool was stopped before the worker started");
      }
      try {
        if (!warm || !startWarm()) {
          directory = pipes ? PipeStock.SHARED.take(WorkerRegistry.size() > 1) : null;
          if (directory == null) {
            directory = WorkerChannels.privateDirectory();
            if (pipes) {
              // mkfifo runs while the JVM is started: neither waits for the other.
              makingPipes = WorkerChannels.startMaking(channel(), channelDown());
            }
          }
          process = Processes.start(new ProcessBuilder(command()));
        }
      } catch (IOException | RuntimeException e) {
        WorkerRegistry.remove(this);
        throw e;
      }
    }
  }

  private List<String> command() {
    List<String> command = config.command(
        channel(), directory.resolve("p"), directory.resolve(Protocol.EXIT_TRACE), name, sharedDirectory);
    classData = WorkerClassData.forWorker(config, !config.warm());
    command.addAll(1, classData.options()); // before the pool's options, which may override them
    return command;
  }

  /**
   * Claims a parked worker of this configuration, or starts one in a warm directory, its output on
   * named pipes that outlive this JVM's reading of them; false if there is no warm directory to
   * start it in (the caller starts a plain worker). Called under this object's lock.
   */
  private boolean startWarm() throws IOException {
    String key = WarmWorkers.key(config);
    WarmWorkers.Claimed claimed = WarmWorkers.claim(key);
    if (claimed != null) {
      try {
        Files.deleteIfExists(claimed.directory().resolve("p")); // the last parent's progress slot, if unused
        directory = claimed.directory();
        outputPipes = openOutputPipes();
        process = new AttachedProcess(claimed.process(), directory, sharedDirectory);
        return true;
      } catch (IOException e) {
        // Its directory was tampered with (a pipe deleted): it is not used, and a new worker starts.
        claimed.process().destroy();
        SharedFiles.deleteDirectory(claimed.directory());
        directory = null;
      }
    }
    Path made = WarmWorkers.newDirectory(key);
    if (made == null) {
      return false;
    }
    directory = made;
    Path out = directory.resolve(Protocol.WARM_OUT);
    Path err = directory.resolve(Protocol.WARM_ERR);
    try {
      WorkerChannels.makePipes(
          directory.resolve(Protocol.CHANNEL_UP), directory.resolve(Protocol.CHANNEL_DOWN), out, err,
          directory.resolve(Protocol.WARM_DOOR));
    } catch (IOException e) {
      deleteDirectory(); // the caller starts a plain worker, whose own pipes tell the user
      return false;
    }
    // Held for reading and writing while the worker opens them for writing, which then never blocks.
    FileChannel[] holders = {open(out, true), open(err, true)};
    try {
      process = Processes.start(new ProcessBuilder(command()).redirectOutput(out.toFile()).redirectError(err.toFile()));
      WarmWorkers.recordProcess(directory, process.pid());
      outputPipes = new FileChannel[] {open(out, false), open(err, false)};
    } finally {
      Connection.closeQuietly(holders[0]);
      Connection.closeQuietly(holders[1]);
    }
    return true;
  }

  /**
   * Opens a claimed worker's output pipes for reading, through a moment when this JVM holds them for
   * writing too, so that the open never blocks; read-only after, so that they end when it exits.
   */
  private FileChannel[] openOutputPipes() throws IOException {
    Path out = directory.resolve(Protocol.WARM_OUT);
    Path err = directory.resolve(Protocol.WARM_ERR);
    FileChannel[] holders = {open(out, true), open(err, true)};
    try {
      return new FileChannel[] {open(out, false), open(err, false)};
    } finally {
      Connection.closeQuietly(holders[0]);
      Connection.closeQuietly(holders[1]);
    }
  }

  private static FileChannel open(Path pipe, boolean write) throws IOException {
    return write
        ? FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(pipe, StandardOpenOption.READ);
  }

  /** Whether this worker was claimed parked, rather than started by this JVM. */
  boolean claimed() {
    return process instanceof AttachedProcess;
  }

  /** Whether this worker may be parked when its pool closes: it lives in a warm directory. */
  synchronized boolean warm() {
    return outputPipes != null;
  }

  /** The worker was asked to park: once its channel ends in order, it is no longer this JVM's. */
  synchronized void parking() {
    parking = true;
  }

  /** The worker's process once started, else null. */
  Process process() {
    return process;
  }

  /**
   * Starts the threads that route the worker's standard output and error; {@code onStandardErrorEnd}
   * runs when its standard error ends, which means the worker exited.
   */
  synchronized void startPumps(Runnable onStandardErrorEnd) {
    Process started = process;
    InputStream out = outputPipes != null ? Channels.newInputStream(outputPipes[0]) : started.getInputStream();
    InputStream err = outputPipes != null ? Channels.newInputStream(outputPipes[1]) : started.getErrorStream();
    stdout = new OutputPump(out, name, false, config.output, config.outputCharset, null);
    stderr = new OutputPump(err, name, true, config.output, config.outputCharset, onStandardErrorEnd);
    stdout.start();
    stderr.start();
  }

  /** Whether the worker's channel is a pair of named pipes, else a socket. */
  boolean pipes() {
    return pipes;
  }

  /** The path the worker is given: its pipe to the parent, or its socket. */
  synchronized Path channel() {
    return directory.resolve(pipes ? Protocol.CHANNEL_UP : Protocol.CHANNEL_SOCKET);
  }

  /** Its pipe from the parent, beside {@link #channel()}. */
  synchronized Path channelDown() {
    return directory.resolve(Protocol.CHANNEL_DOWN);
  }

  /** Where the worker listens for the bulk socket, once it asks for one (see {@code Connection}). */
  synchronized Path bulkSocket() {
    return directory.resolve(Protocol.CHANNEL_BULK);
  }

  /**
   * Waits until the worker's pipes, readable and writable by the user only, are made (see {@link
   * WorkerChannels}); a warm directory has them already.
   */
  void makePipes() throws IOException {
    WorkerChannels.Making making;
    synchronized (this) {
      making = makingPipes;
      makingPipes = null;
    }
    if (making != null) {
      making.await();
    }
  }

  /** Maps the progress slot, which the worker writes as it starts each task. */
  synchronized void mapProgress() throws IOException {
    progress = ProgressSlot.map(directory.resolve("p"), true);
  }

  ProgressSlot progress() {
    return progress;
  }

  /** The output pumps, null before they started. */
  synchronized Thread[] pumps() {
    return new Thread[] {stdout, stderr};
  }

  /**
   * Random bytes from the kernel; {@link SecureRandom} as the fallback, which costs tens of
   * milliseconds to set up on first use, on the path of a pool's first result.
   */
  static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    try (InputStream random = new FileInputStream("/dev/urandom")) {
      if (random.readNBytes(bytes, 0, count) == count) {
        return bytes;
      }
    } catch (IOException e) {
      // no /dev/urandom on this system
    }
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** The worker's process id, or -1 before its process started. */
  long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  /** The exit status once the worker is gone (negative: the signal that killed it), else null. */
  Integer exitStatus() {
    return exitStatus;
  }

  /** The last lines of the worker's standard error. */
  List<String> stderrTail() {
    OutputPump pump = stderr;
    return pump == null ? List.of() : pump.tail();
  }

  /** Whether the pool killed the JVM, or kept it from starting. */
  synchronized boolean isKilled() {
    return killed;
  }

  /** Whether the JVM started and has not exited. */
  boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * If the worker read a class-data archive, drops it ({@link WorkerClassData#dropped}), since the
   * worker exited before it connected, and returns it; else null.
   */
  synchronized Path dropClassData() {
    WorkerClassData.Use use = classData;
    if (!use.reads()) {
      return null;
    }
    WorkerClassData.dropped(config, use);
    return use.archive();
  }

  /** Kills the worker's JVM now (SIGKILL), or keeps it from starting. */
  void kill() {
    Process p;
    synchronized (this) {
      if (detached) {
        return; // parked: another parent's now
      }
      killed = true;
      p = process;
    }
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /**
   * Once the worker's channel ended with {@code problem} (null: in order): waits for its JVM to
   * exit, within {@code shutdownTimeout} if it was retiring or a short grace period if not, and
   * kills it past that or at once if the end was unexpected; then drains its output and reads its
   * exit status.
   */
  void reap(Throwable problem, boolean retiring, Duration shutdownTimeout) {
    Process p = process;
    if (problem == null && detach()) {
      return;
    }
    if (p != null) {
      boolean expected =
          problem == null || problem instanceof EOFException || problem instanceof StartFailure;
      try {
        long grace = retiring ? shutdownTimeout.toMillis() : CRASH_GRACE_MILLIS;
        if (!expected || !p.waitFor(grace, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      try {
        p.getOutputStream().close();
      } catch (IOException e) {
        // the pipe is gone with the process
      }
      if (stdout != null) {
        stdout.drain(DRAIN_MILLIS);
        stderr.drain(DRAIN_MILLIS);
      }
      WorkerRegistry.remove(this);
      if (!p.isAlive() && !(p instanceof AttachedProcess)) { // a claimed worker's status is unknown
        exitStatus = exitStatus(p.exitValue(), !killedByPool(p.exitValue()) && exitPathRan());
      }
      classData.finish(Integer.valueOf(0).equals(exitStatus));
    }
  }

  /**
   * If the worker was asked to park and its channel ended in order, it parked: lets it go (no kill,
   * no wait; the output pipes are closed, which ends the pumps; the directory stays) and returns
   * true.
   */
  private boolean detach() {
    FileChannel[] pipes;
    synchronized (this) {
      if (!parking || killed) {
        return false;
      }
      detached = true;
      pipes = outputPipes;
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the worker no longer reads it
    }
    awaitRead(directory.resolve(Protocol.WARM_OUT));
    awaitRead(directory.resolve(Protocol.WARM_ERR));
    Connection.closeQuietly(pipes[0]);
    Connection.closeQuietly(pipes[1]);
    stdout.drain(DRAIN_MILLIS);
    stderr.drain(DRAIN_MILLIS);
    WorkerRegistry.remove(this);
    return true;
  }

  /**
   * Waits, up to {@link #DRAIN_MILLIS}, until the pump has read what the parked worker wrote to
   * {@code pipe} before it parked: the pipe holds no byte then. Its output ends with no end of
   * stream (the worker lives on), so this is how nothing it printed for this pool is lost.
   */
  private static void awaitRead(Path pipe) {
    long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000;
    // Opened for reading and writing, so the open never blocks; available() asks the pipe itself.
    try (RandomAccessFile holder = new RandomAccessFile(pipe.toFile(), "rw");
        FileInputStream pending = new FileInputStream(holder.getFD())) {
      while (pending.available() > 0 && System.nanoTime() - deadline < 0) {
        Thread.sleep(1);
      }
    } catch (IOException e) {
      // the pipe is gone: nothing to wait for
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the pool's own SIGKILL ended the worker, even after its shutdown hooks began. */
  private synchronized boolean killedByPool(int exitValue) {
    return killed && exitValue == 128 + 9;
  }

  /**
   * Whether the worker's JVM went through its own exit ({@code System.exit}, {@code Runtime.halt},
   * or a signal it turns into an exit: SIGTERM, SIGINT, SIGHUP), read once it is gone: the exit
   * trace is written then and only then. Without the trace (it could not be created), the progress
   * slot's mark, set by a shutdown hook, stands in: {@code Runtime.halt} then reads as a signal.
   */
  private synchronized boolean exitPathRan() {
    if (directory != null) {
      try {
        return Files.size(directory.resolve(Protocol.EXIT_TRACE)) > 0;
      } catch (IOException e) {
        // no trace: fall back on the mark of the shutdown hook
      }
    }
    ProgressSlot slot = progress;
    return slot != null && slot.exitedInOrder();
  }

  /**
   * The exit status as Python reports it: the JVM's exit code, or {@code -N} if signal {@code N}
   * killed it. The JDK reports death by signal N as 128+N, as it reports {@code System.exit(128+N)}
   * and {@code Runtime.halt(128+N)}; whether the JVM ran its exit path tells them apart (see {@link
   * #exitPathRan}).
   */
  static int exitStatus(int exitValue, boolean exitPathRan) {
    if (!exitPathRan && exitValue > 128 && exitValue <= 128 + 64) {
      return -(exitValue - 128);
    }
    return exitValue;
  }

  /** Deletes the channel's files once the worker opened them: no one else can open them then. */
  synchronized void deleteChannelFiles() {
    if (outputPipes != null) {
      return; // opened again by the next parent that claims the worker; the directory is private
    }
    try {
      Files.deleteIfExists(directory.resolve(Protocol.CHANNEL_SOCKET));
      Files.deleteIfExists(directory.resolve(Protocol.CHANNEL_UP));
      Files.deleteIfExists(directory.resolve(Protocol.CHANNEL_DOWN));
    } catch (IOException e) {
      // they are deleted with the directory when the worker is gone
    }
  }

  /** The JVM is exiting: kills the worker and deletes its directory. */
  @Override
  public void endAtExit() {
    kill();
    classData.finish(false);
    deleteDirectory();
  }

  /** Deletes the worker's directory, with the exit trace and the progress file if still there. */
  synchronized void deleteDirectory() {
    if (directory == null) {
      return;
    }
    if (!detached) { // a parked worker's directory is its own now
      SharedFiles.deleteDirectory(directory);
    }
    directory = null;
  }

  /**
   * The worker could not start; the pool reports it with the exit status and stderr, unless it is
   * {@linkplain #replaceable}.
   */
  static final class StartFailure extends IOException {
    private static final long serialVersionUID = 1L;
    /** Whether the pool starts another worker in its place instead of reporting it. */
    final boolean replaceable;

    StartFailure(String reason, Throwable cause) {
      this(reason, cause, false);
    }

    StartFailure(String reason, Throwable cause, boolean replaceable) {
      super(reason, cause);
      this.replaceable = replaceable;
    }
  }
}
