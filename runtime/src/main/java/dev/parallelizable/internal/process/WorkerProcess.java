package dev.parallelizable.internal.process;

import dev.parallelizable.internal.protocol.ProgressSlot;
import dev.parallelizable.spi.Assignment;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on one worker JVM, the worker the engine schedules: the worker's state as
 * the pool tracks it (ready, retiring, the start, initializer and shutdown bounds the watchdog
 * enforces, the error it reported before it exited), and the two halves that serve it: {@link
 * WorkerJvm}, which starts its JVM, pumps its output, kills it and reads its exit, and {@link
 * WorkerEndpoint}, the protocol's parent end, whose reader thread reports to the engine. Its
 * scheduling state is the engine's.
 *
 * <pre>
 * startProcess() (the JVM boots) --connectLater()--> listening, token sent, reader started
 *   --the peer presents the token, INIT answered READY--> ready: assignments are sent
 *   --the channel ends (exit, crash, kill, start failure)--> end(): the JVM reaped, the engine told
 * </pre>
 *
 * <p>Thread-safe. The timeout fields are volatile: written by the reader thread (the handshake) or
 * the engine's callers ({@link #retire}), read and set by the watchdog ({@link #watch}).
 */
final class WorkerProcess {

  /**
   * The pool the worker works for, null while it is kept between pools; changed only under {@link
   * WorkerCache}'s lock, once the worker is ready and idle (see {@link WorkerCache}).
   */
  private volatile ProcessPool pool;
  /** The configuration of {@link #pool}: the one it started with, or that of the pool it serves now. */
  volatile WorkerConfig config;
  final String name;
  /** The worker's JVM and its directory. */
  final WorkerJvm jvm;
  /** The parent's end of the worker's channel. */
  private final WorkerEndpoint endpoint;
  private final CountDownLatch exited = new CountDownLatch(1);

  /** The error the worker reported before it exited (an OutOfMemoryError), or null. */
  volatile Throwable fatal;
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
  /**
   * When a pool that took this kept worker pinged it ({@link #confirmAlive}), until it answered; 0
   * otherwise. Bounded by the start timeout, as a new worker's handshake is.
   */
  volatile long pingSentNanos;

  WorkerProcess(ProcessPool pool, WorkerConfig config, String name) {
    this.pool = pool;
    this.config = config;
    this.name = name;
    this.jvm = new WorkerJvm(this);
    this.endpoint = new WorkerEndpoint(this, pool);
  }

  /**
   * Starts the worker's JVM: the first half of a launch, so that the JVMs of several workers boot
   * while the parent prepares their channels in {@link #connectLater()}. The worker waits for its
   * token on standard input before it connects, and the token is written only once the socket
   * listens. A failure is reported to the pool like any start failure.
   */
  void startProcess() {
    try {
      jvm.start();
    } catch (IOException | RuntimeException e) {
      end(new StartFailure("its process could not be started: " + e, e));
    }
  }

  /**
   * The second half of a launch: listens on the socket, creates the progress slot, sends the token,
   * and starts the threads that serve the worker. Does not wait for the worker to connect.
   */
  void connectLater() {
    Process started = jvm.process();
    if (started == null) {
      return; // startProcess failed and reported it
    }
    try {
      // The pumps come first: whatever fails next, the worker's own words reach the report.
      // The end of standard error means the worker exited: stop waiting for it to connect.
      jvm.startPumps(endpoint::closeServer);
      endpoint.listen(jvm.socket());
      jvm.mapProgress();
      endpoint.start(started.getOutputStream());
    } catch (IOException | RuntimeException e) {
      started.destroyForcibly();
      end(new StartFailure("its channel could not be set up: " + e, e));
    }
  }

  /** The worker's process id, or -1 before its process started. */
  long pid() {
    return jvm.pid();
  }

  /** The pool the worker works for, or null while it is kept between pools. */
  ProcessPool owner() {
    return pool;
  }

  /** Moves the worker to {@code owner} (null: kept). Called under {@link WorkerCache}'s lock. */
  void moveTo(ProcessPool owner, WorkerConfig ownerConfig) {
    pool = owner;
    config = ownerConfig;
    retiringSinceNanos = 0;
  }

