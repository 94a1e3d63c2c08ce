package dev.parallelizable.internal.process;

import dev.parallelizable.Codec;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.DecodeLimits;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.internal.process.child.WorkerMain;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.SerializationCodec;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The validated configuration of the workers of one process pool or job, and the command line that
 * starts one. Immutable.
 *
 * <p>Workers get only what they need: {@code -XX:+UseSerialGC} (the leanest collector for a
 * single-threaded worker, unless the options choose another collector) with {@code
 * -XX:PretenureSizeThreshold=16m} (large arrays are allocated in the old generation, rather than
 * copied there by a young collection), on JDK 18 and later: JDK 17 maps the objects its class data
 * sharing archive holds (the module graph among them) only into G1's heap, and a worker with the
 * serial collector started with about 15 ms more CPU, so there it keeps the default collector (see
 * {@code serialCollector}); {@code
 * -XX:-UsePerfData} (no shared-memory statistics file to create), {@code
 * -XX:ArchiveRelocationMode=0} (the class-data archive mapped where it was written for, not
 * relocated; see {@code mapsArchiveAtItsAddress}), then the options of the
 * builder, a maximum heap unless the options set one (see {@link WorkerHeap}), an exit trace
 * ({@code -Xlog:gc+exit*}, written only as the JVM exits), then how the worker's code is found and
 * its main class (see {@link WorkerLaunch}: a classpath, the module path, or Spring Boot's
 * launcher). The class data sharing archive of the JDK is used by default. The C2 compiler is left
 * on: tasks are usually CPU-bound.
 */
public final class WorkerConfig {
  /** With the serial collector, arrays of at least this many bytes are allocated in the old generation. */
  static final long PRETENURE_BYTES = 16L << 20;
  final int workers;
  final List<String> jvmOptions;
  /**
   * The classpath that the classes of tasks are checked against before they are sent, or null when
   * workers are not started from a classpath (module path, Spring Boot).
   */
  final String classpath;
  /** True when tasks' classes are not checked against {@link #classpath}: the user gave it, or none. */
  final boolean explicitClasspath;
  final WorkerLaunch launch;
  /** The default {@code -Xmx} of each worker, or null when the options set the heap. */
  final String defaultHeap;
  final Output output;
  final Path java;
  /** Whether workers get {@code -XX:+UseSerialGC} ({@link #serialCollector(Path, List)}). */
  private final boolean serialCollector;
  final int maxTasksPerWorker;
  /** How many tasks a worker runs in one class loader before it takes a new one; 0 for no limit. */
  final int maxTasksPerClassLoader;
  final Duration taskTimeout;
  final Duration idleTimeout;
  /** How long a worker asked to stop may run its shutdown hooks before it is killed. */
  final Duration shutdownTimeout;
  final Task<?> initializer;
  /** How long the initializer may run in a worker before the worker is killed and the pool broken. */
  final Duration initializerTimeout;
  final EncodedTasks encodedInitializer;
  final int retries;
  final Codec codec;
  final boolean jobMode;
  final Charset outputCharset;
  /** The pool's retry policy, or null; set before the pool starts, read only after. */
  private RetryPolicy retryPolicy;

