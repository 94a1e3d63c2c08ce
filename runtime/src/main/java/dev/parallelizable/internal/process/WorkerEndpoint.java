package dev.parallelizable.internal.process;

import dev.parallelizable.RemoteException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.internal.Loggers;
import dev.parallelizable.internal.UndecodedFailure;
import dev.parallelizable.internal.process.WorkerJvm.StartFailure;
import dev.parallelizable.internal.protocol.Connection;
import dev.parallelizable.internal.protocol.EncodedFailure;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.spi.Assignment;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The parent's end of the protocol with one worker: opens the worker's pipes (or listens on its
 * socket), hands the worker its token, and runs the result-reader thread, which reads the token
 * from the worker (on a socket, accepts the peer that presents it), performs the handshake (codec, initializer), reads the worker's frames into the
 * assignments they answer, and reports what it read to its {@link Listener}: the worker runs its
 * initializer, is ready, has answered an assignment, or its channel ended. It keeps what the
 * channel said about the worker (its handshake completed, the fatal error it reported), and no
 * state of the worker's life: that is the engine's. It decodes no
 * result and no task's exception: each stays as the worker's bytes ({@link EncodedResult}, {@link
 * UndecodedFailure}) until the caller reads it, so that no user code ({@code readObject}, an
 * exception's {@code toString}) can stall the worker's later answers.
 *
 * <p>Thread-safe. {@link #current} is written by the thread that sends an assignment, before it
 * sends it, and cleared by the reader thread before it reports the answer; the pipes opened for the
 * handshake, the server, a peer not yet verified and {@link #killed} are guarded by this object's
 * lock.
 */
final class WorkerEndpoint implements Runnable {

  /** How long a peer that connected may take to present the token; the worker does it at once. */
  static final long HELLO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * What the reader thread reports, in this order: {@link #initializing} (if the pool has an
   * initializer), {@link #ready}, then {@link #answered} for each assignment and {@link #ready}
   * for each ping answered, and {@link #ended} once, last, also when the worker never connected.
   */
  interface Listener {
    /** The worker connected and was sent the initializer. */
    void initializing();

    /** The worker answered INIT (it is ready) or a ping (it is alive). */
    void ready();

    /** The worker answered the assignment, or failed one of its tasks. */
    void answered(Assignment<?> assignment);

    /** The channel ended, with {@code problem} (null: in order), or the worker could not start. */
    void ended(Throwable problem);
  }

  private final Listener listener;
  private final WorkerJvm jvm;
  /** The pool the worker started for, for messages. */
  private final String poolName;
  /** The configuration it started with; a pool that reuses it has an equal one (see WorkerCache). */
  private final WorkerConfig config;
  private final String name;
  private final byte[] token;
  private final Thread reader;

  private ServerSocketChannel server;
  /** The worker's pipes, up (worker to parent) and down; null on a socket. */
  private Path up;
  private Path down;
  /**
   * Until the worker has presented its token: the pipes, each opened for reading and writing, so
   * that neither side's open blocks whenever the worker gets to it.
   */
  private FileChannel handshakeUp;
  private FileChannel handshakeDown;
  /** Set, under this object's lock, once the worker exited, was killed or its channel closed. */
  private boolean waitingStopped;
  private volatile Connection connection;
  /** Over pipes, the bulk socket once connected; written and read by the reader thread only. */
  private SocketChannel bulk;
  /** Set once the worker answered INIT: it started, and may serve another pool later. */
  private volatile boolean handshakeCompleted;
  /** Set once the parent's side of the channel was shut: the worker exits in order. */
  private volatile boolean outputShut;
  /** The error the worker reported before it exited (an OutOfMemoryError), or null. */
  private volatile Throwable fatal;
  private boolean killed;
  /** A peer that connected and has not presented the token yet; guarded by this object's lock. */
  private SocketChannel unverified;
  private long unverifiedSinceNanos;

  /** The assignment the worker runs, or null. */
  private volatile Assignment<EncodedTasks> current;

  WorkerEndpoint(Listener listener, WorkerJvm jvm, String poolName, WorkerConfig config, String name) {
    this.listener = listener;
    this.jvm = jvm;
    this.poolName = poolName;
    this.config = config;
    this.name = name;
    this.token =
        HexFormat.of().formatHex(WorkerJvm.randomBytes(Protocol.TOKEN_LENGTH / 2)).getBytes(StandardCharsets.US_ASCII);
    this.reader = new Thread(this, "parallelizable-" + name + "-results");
    reader.setDaemon(true);
  }

  /** Listens on {@code socket}; closed at once if the worker's standard error already ended. */
  synchronized void listen(Path socket) throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket), 1);
    if (waitingStopped) {
      server.close(); // the worker exited before the server existed: no one will connect
    }
  }

  /**
   * Opens the worker's pipes {@code up} (from it) and {@code down} (to it) for reading and
   * writing; closed at once if the worker's standard error already ended.
   */
  synchronized void openPipes(Path up, Path down) throws IOException {
    this.up = up;
    this.down = down;
    handshakeUp = FileChannel.open(up, StandardOpenOption.READ, StandardOpenOption.WRITE);
    handshakeDown = FileChannel.open(down, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (waitingStopped) {
      closeHandshakePipes(); // the worker exited before they were open: no one will write
    }
  }

  /** Hands the worker its token on its standard input, then starts the reader thread. */
  void start(OutputStream stdin) {
    sendToken(stdin);
    reader.start();
  }

  /** The result-reader thread. */
  Thread reader() {
    return reader;
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
   * Marks the worker killed, kills its JVM, and closes the server and a peer that has not presented
   * the token, on which the reader may wait: the reader then reports the channel {@link
   * Listener#ended}.
   */
  void kill() {
    SocketChannel peer;
    synchronized (this) {
      killed = true;
      peer = unverified;
    }
    jvm.kill();
    stopWaiting();
    if (peer != null) {
      Connection.closeQuietly(peer); // the reader may wait on a peer that is not the worker
    }
  }

  /** Closes the parent's side of the channel: the worker exits in order once it has read it. */
  void shutdownOutput() {
    outputShut = true;
    Connection c = connection;
    if (c != null) {
      c.shutdownOutput();
    }
  }

  /**
   * Asks a kept worker, now its new pool's, to prove it is alive: the reader reports it ready when
   * it answers. If the ping cannot be sent the worker is killed, and reported gone.
   */
  void ping() {
    try {
      connection.send(Protocol.PING, 0, null);
    } catch (IOException | RuntimeException e) {
      kill();
    }
  }

  /**
   * Asks the worker to park until {@code deadlineMillis} (epoch) for a pool of this or a later run
   * (see {@link WarmWorkers}): it closes its channel once parked, which the reader reports as an
   * orderly end. If the request cannot be sent the worker is killed, and reported gone.
   */
  void park(long deadlineMillis) {
    FrameOutput deadline = new FrameOutput(8);
    deadline.writeLong(deadlineMillis);
    try {
      connection.send(Protocol.PARK, 0, deadline);
    } catch (IOException | RuntimeException e) {
      kill();
    }
  }

  /** Sends an assignment; if that fails, the worker is killed and the assignment reported lost. */
  void send(Assignment<EncodedTasks> request) {
    current = request;
    EncodedTasks tasks = request.encoded();
    FrameOutput head = new FrameOutput(128);
    tasks.writeHead(head, request.from(), request.to());
    try {
      connection.send(
          tasks.isBatch() ? Protocol.RUN_BATCH : Protocol.RUN, request.id(), head, tasks.bytes(), tasks.start(request.from()), tasks.start(request.to()));
    } catch (IOException | RuntimeException e) {
      kill();
    }
  }

  @Override
  public void run() {
    Throwable problem = null;
    try {
      connect();
      handshakeCompleted = true;
      listener.ready();
      Connection.Frame frame;
      while ((frame = connection.receive()) != null) {
        if (frame.type == Protocol.BULK_READY) {
          connectBulk();
          continue;
        }
        if (frame.type == Protocol.BULK_ACCEPTED) {
          if (bulk == null) {
            throw new IOException("The worker accepted a bulk socket the parent did not connect");
          }
          connection.sendBulkTo(bulk);
          continue;
        }
        Assignment<EncodedTasks> request = current;
        if (frame.type == Protocol.READY && request == null) {
          listener.ready(); // a kept worker answered the ping of the pool that took it
          continue;
        }
        if (request == null) {
          throw new IOException("A frame of type " + frame.type + " came with no request in flight");
        }
        if (frame.type == Protocol.RESULTS) {
          receiveResults(request, frame.body);
        } else if (frame.type == Protocol.BATCH_RESULTS) {
          receiveBatchResults(request, frame.body);
        } else if (frame.type == Protocol.FAILED) {
          receiveFailure(request, frame.body);
        } else {
          throw new IOException("Unexpected frame type " + frame.type);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      problem = e;
    } finally {
      listener.ended(problem);
    }
  }


  /** Connects to the worker, by its pipes or its socket, then sends INIT and reads its answer. */
  private void connect() throws IOException {
    connection = up != null ? connectPipes() : acceptSocket();
    jvm.deleteChannelFiles(); // no one else can open them now
    FrameOutput init = new FrameOutput(256);
    Protocol.writeCodec(init, config.codec);
    init.writeByte(config.jobMode ? 1 : 0);
    init.writeInt(config.maxTasksPerClassLoader);
    EncodedTasks initializer = config.encodedInitializer;
    init.writeByte(initializer == null ? 0 : 1);
    if (initializer == null) {
      connection.send(Protocol.INIT, 0, init);
    } else {
      initializer.writeHead(init, 0, 1);
      listener.initializing(); // the initializer's bound runs from now, not the start's
      connection.send(Protocol.INIT, 0, init, initializer.bytes(), 0, initializer.start(1));
    }
    Connection.Frame reply = connection.receive();
    if (reply == null) {
      throw new StartFailure("it exited while it initialized", null);
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

  /**
   * Reads the worker's HELLO from its pipe, then reopens each pipe for its own direction only: the
   * worker's exit then ends the stream read from it and fails what is written to it. The pipes are
   * in a directory only the user can enter; a stream that does not begin with the token (another
   * process of the user wrote to the pipe first) kills the worker, and the pool starts another.
   */
  private Connection connectPipes() throws IOException {
    FileChannel helloUp;
    synchronized (this) {
      helloUp = handshakeUp;
    }
    if (helloUp == null) {
      throw notConnected();
    }
    boolean presented;
    try {
      presented = Protocol.readHello(helloUp, token);
    } catch (EOFException | ClosedChannelException e) {
      throw notConnected(); // closed by stopWaiting(): the worker exited or was killed
    }
    if (!presented) {
      jvm.kill(); // at once: the worker would only find its channel broken
      throw new StartFailure(
          "its channel did not begin with the worker's token: another process of this user wrote to"
              + " the worker's pipe " + up + " first",
          null,
          true);
    }
    FileChannel from = FileChannel.open(up, StandardOpenOption.READ);
    FileChannel to;
    try {
      to = FileChannel.open(down, StandardOpenOption.WRITE);
    } catch (IOException e) {
      from.close();
      throw e;
    }
    synchronized (this) {
      closeHandshakePipes();
      if (killed) {
        from.close();
        to.close();
        throw new StartFailure("it was stopped before it connected", null);
      }
    }
    return new Connection(from, to);
  }

  /**
   * Why the worker did not connect: the pool stopped it, or it exited. A worker that exited while it
   * read a class-data archive is replaced, once, with no archive (see {@link
   * WorkerJvm#dropClassData()}): a damaged archive would otherwise end every worker's start.
   */
  private StartFailure notConnected() {
    if (isKilled()) {
      return new StartFailure("it was stopped before it connected", null);
    }
    Path archive = jvm.dropClassData();
    if (archive != null) {
      return new StartFailure("it exited before connecting while it read the class-data archive " + archive
          + ", which may be damaged; the archive was deleted, and the pool's workers start without one", null, true);
    }
    return new StartFailure("it exited before connecting", null);
  }

  /**
   * The worker listens for the bulk socket: connects, reads bulk frames from it from now on, and
   * presents the token; once the worker has read it ({@link Protocol#BULK_ACCEPTED}), large frames
   * are sent on it too. If the connection fails, or would have to wait, large frames keep crossing
   * the pipes.
   */
  private void connectBulk() {
    if (bulk != null) {
      return; // the worker asks once
    }
    SocketChannel socket = null;
    try {
      // Without blocking: the reader thread must never wait on a socket whose backlog another
      // process of the user filled; then there is no bulk socket.
      socket = SocketChannel.open(StandardProtocolFamily.UNIX);
      socket.configureBlocking(false);
      if (!socket.connect(UnixDomainSocketAddress.of(jvm.bulkSocket()))) {
        throw new IOException("the worker's bulk socket takes no connection now");
      }
      socket.configureBlocking(true);
      connection.receiveBulkFrom(socket);
      ByteBuffer hello = Protocol.hello(token);
      while (hello.hasRemaining()) {
        socket.write(hello);
      }
      bulk = socket;
    } catch (IOException e) {
      // the worker went away, or another process took its socket's place: no bulk socket
      Connection.closeQuietly(socket);
    }
  }

  /**
   * Accepts connections until one presents the worker's token, then closes the server. Any other
   * process of the user may connect to the socket first: such a connection is dropped and logged,
   * and the worker, whose connection waits in the backlog, is accepted next. A peer that sends
   * nothing is dropped by the watchdog after {@link #HELLO_TIMEOUT_NANOS}; the engine's start
   * timeout bounds the whole.
   */
  private Connection acceptSocket() throws IOException {
    SocketChannel candidate;
    while (!presentsToken(candidate = accept())) {
      Connection.closeQuietly(candidate);
      if (isKilled()) {
        throw notConnected();
      }
      System.getLogger(Loggers.PROCESS_POOL)
          .log(
              System.Logger.Level.WARNING,
              "Dropped a connection to the socket of " + name + " of " + poolName
                  + ": it did not present the worker's token (a peer that sends nothing is dropped"
                  + " after " + TimeUnit.NANOSECONDS.toSeconds(HELLO_TIMEOUT_NANOS) + " s). Another"
                  + " process of this user connected to it; still waiting for the worker");
    }
    closeServer();
    return new Connection(candidate);
  }

  private SocketChannel accept() throws StartFailure {
    try {
      return server.accept();
    } catch (IOException e) {
      throw notConnected();
    }
  }

  private synchronized boolean isKilled() {
    return killed;
  }

  /**
   * Whether the peer's first frame is a HELLO with the token, read as from a pipe and no further
   * (see {@link Protocol#readHello}); false on any error.
   */
  private boolean presentsToken(SocketChannel candidate) {
    synchronized (this) {
      if (killed) {
        return false;
      }
      unverified = candidate;
      unverifiedSinceNanos = System.nanoTime();
    }
    try {
      return Protocol.readHello(candidate, token);
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
    SocketChannel silent;
    synchronized (this) {
      silent = unverified;
      if (silent == null || nowNanos - unverifiedSinceNanos <= HELLO_TIMEOUT_NANOS) {
        return;
      }
    }
    Connection.closeQuietly(silent); // wakes the reader in presentsToken
  }

  private static ClassLoader loaderOf(Task<?> task) {
    return task.method().invoker().getClass().getClassLoader();
  }

  private void receiveResults(Assignment<?> request, FrameInput in) throws IOException {
    int first = request.from() + in.readInt();
    int count = in.readInt();
    boolean last = in.readByte() != 0;
    // Tasks of a chunk nearly always share one invoker: look its class loader up once per change.
    Class<?> invoker = null;
    ClassLoader loader = null;
    for (int k = 0; k < count; k++) {
      int index = first + k;
      Task<?> task = request.task(index);
      if (task.method().invoker().getClass() != invoker) {
        invoker = task.method().invoker().getClass();
        loader = invoker.getClassLoader();
      }
      // Decoded where it is read, never here: its readObject may block (see Undecoded).
      request.result(index, new EncodedResult(Protocol.readValueBytes(in), config.codec, loader, task));
    }
    if (last) {
      answeredLast(request, in);
    }
  }

  /**
   * The last frame of a RUN's answer ends with the worker's time on the RUN, which sizes later
   * chunks ({@link Assignment#ranFor}): reads it, and reports the assignment answered.
   */
  private void answeredLast(Assignment<?> request, FrameInput in) throws IOException {
    request.ranFor(in.readLong());
    answered(request);
  }

  /** A primitive result column (or a void method's): no value to decode, none that can fail. */
  private void receiveBatchResults(Assignment<?> request, FrameInput in) throws IOException {
    int first = in.readInt();
    int count = in.readInt();
    boolean last = in.readByte() != 0;
    byte kind = in.readByte();
    if (first < 0 || count < 0 || (long) request.from() + first + count > request.to()) {
      throw new IOException(
          "Corrupt results: rows " + first + " to " + ((long) first + count) + " of a run of "
              + (request.to() - request.from()));
    }
    Object column = Protocol.readColumn(in, kind, count);
    int index = request.from() + first;
    request.results(index, column, count); // kept as a column, boxed only if the caller reads it
    if (last) {
      answeredLast(request, in);
    }
  }

  /**
   * A task's failure: kept as the worker sent it and decoded where it is read ({@link
   * UndecodedFailure}), since decoding it, and describing it in the failure's message, run user
   * code; the engine decides a retry from the names of its classes.
   */
  private void receiveFailure(Assignment<?> request, FrameInput in) throws IOException {
    int index = request.from() + in.readInt();
    boolean fatal = in.readByte() != 0;
    Task<?> task = request.task(index);
    List<String> thrownTypes = Protocol.readThrownTypes(in);
    EncodedFailure failure = Protocol.readEncodedFailure(in);
    if (fatal) {
      this.fatal = outOfMemory(failure.structure()); // the worker exits now; the engine reports it with the crash
    } else {
      ClassLoader loader = loaderOf(task);
      request.fail(index, new UndecodedFailure(
          thrownTypes, () -> new TaskFailedException(task, failure.decode(config.codec, loader))));
      answered(request);
    }
  }

  /**
   * The task's own {@link OutOfMemoryError}, rebuilt from its structure: its message, stack and
   * causes as the worker sent them, without decoding it here.
   */
  private static OutOfMemoryError outOfMemory(RemoteException structure) {
    String message = structure.getMessage();
    String prefix = structure.remoteClassName() + ": ";
    OutOfMemoryError error = new OutOfMemoryError(message.startsWith(prefix) ? message.substring(prefix.length()) : null);
    error.setStackTrace(structure.getStackTrace());
    if (structure.getCause() != null) {
      error.initCause(structure.getCause());
    }
    return error;
  }

  private void answered(Assignment<?> request) {
    current = null; // sending the next assignment, maybe from within answered(), sets it again
    listener.answered(request);
  }

  /** Whether the worker answered INIT once: it started, for this pool or for one that kept it. */
  boolean handshakeCompleted() {
    return handshakeCompleted;
  }

  /** Whether the parent's side of the channel was shut: the worker was asked to exit. */
  boolean outputShut() {
    return outputShut;
  }

  /** The error the worker reported before it exited, or null. */
  Throwable fatal() {
    return fatal;
  }

  /** Whether no assignment is in flight. */
  boolean isIdle() {
    return current == null && connection != null;
  }


  /** Closes the channel and the server, once the reader has stopped reading or never started. */
  void close() {
    Connection c = connection;
    if (c != null) {
      c.close();
    }
    stopWaiting();
  }

  /**
   * The worker exited, was killed, or its channel is closed: a reader waiting for it to connect
   * wakes up, and no worker connects any more.
   */
  void stopWaiting() {
    synchronized (this) {
      waitingStopped = true;
      closeHandshakePipes();
    }
    closeServer();
  }

  /** Closes the pipes opened for the handshake, if still open; under this object's lock. */
  private void closeHandshakePipes() {
    Connection.closeQuietly(handshakeUp); // a reader blocked in it gets an AsynchronousCloseException
    Connection.closeQuietly(handshakeDown);
    handshakeUp = null;
    handshakeDown = null;
  }

  private void closeServer() {
    ServerSocketChannel s;
    synchronized (this) {
      s = server;
    }
    Connection.closeQuietly(s);
  }
}
