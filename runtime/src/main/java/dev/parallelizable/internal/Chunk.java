package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.BatchFailure;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WaitInterruptedException;
import java.lang.reflect.Array;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A run of consecutive tasks sent to one worker as a unit: the unit of dispatch of every pool. An
 * {@code applyAsync} is a chunk of one; a {@code map} is a sequence of chunks.
 *
 * <p>A chunk holds the inputs and the function that turns each into a {@link Task}; the executor
 * builds the tasks where it runs them (a pool thread) or before sending them (a process pool, in
 * the caller), so no lambda ever crosses a process. A process pool copies the arguments of a chunk
 * of one method's tasks into columns as it builds them ({@link #taskColumns()}), keeping no task.
 *
 * <pre>
 * State machine (one CAS per transition; the first to reach DONE wins, later attempts are no-ops):
 *
 *   NEW --start()--> STARTED --succeed()/fail()--> DONE
 *    |                  |
 *    +--cancel()--------+--abort()--> DONE      (cancel() only from NEW; abort() from either)
 * </pre>
 *
 * <p>When the chunk is DONE, {@code result(0 .. completed - 1)} are the results in input order (kept
 * as a primitive column when a batch returned them so, boxed otherwise) and, if
 * {@code failure} is set, the element at {@code completed} failed with it; elements after it did not
 * run. Results are published to waiters by the completion of {@link #done()}.
 *
 * <p><b>Keeping going.</b> A chunk of a map that keeps going ({@link #keepsGoing()}, for {@code
 * mapOutcomes}) records the failure of one element ({@link #failElement}) and runs the elements
 * after it, one task at a time; {@link #succeed()} then means every element has an outcome. A
 * failure of the whole chunk ({@link #fail}, {@link #cancel}, {@link #abort}) is the outcome of
 * every element at or after {@code completed} that has no failure of its own. {@link #outcome(int)}
 * reads them. A task with a {@link dev.parallelizable.RetryPolicy} runs by itself, never in a batch.
 *
 * <p>A chunk submitted to a pool reports its transitions to the pool's {@link PoolCounters} (NEW
 * when submitted, STARTED, DONE with its outcome), DONE before {@link #done()} completes, so that
 * whoever sees the chunk done sees it counted.
 */
public final class Chunk {
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int DONE = 2;
  private static final Function<Object, Task<?>> IDENTITY = new Identity();

  private final Object[] inputs;
  private final Function<Object, ? extends Task<?>> toTask;
  /**
   * The boxed results, allocated when the first one is stored; null while the results are in
   * {@link #column} or there are none yet (and for a {@code void} method's batch: all null).
   */
  private Object[] results;
  /**
   * The results as one primitive column of {@code size()} elements, when a batch loop returned them
   * so (thread pools) or a worker sent them so (process pools); then {@link #results} is null.
   * A result stored one by one boxes the column first ({@link #boxedResults()}).
   */
  private Object column;
  private final long offset;
  private final TaskMethod<?> argumentsOf;
  private final boolean keepGoing;
  /** Failures of single elements of a chunk that keeps going; written before DONE, then read. */
  private ParallelException[] elementFailures;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final CompletableFuture<Chunk> done = new CompletableFuture<>();
  private int completed;
  private ParallelException failure;
  /** Whether a result or failure is stored undecoded, until {@link #decode()} decoded them all. */
  private volatile boolean undecoded;
  private volatile Task<?>[] tasks;
  private long startNanos;
  private boolean started;
  private long elapsedNanos;
  /**
   * What the workers of a remote pool reported spending on the chunk's tasks, summed over its
   * assignments, or 0 if none did; written before DONE by the thread that reports an assignment.
   */
  private long workNanos;
  /** The counts of the pool it was submitted to, or null; set before it is published. */
  private PoolCounters counters;
  private long submittedNanos;
  /** The pool thread running it, counted with it when it is done; null for other runners. */
  private volatile PoolCounters.Worker runner;
  /** The first task, once {@link #runStarted()} built it. */
  private Task<?> first;
  /** The task of input 0 if the map built it before making the chunk ({@link #firstBuilt}); else null. */
  private Task<?> builtFirst;
  /**
   * The method every element calls, once the elements are rows of {@link #rowColumns} ({@link
   * #argumentColumns()}, {@link #taskColumns()}) and no task is kept; else null. Written after
   * {@link #rowColumns}, which it publishes.
   */
  private volatile TaskMethod<?> rowMethod;
  /** The argument columns whose rows are the elements, one per parameter, while {@link #rowMethod} is set. */
  private Object[] rowColumns;
  /** Whether building a task failed the chunk: {@link #tasks()} returns null, building nothing again. */
  private boolean unbuildable;

  Chunk(Object[] inputs, Function<?, ? extends Task<?>> toTask, long offset) {
    this(inputs, toTask, offset, null, false);
  }

  Chunk(Object[] inputs, Function<?, ? extends Task<?>> toTask, long offset, TaskMethod<?> argumentsOf) {
    this(inputs, toTask, offset, argumentsOf, false);
  }

  /**
   * @param argumentsOf the method whose one argument each input is (a generated {@code ...Map}),
   *     or null: then {@link #runHere()} may fill the batch's column from the inputs, without
   *     building a task per input
   */
  @SuppressWarnings("unchecked")
  Chunk(Object[] inputs, Function<?, ? extends Task<?>> toTask, long offset, TaskMethod<?> argumentsOf,
      boolean keepGoing) {
    this.keepGoing = keepGoing;
    this.inputs = inputs;
    this.toTask = (Function<Object, ? extends Task<?>>) toTask;
    this.offset = offset;
    this.argumentsOf = argumentsOf;
  }

  /** A chunk of one task. */
  static Chunk of(Task<?> task) {
    return new Chunk(new Object[] {task}, IDENTITY, 0);
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
   * encode them). A failure of {@code toTask} ({@link #build}) fails the chunk, naming that element,
   * before any task ran, and returns null; in a chunk that keeps going it is that element's outcome,
   * and its task is null. For a chunk whose elements are rows of argument columns, they are bound
   * from the rows, and not kept.
   */
  public Task<?>[] tasks() {
    Task<?>[] built = tasks;
    if (built != null || unbuildable) {
      return built;
    }
    if (rowMethod != null) {
      built = new Task<?>[inputs.length]; // bound from the rows, and not kept
      for (int i = 0; i < built.length; i++) {
        built[i] = task(i);
      }
      return built;
    }
    built = buildFrom(new Task<?>[inputs.length], 0);
    tasks = built;
    return built;
  }

  /**
   * Builds the tasks of inputs {@code from} onwards into {@code built}, as {@link #tasks()} does;
   * null if one could not be built and that failed the chunk.
   */
  private Task<?>[] buildFrom(Task<?>[] built, int from) {
    for (int i = from; i < inputs.length; i++) {
      try {
        built[i] = build(i);
      } catch (UnbuiltTask e) {
        if (keepGoing) {
          failElement(i, e.failure); // its task stays null, and is never run
          continue;
        }
        // No task of the chunk ran: none has a result to deliver before the failure.
        unbuildable = true;
        failUnbuilt(0, e.failure);
        return null;
      }
    }
    return built;
  }

  /**
   * The argument columns of the whole chunk, filled from its tasks as the map's function builds
   * them, each task dropped once its arguments are copied: a process pool sends a chunk of one
   * method as its columns, so that a map of a million inputs holds no task per input. The function
   * is called here, once per input; a task is bound from its row ({@link #task(int)}) only when one
   * is needed after all (a failure to name, a retry policy to look up).
   *
   * <p>Null, and the chunk goes as tasks, if it keeps going, has one element, or a task does not
   * fit: its method has no batch loop, it calls another method than the first, it has a retry
   * policy (it runs by itself), or an argument does not fit its column (a null for a primitive
   * parameter). The chunk then keeps its tasks as {@link #tasks()} would have built them (those
   * before the one that did not fit bound from their rows, that one as it was built, the rest built
   * now), and {@link #tasks()} returns them without calling the function again. A function that
   * throws, or returns null, fails the chunk naming that input as {@link #tasks()} does, which then
   * returns null. Called by the one thread that dispatches the chunk, before it is dispatched.
   */
  public Object[] taskColumns() {
    if (keepGoing || tasks != null || rowMethod != null || unbuildable || inputs.length < 2) {
      return null;
    }
    Task<?> task;
    int row = 0;
    try {
      task = build(row);
    } catch (UnbuiltTask e) {
      unbuildable = true;
      failUnbuilt(0, e.failure);
      return null;
    }
    TaskMethod<?> method = task.method();
    Object[] columns = null;
    if (task.retryPolicy() == null && Columns.batches(method)) {
      byte[] kinds = Columns.parameterKinds(method);
      columns = new Object[kinds.length];
      for (int p = 0; p < kinds.length; p++) {
        columns[p] = Columns.newColumn(kinds[p], inputs.length);
      }
      while (Columns.put(columns, row, task)) {
        if (++row == inputs.length) {
          rowColumns = columns;
          rowMethod = method;
          return columns;
        }
        try {
          task = build(row);
        } catch (UnbuiltTask e) {
          unbuildable = true;
          failUnbuilt(0, e.failure);
          return null;
        }
        if (task.method() != method || task.retryPolicy() != null) {
          break;
        }
      }
    }
    Task<?>[] built = new Task<?>[inputs.length];
    for (int i = 0; i < row; i++) {
      built[i] = row(method, columns, i);
    }
    built[row] = task;
    tasks = buildFrom(built, row + 1);
    return null;
  }

  /**
   * Gives the chunk the task of its input 0, which the map built to learn the method it calls, so
   * that {@link #build} takes it instead of calling the map's function a second time for that input.
   * Called before the chunk is handed to anyone.
   */
  void firstBuilt(Task<?> task) {
    builtFirst = task;
  }

  /**
   * Counts the chunk as submitted to a pool with {@code counters}, which then hear of its start and
   * its end. Called once, before the chunk is handed to anyone.
   */
  void observe(PoolCounters counters) {
    this.counters = counters;
    this.submittedNanos = System.nanoTime();
    counters.submitted(inputs.length);
  }

  /** Claims the chunk for running. False if it was cancelled or aborted first: skip it. */
  public boolean start() {
    if (state.compareAndSet(NEW, STARTED)) {
      started = true;
      startNanos = System.nanoTime();
      if (counters != null) {
        counters.started(inputs.length);
      }
      return true;
    }
    return false;
  }

  /** After start: nanoseconds from its submission to its start (0 if never submitted to a pool). */
  public long queueWaitNanos() {
    return submittedNanos == 0 ? 0 : startNanos - submittedNanos;
  }

  /**
   * Runs every task of the chunk in the calling thread, stopping at the first failure. Used by the
   * thread and sequential pools.
   *
   * <p>Each run of consecutive tasks of one method whose invoker has a batch loop runs as one
   * batch ({@link Columns}): the tasks are built one by one and their arguments copied into the
   * columns at once, so each task is garbage as soon as it is read; the generated loop then calls
   * the method row after row and its result column is boxed into the chunk's results. A chunk
   * made for a method of one argument ({@code argumentsOf}) fills its column from the inputs
   * without building tasks. A task alone, or one whose arguments do not fit the columns, runs by
   * itself. The first failure in input order ends the chunk either way; a {@code toTask} that
   * throws fails its element after the elements before it ran.
   */
  public void runHere() {
    if (start()) {
      runStarted();
    }
  }

  /**
   * As {@link #runHere()}, for a chunk this thread has {@link #start() started}, as {@code worker}
   * (null: no worker's row) whose tasks and busy time are counted when the chunk is done.
   */
  void runStarted(PoolCounters.Worker worker) {
    runStarted(worker, Chunk::runStarted);
  }

  /**
   * As {@link #runStarted(PoolCounters.Worker)}, with {@code run} running the tasks and completing
   * the chunk instead of this class's loop (a pool that runs them through its codec).
   */
  void runStarted(PoolCounters.Worker worker, Consumer<Chunk> run) {
    if (worker != null && counters != null) {
      runner = worker;
      counters.busy(worker);
    }
    run.accept(this);
  }

  private void runStarted() {
    if (keepGoing) {
      runEachKeepingGoing();
      return;
    }
    if (tasks == null && runInputsAsBatch()) {
      return;
    }
    Task<?> next = null;
    for (int i = 0; i < inputs.length; ) {
      Task<?> task = next != null ? next : taskAt(i);
      next = null;
      if (task == null) {
        return; // building it failed the chunk
      }
      if (i == 0) {
        first = task;
      }
      BatchRun run = batchRun(i, task);
      if (run != null) {
        next = run.next;
        if (run.end > i + 1 || run.unbuilt != null) {
          if (!runColumns(task.method(), run.columns, i, run.end)) {
            return;
          }
          if (run.unbuilt != null) {
            failUnbuilt(run.end, run.unbuilt);
            return;
          }
          i = run.end;
          continue;
        }
      }
      try {
        Object result = call(task);
        if (result != null || results != null || column != null) {
          boxedResults()[i] = result;
        }
      } catch (Throwable e) {
        fail(i, failureOf(task, e));
        return;
      }
      i++;
    }
    succeed();
  }

  /**
   * The run of consecutive tasks from input {@code from}, whose task is {@code task}, that can run
   * as one batch: calls of its method, which has a batch loop, without a retry policy, whose
   * arguments fit the method's columns; null if {@code task} cannot start one. The tasks after it
   * are built (or taken) one by one, until one does not fit, which is the run's {@link BatchRun#next},
   * or one cannot be built, whose failure is the run's {@link BatchRun#unbuilt}.
   */
  private BatchRun batchRun(int from, Task<?> task) {
    TaskMethod<?> method = task.method();
    if (from + 1 >= inputs.length || task.retryPolicy() != null || !Columns.batches(method)) {
      return null;
    }
    byte[] kinds = Columns.parameterKinds(method);
    Object[] columns = new Object[kinds.length];
    for (int p = 0; p < kinds.length; p++) {
      columns[p] = Columns.newColumn(kinds[p], inputs.length - from);
    }
    if (!Columns.put(columns, 0, task)) {
      return null;
    }
    int end = from + 1;
    while (end < inputs.length) {
      Task<?> following;
      try {
        following = tasks != null ? tasks[end] : build(end);
      } catch (UnbuiltTask e) {
        return new BatchRun(columns, end, null, e.failure);
      }
      if (following.method() != method || following.retryPolicy() != null
          || !Columns.put(columns, end - from, following)) {
        return new BatchRun(columns, end, following, null);
      }
      end++;
    }
    return new BatchRun(columns, end, null, null);
  }

  /**
   * A run of tasks from some input to {@code end} as argument {@code columns}, row 0 being its
   * first; {@code next}, the built task of input {@code end} that did not fit, or {@code unbuilt},
   * why input {@code end} has no task.
   */
  private record BatchRun(Object[] columns, int end, Task<?> next, TaskFailedException unbuilt) {}

  /**
   * The task of input {@code index}: built earlier, bound from its input ({@link #task(int)}), or
   * built now; null if building it failed the chunk.
   */
  private Task<?> taskAt(int index) {
    if (tasks != null || rowMethod != null) {
      return task(index);
    }
    try {
      return build(index);
    } catch (UnbuiltTask e) {
      failUnbuilt(index, e.failure);
      return null;
    }
  }

  /**
   * Builds the task of input {@code index}: the one place a chunk calls the map's function. Whatever
   * it throws (a checked exception it does not declare, as Kotlin code may, included) or a null it
   * returns becomes that input's failure, naming it, and never escapes into the thread that runs
   * the chunk, which would then die without completing it. The task of input 0 that the map built
   * already ({@link #firstBuilt}) is taken as it is.
   */
  private Task<?> build(int index) throws UnbuiltTask {
    Task<?> task = index == 0 ? builtFirst : null;
    if (task != null) {
      return task;
    }
    try {
      task = toTask.apply(inputs[index]);
    } catch (Throwable e) {
      throw new UnbuiltTask(unbuilt(index, e));
    }
    if (task == null) {
      throw new UnbuiltTask(unbuilt(index, new NullPointerException("toTask returned null")));
    }
    return task;
  }

  /** Why input {@code index} has no task: its function threw {@code e}. */
  private TaskFailedException unbuilt(int index, Throwable e) {
    return unbuilt(inputs[index], e);
  }

  /**
   * The failure of an input for which the function passed to a map threw {@code e} (or returned
   * null: {@code e} is then a {@code NullPointerException}), in the words of every pool and view.
   */
  public static TaskFailedException unbuilt(Object value, Throwable e) {
    String input = Describe.value(value);
    return new TaskFailedException(
        "<building the task for input " + input + '>',
        new IllegalArgumentException(
            "the function passed to map could not build a task for input " + input, e));
  }

  /** The failure of an input whose task {@link #build} could not build; checked, so none is missed. */
  private static final class UnbuiltTask extends Exception {
    private static final long serialVersionUID = 1L;

    final TaskFailedException failure;

    UnbuiltTask(TaskFailedException failure) {
      super(failure.getMessage(), null, false, false); // a carrier: no stack trace of its own
      this.failure = failure;
    }
  }

  /**
   * Runs the rows of {@code columns} as the batch of inputs {@code [from, to)}; true if every row
   * succeeded, false if one failed (the chunk is then done).
   */
  private boolean runColumns(TaskMethod<?> method, Object[] columns, int from, int to) {
    Ran ran = runBatch(method, columns, from, to);
    if (ran.failure() == null) {
      return true;
    }
    failRow(method, columns, from, ran.rows(), ran.failure());
    return false;
  }

  /**
   * Runs the rows of {@code columns} through the batch loop as inputs {@code [from, to)}, storing
   * the results of the rows that returned: how many did, and the failure of the row after them, or
   * null if every row returned.
   */
  private Ran runBatch(TaskMethod<?> method, Object[] columns, int from, int to) {
    try {
      storeColumn(method.invoker().invokeBatch(method.key(), columns, to - from, null), from, to - from);
      return new Ran(to - from, null);
    } catch (BatchFailure failure) {
      storeColumn(failure.results(), from, failure.index());
      return new Ran(failure.index(), failure.getCause());
    } catch (RuntimeException | Error e) {
      return new Ran(0, e);
    }
  }

  /** What {@link #runBatch} came to: the rows that returned, and the failure of the next. */
  private record Ran(int rows, Throwable failure) {}

  /**
   * Runs the chunk as one batch whose column is the inputs themselves, if it was made for a method
   * of one argument with a batch loop and every input fits its column; true if the chunk is then
   * done, false if the inputs must go through {@code toTask} after all (nothing ran).
   */
  private boolean runInputsAsBatch() {
    Object[] columns = argumentColumns();
    if (columns == null) {
      return false;
    }
    if (runColumns(argumentsOf, columns, 0, inputs.length)) {
      succeed();
    }
    return true;
  }

  /**
   * The argument columns of the whole chunk taken from the inputs themselves, with no task built,
   * if it was made for a method of one argument ({@code argumentsOf}) with a batch loop, and every
   * input fits the column (a null for a primitive parameter does not); else null, and the chunk goes
   * through {@code toTask} as any other. A chunk of one input is a batch of one row: a map's small
   * or slow chunks call the map's function no more than its large ones. Once they were taken,
   * {@link #task(int)} binds each input to that method when a task is needed after all (a failure
   * to name), so that no task is ever built for a batch that succeeds. Called by the one thread
   * that runs or dispatches the chunk.
   */
  public Object[] argumentColumns() {
    TaskMethod<?> method = argumentsOf;
    if (method == null || keepGoing || tasks != null || unbuildable || inputs.length == 0
        || method.parameterTypes().size() != 1 || !Columns.batches(method)) {
      return null;
    }
    Object column = Columns.ofValues(inputs, Columns.parameterKinds(method)[0]);
    if (column == null) {
      return null;
    }
    Object[] columns = {column};
    rowColumns = columns;
    rowMethod = method;
    return columns;
  }

  /**
   * The task of element {@code index}: the one built already, or, for a chunk whose elements are
   * the rows of argument columns ({@link #argumentColumns()}, {@link #taskColumns()}), its row's
   * arguments bound to the chunk's method, as the generated factory of that method binds them: a
   * task equal to the one the map's function built. Neither calls the map's function, so it may be
   * called under a lock.
   *
   * @throws IllegalStateException if neither holds (the tasks must be built first, by {@link #tasks()})
   */
  public Task<?> task(int index) {
    Task<?>[] built = tasks;
    if (built != null) {
      return built[index];
    }
    TaskMethod<?> method = rowMethod;
    if (method == null) {
      throw new IllegalStateException("the tasks of " + describe() + " were not built");
    }
    return row(method, rowColumns, index);
  }

  /** Row {@code row} of argument {@code columns} bound to {@code method}: the task it stands for. */
  private static Task<?> row(TaskMethod<?> method, Object[] columns, int row) {
    Object[] arguments = new Object[columns.length];
    for (int p = 0; p < columns.length; p++) {
      arguments[p] = Columns.get(columns[p], row);
    }
    return method.bind(arguments);
  }

  /**
   * Stores {@code count} results of a result column (a batch loop's, or a piece a worker sent) as
   * those of elements {@code [from, from + count)}: kept as the chunk's column while every result
   * came in one primitive column of one kind, else boxed into {@link #results}. A {@code void}
   * method's missing column (null) stores nothing: its results are null. Called by the one thread
   * that runs or reports the chunk, before it is DONE.
   */
  public void storeColumn(Object results, int from, int count) {
    if (results == null || count == 0) {
      return;
    }
    if (results instanceof Object[] values) {
      if (from == 0 && count == inputs.length && values.length == count && this.results == null
          && column == null) {
        this.results = values; // a batch loop's own array: no one else holds it
      } else {
        System.arraycopy(values, 0, boxedResults(), from, count);
      }
      return;
    }
    storePrimitive(results, from, count);
  }

  private synchronized void storePrimitive(Object values, int from, int count) {
    if (this.results == null) {
      if (column == null) {
        if (from == 0 && count == inputs.length && Array.getLength(values) == count) {
          column = values; // a column of the whole chunk, which no one else holds
          return;
        }
        column = Columns.newColumn(Columns.kindOf(values), inputs.length);
      }
      if (column.getClass() == values.getClass()) {
        System.arraycopy(values, 0, column, from, count);
        return;
      }
    }
    Columns.box(values, count, boxedResults(), from);
  }

  /** The boxed results, allocated, or boxed from {@link #column}, on first use. */
  private synchronized Object[] boxedResults() {
    Object[] boxed = results;
    if (boxed == null) {
      boxed = new Object[inputs.length];
      if (column != null) {
        Columns.box(column, inputs.length, boxed, 0);
        column = null;
      }
      results = boxed;
    }
    return boxed;
  }

  /**
   * Fails row {@code row} of a batch of inputs from {@code from}, naming its task as the per-task
   * path does: bound from its row of {@code columns}, so that the map's function is not called a
   * second time for that input.
   */
  private void failRow(TaskMethod<?> method, Object[] columns, int from, int row, Throwable thrown) {
    Task<?> task = row(method, columns, row);
    fail(from + row, new TaskFailedException(task, asTaskThrows(task, thrown)));
  }

  /** The cause {@link Task#call()} would have thrown for {@code thrown}. */
  private static Throwable asTaskThrows(Task<?> task, Throwable thrown) {
    return thrown instanceof Exception || thrown instanceof Error ? thrown : new TaskFailedException(task, thrown);
  }

  /** Runs {@code task} once, or under its retry policy. */
  private Object call(Task<?> task) throws Exception {
    return task.retryPolicy() == null ? task.call() : Retries.call(task, task.retryPolicy(), this::isDone);
  }

  /** The failure of a task that threw {@code e} from {@link #call}: the retries' own, or a new one. */
  private static ParallelException failureOf(Task<?> task, Throwable e) {
    return e instanceof ParallelException p && task.retryPolicy() != null ? p : new TaskFailedException(task, e);
  }

  /**
   * {@link #runHere()} of a chunk that keeps going, recording each failure: a run of calls of one
   * method with a batch loop runs as one batch until a row fails, and the rows after that one by
   * one; any other task by itself.
   */
  private void runEachKeepingGoing() {
    Task<?> next = null;
    for (int i = 0; i < inputs.length; ) {
      if (isDone()) {
        return; // aborted: the pool was terminated
      }
      Task<?> task = next;
      next = null;
      if (task == null) {
        try {
          task = tasks != null ? tasks[i] : build(i);
        } catch (UnbuiltTask e) {
          failElement(i, e.failure);
          i++;
          continue;
        }
      }
      BatchRun run = batchRun(i, task);
      if (run != null) {
        next = run.next;
        if (run.end > i + 1 || run.unbuilt != null) {
          TaskMethod<?> method = task.method();
          for (int row = runColumnsKeepingGoing(method, run.columns, i, run.end); row < run.end; row++) {
            if (isDone()) {
              return;
            }
            callKeepingGoing(row, row(method, run.columns, row - i));
          }
          if (run.unbuilt != null) {
            failElement(run.end, run.unbuilt);
            i = run.end + 1;
          } else {
            i = run.end;
          }
          continue;
        }
      }
      callKeepingGoing(i, task);
      i++;
    }
    succeed();
  }

  /**
   * Runs the rows of {@code columns} as the batch of inputs {@code [from, to)} of a chunk that
   * keeps going, up to the first row that fails, whose failure it records; returns the input after
   * the last row that ran.
   */
  private int runColumnsKeepingGoing(TaskMethod<?> method, Object[] columns, int from, int to) {
    Ran ran = runBatch(method, columns, from, to);
    if (ran.failure() == null) {
      return to;
    }
    Task<?> task = row(method, columns, ran.rows());
    failElement(from + ran.rows(), new TaskFailedException(task, asTaskThrows(task, ran.failure())));
    return from + ran.rows() + 1;
  }

  /** Runs the task of element {@code index} of a chunk that keeps going, recording its outcome. */
  private void callKeepingGoing(int index, Task<?> task) {
    try {
      setResult(index, call(task));
    } catch (Throwable e) {
      failElement(index, failureOf(task, e));
    }
  }

  /** Fails the chunk at {@code failedAt} with {@code failure}: an input's task could not be built. */
  private void failUnbuilt(int failedAt, TaskFailedException failure) {
    start();
    fail(failedAt, failure);
  }

  /** Whether this chunk belongs to a map that keeps going past failures (see the class comment). */
  public boolean keepsGoing() {
    return keepGoing;
  }

  /**
   * Records the failure of element {@code index} of a chunk that keeps going; the elements after it
   * still run. Called before the chunk is DONE, by the one thread that runs or reports it.
   *
   * @throws IllegalStateException if the chunk does not keep going
   */
  public void failElement(int index, ParallelException exception) {
    if (!keepGoing) {
      throw new IllegalStateException("only a chunk of a map that keeps going records failures per element");
    }
    if (isDone()) {
      return; // aborted: the abort's failure is the outcome of every element without one
    }
    if (elementFailures == null) {
      elementFailures = new ParallelException[inputs.length];
    }
    elementFailures[index] = exception;
    if (exception instanceof UndecodedFailure) {
      undecoded = true;
    }
  }

  /** After DONE: how many elements before {@link #completed()} failed on their own (keeping going). */
  int elementFailures() {
    int count = 0;
    if (elementFailures != null) {
      for (int i = 0; i < completed; i++) {
        count += elementFailures[i] != null ? 1 : 0;
      }
    }
    return count;
  }

  /** After DONE, in a chunk that keeps going: the outcome of element {@code index}. */
  dev.parallelizable.Outcome<Object> outcome(int index) {
    long position = offset + index;
    ParallelException failed = failureOfElement(index);
    return failed != null
        ? dev.parallelizable.Outcome.failure(position, failed)
        : dev.parallelizable.Outcome.success(position, result(index));
  }

  /**
   * After DONE, in a chunk that keeps going: the failure that is the outcome of element {@code
   * index}, its own or the chunk's, or null if it succeeded.
   */
  private ParallelException failureOfElement(int index) {
    if (elementFailures != null && elementFailures[index] != null) {
      return elementFailures[index];
    }
    return index >= completed ? failure : null;
  }

  /**
   * Stores the result of element {@code index}; for executors that complete elements one by one.
   * An {@link Undecoded} value is decoded when the chunk is read ({@link #decode()}).
   */
  public void setResult(int index, Object value) {
    Object[] boxed = results;
    (boxed != null ? boxed : boxedResults())[index] = value;
    if (value instanceof Undecoded) {
      undecoded = true;
    }
  }

  /**
   * After DONE: decodes the results stored {@link Undecoded}, and builds the failures stored
   * {@link UndecodedFailure undecoded}, in the calling thread, which is the one that reads them: the
   * caller of {@code get()}, the map's iterator, the callback thread. A
   * result that cannot be decoded is that element's failure, as if its task had failed there: the
   * chunk ends at it, or, in a chunk that keeps going, it is that element's outcome. Every reader of
   * a done chunk's results, {@link #completed()} and {@link #failure()} calls it first; the counts of
   * the pool and its progress listeners, taken when the chunk completed, count such an element as
   * completed (its task did). Thread-safe; the first caller decodes, the others wait for it.
   */
  void decode() {
    if (!undecoded) {
      return;
    }
    synchronized (this) {
      if (!undecoded) {
        return;
      }
      Object[] boxed = results;
      for (int i = 0; boxed != null && i < completed; i++) {
        if (boxed[i] instanceof Undecoded value) {
          if (elementFailures != null && elementFailures[i] != null) {
            continue; // its outcome is its failure; the value is never read
          }
          try {
            boxed[i] = value.decode();
          } catch (ParallelException e) {
            boxed[i] = null;
            if (!keepGoing) {
              completed = i;
              failure = e;
              break;
            }
            if (elementFailures == null) {
              elementFailures = new ParallelException[inputs.length];
            }
            elementFailures[i] = e;
          }
        }
      }
      failure = UndecodedFailure.decoded(failure);
      for (int i = 0; elementFailures != null && i < elementFailures.length; i++) {
        if (elementFailures[i] != null) {
          elementFailures[i] = UndecodedFailure.decoded(elementFailures[i]);
        }
      }
      undecoded = false;
    }
  }

  /** Completes the chunk: every element succeeded. */
  public void succeed() {
    if (state.compareAndSet(STARTED, DONE)) {
      completed = inputs.length;
      finish(true);
    }
  }

  /** Completes the chunk: elements before {@code index} succeeded, {@code index} failed. */
  public void fail(int index, ParallelException exception) {
    if (state.compareAndSet(STARTED, DONE)) {
      completed = index;
      failure = exception;
      if (exception instanceof UndecodedFailure) {
        undecoded = true; // written before the completion, which publishes it
      }
      finish(true);
    }
  }

  /** Cancels the chunk if it has not started. */
  public boolean cancel(String reason) {
    if (state.compareAndSet(NEW, DONE)) {
      completed = 0;
      failure = new TaskCancelledException(reason);
      finish(false);
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
        finish(current == STARTED);
        return true;
      }
      current = state.get();
    }
    return false;
  }

  private void finish(boolean fromStarted) {
    elapsedNanos = started ? System.nanoTime() - startNanos : 0;
    if (counters != null) {
      // before the completion, so that whoever sees the chunk done sees it counted
      countOutcomes(fromStarted);
    }
    done.complete(this);
  }

  /**
   * Tells the pool's counters how the tasks ended. A chunk that keeps going counts each task as its
   * {@link #outcome} says (succeeded; failed; cancelled if its failure is a cancellation), so that
   * stats agree with what the map yields. Another counts the tasks before {@code completed} as
   * succeeded, the one at it as failed unless the chunk was cancelled, and the rest, which never
   * ran to an outcome of their own, as cancelled.
   */
  private void countOutcomes(boolean fromStarted) {
    int succeeded = 0;
    int failed = 0;
    if (keepGoing) {
      for (int i = 0; i < inputs.length; i++) {
        ParallelException outcome = failureOfElement(i);
        if (outcome == null) {
          succeeded++;
        } else if (!(outcome instanceof TaskCancelledException)) {
          failed++;
        }
      }
    } else {
      succeeded = completed;
      failed = failure == null || failure instanceof TaskCancelledException ? 0 : 1;
    }
    counters.finished(inputs.length, fromStarted, succeeded, failed, runner, elapsedNanos);
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
  public int completed() {
    return completed;
  }

  /** After DONE: the failure of element {@link #completed()}, or null. */
  public ParallelException failure() {
    return failure;
  }

  /** After DONE: the result of element {@code index < completed()}. */
  Object result(int index) {
    Object[] boxed = results;
    if (boxed != null) {
      return boxed[index];
    }
    Object values = column;
    return values == null ? null : Columns.get(values, index);
  }

  /**
   * After DONE: the results as they are stored, for {@link ResultList}: a primitive column, an
   * {@code Object[]}, or null if every result is null; element {@code i} is the result of element
   * {@code i}, up to {@link #completed()}.
   */
  Object resultValues() {
    Object[] boxed = results;
    return boxed != null ? boxed : column;
  }

  /** After DONE: nanoseconds from start to completion (0 if it never started). */
  long elapsedNanos() {
    return elapsedNanos;
  }

  /**
   * Adds what a worker reported spending on some of the chunk's tasks, without their way to it and
   * back ({@link dev.parallelizable.spi.Assignment#ranFor}). Called before DONE by the one thread
   * that reports that assignment; the assignments of a chunk never run at the same time.
   */
  public void addWorkNanos(long nanos) {
    workNanos += nanos;
  }

  /**
   * After DONE: what the chunk's tasks cost, for the sizes of later chunks: the time its workers
   * reported, or, where none did (pools in this JVM; a worker lost with it), the time from its start
   * to its completion.
   */
  long costNanos() {
    return workNanos > 0 ? workNanos : elapsedNanos;
  }

  /**
   * The method of the first task if it is known without calling the map's function (see {@link
   * #firstTask()}, the elements are rows of one method's argument columns, or the chunk was made
   * for one method's arguments); else null.
   */
  public TaskMethod<?> firstMethod() {
    Task<?> task = firstTask();
    if (task != null) {
      return task.method();
    }
    TaskMethod<?> rows = rowMethod;
    return rows != null ? rows : argumentsOf;
  }

  /**
   * The first task if it is known without calling the map's function: built already, or the input
   * itself (an {@code applyAsync}); else null.
   */
  public Task<?> firstTask() {
    Task<?>[] built = tasks;
    if (built != null) {
      return built[0];
    }
    if (first != null) {
      return first;
    }
    return toTask == IDENTITY && inputs.length > 0 && inputs[0] instanceof Task<?> task ? task : null;
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

  /**
   * The inputs of a chunk of tasks are the tasks. A class, not a lambda: a lambda's first use costs
   * a fresh JVM milliseconds, on the path of a command-line tool's first pool.
   */
  private static final class Identity implements Function<Object, Task<?>> {
    @Override
    public Task<?> apply(Object input) {
      return (Task<?>) input;
    }
  }

}
