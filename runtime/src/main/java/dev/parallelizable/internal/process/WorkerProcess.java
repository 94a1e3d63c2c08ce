package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Describe;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.internal.protocol.DecodeException;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.Texts;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on one worker JVM: starts it, owns its channel, and runs its result-reader
 * thread, which performs the handshake, decodes the worker's frames into the assignments they
 * answer, and reports to the engine when the worker is ready, has answered an assignment, or is
 * gone. Its scheduling state is the engine's.
 *
 * <p>{@link #current} is written by the thread that sends an assignment, before it sends it, and
 * cleared by the reader thread before it reports the answer.
 */
final class WorkerProcess implements Runnable {

  /** How long a worker whose channel ended unexpectedly may take to exit before it is killed. */
  private static final long CRASH_GRACE_MILLIS = 1_000;
  private static final long DRAIN_MILLIS = 1_000;
  /** How long a peer that connected may take to present the token; the worker does it at once. */
  static final long HELLO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** The {@link System.Logger} of the process pools. */
  static final String LOGGER_NAME = "dev.parallelizable.ProcessPool";
  /** The file, in the worker's directory, that its JVM writes to as it exits. */
  static final String EXIT_TRACE = "x";

  final ProcessPool pool;
  final WorkerConfig config;
  final String name;
  private final byte[] token;
  private final Thread reader;
  private final CountDownLatch exited = new CountDownLatch(1);

  private Path directory;
  private ServerSocketChannel server;
  /** Set, under this object's lock, when the worker's standard error ends. */
  private boolean standardErrorEnded;
  private volatile Process process;
  private volatile ProgressSlot progress;
  private volatile Connection connection;
  private OutputPump stdout;
  private OutputPump stderr;
  private boolean killed;
  /** A peer that connected and has not presented the token yet; guarded by this object's lock. */
  private Connection unverified;
  private long unverifiedSinceNanos;
  private volatile Integer exitStatus;

  /** The assignment the worker runs, or null. */
  private volatile Assignment current;
  /** The error the worker reported before it exited (an OutOfMemoryError), or null. */
  private volatile Throwable fatal;
  /** When it was spawned, for the start timeout. */
  final long spawnedNanos = System.nanoTime();
  /** When the engine asked it to stop; past {@link WorkerConfig#shutdownTimeout} it is killed. */
  volatile long retiringSinceNanos;
  /** Set once it is ready: the start and initializer timeouts no longer apply. */
  volatile boolean ready;
  /** Set once the watchdog killed it for outliving its shutdown timeout. */
  volatile boolean shutdownTimedOut;
  volatile boolean startTimedOut;
  /** When the initializer was sent, once {@link #initializing} is set. */
  volatile long initializerSentNanos;
  volatile boolean initializing;
  /** Set by the watchdog when it killed the worker for running its initializer too long. */
  volatile boolean initializerTimedOut;

  WorkerProcess(ProcessPool pool, WorkerConfig config, String name) {
    this.pool = pool;
    this.config = config;
    this.name = name;
    this.token = HexFormat.of().formatHex(randomBytes(Protocol.TOKEN_LENGTH / 2)).getBytes(StandardCharsets.US_ASCII);
    this.reader = new Thread(this, "parallelizable-" + name + "-results");
    reader.setDaemon(true);
  }

  /**
   * Starts the worker's JVM: the first half of a launch, so that the JVMs of several workers boot
   * while the parent prepares their channels in {@link #connectLater()}. The worker waits for its
   * token on standard input before it connects, and the token is written only once the socket
   * listens. A failure is reported to the pool like any start failure.
   */
  void startProcess() {
    try {
      synchronized (this) {
        if (killed || WorkerRegistry.isClosing()) {
          throw new IOException("the pool was stopped before the worker started");
        }
        directory = privateDirectory();
        Process started =
            new ProcessBuilder(
                    config.command(
                        directory.resolve("s"), directory.resolve("p"), directory.resolve(EXIT_TRACE), name))
                .start();
        process = started;
        WorkerRegistry.add(this);
      }
    } catch (IOException | RuntimeException e) {
      end(new StartFailure("its process could not be started: " + e, e));
    }
  }

  /**
   * The second half of a launch: listens on the socket, creates the progress slot, sends the token,
   * and starts the threads that serve the worker. Does not wait for the worker to connect.
   */
  void connectLater() {
    Process started = process;
    if (started == null) {
      return; // startProcess failed and reported it
    }
    try {
      synchronized (this) {
        // The pumps come first: whatever fails next, the worker's own words reach the report.
        stdout = new OutputPump(started.getInputStream(), name, false, config.output, config.outputCharset, null);
        // The end of standard error means the worker exited: stop waiting for it to connect.
        stderr =
            new OutputPump(started.getErrorStream(), name, true, config.output, config.outputCharset, this::closeServer);
        stdout.start();
        stderr.start();
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(directory.resolve("s")), 1);
        if (standardErrorEnded) {
          server.close(); // the worker exited before the server existed: no one will connect
        }
        progress = ProgressSlot.map(directory.resolve("p"), true);
        sendToken(started.getOutputStream());
      }
      reader.start();
    } catch (IOException | RuntimeException e) {
      started.destroyForcibly();
      end(new StartFailure("its channel could not be set up: " + e, e));
    }
  }

  private void sendToken(OutputStream stdin) {
    try {
      stdin.write(token);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      // The JVM exited already, refusing its options: the end of its standard error tells the
      // reader, which reports it with the JVM's own words.
    }
  }

  /**
   * Random bytes from the kernel; {@link SecureRandom} as the fallback, which costs tens of
   * milliseconds to set up on first use, on the path of a pool's first result.
   */
  private static byte[] randomBytes(int count) {
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

  /**
   * A new directory only the user can open. Named from the kernel's random bytes rather than by
   * {@code Files.createTempDirectory}, whose {@code SecureRandom} takes tens of milliseconds to seed
   * in a fresh JVM, on the path of the pool's first result.
   */
  private static Path privateDirectory() throws IOException {
    Path root = Path.of(System.getProperty("java.io.tmpdir"));
    if (root.toAbsolutePath().toString().length() > 60 && Files.isDirectory(Path.of("/tmp"))) {
      root = Path.of("/tmp"); // a socket path is limited to about 100 bytes
    }
    for (int attempt = 0; ; attempt++) {
      Path directory = root.resolve("parallelizable-" + HexFormat.of().formatHex(randomBytes(8)));
      try {
        return Files.createDirectory(
            directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 10) {
          throw e;
        }
      } catch (UnsupportedOperationException e) {
        return Files.createDirectory(directory); // not POSIX: the user's temporary directory is private
      }
    }
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

  /** Waits until the worker is gone and the pool was told. */
  boolean awaitExit(long nanos) throws InterruptedException {
    return exited.await(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until the threads serving this worker (its reader and output pumps) have ended, or the
   * deadline ({@link System#nanoTime()}) passed; true if they ended. The pumps end once every
   * process holding the worker's output pipes has exited.
   */
  boolean awaitThreads(long deadlineNanos) throws InterruptedException {
    Thread[] threads;
    synchronized (this) {
      threads = new Thread[] {reader, stdout, stderr};
    }
    for (Thread thread : threads) {
      long remaining = deadlineNanos - System.nanoTime();
      if (thread == null) {
        continue;
      }
      if (remaining <= 0) {
        return !thread.isAlive();
      }
      TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
    }
    return (threads[1] == null || !threads[1].isAlive())
        && (threads[2] == null || !threads[2].isAlive())
        && !threads[0].isAlive();
  }

  ProgressSlot progress() {
    return progress;
  }

  /** The last lines of the worker's standard error. */
  List<String> stderrTail() {
    OutputPump pump = stderr;
    return pump == null ? List.of() : pump.tail();
  }

  /** Kills the worker's JVM now (SIGKILL); the reader thread then reports it gone. */
  void kill() {
    Process p;
    Connection peer;
    synchronized (this) {
      killed = true;
      p = process;
      peer = unverified;
    }
    if (p != null) {
      p.destroyForcibly();
    }
    closeServer();
    if (peer != null) {
      peer.close(); // the reader may wait on a peer that is not the worker
    }
  }

  /** Closes the parent's side of the channel: the worker exits in order once it has read it. */
  void retire() {
    retiringSinceNanos = System.nanoTime();
    Connection c = connection;
    if (c != null) {
      c.shutdownOutput();
    }
  }

  /**
   * Called by the watchdog: kills the worker once a bound of its own passed: it did not connect in
   * time, its initializer ran too long, or it outlived its shutdown timeout (a shutdown hook blocks,
   * or calls {@code System.exit}), so that closing, joining and recycling end.
   */
  void watch(long now) {
    if (!ready) {
      dropSilentPeer(now);
      if (initializing) {
        if (!initializerTimedOut && now - initializerSentNanos > config.initializerTimeout.toNanos()) {
          initializerTimedOut = true;
          kill();
        }
      } else if (!startTimedOut
          && now - spawnedNanos > TimeUnit.SECONDS.toNanos(ProcessPool.START_TIMEOUT_SECONDS)) {
        startTimedOut = true;
        kill();
      }
    }
    long retiring = retiringSinceNanos;
    if (retiring != 0 && !shutdownTimedOut && now - retiring > config.shutdownTimeout.toNanos()) {
      shutdownTimedOut = true;
      kill();
    }
  }

  /** The error the worker reported before it exited, or null. */
  Throwable fatal() {
    return fatal;
  }

  /** Sends an assignment; if that fails, the worker is killed and the assignment reported lost. */
  void send(Assignment request) {
    current = request;
    EncodedTasks tasks = (EncodedTasks) request.encoded();
    FrameOutput head = new FrameOutput(128);
    tasks.writeHead(head, request.from(), request.to());
    try {
      connection.send(
          Protocol.RUN, request.id(), head, tasks.bytes(), tasks.start(request.from()), tasks.start(request.to()));
    } catch (IOException | RuntimeException e) {
      kill();
    }
  }

  @Override
  public void run() {
    Throwable problem = null;
    try {
      connect();
      ready = true;
      pool.engine().ready(this, 1);
      Connection.Frame frame;
      while ((frame = connection.receive()) != null) {
        Assignment request = current;
        if (request == null) {
          throw new IOException("A frame of type " + frame.type + " came with no request in flight");
        }
        if (frame.type == Protocol.RESULTS) {
          receiveResults(request, frame.body);
        } else if (frame.type == Protocol.FAILED) {
          receiveFailure(request, frame.body);
        } else {
          throw new IOException("Unexpected frame type " + frame.type);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      problem = e;
    } finally {
      end(problem);
    }
  }

  /**
   * Accepts connections until one presents the worker's token, then closes the server. Any other
   * process of the user may connect to the socket first: such a connection is dropped and logged,
   * and the worker, whose connection waits in the backlog, is accepted next. A peer that sends
   * nothing is dropped by the watchdog after {@link #HELLO_TIMEOUT_NANOS}; the start timeout bounds
   * the whole.
   */
  private void connect() throws IOException {
    Connection candidate;
    while (!presentsToken(candidate = new Connection(accept()))) {
      candidate.close();
      if (isKilled()) {
        throw new StartFailure(
            startTimedOut
                ? "it did not connect within " + ProcessPool.START_TIMEOUT_SECONDS + " s"
                : "it was stopped before it connected",
            null);
      }
      System.getLogger(LOGGER_NAME)
          .log(
              System.Logger.Level.WARNING,
              "Dropped a connection to the socket of " + name + " of " + pool
                  + ": it did not present the worker's token (a peer that sends nothing is dropped"
                  + " after " + TimeUnit.NANOSECONDS.toSeconds(HELLO_TIMEOUT_NANOS) + " s). Another"
                  + " process of this user connected to it; still waiting for the worker");
    }
    closeServer();
    deleteSocket(); // no one else can connect now
    connection = candidate;
    FrameOutput init = new FrameOutput(256);
    Protocol.writeCodec(init, config.codec);
    init.writeByte(config.jobMode ? 1 : 0);
    EncodedTasks initializer = config.encodedInitializer;
    init.writeByte(initializer == null ? 0 : 1);
    if (initializer == null) {
      connection.send(Protocol.INIT, 0, init);
    } else {
      initializer.writeHead(init, 0, 1);
      initializerSentNanos = System.nanoTime();
      initializing = true;
      connection.send(Protocol.INIT, 0, init, initializer.bytes(), 0, initializer.start(1));
    }
    Connection.Frame reply;
    try {
      reply = connection.receive();
    } catch (IOException e) {
      throw initializerTimedOut ? initializerTimeout() : e;
    }
    if (reply == null) {
      throw initializerTimedOut
          ? initializerTimeout()
          : new StartFailure("it exited while it initialized", null);
    }
    if (reply.type == Protocol.START_FAILED) {
      ClassLoader loader = config.initializer == null ? null : loaderOf(config.initializer);
      Throwable cause = Protocol.readFailure(reply.body, config.codec, loader);
      throw new StartFailure(
          config.initializer != null
              ? "the initializer " + config.initializer + " threw " + cause
              : "it could not create the codec " + config.codec.getClass().getName() + ": " + cause,
          cause);
    }
    if (reply.type != Protocol.READY) {
      throw new IOException("Unexpected frame type " + reply.type + " during the handshake");
    }
  }

  private SocketChannel accept() throws StartFailure {
    try {
      return server.accept();
    } catch (IOException e) {
      throw new StartFailure(
          startTimedOut
              ? "it did not connect within " + ProcessPool.START_TIMEOUT_SECONDS + " s"
              : "it exited before connecting",
          null);
    }
  }

  private synchronized boolean isKilled() {
    return killed;
  }

  /** Whether the peer's first frame is a HELLO with the token; false on any error. */
  private boolean presentsToken(Connection candidate) {
    synchronized (this) {
      if (killed) {
        return false;
      }
      unverified = candidate;
      unverifiedSinceNanos = System.nanoTime();
    }
    try {
      Connection.Frame hello = candidate.receive(Protocol.TOKEN_LENGTH);
      return hello != null
          && hello.type == Protocol.HELLO
          && MessageDigest.isEqual(token, hello.body.readBytes(Protocol.TOKEN_LENGTH));
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      synchronized (this) {
        unverified = null;
      }
    }
  }

  /** Watchdog: drops a peer that has not presented a token for too long. */
  void dropSilentPeer(long nowNanos) {
    Connection silent;
    synchronized (this) {
      silent = unverified;
      if (silent == null || nowNanos - unverifiedSinceNanos <= HELLO_TIMEOUT_NANOS) {
        return;
      }
    }
    silent.close(); // wakes the reader in presentsToken
  }

  private StartFailure initializerTimeout() {
    return new StartFailure(
        "its initializer " + config.initializer + " did not return within the initializer timeout of "
            + Texts.duration(config.initializerTimeout) + ", so the pool killed it; if the"
            + " initializer needs longer, raise the bound with"
            + " Parallel.processPool().initializerTimeout(Duration)",
        null);
  }

  /** Whether the pool killed the worker on purpose while it started (a start bound passed). */
  boolean killedForStartTimeout() {
    return startTimedOut || initializerTimedOut;
  }

  private static ClassLoader loaderOf(Task<?> task) {
    return task.method().invoker().getClass().getClassLoader();
  }

  private void receiveResults(Assignment request, FrameInput in) throws IOException {
    int first = request.from() + in.readInt();
    int count = in.readInt();
    boolean last = in.readByte() != 0;
    Task<?>[] tasks = request.tasks();
    // Tasks of a chunk nearly always share one invoker: look its class loader up once per change.
    Class<?> invoker = null;
    ClassLoader loader = null;
    for (int k = 0; k < count; k++) {
      int index = first + k;
      Task<?> task = tasks[index];
      if (task.method().invoker().getClass() != invoker) {
        invoker = task.method().invoker().getClass();
        loader = invoker.getClassLoader();
      }
      Object value;
      try {
        value = Protocol.decodeValue(in, config.codec, loader);
      } catch (DecodeException e) {
        request.fail(
            index,
            new TaskFailedException(
                task,
                new ParallelException(
                    "The result of " + task + " could not be decoded in the caller by " + config.codec
                        + ": " + Describe.throwable(e.getCause()),
                    e.getCause())));
        continue;
      }
      request.result(index, value);
    }
    if (last) {
      answered(request);
    }
  }

  private void receiveFailure(Assignment request, FrameInput in) throws IOException {
    int index = request.from() + in.readInt();
    boolean fatal = in.readByte() != 0;
    Task<?> task = request.tasks()[index];
    Throwable cause = Protocol.readFailure(in, config.codec, loaderOf(task));
    if (fatal) {
      this.fatal = cause; // the worker exits now; the engine reports it with the crash
    } else {
      request.fail(index, new TaskFailedException(task, cause));
      answered(request);
    }
  }

  private void answered(Assignment request) {
    current = null; // sending the next assignment, maybe from within answered(), sets it again
    pool.engine().answered(request);
  }

  /** The index of the task the worker was running when it died, by its progress slot. */
  int runningIndex(Assignment request) {
    ProgressSlot slot = progress;
    if (slot != null && slot.requestId() == request.id()) {
      return request.from() + Math.min(slot.index(), request.to() - request.from() - 1);
    }
    return request.received(); // it died before it started a task of this request
  }

  private void end(Throwable problem) {
    Connection c = connection;
    if (c != null) {
      c.close();
    }
    closeServer();
    Process p = process;
    if (p != null) {
      boolean expected =
          problem == null || problem instanceof EOFException || problem instanceof StartFailure;
      try {
        long grace =
            pool.engine().isRetiring(this) ? config.shutdownTimeout.toMillis() : CRASH_GRACE_MILLIS;
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
      if (!p.isAlive()) {
        exitStatus = exitStatus(p.exitValue(), !killedByPool(p.exitValue()) && exitPathRan());
      }
    }
    deleteDirectory();
    try {
      pool.engine().gone(this, problem);
    } finally {
      exited.countDown();
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
        return Files.size(directory.resolve(EXIT_TRACE)) > 0;
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

  /** The exit status in words: "exit code 3" or "killed by signal 9 (SIGKILL)". */
  static String describeExit(Integer status) {
    if (status == null) {
      return "exit status unknown";
    }
    if (status >= 0) {
      return "exit code " + status;
    }
    String signal;
    switch (-status) {
      case 1: signal = " (SIGHUP)"; break;
      case 2: signal = " (SIGINT)"; break;
      case 3: signal = " (SIGQUIT)"; break;
      case 6: signal = " (SIGABRT)"; break;
      case 9: signal = " (SIGKILL)"; break;
      case 11: signal = " (SIGSEGV)"; break;
      case 15: signal = " (SIGTERM)"; break;
      default: signal = "";
    }
    return "killed by signal " + -status + signal;
  }

  private void closeServer() {
    ServerSocketChannel s;
    synchronized (this) {
      standardErrorEnded = true;
      s = server;
    }
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }

  private synchronized void deleteSocket() {
    try {
      Files.deleteIfExists(directory.resolve("s"));
    } catch (IOException e) {
      // it is deleted with the directory when the worker is gone
    }
  }

  /** Deletes the worker's directory, with the exit trace and the progress file if still there. */
  synchronized void deleteDirectory() {
    if (directory == null) {
      return;
    }
    try {
      Files.deleteIfExists(directory.resolve("s"));
      Files.deleteIfExists(directory.resolve("p"));
      Files.deleteIfExists(directory.resolve(EXIT_TRACE));
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a leftover empty directory in the temporary directory is harmless
    }
    directory = null;
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }

  /** The worker could not start; the pool reports it with the exit status and stderr. */
  static final class StartFailure extends IOException {
    private static final long serialVersionUID = 1L;

    StartFailure(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
