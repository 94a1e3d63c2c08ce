package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.ResultCache;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.FlakyParallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chaos soak of one process pool: caller threads run {@code map}, {@code mapOutcomes}, {@code
 * imapOutcomes}, {@code imapUnorderedOutcomes} and {@code applyAsync}, on the pool and on a cached
 * view of it, while its workers are killed at random (SIGKILL) and tasks throw, are retried and
 * time out. Every task records each of its runs in a file, so the test knows how often each input
 * ran, in whichever worker JVM.
 *
 * <p>It asserts correctness only, never speed: every input gets exactly one outcome, and that
 * outcome is one its plan allows given the runs it made (a retried task ran at most {@code
 * maxAttempts} times and succeeded if and only if a run succeeded; a task past the timeout failed
 * with {@link TaskTimeoutException}; an input whose worker was killed failed with {@link
 * WorkerCrashedException} and, under {@link CrashPolicy#fail()}, never ran twice); a result is that
 * input's own; a cached success is a hit the next time. Once the pool is closed, nothing is left
 * beyond what there was before it: file descriptors, library threads (the JVM-wide watchdog
 * aside), worker directories, shared-memory entries and child processes.
 *
 * <p>The chaos is random but seeded: a failure names its seed, and {@code
 * -Dparallelizable.soak.seed=<seed>} replays the same plans and kill schedule (thread timing
 * aside). {@code -Dparallelizable.soak.duration=PT1H} runs it for an hour; see
 * docs/guarantees.md for the command.
 */
@Tag("soak")
@Timeout(value = 90, unit = TimeUnit.MINUTES) // a backstop only: each wait below has its own bound
class ChaosSoakTest {
  private static final Duration DEFAULT_DURATION = Duration.ofSeconds(90);
  private static final int WORKERS = 2;
  private static final int CALLERS = 3;
  /** Far above what the other tasks take even on a loaded machine: only a timeout plan meets it. */
  private static final Duration TASK_TIMEOUT = Duration.ofSeconds(5);
  /** A timed-out task sleeps this long: far past the timeout, so only the timeout ends it. */
  private static final long TIMEOUT_PLAN_MILLIS = 60_000;
  /** The pool's retry policy: I/O failures only, so an IllegalStateException is not retried. */
  private static final RetryPolicy POOL_RETRY =
      RetryPolicy.builder().maxAttempts(3).retryOn(IOException.class).fixedDelay(Duration.ofMillis(20)).build();
  /** A policy of the task's own, which replaces the pool's. */
  private static final RetryPolicy TASK_RETRY =
      RetryPolicy.builder().maxAttempts(2).retryOn(IOException.class).fixedDelay(Duration.ofMillis(10)).build();
  private static final int[] CHUNK_SIZES = {0, 1, 2, 5};
  /** How long a round may take once the soak's time is up, and how long one result may take. */
  private static final Duration ROUND_BOUND = Duration.ofMinutes(3);
  /** How long the pool has to close, and what it leaves to go away. */
  private static final Duration SETTLE_BOUND = Duration.ofSeconds(60);
  private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");
  private static final String WATCHDOG = "parallelizable-remote-watchdog";

  @TempDir Path temp;

  private long seed;
  private Pool pool;
  private Pool cachedView;
  private boolean closed;
  private final ConcurrentLinkedQueue<Input> ledger = new ConcurrentLinkedQueue<>();
  private final Failures failures = new Failures();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong kills = new AtomicLong();
  private final AtomicLong crashes = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final AtomicLong retriedSuccesses = new AtomicLong();
  private final AtomicLong exhausted = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();

  @Test
  void everyInputGetsOneRightOutcomeWhileWorkersAreKilledAndNothingIsLeftAfterClose() throws Exception {
    seed = Long.getLong("parallelizable.soak.seed", new Random().nextLong());
    Duration duration = Duration.parse(System.getProperty("parallelizable.soak.duration", DEFAULT_DURATION.toString()));
    // Worker directories go to java.io.tmpdir, which other processes of the machine share: a
    // private one lets the test see exactly what this pool left there.
    Path privateTemp = Files.createDirectory(temp.resolve("tmp"));
    String sharedTemp = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", privateTemp.toString());
    try (LogCapture log = new LogCapture("dev.parallelizable")) {
      warmUp();
      Baseline before = Baseline.take(privateTemp);
      soak(duration);
      checkLedger();
      check(kills.get() > 0, () -> "the soak killed no worker");
      List<String> unexpected = log.messages().stream()
          .filter(message -> !message.contains("exited while idle"))
          .collect(Collectors.toList());
      check(unexpected.isEmpty(), () -> "the pool logged " + unexpected);
      await().atMost(SETTLE_BOUND).untilAsserted(() -> before.assertNothingLeft(privateTemp, this::replay));
    } finally {
      if (pool != null && !closed) {
        pool.terminate(); // a failed soak leaves no worker to the tests after it
      }
      System.setProperty("java.io.tmpdir", sharedTemp);
    }
  }

  /**
   * Runs each kind of call once on a pool like the soak's, so that the classes, jar files and
   * JVM-wide threads they need once are in the baseline rather than counted as left behind.
   */
  private void warmUp() throws IOException {
    Set<Long> children = liveDescendants();
    Set<Thread> threads = Thread.getAllStackTraces().keySet();
    Path dir = Files.createDirectory(temp.resolve("warm-up"));
    try (Pool warm = ResultCache.open(temp.resolve("warm-up-cache")).on(newPool())) {
      Input input = new Input("warm", dir, new Plan(0, "io", 0, null));
      warm.applyAsync(input.task()).onSuccess(value -> {}).get(ROUND_BOUND);
      warm.map(Input::task, List.of(input));
      warm.mapOutcomes(Input::task, List.of(input));
      try (ResultIterator<Outcome<String>> outcomes = warm.imapOutcomes(Input::task, List.of(input))) {
        outcomes.forEachRemaining(outcome -> {});
      }
    }
    await().atMost(SETTLE_BOUND).until(() -> Workers.allGone(newSince(children))
        && libraryThreads().stream().allMatch(t -> threads.contains(t) || t.getName().equals(WATCHDOG)));
  }

  private Pool newPool() {
    return Parallel.processPool()
        .workers(WORKERS)
        .taskTimeout(TASK_TIMEOUT)
        .crashPolicy(CrashPolicy.fail())
        .retryPolicy(POOL_RETRY)
        .build();
  }

  private void soak(Duration duration) throws Exception {
    ResultCache cache = ResultCache.open(temp.resolve("cache"));
    pool = newPool();
    cachedView = cache.on(pool);
    long deadline = System.nanoTime() + duration.toNanos();
    CountDownLatch stop = new CountDownLatch(1);
    Thread killer = new Thread(() -> kill(new Random(seed), stop), "soak-killer");
    killer.start();
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      int caller = c;
      Thread thread = new Thread(() -> call(caller, deadline), "soak-caller-" + caller);
      callers.add(thread);
      thread.start();
    }
    try {
      for (Thread caller : callers) {
        long left = deadline + ROUND_BOUND.toNanos() - System.nanoTime();
        caller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (caller.isAlive()) {
          failures.add(new AssertionError(caller.getName() + " did not finish its round within " + ROUND_BOUND
              + " of the end of the soak; it is at\n  " + Arrays.stream(caller.getStackTrace())
                  .map(String::valueOf).collect(Collectors.joining("\n  "))
              + "\n" + pool.stats().summary()));
        }
      }
    } finally {
      stop.countDown();
      killer.join(ROUND_BOUND.toMillis());
    }
    failures.rethrow(this::replay);
    assertTimeoutPreemptively(SETTLE_BOUND, cachedView::close, () -> replay() + ": close() did not return");
    closed = true;
  }

  /** The loop of one caller thread: rounds until the time is up or a round failed. */
  private void call(int caller, long deadline) {
    Random random = new Random(seed + 31L * (caller + 1));
    try {
      for (int round = 0; System.nanoTime() - deadline < 0 && failures.isEmpty(); round++) {
        round(caller, round, random);
      }
    } catch (Throwable e) {
      failures.add(e);
    }
  }

  /**
   * Kills a worker of the pool every one to four seconds, most often one that is running
   * a task, sometimes an idle one; only workers that are ready (a worker killed while it starts
   * breaks the pool, as documented).
   */
  private void kill(Random random, CountDownLatch stop) {
    try {
      while (!stop.await(1000 + random.nextInt(3000), TimeUnit.MILLISECONDS)) {
        List<PoolStats.WorkerStats> rows = pool.stats().workers();
        List<PoolStats.WorkerStats> busy = rows.stream().filter(PoolStats.WorkerStats::busy).toList();
        List<PoolStats.WorkerStats> from = !busy.isEmpty() && random.nextInt(4) > 0 ? busy : rows;
        if (from.isEmpty()) {
          continue;
        }
        Matcher pid = PID.matcher(from.get(random.nextInt(from.size())).name());
        long self = ProcessHandle.current().pid();
        if (pid.find()
            && ProcessHandle.of(Long.parseLong(pid.group(1)))
                .filter(worker -> worker.parent().map(parent -> parent.pid() == self).orElse(false))
                .map(ProcessHandle::destroyForcibly)
                .orElse(false)) {
          kills.incrementAndGet();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }

  // ---- A round: a few inputs with random plans, through one kind of call, once or twice.

  private enum Call { MAP, MAP_OUTCOMES, IMAP_OUTCOMES, IMAP_UNORDERED_OUTCOMES, APPLY_ASYNC }

  private void round(int caller, int number, Random random) throws IOException {
    String name = "c" + caller + "-r" + number;
    Path dir = Files.createDirectory(temp.resolve(name));
    Call call = Call.values()[random.nextInt(Call.values().length)];
    // A map that fails throws the first failure and tells nothing of the other inputs: most maps
    // get inputs that can only fail by a kill, so that they also return.
    boolean clean = call == Call.MAP && random.nextInt(10) < 7;
    int count = 4 + random.nextInt(21);
    List<Input> inputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      inputs.add(new Input(name + "-i" + i, dir, plan(random, clean)));
    }
    if (!clean && random.nextInt(10) == 0) {
      int i = random.nextInt(count);
      inputs.set(i, new Input(name + "-i" + i, dir, new Plan(random.nextInt(2), "io", TIMEOUT_PLAN_MILLIS, null)));
    }
    ledger.addAll(inputs);
    boolean cached = random.nextBoolean();
    boolean complete = pass(cached, call, inputs, CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)]);
    if (complete && random.nextBoolean()) {
      // Again, on the same inputs: through the cache, every success so far is a hit.
      Call again = Call.values()[random.nextInt(Call.values().length)];
      pass(cached || random.nextBoolean(), again, inputs, CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)]);
    }
  }

  private static Plan plan(Random random, boolean clean) {
    RetryPolicy own = random.nextInt(4) == 0 ? TASK_RETRY : null;
    int attempts = own == null ? POOL_RETRY.maxAttempts() : own.maxAttempts();
    int p = random.nextInt(clean ? 75 : 100);
    if (p < 30) {
      return new Plan(0, "io", 0, own); // fast: several finish within one flush of results
    } else if (p < 60) {
      return new Plan(0, "io", 1 + random.nextInt(20), own);
    } else if (p < 75) {
      return new Plan(1 + random.nextInt(attempts - 1), "io", random.nextInt(5), own); // retried, then succeeds
    } else if (p < 88) {
      return new Plan(10, "io", 0, own); // fails every attempt
    } else {
      return new Plan(1, "state", 0, own); // fails once, not retried
    }
  }

  /**
   * Runs {@code inputs} through one call and checks each input's outcome against the runs it
   * made; false if the call was a map that threw, which tells nothing of the other inputs.
   */
  private boolean pass(boolean cached, Call call, List<Input> inputs, int chunkSize) {
    calls.incrementAndGet();
    Pool on = cached ? cachedView : pool;
    int[] before = runs(inputs);
    Got[] got = new Got[inputs.size()];
    boolean complete = true;
    String what = call + (cached ? " on the cached view" : " on the pool") + ", chunk size " + chunkSize;
    switch (call) {
      case MAP -> {
        try {
          List<String> values = on.map(Input::task, inputs, chunkSize);
          check(values.size() == inputs.size(), () -> what + " returned " + values.size() + " results for "
              + inputs.size() + " inputs");
          for (int i = 0; i < got.length; i++) {
            got[i] = Got.success(values.get(i));
          }
        } catch (TaskFailedException failure) {
          complete = false;
          int failed = indexOf(inputs, failure.task());
          check(failed >= 0, () -> what + " threw for a task of none of its inputs: " + failure);
          got[failed] = Got.failed(failure);
        }
      }
      case MAP_OUTCOMES -> {
        List<Outcome<String>> outcomes = on.mapOutcomes(Input::task, inputs, chunkSize);
        check(outcomes.size() == inputs.size(), () -> what + " returned " + outcomes.size() + " outcomes for "
            + inputs.size() + " inputs");
        for (int i = 0; i < got.length; i++) {
          int index = i;
          check(outcomes.get(i).position() == i, () -> what + ": outcome " + index + " has position "
              + outcomes.get(index).position());
          got[i] = Got.of(outcomes.get(i));
        }
      }
      case IMAP_OUTCOMES, IMAP_UNORDERED_OUTCOMES -> {
        boolean ordered = call == Call.IMAP_OUTCOMES;
        try (ResultIterator<Outcome<String>> outcomes = ordered
            ? on.imapOutcomes(Input::task, inputs, chunkSize)
            : on.imapUnorderedOutcomes(Input::task, inputs, chunkSize)) {
          for (int read = 0; outcomes.hasNext(); read++) {
            Outcome<String> outcome = outcomes.next();
            int position = (int) outcome.position();
            int index = read;
            check(position >= 0 && position < got.length && got[position] == null && (!ordered || position == read),
                () -> what + ": outcome " + index + " has position " + position + ", seen or out of range");
            got[position] = Got.of(outcome);
          }
        }
        check(Arrays.stream(got).allMatch(g -> g != null), () -> what + " gave no outcome for some inputs: "
            + Arrays.toString(got));
      }
      case APPLY_ASYNC -> {
        List<AsyncResult<String>> results = new ArrayList<>();
        for (Input input : inputs) {
          AtomicInteger callbacks = new AtomicInteger();
          input.callbacks.add(callbacks);
          results.add(on.applyAsync(input.task())
              .onSuccess(value -> callbacks.incrementAndGet())
              .onFailure(failure -> callbacks.incrementAndGet()));
        }
        for (int i = 0; i < got.length; i++) {
          try {
            got[i] = Got.success(results.get(i).get(ROUND_BOUND));
          } catch (TaskFailedException failure) {
            got[i] = Got.failed(failure);
          }
        }
        await().atMost(SETTLE_BOUND).until(() -> inputs.stream()
            .allMatch(input -> input.callbacks.get(input.callbacks.size() - 1).get() == 1));
      }
    }
    int[] after = runs(inputs);
    for (int i = 0; i < got.length; i++) {
      verify(inputs.get(i), cached, before[i], after[i], got[i], complete, what);
    }
    return complete;
  }

  /** Checks what {@code input} got from one call, given its runs before and after it. */
  private void verify(Input input, boolean cached, int before, int after, Got got, boolean complete, String what) {
    Plan plan = input.plan;
    boolean hit = cached && input.cachedValue != null;
    int allowed = hit ? 0 : plan.runsAllowed(before);
    input.allowedRuns += allowed;
    input.finalRuns = complete && input.finalRuns != Input.UNKNOWN ? after : Input.UNKNOWN;
    Supplier<String> context = () -> what + ": input " + input.key + " " + plan + " ran " + (after - before)
        + " times in this call (runs " + (before + 1) + " to " + after + "), " + allowed + " allowed, and got "
        + got;
    check(after - before >= 0 && after - before <= allowed,
        () -> "ran more often than its plan and policies allow: " + context.get());
    if (got == null) {
      return; // an input of a map that threw for another input
    }
    if (hit) {
      hits.incrementAndGet();
      check(got.failure == null && input.cachedValue.equals(got.value), () -> "a cached success is not a hit: "
          + context.get() + ", stored " + input.cachedValue);
      return;
    }
    int succeedingRun = Math.max(before, plan.failures) + 1;
    if (got.failure == null) {
      check(plan.millis < TASK_TIMEOUT.toMillis() && after == succeedingRun
          && (input.key + "#" + after).equals(got.value), () -> "a wrong success: " + context.get());
      if (after - before > 1) {
        retriedSuccesses.incrementAndGet();
      }
      if (cached) {
        input.cachedValue = got.value;
      }
      return;
    }
    ParallelException failure = got.failure;
    check(failure instanceof TaskFailedException failed && failed.task().equals(input.text),
        () -> "a failure of another task, or of none: " + context.get());
    if (failure instanceof WorkerCrashedException crash) {
      crashes.incrementAndGet();
      check(crash.exitCode() != null && crash.exitCode() == -9, () -> "a crash that is no SIGKILL: " + context.get());
    } else if (failure instanceof TaskTimeoutException) {
      timeouts.incrementAndGet();
      check(plan.millis > TASK_TIMEOUT.toMillis() && after == succeedingRun,
          () -> "a timeout of a task that was not past it: " + context.get());
    } else if (failure.getClass() == TaskFailedException.class && failure.getCause() instanceof IOException thrown) {
      exhausted.incrementAndGet();
      check(plan.kind.equals("io") && after <= plan.failures && after - before == plan.attempts()
              && thrown.getMessage().equals(input.key + " failed run " + after)
              && failure.getSuppressed().length == plan.attempts() - 1,
          () -> "a failure that is not that of the last of its attempts: " + context.get());
    } else if (failure.getClass() == TaskFailedException.class
        && failure.getCause() instanceof IllegalStateException thrown) {
      check(plan.kind.equals("state") && after <= plan.failures && after - before == 1
              && thrown.getMessage().equals(input.key + " refused run " + after),
          () -> "a failure that is not its task's: " + context.get());
    } else {
      check(false, () -> "an unexpected failure: " + context.get());
    }
  }

  /**
   * Once the pool is closed: no input ran more often than its calls allowed (a late run of a task
   * whose outcome was already delivered included), and every callback of {@code applyAsync} ran
   * exactly once.
   */
  private void checkLedger() throws IOException {
    Map<Path, Map<String, Integer>> runsByDir = new HashMap<>();
    for (Input input : ledger) {
      Map<String, Integer> runs = runsByDir.computeIfAbsent(input.dir, ChaosSoakTest::runsIn);
      int ran = runs.getOrDefault(input.key, 0);
      check(ran <= input.allowedRuns && (input.finalRuns == Input.UNKNOWN || ran == input.finalRuns),
          () -> "after close, input " + input.key + " " + input.plan + " ran " + ran + " times in all; its calls"
              + " allowed " + input.allowedRuns + (input.finalRuns == Input.UNKNOWN
                  ? "" : " and its last outcome came after run " + input.finalRuns));
      for (AtomicInteger callbacks : input.callbacks) {
        check(callbacks.get() == 1, () -> "a result of " + input.key + " called back " + callbacks.get() + " times");
      }
    }
  }

  /** Runs per key recorded in {@code dir}: Flaky records run n of key k as a file "k-run-n". */
  private static Map<String, Integer> runsIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      Map<String, Integer> runs = new HashMap<>();
      files.map(file -> file.getFileName().toString())
          .map(file -> file.substring(0, file.lastIndexOf("-run-")))
          .forEach(key -> runs.merge(key, 1, Integer::sum));
      return runs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] runs(List<Input> inputs) {
    Map<String, Integer> runs = runsIn(inputs.get(0).dir);
    return inputs.stream().mapToInt(input -> runs.getOrDefault(input.key, 0)).toArray();
  }

  private static int indexOf(List<Input> inputs, String task) {
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).text.equals(task)) {
        return i;
      }
    }
    return -1;
  }

  private void check(boolean condition, Supplier<String> message) {
    if (!condition) {
      throw new AssertionError(replay() + ": " + message.get());
    }
  }

  /** The seed and how to replay it, with what the soak did so far. */
  private String replay() {
    return "chaos soak with seed " + seed + " (replay with -Dparallelizable.soak.seed=" + seed + "): "
        + calls + " calls, " + kills + " workers killed, " + crashes + " crash outcomes, " + timeouts
        + " timeouts, " + retriedSuccesses + " successes after retries, " + exhausted
        + " failures after every attempt, " + hits + " cache hits";
  }

  // ---- Plans, inputs and what they got.

  /**
   * What an input's task does: fails its first {@code failures} runs (with an IOException, retried,
   * or with {@code kind} "state" an IllegalStateException, not retried), then sleeps {@code millis}
   * and succeeds; with a retry policy of its own, or the pool's.
   */
  private record Plan(int failures, String kind, long millis, RetryPolicy own) {
    int attempts() {
      return kind.equals("state") ? 1 : own == null ? POOL_RETRY.maxAttempts() : own.maxAttempts();
    }

    /** The most runs one call may make after {@code before} runs: until one succeeds, within its attempts. */
    int runsAllowed(int before) {
      return Math.min(attempts(), Math.max(0, failures - before) + 1);
    }

    @Override
    public String toString() {
      return "(fails " + failures + " runs with " + kind + ", then sleeps " + millis + " ms; "
          + attempts() + " attempts)";
    }
  }

  /** One input and, for its caller thread, then for the final check, what its calls allowed. */
  private static final class Input {
    static final int UNKNOWN = -1;
    final String key;
    final Path dir;
    final Plan plan;
    /** The task's text, as failures name it. */
    final String text;
    final List<AtomicInteger> callbacks = new ArrayList<>(0);
    int allowedRuns;
    /** Runs when its last call delivered its outcome; UNKNOWN after a map that threw. */
    int finalRuns;
    /** Its value stored in the cache, if a call through the cached view succeeded. */
    String cachedValue;

    Input(String key, Path dir, Plan plan) {
      this.key = key;
      this.dir = dir;
      this.plan = plan;
      this.text = task().toString();
    }

    Task<String> task() {
      Task<String> task = FlakyParallel.attempt(key, dir, plan.failures, plan.kind, plan.millis);
      return plan.own == null ? task : task.withRetry(plan.own);
    }
  }

  /** A value or a failure; null when nothing is known (an input of a map that threw for another). */
  private record Got(String value, ParallelException failure) {
    static Got success(String value) {
      return new Got(value, null);
    }

    static Got failed(ParallelException failure) {
      return new Got(null, failure);
    }

    static Got of(Outcome<String> outcome) {
      return outcome.isSuccess() ? success(outcome.value()) : failed(outcome.failure());
    }

    @Override
    public String toString() {
      return failure == null ? "value " + value : String.valueOf(failure);
    }
  }

  /** The first failures of the threads of the soak. */
  private static final class Failures {
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    void add(Throwable failure) {
      failures.add(failure);
    }

    boolean isEmpty() {
      return failures.isEmpty();
    }

    void rethrow(Supplier<String> replay) {
      Throwable first = failures.peek();
      if (first instanceof AssertionError assertion && failures.size() == 1
          && String.valueOf(assertion.getMessage()).startsWith("chaos soak with seed")) {
        throw assertion;
      }
      if (first != null) {
        AssertionError error =
            new AssertionError(replay.get() + ": " + failures.size() + " failures, the first: " + first, first);
        failures.stream().skip(1).forEach(error::addSuppressed);
        throw error;
      }
    }
  }

  // ---- What the pool could leave behind.

  private static Set<Long> liveDescendants() {
    return ProcessHandle.current().descendants()
        .map(ProcessHandle::pid)
        .filter(pid -> !Workers.allGone(Set.of(pid)))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Long> newSince(Set<Long> before) {
    Set<Long> now = liveDescendants();
    now.removeAll(before);
    return now;
  }

  private static List<Thread> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(thread -> thread.getName().startsWith("parallelizable-"))
        .collect(Collectors.toList());
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
      return entries.count();
    }
  }

  /** Entries of {@code dir} whose name starts with {@code prefix}; none if there is no such directory. */
  private static Set<String> entries(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(entry -> entry.getFileName().toString())
          .filter(name -> name.startsWith(prefix))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** What the JVM holds before the soak's pool. */
  private record Baseline(
      long descriptors, Set<Thread> threads, Set<String> temporary, Set<String> shm, Set<Long> children) {
    private static final Path SHM = Path.of("/dev/shm");

    static Baseline take(Path temporary) throws IOException {
      return new Baseline(openDescriptors(), new HashSet<>(libraryThreads()), entries(temporary, "parallelizable-"),
          entries(SHM, sharedPrefix()), liveDescendants());
    }

    private static String sharedPrefix() {
      return "parallelizable-shared-" + ProcessHandle.current().pid() + "-";
    }

    void assertNothingLeft(Path temporary, Supplier<String> replay) throws IOException {
      assertEquals(Set.of(), newSince(children), () -> replay.get() + ": child processes left");
      List<String> threadsLeft = libraryThreads().stream()
          .filter(thread -> !threads.contains(thread) && !thread.getName().equals(WATCHDOG))
          .map(Thread::getName)
          .collect(Collectors.toList());
      assertEquals(List.of(), threadsLeft, () -> replay.get() + ": library threads left");
      Set<String> temporaryLeft = entries(temporary, "parallelizable-");
      temporaryLeft.removeAll(this.temporary);
      assertEquals(Set.of(), temporaryLeft, () -> replay.get() + ": entries left in java.io.tmpdir");
      Set<String> shmLeft = entries(SHM, sharedPrefix());
      shmLeft.removeAll(shm);
      assertEquals(Set.of(), shmLeft, () -> replay.get() + ": entries left in /dev/shm");
      long open = openDescriptors();
      if (open > descriptors) {
        throw new AssertionError(replay.get() + ": " + (open - descriptors) + " more file descriptors open than"
            + " before the pool (" + descriptors + ")");
      }
    }
  }

  /** Collects what the library logs through java.util.logging, and keeps it off the console. */
  private static final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final boolean useParentHandlers;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    LogCapture(String name) {
      logger = Logger.getLogger(name);
      useParentHandlers = logger.getUseParentHandlers();
      logger.setUseParentHandlers(false);
      logger.addHandler(this);
    }

    List<String> messages() {
      return messages;
    }

    @Override
    public void publish(LogRecord record) {
      messages.add(record.getLoggerName() + ": " + record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(useParentHandlers);
    }
  }
}
