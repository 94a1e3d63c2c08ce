package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.BatchFailure;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WaitInterruptedException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A run of consecutive tasks sent to one worker as a unit: the unit of dispatch of every pool. An
 * {@code applyAsync} is a chunk of one; a {@code map} is a sequence of chunks.
 *
 * <p>A chunk holds the inputs and the function that turns each into a {@link Task}; the executor
 * builds the tasks where it runs them (a pool thread) or before sending them (a process pool, in
 * the caller), so no lambda ever crosses a process.
 *
 * <pre>
 * State machine (one CAS per transition; the first to reach DONE wins, later attempts are no-ops):
 *
 *   NEW --start()--> STARTED --succeed()/fail()--> DONE
 *    |                  |
 *    +--cancel()--------+--abort()--> DONE      (cancel() only from NEW; abort() from either)
 * </pre>
 *
 * <p>When the chunk is DONE, {@code results[0, completed)} hold results in input order and, if
 * {@code failure} is set, the element at {@code completed} failed with it; elements after it did not
 * run. Results are published to waiters by the completion of {@link #done()}.
 */
public final class Chunk {
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int DONE = 2;

  private final Object[] inputs;
  private final Function<Object, ? extends Task<?>> toTask;
  private final Object[] results;
  private final long offset;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final CompletableFuture<Chunk> done = new CompletableFuture<>();
  private int completed;
  private ParallelException failure;
  private volatile Task<?>[] tasks;
  private long startNanos;
  private boolean started;
  private long elapsedNanos;
  /** The end of the last run of tasks that ran as a batch; accessed only by the running thread. */
  private int ran;

  @SuppressWarnings("unchecked")
  Chunk(Object[] inputs, Function<?, ? extends Task<?>> toTask, long offset) {
    this.inputs = inputs;
    this.toTask = (Function<Object, ? extends Task<?>>) toTask;
    this.results = new Object[inputs.length];
    this.offset = offset;
  }

  /** A chunk of one task. */
  static Chunk of(Task<?> task) {
    return new Chunk(new Object[] {task}, Function.identity(), 0);
  }

  /** The number of tasks. */
  public int size() {
    return inputs.length;
  }

  /** The position of this chunk's first element in its map's input. */
  public long offset() {
    return offset;
  }

  /**
   * The tasks, built from the inputs in the calling thread on first use (process pools call this to
   * encode them). A failure of {@code toTask} fails the chunk, naming that element, before any task
   * ran, and returns null.
   */
  public Task<?>[] tasks() {
    Task<?>[] built = tasks;
    if (built == null) {
      built = new Task<?>[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        try {
          built[i] = java.util.Objects.requireNonNull(toTask.apply(inputs[i]), "toTask returned null");
        } catch (RuntimeException | Error e) {
          // No task of the chunk ran: none has a result to deliver before the failure.
          failBuilding(i, 0, e);
          return null;
        }
      }
      tasks = built;
    }
    return built;
  }

  /** Claims the chunk for running. False if it was cancelled or aborted first: skip it. */
  public boolean start() {
    if (state.compareAndSet(NEW, STARTED)) {
      started = true;
      startNanos = System.nanoTime();
      return true;
    }
    return false;
  }

  /**
   * Runs every task of the chunk in the calling thread, stopping at the first failure. Used by the
   * thread and sequential pools, and by process workers' callers that fall back to local runs.
   *
   * <p>The tasks are built first; each run of consecutive tasks of one method whose invoker has a
   * batch loop then runs as one batch ({@link Columns}): its arguments copied into columns and the
   * method called by the generated loop, its results boxed into the chunk's results. Other tasks
   * run one by one. The first failure in input order ends the chunk either way; a {@code toTask}
   * that throws fails its element after the elements before it ran.
   */
  public void runHere() {
    if (!start()) {
      return;
    }
    Task<?>[] built = tasks;
    int buildable = inputs.length;
    Throwable buildFailure = null;
    if (built == null) {
      built = new Task<?>[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        try {
          built[i] = java.util.Objects.requireNonNull(toTask.apply(inputs[i]), "toTask returned null");
        } catch (RuntimeException | Error e) {
          buildable = i;
          buildFailure = e;
          break;
        }
      }
    }
    for (int from = 0; from < buildable; ) {
      int to = Columns.runEnd(built, from, buildable);
      if (!runBatch(built, from, to) || !runEach(built, from, to)) {
        return;
      }
      from = to;
    }
    if (buildFailure != null) {
      failBuilding(buildable, buildFailure);
      return;
    }
    succeed();
  }

  /**
   * Runs tasks {@code [from, to)}, which call one method, as one batch if that method has a batch
   * loop; true if they ran and succeeded, or did not run (then {@link #runEach} runs them), false
   * if one failed (the chunk is then done).
   */
  private boolean runBatch(Task<?>[] built, int from, int to) {
    TaskMethod<?> method = built[from].method();
    if (to - from < 2 || !Columns.batches(method)) {
      return true;
    }
    Object[] columns = Columns.of(built, from, to, Columns.parameterKinds(method));
    if (columns == null) {
      return true;
    }
    try {
      Object out = method.invoker().invokeBatch(method.key(), columns, to - from, null);
      Columns.box(out, to - from, results, from);
      ran = to;
      return true;
    } catch (BatchFailure failure) {
      Columns.box(failure.results(), failure.index(), results, from);
      int at = from + failure.index();
      fail(at, new TaskFailedException(built[at], asTaskThrows(built[at], failure.getCause())));
      return false;
    } catch (RuntimeException | Error e) {
      fail(from, new TaskFailedException(built[from], e));
      return false;
    }
  }

  /** The cause {@link Task#call()} would have thrown for {@code thrown}. */
  private static Throwable asTaskThrows(Task<?> task, Throwable thrown) {
    return thrown instanceof Exception || thrown instanceof Error ? thrown : new TaskFailedException(task, thrown);
  }

  /** Runs tasks {@code [from, to)} one by one, unless a batch ran them; false if one failed. */
  private boolean runEach(Task<?>[] built, int from, int to) {
    if (ran >= to) {
      return true;
    }
    for (int i = from; i < to; i++) {
      Task<?> task = built[i];
      try {
        results[i] = task.call();
      } catch (Throwable e) {
        fail(i, new TaskFailedException(task, e));
        return false;
      }
    }
    return true;
  }

  private void failBuilding(int index, Throwable e) {
    failBuilding(index, index, e);
  }

  /** Fails the chunk at {@code failedAt} because no task could be built for input {@code index}. */
  private void failBuilding(int index, int failedAt, Throwable e) {
    String input = Describe.value(inputs[index]);
    start();
    fail(
        failedAt,
        new TaskFailedException(
            "<building the task for input " + input + '>',
            new IllegalArgumentException(
                "the function passed to map could not build a task for input " + input, e)));
  }

  /** Stores the result of element {@code index}; for executors that complete elements one by one. */
  public void setResult(int index, Object value) {
    results[index] = value;
  }

  /** Completes the chunk: every element succeeded. */
  public void succeed() {
    if (state.compareAndSet(STARTED, DONE)) {
      completed = inputs.length;
      finish();
    }
  }

  /** Completes the chunk: elements before {@code index} succeeded, {@code index} failed. */
  public void fail(int index, ParallelException exception) {
    if (state.compareAndSet(STARTED, DONE)) {
      completed = index;
      failure = exception;
      finish();
    }
  }

  /** Cancels the chunk if it has not started. */
  public boolean cancel(String reason) {
    if (state.compareAndSet(NEW, DONE)) {
      completed = 0;
      failure = new TaskCancelledException(reason);
      finish();
      return true;
    }
    return false;
  }

  /**
   * Ends the chunk now whether or not it started (pool terminated, worker lost): every element not
   * yet completed fails with {@code exception}.
   */
  public boolean abort(ParallelException exception) {
    int current = state.get();
    while (current != DONE) {
      if (state.compareAndSet(current, DONE)) {
        completed = 0;
        failure = exception;
        finish();
        return true;
      }
      current = state.get();
    }
    return false;
  }

  private void finish() {
    elapsedNanos = started ? System.nanoTime() - startNanos : 0;
    done.complete(this);
  }

  /** Completes with this chunk when it is DONE. */
  public CompletableFuture<Chunk> done() {
    return done;
  }

  public boolean isDone() {
    return state.get() == DONE;
  }

  /** After DONE: whether a worker had claimed the chunk (false if it was cancelled first). */
  boolean wasStarted() {
    return started;
  }

  /** Waits for DONE. */
  void await() {
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while waiting for " + describe(), e);
    } catch (ExecutionException e) {
      throw new AssertionError("chunk futures never complete exceptionally", e);
    }
  }

  /** Waits for DONE at most {@code nanos}; false if the time ran out. */
  boolean await(long nanos) {
    try {
      done.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while waiting for " + describe(), e);
    } catch (ExecutionException e) {
      throw new AssertionError("chunk futures never complete exceptionally", e);
    }
  }

  /** After DONE: the number of leading elements that succeeded. */
  int completed() {
    return completed;
  }

  /** After DONE: the failure of element {@link #completed()}, or null. */
  ParallelException failure() {
    return failure;
  }

  /** After DONE: the result of element {@code index < completed()}. */
  Object result(int index) {
    return results[index];
  }

  /** After DONE: adds the results of elements {@code [from, to)} to {@code out}, in bulk. */
  @SuppressWarnings("unchecked")
  <R> void addResultsTo(int from, int to, java.util.Collection<? super R> out) {
    Object[] slice = from == 0 && to == results.length ? results : Arrays.copyOfRange(results, from, to);
    out.addAll((List<R>) Arrays.asList(slice));
  }

  /** After DONE: nanoseconds from start to completion (0 if it never started). */
  long elapsedNanos() {
    return elapsedNanos;
  }

  /** The input at {@code index}, for messages. */
  Object input(int index) {
    return inputs[index];
  }

  /** The first task, or a description of the inputs, for messages. */
  public String describe() {
    if (inputs.length == 1 && inputs[0] instanceof Task<?> task) {
      return task.toString();
    }
    return inputs.length + " tasks from input #" + offset;
  }
}