  /**
   * Called by the pool that took this kept worker: the worker was idle for a while, and may have
   * died unnoticed (a signal, the OOM killer) just before. It serves the pool only once it has
   * answered a ping, as a new worker only once it has answered INIT; if it is gone instead, the
   * pool replaces it ({@link ProcessPool#startFailure}), and no task is ever sent to it.
   */
  void confirmAlive() {
    pingSentNanos = System.nanoTime();
    endpoint.ping();
  }

  /** The worker answered {@link #confirmAlive}'s ping. */
  void pingAnswered() {
    pingSentNanos = 0;
  }

  /** Whether the worker started once, for this pool or for one that kept it before. */
  boolean startedBefore() {
    return ready;
  }

  /** Whether the worker may serve another pool: it started, never failed and is not stopping. */
  boolean healthy() {
    return ready && fatal == null && retiringSinceNanos == 0 && !jvm.isKilled() && jvm.isAlive()
        && endpoint.isIdle();
  }

  /**
   * Tells the engine that the channel ended while the worker was its own: its replacement starts
   * now, while this JVM is reaped.
   */
  void leaving() {
    ProcessPool owner = pool;
    if (owner != null && ready && retiringSinceNanos == 0) {
      owner.engine().leaving(this);
    }
  }

  /** The exit status once the worker is gone (negative: the signal that killed it), else null. */
  Integer exitStatus() {
    return jvm.exitStatus();
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
    Thread[] pumps = jvm.pumps();
    Thread[] threads = {endpoint.reader(), pumps[0], pumps[1]};
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
    return jvm.progress();
  }

  /** The last lines of the worker's standard error. */
  List<String> stderrTail() {
    return jvm.stderrTail();
  }

  /** Kills the worker's JVM now (SIGKILL); the reader thread then reports it gone. */
  void kill() {
    endpoint.kill(jvm);
  }

  /** Closes the parent's side of the channel: the worker exits in order once it has read it. */
  void retire() {
    retiringSinceNanos = System.nanoTime();
    endpoint.shutdownOutput();
  }

  /**
   * Called by the watchdog: kills the worker once a bound of its own passed: it did not connect in
   * time, its initializer ran too long, or it outlived its shutdown timeout (a shutdown hook blocks,
   * or calls {@code System.exit}), so that closing, joining and recycling end.
   */
  void watch(long now) {
    if (!ready) {
      endpoint.dropSilentPeer(now);
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
    long pinged = pingSentNanos;
    if (pinged != 0 && now - pinged > TimeUnit.SECONDS.toNanos(ProcessPool.START_TIMEOUT_SECONDS)) {
      pingSentNanos = 0;
      kill(); // a kept worker that does not answer: its pool replaces it
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
    endpoint.send(request);
  }

  /** Whether the pool killed the worker on purpose while it started (a start bound passed). */
  boolean killedForStartTimeout() {
    return startTimedOut || initializerTimedOut;
  }

  /** The index of the task the worker was running when it died, by its progress slot. */
  int runningIndex(Assignment request) {
    ProgressSlot slot = jvm.progress();
    if (slot != null && slot.requestId() == request.id()) {
      return request.from() + Math.min(slot.index(), request.to() - request.from() - 1);
    }
    return request.received(); // it died before it started a task of this request
  }


  /**
   * Once the worker's channel ended with {@code problem} (null: in order), or it could not start:
   * closes the channel, reaps the JVM, deletes its directory and tells the engine it is gone.
   * Runs on the reader thread, or on the launching thread if the reader never started.
   */
  void end(Throwable problem) {
    endpoint.close();
    ProcessPool owner = WorkerCache.ended(this); // null: it was kept, and no pool is to be told
    jvm.reap(problem, owner == null || owner.engine().isRetiring(this));
    deleteDirectory();
    try {
      if (owner != null) {
        owner.engine().gone(this, problem);
      }
    } finally {
      exited.countDown();
    }
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

  /** Deletes the worker's directory, with the exit trace and the progress file if still there. */
  void deleteDirectory() {
    jvm.deleteDirectory();
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