  /**
   * Sets the pool's retry policy (null for none), before the pool is started.
   *
   * @param policy the retry policy of tasks that have none of their own, or null
   * @return this configuration
   */
  public WorkerConfig retryPolicy(RetryPolicy policy) {
    this.retryPolicy = policy;
    return this;
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * Primitive arrays of at least this many bytes go to the workers through shared memory; 0 for
   * never. Set once, by the builder, before the pool starts.
   */
  private long sharedArrayThreshold = DEFAULT_SHARED_ARRAY_THRESHOLD;

  /** The default of {@link #sharedArrayThreshold(long)}: 1 MiB. */
  public static final long DEFAULT_SHARED_ARRAY_THRESHOLD = 1 << 20;

  /**
   * Sets the threshold of arrays shared automatically; called by the builder before the pool
   * starts.
   *
   * @param bytes the least size in bytes of an array passed through shared memory; 0 for never
   * @return this configuration
   */
  public WorkerConfig sharedArrayThreshold(long bytes) {
    sharedArrayThreshold = bytes;
    return this;
  }

  /** The least size of an array passed through shared memory; 0 for never. */
  long sharedArrayThreshold() {
    return sharedArrayThreshold;
  }

  /** Whether all workers start when the pool is built, rather than as tasks need them. */
  private boolean prestartWorkers;

  /**
   * Has all workers start when the pool is built; called by the builder before the pool starts.
   *
   * @param prestart whether all workers start when the pool is built
   * @return this configuration
   */
  public WorkerConfig prestartWorkers(boolean prestart) {
    prestartWorkers = prestart;
    return this;
  }

  /** Whether all workers start when the pool is built, rather than as tasks need them. */
  boolean prestartWorkers() {
    return prestartWorkers;
  }

  /**
   * How long the workers of a closed pool are kept for the next pool of the same {@link #reuseKey()}
   * ({@link WorkerCache}); zero: not kept, and kept workers are not taken either.
   */
  final Duration reuseWorkersFor;
  /**
   * How long the workers of a closed pool wait, parked, for a pool of the same {@link #warmKey()} in
   * this or a later run of the application ({@link WarmWorkers}); zero: they are not kept across
   * runs, and parked workers are not claimed either.
   */
  final Duration warmFor;
  /** The key of {@link WarmWorkers}, computed by it on first use. */
  volatile String warmKey;
  /**
   * The name of the {@link WorkerClassData} archive, computed by it on first use; empty for none,
   * as also once a worker exited while it read the archive ({@link WorkerClassData#dropped}).
   */
  volatile String classDataName;
  /** What a worker of this configuration is, started and initialized; see {@link #reuseKey()}. */
  private final List<Object> reuseKey;

  /** The crash policy that {@link #retries} stands for. */
  CrashPolicy crashPolicy() {
    return retries == 0 ? CrashPolicy.fail() : CrashPolicy.retry(retries);
  }

  /**
   * Where worker output goes: to the parent's streams ({@code inherit}), to {@code consumer} if not
   * null, or nowhere.
   */
  public record Output(boolean inherit, Consumer<String> consumer) {
    /** The parent's streams, prefixed. */
    public static final Output INHERIT = new Output(true, null);
  }

  /**
   * Validates the configuration of a pool or job; arguments were checked one by one by the
   * builder.
   *
   * @param classpath null for the parent's ({@code java.class.path})
   * @param java null for the parent's {@code java}
   * @param maxTasksPerWorker 0 for no limit
   * @param maxTasksPerClassLoader 0 for no limit: tasks run in the worker's own class loader
   * @param taskTimeout null for none
   * @param idleTimeout null for none
   * @param shutdownTimeout how long a worker asked to stop may take to exit before it is killed
   * @param initializer null for none
   * @param initializerTimeout how long the initializer may run
   * @param output where the output of workers goes
   * @throws IllegalStateException if the workers' classpath cannot be determined or lacks a class
   *     they need
   */
  public WorkerConfig(
      int workers,
      List<String> jvmOptions,
      String classpath,
      Path java,
      int maxTasksPerWorker,
      int maxTasksPerClassLoader,
      Duration taskTimeout,
      Duration idleTimeout,
      Duration shutdownTimeout,
      Task<?> initializer,
      Duration initializerTimeout,
      int retries,
      Codec codec,
      boolean jobMode,
      Output output) {
    WorkerChannels.checkProperty();
    this.workers = workers;
    this.launch =
        classpath != null ? WorkerLaunch.classpath(classpath, "classpath(...)") : WorkerLaunch.ofParent();
    this.classpath = launch.classpath;
    this.explicitClasspath = classpath != null || launch.classpath == null;
    this.output = output;
    this.defaultHeap = WorkerHeap.setsMaxHeap(jvmOptions) ? null : WorkerHeap.defaultOption(workers);
    this.java = java != null ? java : parentJava();
    this.jvmOptions = List.copyOf(jvmOptions);
    this.serialCollector = serialCollector(this.java, this.jvmOptions);
    this.maxTasksPerWorker = maxTasksPerWorker;
    this.maxTasksPerClassLoader = maxTasksPerClassLoader;
    if (maxTasksPerClassLoader > 0 && launch.fromModulePath()) {
      throw new IllegalStateException(
          "maxTasksPerClassLoader needs workers started from a classpath, and this application runs"
              + " from the module path, whose modules a class loader cannot load again. Give the"
              + " workers a classpath that holds the application and Parallelizable:"
              + " Parallel.processPool().classpath(...), or recycle whole workers with"
              + " maxTasksPerWorker(int)");
    }
    this.taskTimeout = taskTimeout;
    this.idleTimeout = idleTimeout;
    this.shutdownTimeout = shutdownTimeout;
    this.initializer = initializer;
    this.initializerTimeout = initializerTimeout;
    this.retries = retries;
    this.codec = codec;
    this.jobMode = jobMode;
    this.outputCharset = parentOutputCharset();
    if (!explicitClasspath) {
      Classpaths.requireLoadable(this.classpath, WorkerMain.class, "The Parallelizable runtime's class");
      Classpaths.requireLoadable(this.classpath, codec.getClass(), "The codec class");
      if (initializer != null) {
        Classpaths.requireLoadable(
            this.classpath, initializer.method().invoker().getClass(), "The initializer's class");
      }
    }
    this.encodedInitializer =
        initializer == null ? null : EncodedTasks.encode(new Task<?>[] {initializer}, codec);
    this.reuseWorkersFor = Duration.ZERO;
    this.warmFor = Duration.ZERO;
    this.reuseKey = List.of(
        command(Path.of("s"), Path.of("p"), Path.of("x"), "w"),
        codec.getClass().getName(),
        codec instanceof SerializationCodec serialization ? serialization.limits() : DecodeLimits.defaults(),
        output,
        ByteBuffer.wrap(initializerBytes()),
        jobMode,
        maxTasksPerClassLoader);
  }

  private WorkerConfig(WorkerConfig config, Duration reuseWorkersFor, Duration warmFor) {
    this.workers = config.workers;
    this.jvmOptions = config.jvmOptions;
    this.classpath = config.classpath;
    this.explicitClasspath = config.explicitClasspath;
    this.launch = config.launch;
    this.defaultHeap = config.defaultHeap;
    this.output = config.output;
    this.java = config.java;
    this.serialCollector = config.serialCollector;
    this.maxTasksPerWorker = config.maxTasksPerWorker;
    this.maxTasksPerClassLoader = config.maxTasksPerClassLoader;
    this.taskTimeout = config.taskTimeout;
    this.idleTimeout = config.idleTimeout;
    this.shutdownTimeout = config.shutdownTimeout;
    this.initializer = config.initializer;
    this.initializerTimeout = config.initializerTimeout;
    this.encodedInitializer = config.encodedInitializer;
    this.retries = config.retries;
    this.codec = config.codec;
    this.jobMode = config.jobMode;
    this.outputCharset = config.outputCharset;
    this.reuseKey = config.reuseKey;
    this.reuseWorkersFor = reuseWorkersFor;
    this.warmFor = warmFor;
    this.sharedArrayThreshold = config.sharedArrayThreshold;
    this.prestartWorkers = config.prestartWorkers;
    this.retryPolicy = config.retryPolicy;
  }

  /**
   * This configuration with workers kept for {@code time} once their pool is closed, and kept
   * workers of the same configuration taken by its pools.
   *
   * @param time how long to keep the workers of a closed pool; zero for not at all
   * @return the configuration, reusing workers for {@code time}
   */
  public WorkerConfig reusingWorkersFor(Duration time) {
    return new WorkerConfig(this, time, warmFor);
  }

  /**
   * This configuration with the workers of a closed pool parked for {@code time}, for a pool of the
   * same configuration in this or a later run of the application, and parked workers of it claimed
   * by its pools.
   *
   * @param time how long a parked worker waits; zero for not at all
   * @return the configuration, keeping workers warm for {@code time}
   */
  public WorkerConfig keepingWarmFor(Duration time) {
    return new WorkerConfig(this, reuseWorkersFor, time);
  }

  /**
   * Whether this configuration's workers are kept warm across runs: parked when their pool closes,
   * and claimed by its pools, where named pipes and a private directory allow it.
   */
  boolean warm() {
    return !warmFor.isZero() && !jobMode;
  }

  /**
   * What makes two workers interchangeable once started: the command line (java, options, heap,
   * system properties, classpath or module path, output charset), the codec and its limits, where
   * output goes, the initializer and its arguments, job mode, the tasks per class loader (the worker
   * is told once, at its start). Pool-level settings (the number of
   * workers aside from the default heap it sets, timeouts, recycling, crash policy) are not part of
   * it.
   */
  Object reuseKey() {
    return reuseKey;
  }

  byte[] initializerBytes() {
    if (encodedInitializer == null) {
      return new byte[0];
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FrameOutput head = new FrameOutput(128);
    encodedInitializer.writeHead(head, 0, 1);
    try {
      head.copyTo(0, head.length(), bytes::write);
      encodedInitializer.bytes().copyTo(0, encodedInitializer.start(1), bytes::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  private static Path parentJava() {
    Path bin = Path.of(System.getProperty("java.home"), "bin");
    Path java = bin.resolve("java");
    if (!Files.isExecutable(java)) {
      Path windows = bin.resolve("java.exe");
      if (Files.isExecutable(windows)) {
        return windows;
      }
      throw new IllegalStateException(
          "There is no java executable at " + java + " (java.home of this JVM); name one with"
              + " Parallel.processPool().javaExecutable(...)");
    }
    return java;
  }

  private static Charset parentOutputCharset() {
    String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  /**
   * The command line of a worker. {@code exitTrace} is a file the JVM writes a few lines to on its
   * way out, by {@code System.exit}, {@code Runtime.halt} or a signal it handles, and never when a
   * signal kills it: the one way to tell {@code Runtime.halt(137)} from SIGKILL, which the JDK
   * reports alike, as 137 (see {@link WorkerJvm#exitStatus(int, boolean)}). The option comes after the
   * builder's, so that their {@code -Xlog:disable} cannot turn it off.
   */
  List<String> command(Path channel, Path progress, Path exitTrace, String workerName, Path sharedDirectory) {
    List<String> command = command(channel, progress, exitTrace, workerName);
    command.add(sharedDirectory.toString());
    return command;
  }

  List<String> command(Path channel, Path progress, Path exitTrace, String workerName) {
    List<String> command = new ArrayList<>(jvmOptions.size() + 12);
    command.add(java.toString());
    if (serialCollector) {
      command.add("-XX:+UseSerialGC");
      // Arrays of 16 MB or more (a large argument and the frame it came in) go straight to the old
      // generation: copied out of the young one, a 200 MB array cost a second of pause per task.
      command.add("-XX:PretenureSizeThreshold=" + PRETENURE_BYTES);
    }
    command.add("-XX:-UsePerfData");
    if (mapsArchiveAtItsAddress(jvmOptions)) {
      command.add("-XX:+UnlockDiagnosticVMOptions");
      command.add("-XX:ArchiveRelocationMode=0");
    }
    if (defaultHeap != null) {
      command.add(defaultHeap);
    }
    command.addAll(jvmOptions);
    command.add("-Xlog:gc+exit*=info:file=\"" + exitTrace + "\":none:filecount=0");
    command.addAll(launch.arguments);
    command.add(channel.toString());
    command.add(progress.toString());
    command.add(workerName);
    command.add(outputCharset.name());
    return command;
  }

  /**
   * Whether workers map the JDK's class-data archive at the address it was written for ({@code
   * -XX:ArchiveRelocationMode=0}, the default of JDKs before 20): unless {@code jvmOptions} choose
   * a mode or turn sharing off. A JVM that maps it elsewhere, as JDK 20 and later and recent
   * updates of 17 do by default, first rewrites every pointer in it: about 7 ms of CPU per start.
   */
  static boolean mapsArchiveAtItsAddress(List<String> jvmOptions) {
    for (String option : jvmOptions) {
      if (option.startsWith("-XX:ArchiveRelocationMode=") || option.equals("-Xshare:off")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether workers get the serial collector: unless {@code jvmOptions} choose a collector, where
   * {@code java} is of JDK 18 or later, or of a release it cannot tell.
   */
  static boolean serialCollector(Path java, List<String> jvmOptions) {
    for (String option : jvmOptions) {
      if (option.startsWith("-XX:+Use") && option.endsWith("GC")) {
        return false;
      }
    }
    int feature = featureVersion(java);
    return feature < 0 || feature >= 18;
  }

  /**
   * The feature release of the JDK of {@code java} ({@code bin/java} of a JDK's home): this JVM's,
   * or the one the home's {@code release} file names ({@code JAVA_VERSION="17.0.9"}, {@code
   * "1.8.0_392"}); -1 if it cannot tell.
   */
  static int featureVersion(Path java) {
    Path bin = java.toAbsolutePath().normalize().getParent();
    Path home = bin == null ? null : bin.getParent();
    if (home == null) {
      return -1;
    }
    if (home.equals(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize())) {
      return Runtime.version().feature();
    }
    try (BufferedReader lines = Files.newBufferedReader(home.resolve("release"), StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          if (version.startsWith("1.")) {
            version = version.substring(2); // 1.8.0_392: release 8
          }
          int digits = 0;
          while (digits < version.length() && Character.isDigit(version.charAt(digits))) {
            digits++;
          }
          return digits == 0 || digits > 4 ? -1 : Integer.parseInt(version.substring(0, digits));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1; // no release file, unreadable: a JDK of unknown release
    }
    return -1;
  }

  /** The command line for messages, with a long classpath shortened. */
  String describeCommand() {
    List<String> command = command(Path.of("<channel>"), Path.of("<progress>"), Path.of("<exit-trace>"), "<name>");
    for (int i = 0; i < command.size(); i++) {
      String argument = command.get(i);
      if (argument.length() > 120) {
        command.set(i, argument.substring(0, 117) + "...");
      }
    }
    return String.join(" ", command);
  }
}
