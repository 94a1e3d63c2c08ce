package dev.parallelizable;

import dev.parallelizable.internal.PoolNames;
import dev.parallelizable.internal.Texts;
import dev.parallelizable.internal.process.ProcessJob;
import dev.parallelizable.internal.process.ProcessPool;
import dev.parallelizable.internal.process.WorkerConfig;
import dev.parallelizable.internal.protocol.SerializationCodec;
import java.io.File;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Configures and creates a pool of worker JVMs ({@link Parallel#processPool()}), or a {@link Job}
 * in a JVM of its own.
 *
 * <pre>{@code
 * try (Pool pool = Parallel.processPool()
 *     .workers(4)
 *     .maxHeap("512m")
 *     .taskTimeout(Duration.ofMinutes(5))
 *     .crashPolicy(CrashPolicy.retry(2))
 *     .build()) {
 *   List<Path> thumbnails = pool.map(p -> ImagesParallel.thumbnail(p, 128), paths);
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>Option</th><th>Default</th></tr>
 *   <tr><td>{@link #workers(int)}</td><td>one per available processor</td></tr>
 *   <tr><td>{@link #name(String)}</td><td>{@code "process pool N"}, {@code N} counted from 1 over
 *       the process pools of the JVM</td></tr>
 *   <tr><td>{@link #maxHeap(String)}</td><td>a share of the memory the JVM sees: see {@link
 *       #maxHeap(String)}</td></tr>
 *   <tr><td>{@link #systemProperty}, {@link #jvmOptions}</td>
 *       <td>none: the JVM's defaults, plus {@code -XX:-UsePerfData}, and {@code -XX:+UseSerialGC}
 *       from JDK 18 on unless the options choose a collector</td></tr>
 *   <tr><td>{@link #maxTasksPerWorker(int)}</td><td>no limit: workers are reused forever</td></tr>
 *   <tr><td>{@link #maxTasksPerClassLoader(int)}</td><td>no limit: tasks run in the worker's own
 *       class loader</td></tr>
 *   <tr><td>{@link #taskTimeout(Duration)}</td><td>none</td></tr>
 *   <tr><td>{@link #idleTimeout(Duration)}</td><td>none: workers live as long as the pool</td></tr>
 *   <tr><td>{@link #reuseWorkersFor(Duration)}</td><td>zero: the workers of a closed pool are
 *       stopped, and every pool starts fresh JVMs</td></tr>
 *   <tr><td>{@link #reuseWorkersAcrossRuns(Duration)}</td><td>zero: no worker outlives the
 *       application's JVM</td></tr>
 *   <tr><td>{@link #shutdownTimeout(Duration)}</td><td>10 s</td></tr>
 *   <tr><td>{@link #initializer(Task)}</td><td>none</td></tr>
 *   <tr><td>{@link #initializerTimeout(Duration)}</td><td>60 s</td></tr>
 *   <tr><td>{@link #classpath(String)}</td><td>what the parent was started from: its classpath,
 *       module path, Spring Boot jar, or the class loaders of {@code mvn exec:java}</td></tr>
 *   <tr><td>{@link #workerOutput(WorkerOutput)}</td><td>{@link WorkerOutput#inherit()}: the
 *       parent's {@code System.out} and {@code System.err}, each line prefixed with the worker's
 *       name</td></tr>
 *   <tr><td>{@link #javaExecutable(Path)}</td><td>{@code bin/java} of the parent's {@code java.home}</td></tr>
 *   <tr><td>{@link #crashPolicy(CrashPolicy)}</td><td>{@link CrashPolicy#fail()}</td></tr>
 *   <tr><td>{@link #retryPolicy(RetryPolicy)}</td><td>none: a task that throws fails</td></tr>
 *   <tr><td>{@link #codec(Codec)}</td><td>{@link Codec#serialization()}</td></tr>
 *   <tr><td>{@link #sharedArrayThreshold(long)}</td><td>1 MiB</td></tr>
 *   <tr><td>{@link #prestartWorkers()}</td><td>off: a worker starts when a task needs one</td></tr>
 * </table>
 *
 * <p>Each option is set at most once, and each setter checks its argument at once: a mistake fails
 * where it is made, with a message naming the option and the value.
 *
 * <p><b>The pool.</b> {@link #build()} returns at once and starts no JVM: a worker starts when a
 * task needs one (a task is queued and no worker is free), up to {@link #workers(int)}, so that a
 * map of many tasks starts them all, in parallel, and a map answered entirely by a {@link
 * ResultCache} starts none; {@link #prestartWorkers()} starts all of them at build time instead.
 * Tasks submitted meanwhile wait in the pool's queue. Workers are reused for many tasks. The pool has the {@link Pool} contract of every pool; what is particular to processes:
 *
 * <ul>
 *   <li>Arguments, results and exceptions cross by the {@linkplain #codec(Codec) codec}. An argument
 *       it cannot encode fails the submit in the caller with an {@link IllegalArgumentException}
 *       naming the method, the parameter and its type; the pool is unaffected.
 *   <li>Callbacks ({@link AsyncResult#onSuccess}, {@link AsyncResult#onFailure}, progress
 *       listeners) run on the pool's callback thread, never on a thread that reads results, so
 *       they may wait on the pool (see {@link AsyncResult}).
 *   <li>A worker that dies while running a task (exit, halt, signal, out of memory) fails the task
 *       with {@link WorkerCrashedException}, or retries it (see {@link CrashPolicy}), and is
 *       replaced; the next call works. A task that throws, {@link StackOverflowError} included,
 *       fails with {@link TaskFailedException} and its worker carries on.
 *   <li>A task past the {@linkplain #taskTimeout(Duration) timeout} fails with {@link
 *       TaskTimeoutException}; its worker is killed and replaced.
 *   <li>{@link Pool#terminate()} kills the workers and fails every pending result with {@link
 *       TaskCancelledException}; it returns once the workers are gone and the pool's threads
 *       (result readers, output pumps) have ended, within 10 s. {@link AsyncResult#cancel()} cancels a task that has not started;
 *       a running task is not interrupted.
 *   <li>A worker that cannot start breaks the pool: see {@link WorkerStartException}.
 *   <li>Workers end with the pool (unless it {@linkplain #reuseWorkersFor(Duration) keeps them}
 *       for the next pool), when the parent JVM exits (a shutdown hook), and on their own within
 *       moments when the parent dies without one (killed).
 * </ul>
 *
 * <p>Not thread-safe: configure a builder from one thread. It may build any number of pools.
 */
public final class ProcessPoolBuilder {
  private static final int UNSET = -1;
  private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_INITIALIZER_TIMEOUT = Duration.ofSeconds(60);

  private int workers = UNSET;
  private String name;
  private final List<String> jvmOptions = new ArrayList<>();
  private String maxHeap;
  private final List<String> systemProperties = new ArrayList<>();
  private int maxTasksPerWorker = UNSET;
  private int maxTasksPerClassLoader = UNSET;
  private Duration taskTimeout;
  private Duration idleTimeout;
  private Duration reuseWorkersFor;
  private Duration reuseWorkersAcrossRuns;
  private Duration shutdownTimeout;
  private Task<?> initializer;
  private Duration initializerTimeout;
  private String classpath;
  private Path javaExecutable;
  private CrashPolicy crashPolicy;
  private RetryPolicy retryPolicy;
  private Codec codec;
  private WorkerOutput workerOutput;
  private long sharedArrayThreshold = UNSET;
  private boolean prestartWorkers;

  ProcessPoolBuilder() {}

  private static void requireArgument(boolean valid, String format, Object... values) {
    if (!valid) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, format, values));
    }
  }

  /** A duration as messages show it ({@code 2 s}), or {@code null}. */
  private static String shown(Duration duration) {
    return duration == null ? null : Texts.duration(duration);
  }

  /**
   * Refuses {@code option(time)} when {@code other} was set already: the two ways of reusing
   * workers do not combine. The message is built only when it is thrown.
   */
  private static void requireOneWayOfReuse(String option, Duration time, String other, Duration otherTime) {
    if (otherTime != null) {
      throw new IllegalStateException(
          option + "(" + shown(time) + ") cannot be combined with " + other + "(" + shown(otherTime) + "):"
              + " workers kept across runs serve the next pool of this run too, so keep only"
              + " reuseWorkersAcrossRuns");
    }
  }

  private static void requireUnset(boolean unset, String format, Object... values) {
    if (!unset) {
      throw new IllegalStateException(String.format(Locale.ROOT, format, values));
    }
  }

  /**
   * The number of worker JVMs.
   *
   * @param n the number of worker JVMs; at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder workers(int n) {
    requireUnset(workers == UNSET, "workers was already set to %d", workers);
    requireArgument(n > 0, "workers must be positive, got %d", n);
    workers = n;
    return this;
  }

  /**
   * The pool's name ({@link Pool#name()}): in its messages, its JFR events and stats, and the tag of
   * its metrics. Its worker JVMs keep names of their own ({@code worker-N}, unique in the JVM), since
   * a {@linkplain #reuseWorkersFor(Duration) kept} worker may serve several pools. Two pools may
   * share a name; see {@link Pool#name()}. Not used by {@link #job(Task)}.
   *
   * @param name the name; not blank, at most 64 characters, no control character
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is null, blank, longer than 64 characters or
   *     holds a control character (a line break, a tab...)
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder name(String name) {
    requireUnset(this.name == null, "name was already set to '%s'", this.name);
    this.name = PoolNames.check(name);
    return this;
  }

  /**
   * Adds options to the workers' command line, such as {@code "-XX:+UseG1GC"} or {@code
   * "--enable-preview"}. May be called more than once; options accumulate.
   *
   * @param options the options, each starting with {@code -}; not null
   * @return this builder
   * @throws IllegalArgumentException if an option does not start with {@code -}, or sets the
   *     classpath (use {@link #classpath(String)})
   */
  public ProcessPoolBuilder jvmOptions(String... options) {
    Objects.requireNonNull(options, "options");
    for (String option : options) {
      requireArgument(option != null, "jvmOptions must not contain null");
      requireArgument(
          option.startsWith("-"), "jvmOptions must start with '-', got '%s'", option);
      requireArgument(
          !option.equals("-cp") && !option.equals("-classpath") && !option.startsWith("--class-path"),
          "jvmOptions must not set the classpath (got '%s'); use classpath(...)", option);
      requireArgument(
          !option.equals("-jar"), "jvmOptions must not contain '-jar': workers run their own main class");
    }
    jvmOptions.addAll(List.of(options));
    return this;
  }

  /**
   * The maximum heap of each worker ({@code -Xmx}), such as {@code "512m"} or {@code "2g"}.
   *
   * <p>When neither this nor a heap option of {@link #jvmOptions} ({@code -Xmx}, {@code
   * -XX:MaxRAMPercentage}...) is set, each worker gets a share that keeps the pool and its parent
   * within the memory the JVM sees, which in a container is the container's limit: half of that
   * memory is for heaps; the parent keeps its own maximum heap (counted as at most a quarter of the
   * memory) out of it, and the rest is split evenly among the workers, each getting at least 64
   * MiB and at most a quarter of the memory (a JVM's own default). For example, in a 4 GiB
   * container a parent with the default 1 GiB heap and 4 workers gives each worker {@code
   * -Xmx256m}; without this rule each would get 1 GiB, and the five JVMs could ask for more than
   * the container has and be killed. A job counts as one worker.
   *
   * @param size the heap size, as {@code -Xmx} accepts it
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is not a number with an optional k, m, g or t
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder maxHeap(String size) {
    requireUnset(maxHeap == null, "maxHeap was already set to %s", maxHeap);
    requireArgument(
        isHeapSize(size),
        "maxHeap must be a size such as 512m or 2g, got '%s'", size);
    maxHeap = size;
    return this;
  }

  /** A number without leading zeros and an optional unit: what {@code -Xmx} accepts. */
  private static boolean isHeapSize(String size) {
    if (size == null || size.isEmpty() || size.charAt(0) < '1' || size.charAt(0) > '9') {
      return false;
    }
    int digits = size.length() - ("kKmMgGtT".indexOf(size.charAt(size.length() - 1)) >= 0 ? 1 : 0);
    for (int i = 1; i < digits; i++) {
      if (size.charAt(i) < '0' || size.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * A system property of the workers ({@code -Dname=value}). May be called for several properties.
   *
   * @param name the property's name; not empty, without '=' or whitespace
   * @param value the property's value; not null
   * @return this builder
   * @throws IllegalArgumentException if the name is empty or contains '=' or whitespace, or the
   *     value is null
   */
  public ProcessPoolBuilder systemProperty(String name, String value) {
    requireArgument(
        name != null && !name.isEmpty() && isPropertyName(name),
        "systemProperty name must be non-empty, without '=' or whitespace, got '%s'", name);
    requireArgument(value != null, "systemProperty %s must have a value, got null", name);
    systemProperties.add("-D" + name + "=" + value);
    return this;
  }
  /**
   * Whether {@code name} has no '=' and no whitespace. A loop, not a stream with a lambda: a JVM's
   * first lambdas cost it milliseconds, on the way of a command-line tool's first pool.
   */
  private static boolean isPropertyName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '=' || Character.isWhitespace(c)) {
        return false;
      }
    }
    return true;
  }


  /**
   * Replaces a worker after it ran {@code tasks} tasks, as Python's {@code maxtasksperchild}: for
   * tasks that leak memory or native resources. The limit is exact: a chunk of a {@code map} is
   * split where a worker reaches it, and the rest runs on the next worker.
   *
   * @param tasks the number of tasks a worker runs before it is replaced; at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code tasks} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder maxTasksPerWorker(int tasks) {
    requireUnset(maxTasksPerWorker == UNSET, "maxTasksPerWorker was already set to %d", maxTasksPerWorker);
    requireArgument(tasks > 0, "maxTasksPerWorker must be positive, got %d", tasks);
    maxTasksPerWorker = tasks;
    return this;
  }

  /**
   * Runs a worker's tasks in a new class loader over the application's classpath every {@code tasks}
   * tasks, inside the same worker JVM: each run of tasks starts with the application's static state
   * fresh (static fields, singletons, caches, class initializers run again), at the cost of loading
   * its classes again rather than of starting a JVM. For tasks that leave state behind in static
   * fields; for leaks of native memory, threads or files, replace the JVM with {@link
   * #maxTasksPerWorker(int)}, which this option may be combined with.
   *
   * <p>A new loader delegates only the JDK's classes and the Parallelizable runtime's to the worker's
   * own loader; it loads everything else of the application and its libraries itself. The {@link
   * #initializer(Task) initializer} runs again in each new loader, before its first task; if it throws
   * there, that task fails with what it threw, wrapped in a {@link dev.parallelizable.ParallelException}
   * naming this option, and the next task gets another new loader. The limit is exact and counts
   * every task the worker runs, failed ones included. A loader that has run its tasks is dropped, and
   * its classes are unloaded once nothing refers to them: a thread a task started and left running,
   * or an object of the task's put where the JDK or the runtime keeps it (a registered JDBC driver,
   * a {@code ThreadLocal} of a pool thread), keeps them. Tasks run with the loader as their thread's
   * context class loader.
   *
   * <p>The tasks of such a pool are sent one by one rather than as batches of columns, so that each
   * is counted. Workers must load the application from a classpath (a Spring Boot executable jar
   * included): a pool of an application on the module path fails to build unless it is given a
   * {@link #classpath(String) classpath}.
   *
   * @param tasks the number of tasks run in one class loader; at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code tasks} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder maxTasksPerClassLoader(int tasks) {
    requireUnset(
        maxTasksPerClassLoader == UNSET, "maxTasksPerClassLoader was already set to %d", maxTasksPerClassLoader);
    requireArgument(tasks > 0, "maxTasksPerClassLoader must be positive, got %d", tasks);
    maxTasksPerClassLoader = tasks;
    return this;
  }

  /**
   * The longest a task may run. Past it, the worker running the task is killed and replaced, and
   * the task fails with {@link TaskTimeoutException} naming it and the timeout. Measured per task
   * from when the worker starts it, also within a chunk; the check runs every tenth of the timeout
   * (at most every 100 ms), so a task may run that much longer before it is stopped.
   *
   * @param timeout the longest a task may run; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder taskTimeout(Duration timeout) {
    requireUnset(taskTimeout == null, "taskTimeout was already set to %s", shown(taskTimeout));
    requireArgument(
        timeout != null && !timeout.isNegative() && !timeout.isZero(),
        "taskTimeout must be positive, got %s", shown(timeout));
    taskTimeout = timeout;
    return this;
  }

  /**
   * Starts every worker when the pool is built, in parallel, as Python's {@code
   * multiprocessing.Pool} does, rather than when tasks need them (the default, as Python's {@code
   * ProcessPoolExecutor} does): for a pool built some time before its first map, so that the map
   * finds its workers started. A worker that cannot start then breaks the pool before any task is
   * submitted; the failure reaches the first task, as it does by default.
   *
   * @return this builder
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder prestartWorkers() {
    requireUnset(!prestartWorkers, "prestartWorkers was already set");
    prestartWorkers = true;
    return this;
  }

  /**
   * Stops a worker that has had nothing to do for {@code timeout}; a new one starts when work
   * comes. For long-lived pools that are busy now and then.
   *
   * @param timeout how long a worker may stay idle; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder idleTimeout(Duration timeout) {
    requireUnset(idleTimeout == null, "idleTimeout was already set to %s", shown(idleTimeout));
    requireArgument(
        timeout != null && !timeout.isNegative() && !timeout.isZero(),
        "idleTimeout must be positive, got %s", shown(timeout));
    idleTimeout = timeout;
    return this;
  }

  /**
   * Keeps the workers of this pool, once it is closed, for up to {@code time}, and hands them to
   * the next pool of the same configuration built in this JVM instead of starting new JVMs, as
   * loky's reusable executor does: a pool built in a running application is then ready in
   * milliseconds rather than the 100-200 ms a JVM takes to start. A pool built with this option
   * also takes kept workers of other pools with this option and the same configuration; a pool
   * without it neither keeps nor takes any.
   *
   * <p><b>Same configuration</b> means the same worker command line (java executable, JVM options,
   * heap, system properties, classpath or module path), codec and its limits, {@linkplain
   * #workerOutput(WorkerOutput) output} destination (for {@link WorkerOutput#lines}, the same
   * consumer instance), and initializer with the same arguments. The number of workers counts only
   * through the default heap it sets (see {@link #maxHeap(String)}). Timeouts, recycling and the
   * crash policy are the new pool's.
   *
   * <p><b>What a reused worker may still hold.</b> It is the same JVM: static fields written by
   * earlier tasks keep their values, classes stay loaded and initialized (static initializers do
   * not run again), JIT-compiled code and caches stay warm, threads that tasks started and did not
   * stop keep running, and open files stay open. The {@linkplain #initializer(Task) initializer}
   * ran once, when the worker started, not again for the new pool. Its name, process id and output
   * prefix stay the same ({@code [worker-3]}). Tasks that must start from a clean JVM should not use
   * this option.
   *
   * <p>Only a healthy, idle worker is kept: one that crashed, timed out, was recycled by {@link
   * #maxTasksPerWorker(int)}, was stopped for being idle, or belongs to a pool that was
   * {@linkplain Pool#terminate() terminated} or broken is never kept. A kept worker is stopped in
   * order when its time is up (killed if it takes longer than its {@link
   * #shutdownTimeout(Duration)}), killed by a shutdown hook when the JVM exits, and exits on its own
   * within moments when the JVM is killed. Jobs ({@link #job(Task)}) do not keep or take workers.
   * Default: zero, workers are not kept, because a kept worker carries state from one pool to the
   * next, and a pool's tasks by default start in JVMs that ran nothing else, as Python's
   * multiprocessing pools do.
   *
   * @param time how long to keep the workers of a closed pool; {@link Duration#ZERO} to stop them
   *     at once; not negative
   * @return this builder
   * @throws IllegalArgumentException if {@code time} is null or negative
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder reuseWorkersFor(Duration time) {
    requireUnset(reuseWorkersFor == null, "reuseWorkersFor was already set to %s", shown(reuseWorkersFor));
    requireOneWayOfReuse("reuseWorkersFor", time, "reuseWorkersAcrossRuns", reuseWorkersAcrossRuns);
    requireArgument(
        time != null && !time.isNegative(),
        "reuseWorkersFor must be zero or positive, got %s", shown(time));
    reuseWorkersFor = time;
    return this;
  }

  /**
   * Keeps the workers of this pool warm for {@code time} once it is {@linkplain Pool#close()
   * closed}, for the next pool of the same configuration, in this run of the application or in a
   * later one: a command-line tool run again a moment later finds its workers started, and its
   * first result takes milliseconds instead of a JVM start. Opt-in, for the same reasons as {@link
   * #reuseWorkersFor(Duration)}, whose rules it follows, with these differences.
   *
   * <p><b>Where they wait.</b> A closed pool's healthy idle workers park in a directory of the
   * user's, {@code parallelizable-warm-<user>} in {@code $XDG_RUNTIME_DIR} or else in the temporary
   * directory, with mode 0700 (if that directory has another owner, another mode or is a link,
   * workers are not kept, and a WARNING says why). Only that user's processes can reach them, and
   * a pool that claims one hands it a new token over its pipes, as it does to a worker it starts.
   *
   * <p><b>Same configuration</b> is as for {@code reuseWorkersFor}, except that the output
   * destination is the new pool's (the worker's output goes to whichever pool it serves), and the
   * classpath or module path counts by its content: the size of every jar with the CRC-32 and
   * Adler-32 of its central directory (which holds the CRC-32 of every entry), and the size, CRC-32
   * and Adler-32 of every other file and class file in it. A rebuilt class or jar never meets a
   * worker started before the rebuild: the new build starts new workers, and the old ones expire
   * unclaimed. The JDK counts by its path and its {@code lib/modules}.
   *
   * <p><b>What a warm worker may still hold</b> is what a {@linkplain #reuseWorkersFor(Duration)
   * reused} one holds, from every earlier run that used it: static state, loaded classes, threads
   * that tasks left running, open files. Its output prefix is the new pool's name for it.
   *
   * <p><b>When they end.</b> A parked worker exits in order at the end of {@code time} after its
   * pool closed, deleting its directory; the directory of a worker killed meanwhile is deleted by
   * the next pool of the same configuration, or by {@link WarmWorkers#list()}. Workers are parked only by {@link Pool#close()} and {@link Pool#shutdown()}: the
   * workers of a pool left open when the JVM exits are killed, as always. {@code java -cp <the
   * runtime's jar> dev.parallelizable.WarmWorkers} lists them, and {@code ... WarmWorkers stop}
   * stops every parked one (see {@link WarmWorkers}). Needs named pipes ({@code mkfifo} on the
   * {@code PATH}); without them, and for {@link #job(Task) jobs}, no worker is kept. Default: zero.
   *
   * @param time how long a closed pool's workers wait for the next pool; {@link Duration#ZERO} for
   *     not at all; not negative
   * @return this builder
   * @throws IllegalArgumentException if {@code time} is null or negative
   * @throws IllegalStateException if it was already set, or {@link #reuseWorkersFor(Duration)} was
   */
  public ProcessPoolBuilder reuseWorkersAcrossRuns(Duration time) {
    requireUnset(
        reuseWorkersAcrossRuns == null, "reuseWorkersAcrossRuns was already set to %s", shown(reuseWorkersAcrossRuns));
    requireArgument(
        time != null && !time.isNegative(),
        "reuseWorkersAcrossRuns must be zero or positive, got %s", shown(time));
    requireOneWayOfReuse("reuseWorkersAcrossRuns", time, "reuseWorkersFor", reuseWorkersFor);
    reuseWorkersAcrossRuns = time;
    return this;
  }

  /**
   * How long a worker that is asked to stop may take to exit in order before it is killed
   * (SIGKILL). A worker is asked to stop when the pool is {@linkplain Pool#close() closed} or
   * {@linkplain Pool#shutdown() shut down}, when it has run {@link #maxTasksPerWorker(int)} tasks,
   * when it was {@linkplain #idleTimeout(Duration) idle} too long, and when a {@link Job}'s task has
   * returned; it then runs the shutdown hooks its tasks registered. A hook that blocks, or calls
   * {@code System.exit}, cannot keep the worker alive past this bound: {@link Pool#close()}, {@link
   * Pool#join()} and {@link Job#join()} return within it (plus the moments the kill takes), and a
   * killed job's {@link Job#exitCode()} is -9. The check runs every 100 ms at most. Default 10 s.
   *
   * @param timeout how long a stopping worker may take to exit; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder shutdownTimeout(Duration timeout) {
    requireUnset(shutdownTimeout == null, "shutdownTimeout was already set to %s", shown(shutdownTimeout));
    requireArgument(
        timeout != null && !timeout.isNegative() && !timeout.isZero(),
        "shutdownTimeout must be positive, got %s", shown(timeout));
    shutdownTimeout = timeout;
    return this;
  }

  /**
   * A task each worker runs once, before its first task (Python's {@code initializer}): to load a
   * model, open a connection, warm a cache, in static fields the tasks then use. If it throws, or
   * runs longer than the {@linkplain #initializerTimeout(Duration) initializer timeout}, the worker
   * cannot start: see {@link WorkerStartException}.
   *
   * @param task the task each worker runs first; its result is ignored; not null
   * @return this builder
   * @throws IllegalArgumentException if {@code task} is null
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder initializer(Task<?> task) {
    requireUnset(initializer == null, "initializer was already set to %s", initializer);
    requireArgument(task != null, "initializer must not be null");
    initializer = task;
    return this;
  }

  /**
   * The longest the {@linkplain #initializer(Task) initializer} may run in a worker. Past it, the
   * worker is killed and the pool is broken: waiting and later tasks fail with {@link
   * WorkerStartException} naming the initializer and this bound. Measured from when the worker
   * receives the initializer, so the JVM's own start does not count (that has a bound of 60 s of
   * its own); {@link #taskTimeout(Duration)} does not apply to the initializer. The check runs every
   * 100 ms at most. Default 60 s.
   *
   * @param timeout the longest the initializer may run; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder initializerTimeout(Duration timeout) {
    requireUnset(initializerTimeout == null, "initializerTimeout was already set to %s", shown(initializerTimeout));
    requireArgument(
        timeout != null && !timeout.isNegative() && !timeout.isZero(),
        "initializerTimeout must be positive, got %s", shown(timeout));
    initializerTimeout = timeout;
    return this;
  }

  /**
   * The workers' classpath, entries separated by {@link File#pathSeparator}. It must hold the
   * application's classes, their dependencies, and the Parallelizable runtime.
   *
   * <p>Rarely needed: by default workers start as the parent was started. From the parent's {@code
   * java.class.path}; from its module path ({@code --module-path}, with the application's modules
   * added and their packages opened to the runtime, which creates the generated invokers by
   * name); from a Spring Boot executable jar, through Boot's {@code PropertiesLauncher}; or, when a
   * launcher loads the application with a class loader of its own ({@code mvn exec:java}, test
   * runners), from the URLs of the {@code URLClassLoader}s between the caller's context class
   * loader and the system class loader. A class loader that is not URL-based (application servers,
   * plugin systems) does not say where its classes are: {@link #build()} then fails and asks for
   * this option.
   *
   * @param classpath the entries, separated by {@link File#pathSeparator}
   * @return this builder
   * @throws IllegalArgumentException if {@code classpath} is empty
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder classpath(String classpath) {
    requireUnset(this.classpath == null, "classpath was already set to %s", this.classpath);
    requireArgument(
        classpath != null && !classpath.isBlank(), "classpath must not be empty, got '%s'", classpath);
    this.classpath = classpath;
    return this;
  }

  /**
   * As {@link #classpath(String)}, from a list of jars and directories.
   *
   * @param entries the jars and directories, in order; not empty
   * @return this builder
   * @throws IllegalArgumentException if {@code entries} is null or empty
   * @throws IllegalStateException if the classpath was already set
   */
  public ProcessPoolBuilder classpath(Collection<Path> entries) {
    requireArgument(entries != null && !entries.isEmpty(), "classpath must not be empty, got %s", entries);
    return classpath(
        entries.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
  }

  /**
   * The {@code java} executable of the workers, for another JDK than the parent's.
   *
   * @param java the path of the {@code java} executable
   * @return this builder
   * @throws IllegalArgumentException if it is not an executable file
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder javaExecutable(Path java) {
    requireUnset(javaExecutable == null, "javaExecutable was already set to %s", javaExecutable);
    requireArgument(
        java != null && Files.isRegularFile(java) && Files.isExecutable(java),
        "javaExecutable must be an executable file, got %s", java);
    javaExecutable = java;
    return this;
  }

  /**
   * What to do with a task whose worker died while running it.
   *
   * @param policy the crash policy; not null
   * @return this builder
   * @throws IllegalArgumentException if {@code policy} is null
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder crashPolicy(CrashPolicy policy) {
    requireUnset(crashPolicy == null, "crashPolicy was already set to %s", crashPolicy);
    requireArgument(policy != null, "crashPolicy must not be null");
    crashPolicy = policy;
    return this;
  }

  /**
   * What to do with a task that throws: run it again, after a delay, on any worker (see {@link
   * RetryPolicy}). A task's own policy ({@link Task#withRetry}) replaces it. A worker that dies is
   * the {@linkplain #crashPolicy(CrashPolicy) crash policy}'s; the two counts are kept apart.
   *
   * @param policy the retry policy of tasks that have none of their own; not null
   * @return this builder
   * @throws IllegalArgumentException if {@code policy} is null
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder retryPolicy(RetryPolicy policy) {
    requireUnset(retryPolicy == null, "retryPolicy was already set to %s", retryPolicy);
    requireArgument(policy != null, "retryPolicy must not be null");
    retryPolicy = policy;
    return this;
  }

  /**
   * How arguments, results and exceptions cross between the JVMs. Each worker creates its own
   * instance from the class name.
   *
   * @param codec the codec; not null
   * @return this builder
   * @throws IllegalArgumentException if the codec's class is not public with a public no-argument
   *     constructor
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder codec(Codec codec) {
    requireUnset(this.codec == null, "codec was already set to %s", this.codec);
    requireArgument(codec != null, "codec must not be null");
    Class<?> type = codec.getClass();
    boolean creatable = Modifier.isPublic(type.getModifiers()) && !type.isHidden();
    try {
      creatable &= type.getEnclosingClass() == null || Modifier.isStatic(type.getModifiers());
      type.getConstructor();
    } catch (NoSuchMethodException e) {
      creatable = false;
    }
    requireArgument(
        creatable,
        "codec %s must be a public class with a public no-argument constructor: each worker creates"
            + " its own from the class name",
        type.getName());
    this.codec = codec;
    return this;
  }

  /**
   * Where the standard output and standard error of the workers go: see {@link WorkerOutput}.
   *
   * @param output {@link WorkerOutput#inherit()}, {@link WorkerOutput#lines}, or {@link
   *     WorkerOutput#discard()}
   * @return this builder
   */
  public ProcessPoolBuilder workerOutput(WorkerOutput output) {
    requireUnset(workerOutput == null, "workerOutput was already set to %s", workerOutput);
    requireArgument(output != null, "workerOutput must not be null");
    workerOutput = output;
    return this;
  }

  /**
   * Primitive arrays ({@code byte[]}, {@code int[]}, {@code long[]}, {@code float[]}, {@code
   * double[]}) of at least {@code bytes} bytes, passed as arguments themselves, go to the workers
   * through shared memory rather than through the channel, as joblib's {@code max_nbytes} does: the
   * pool writes the array once, the first time that array instance is passed, to a file of its
   * private directory ({@code /dev/shm} where it exists), and each task carries a reference; a
   * worker maps the file once and gives each task an array with the original contents: the array
   * it gave the previous task, when a comparison with the mapping shows that no task wrote into it,
   * else a new copy. The parent neither encodes nor sends the array again for each task; the file
   * is deleted once the array is unreachable in the parent, or when the pool closes.
   *
   * <p>The same instance is written once: do not change an array after passing it, or pass a copy
   * ({@code array.clone()}); the pool would send the contents it first wrote. To pass data without
   * any copy in the workers, use {@link SharedData}. Only the default codec shares arrays.
   *
   * <p>Default 1 MiB (joblib's default): below it, writing a file and mapping it costs about as
   * much as sending the bytes, and the arrays one passes once per task are usually small; above
   * it, the saving grows with each task that passes the same array.
   *
   * @param bytes the least size of an array that is shared, at least 1; or 0 to share none
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is negative
   * @throws IllegalStateException if the threshold was already set
   */
  public ProcessPoolBuilder sharedArrayThreshold(long bytes) {
    requireUnset(
        sharedArrayThreshold == UNSET, "sharedArrayThreshold was already set to %s", sharedArrayThreshold);
    requireArgument(
        bytes >= 0, "sharedArrayThreshold must be at least 1 byte, or 0 to share no array, got %s", bytes);
    sharedArrayThreshold = bytes;
    return this;
  }

  /**
   * Creates the pool and starts its workers, without waiting for them.
   *
   * @return the new pool
   * @throws IllegalStateException if the workers' classpath cannot be determined (see {@link
   *     #classpath(String)})
   */
  public Pool build() {
    return ProcessPool.start(
        config(workers == UNSET ? Runtime.getRuntime().availableProcessors() : workers, false)
            .prestartWorkers(prestartWorkers)
            .retryPolicy(retryPolicy)
            .reusingWorkersFor(reuseWorkersFor == null ? Duration.ZERO : reuseWorkersFor)
            .keepingWarmFor(reuseWorkersAcrossRuns == null ? Duration.ZERO : reuseWorkersAcrossRuns),
        name);
  }

  /**
   * A job that runs {@code task} in a new JVM of its own, configured as this builder's workers
   * (Python's {@code multiprocessing.Process}); {@link #workers(int)}, {@link
   * #maxTasksPerWorker(int)}, {@link #maxTasksPerClassLoader(int)}, {@link #idleTimeout(Duration)}, {@link #crashPolicy(CrashPolicy)}
   * and {@link #retryPolicy(RetryPolicy)} do not apply.
   *
   * @param <R> the task's result type
   * @param task the task to run; not null
   * @return a new job, not started
   * @throws IllegalStateException if the worker's classpath cannot be determined
   */
  public <R> Job<R> job(Task<R> task) {
    Objects.requireNonNull(task, "task must not be null");
    return new ProcessJob<>(config(1, true), task);
  }

  private WorkerConfig config(int n, boolean jobMode) {
    List<String> options = new ArrayList<>(jvmOptions);
    if (maxHeap != null) {
      options.add("-Xmx" + maxHeap);
    }
    options.addAll(systemProperties);
    WorkerConfig config = new WorkerConfig(
        n,
        options,
        classpath,
        javaExecutable,
        jobMode ? 1 : maxTasksPerWorker == UNSET ? 0 : maxTasksPerWorker,
        jobMode || maxTasksPerClassLoader == UNSET ? 0 : maxTasksPerClassLoader,
        taskTimeout,
        jobMode ? null : idleTimeout,
        shutdownTimeout == null ? DEFAULT_SHUTDOWN_TIMEOUT : shutdownTimeout,
        initializer,
        initializerTimeout == null ? DEFAULT_INITIALIZER_TIMEOUT : initializerTimeout,
        jobMode || crashPolicy == null ? 0 : crashPolicy.retries(),
        codec == null ? SerializationCodec.INSTANCE : codec,
        jobMode,
        workerOutput == null
            ? WorkerConfig.Output.INHERIT
            : new WorkerConfig.Output(workerOutput.inherits(), workerOutput.consumer()));
    return config.sharedArrayThreshold(
        sharedArrayThreshold == UNSET ? WorkerConfig.DEFAULT_SHARED_ARRAY_THRESHOLD : sharedArrayThreshold);
  }

  @Override
  public String toString() {
    return "ProcessPoolBuilder[workers=" + (workers == UNSET ? "default" : workers)
        + ", name=" + (name == null ? "default" : "'" + name + "'") + ", jvmOptions="
        + jvmOptions + ", maxHeap=" + maxHeap + ", systemProperties=" + systemProperties
        + ", maxTasksPerWorker=" + (maxTasksPerWorker == UNSET ? "unlimited" : maxTasksPerWorker)
        + ", maxTasksPerClassLoader="
        + (maxTasksPerClassLoader == UNSET ? "unlimited" : maxTasksPerClassLoader)
        + ", taskTimeout=" + taskTimeout + ", idleTimeout=" + idleTimeout + ", reuseWorkersFor="
        + reuseWorkersFor + ", reuseWorkersAcrossRuns=" + reuseWorkersAcrossRuns + ", shutdownTimeout="
        + shutdownTimeout + ", initializer=" + initializer + ", initializerTimeout="
        + initializerTimeout + ", crashPolicy=" + crashPolicy + ", retryPolicy=" + retryPolicy + ", codec=" + codec + ", workerOutput="
        + (workerOutput == null ? WorkerOutput.inherit() : workerOutput) + ", prestartWorkers="
        + prestartWorkers + "]";
  }
}
