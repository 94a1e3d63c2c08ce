package dev.parallelizable.internal.process;

import dev.parallelizable.internal.process.WorkerJvm.StartFailure;
import dev.parallelizable.internal.protocol.ProgressSlot;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The parent's handle on one worker JVM, the worker the engine schedules: launches it, sends it
 * assignments, asks it to stop or kills it, and reads its exit status, through the two halves
 * that serve it: {@link WorkerJvm}, which starts its JVM, pumps its output, kills it and reads its
 * exit, and {@link WorkerEndpoint}, the protocol's parent end, whose reader thread reports what
 * the worker said. It keeps no state of the worker's life: the engine of the pool it serves holds
 * that, and every bound on it (start, initializer, shutdown, idle, task timeout; see {@code
 * WorkerSlot}); while it is kept between pools, {@link WorkerCache} does.
 *
 * <pre>
 * startProcess() (the JVM boots) --connectLater()--> pipes open (or socket listening), token sent,
 *   reader started
 *   --the peer presents the token--> the engine is told initializing (with an initializer)
 *   --INIT answered READY--> the engine is told ready: assignments are sent
 *   --the channel ends (exit, crash, kill, start failure)--> end(): the JVM reaped, its owner told
 * </pre>
 *
 * <p>Thread-safe. Its owner (the engine of the pool it serves, or the keeper while it is kept) and
 * whether its channel ended are guarded by this object's lock, so that a worker whose channel ends
 * is either still kept (and its keeper told) or already serving a pool (which is told it is gone),
 * never both.
 */
final class WorkerProcess implements WorkerEndpoint.Listener {
  final String name;
  /** The worker's JVM and its directory. */
  final WorkerJvm jvm;
  /** The parent's end of the worker's channel. */
  private final WorkerEndpoint endpoint;
  private final CountDownLatch exited = new CountDownLatch(1);

  // Guarded by this object's lock; read without it through the volatile fields.
  /** The engine of the pool it serves, or null while it is kept. */
  private volatile RemoteDispatcher<WorkerProcess> owner;
  /** The configuration of the pool it serves: the one it started with, or an equal one. */
  private volatile WorkerConfig config;
  /** Told if the channel ends while the worker is kept; null while it serves a pool. */
  private Consumer<WorkerProcess> keeper;
  private boolean ended;

  WorkerProcess(RemoteDispatcher<WorkerProcess> owner, WorkerConfig config, String name, Path sharedDirectory) {
    this.owner = owner;
    this.config = config;
    this.name = name;
    this.jvm = new WorkerJvm(config, name, sharedDirectory);
    this.endpoint = new WorkerEndpoint(this, jvm, String.valueOf(owner), config, name);
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
   * The second half of a launch: makes and opens the worker's pipes (or listens on its socket),
   * creates the progress slot, sends the token, and starts the threads that serve the worker. Does
   * not wait for the worker to connect.
   */
  void connectLater() {
    Process started = jvm.process();
    if (started == null) {
      return; // startProcess failed and reported it
    }
    try {
      // The pumps come first: whatever fails next, the worker's own words reach the report.
      // The end of standard error means the worker exited: stop waiting for it to connect.
      jvm.startPumps(new StopWaiting(endpoint));
      if (jvm.pipes()) {
        try {
          jvm.makePipes();
        } catch (IOException e) {
          // Its directory's file system makes no named pipes: this worker is replaced, and every
          // worker from now on gets a socket.
          WorkerChannels.pipesFailed(jvm.channel().getParent(), e);
          started.destroyForcibly();
          end(new StartFailure("its named pipes could not be made: " + e.getMessage(), e, true));
          return;
        }
        endpoint.openPipes(jvm.channel(), jvm.channelDown());
      } else {
        endpoint.listen(jvm.channel());
      }
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

  /** The configuration of the pool it serves, or of the last one while it is kept. */
  WorkerConfig config() {
    return config;
  }

  /**
   * Keeps the worker for another pool: it serves none now, and {@code keeper} is told if its
   * channel ends before a pool takes it. False if its channel ended already, or it is kept.
   */
  synchronized boolean keep(Consumer<WorkerProcess> keeper) {
    if (ended || owner == null) {
      return false;
    }
    this.owner = null;
    this.keeper = keeper;
    return true;
  }

  /**
   * Moves the kept worker to the pool of {@code engine}, whose configuration is {@code
   * ownerConfig}. False if its channel ended already: the pool then takes another.
   */
  synchronized boolean serve(RemoteDispatcher<WorkerProcess> engine, WorkerConfig ownerConfig) {
    if (ended) {
      return false;
    }
    this.owner = engine;
    this.config = ownerConfig;
    this.keeper = null;
    return true;
  }

  /**
   * Called by the pool that took this kept worker: the worker was idle for a while, and may have
   * died unnoticed (a signal, the OOM killer) just before. It serves the pool only once it has
   * answered a ping, as a new worker only once it has answered INIT; if it is gone instead, or does
   * not answer within the engine's start timeout, the pool replaces it ({@link
   * ProcessPool#startFailure}), and no task is ever sent to it.
   */
  void confirmAlive() {
    endpoint.ping();
  }

  /** Whether the worker started once, for this pool or for one that kept it before. */
  boolean startedBefore() {
    return endpoint.handshakeCompleted();
  }

  /**
   * Whether the worker may serve another pool: it started, never reported a fatal error, was not
   * asked to stop or killed, is alive, and runs nothing.
   */
  boolean healthy() {
    return endpoint.handshakeCompleted() && endpoint.fatal() == null && !endpoint.outputShut()
        && !jvm.isKilled() && jvm.isAlive() && endpoint.isIdle();
  }

  @Override
  public void initializing() {
    RemoteDispatcher<WorkerProcess> engine = owner;
    if (engine != null) {
      engine.initializing(this);
    }
  }

  @Override
  public void ready() {
    RemoteDispatcher<WorkerProcess> engine = owner;
    if (engine != null) {
      engine.ready(this, 1);
    }
  }

  @Override
  public void answered(Assignment<?> assignment) {
    owner.answered(assignment); // an assignment was sent by the pool it serves, which keeps it
  }

  /**
   * The channel ended: the engine starts the worker's replacement now ({@link
   * RemoteDispatcher#leaving}), while this JVM is reaped ({@link #end}).
   */
  @Override
  public void ended(Throwable problem) {
    RemoteDispatcher<WorkerProcess> engine = owner;
    if (engine != null) {
      engine.leaving(this);
    }
    end(problem);
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
    endpoint.kill();
  }

  /**
   * Parks the worker for {@code time}, for a pool of the same configuration in this or a later run
   * (see {@link WarmWorkers}), if it was started warm and is healthy; false if not, and the caller
   * retires it. Once parked it closes its channel, and {@link #end} lets it go instead of reaping it.
   */
  boolean park(java.time.Duration time) {
    if (!jvm.warm() || !healthy()) {
      return false;
    }
    jvm.parking();
    long now = System.currentTimeMillis();
    long millis = time.getSeconds() >= (Long.MAX_VALUE - now) / 1000 ? Long.MAX_VALUE - now : time.toMillis();
    endpoint.park(now + millis); // Duration.ofSeconds(Long.MAX_VALUE): parked for good, until stopped
    return true;
  }

  /** Closes the parent's side of the channel: the worker exits in order once it has read it. */
  void retire() {
    endpoint.shutdownOutput();
  }

  /** Called on the engine's tick: drops a peer that connected and did not present the token. */
  void dropSilentPeer(long nowNanos) {
    endpoint.dropSilentPeer(nowNanos);
  }

  /** The error the worker reported before it exited, or null. */
  Throwable fatal() {
    return endpoint.fatal();
  }

  /** Sends an assignment; if that fails, the worker is killed and the assignment reported lost. */
  void send(Assignment<EncodedTasks> request) {
    endpoint.send(request);
  }

  /** The index of the task the worker was running when it died, by its progress slot. */
  int runningIndex(Assignment<?> request) {
    ProgressSlot slot = jvm.progress();
    if (slot != null && slot.requestId() == request.id()) {
      return request.from() + Math.min(slot.index(), request.to() - request.from() - 1);
    }
    return request.received(); // it died before it started a task of this request
  }

  /**
   * Once the worker's channel ended with {@code problem} (null: in order), or it could not start:
   * closes the channel, reaps the JVM, deletes its directory and tells its owner it is gone (a kept
   * worker's keeper forgets it). Runs on the reader thread, or on the launching thread if the
   * reader never started.
   */
  void end(Throwable problem) {
    if (jvm.claimed() && !endpoint.handshakeCompleted()) {
      // A parked worker that did not take the claim (it expired, or was stopped, at that moment):
      // the pool starts a new one in its place.
      problem = new StartFailure(
          "the parked worker it claimed did not answer"
              + (problem == null ? "" : ": " + problem.getMessage()), problem, true);
    }
    endpoint.close();
    RemoteDispatcher<WorkerProcess> engine;
    Consumer<WorkerProcess> forget;
    synchronized (this) {
      ended = true; // from now on no pool can take it
      engine = owner;
      forget = engine == null ? keeper : null;
    }
    if (forget != null) {
      forget.accept(this);
    }
    jvm.reap(problem, engine == null || engine.isRetiring(this), config.shutdownTimeout);
    jvm.deleteDirectory();
    try {
      if (engine != null) {
        engine.gone(this, problem);
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

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }

  /**
   * Tells the endpoint to stop waiting for the worker to connect. A class, not a method reference:
   * the first lambda of a JVM costs it milliseconds, on the path of its first pool.
   */
  private static final class StopWaiting implements Runnable {
    private final WorkerEndpoint endpoint;

    StopWaiting(WorkerEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public void run() {
      endpoint.stopWaiting();
    }
  }

}
