package dev.parallelizable.internal.remote;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Outcome;
import dev.parallelizable.Pool;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A map whose function builds a task per input, on an adapter that takes batches of argument
 * columns (as the process pool does): a chunk of one method's tasks goes as its columns, the
 * function called once per input and no task kept; any other chunk goes as its tasks, as before,
 * still with one call of the function per input. The fake workers answer by hand from what was
 * encoded.
 */
@Timeout(value = 30, unit = SECONDS)
class TaskColumnsTest {
  private static final long BOUND_SECONDS = 10;

  /** Methods with an invoker that has a batch loop, and one whose invoker has none. */
  public static final class Tasks implements TaskInvoker {
    static final Tasks INVOKER = new Tasks();
    static final String CLASS = Tasks.class.getName();
    static final TaskMethod<Long> CUBE = TaskMethod.of(INVOKER, "cube(int)", CLASS, "cube", "int x");
    static final TaskMethod<String> LABEL =
        TaskMethod.of(INVOKER, "label(int,java.lang.String)", CLASS, "label", "int x", "java.lang.String name");
    static final TaskMethod<Long> SQUARE = TaskMethod.of(
        (key, arguments) -> {
          throw new AssertionError("not run here");
        },
        "square(int)", CLASS, "square", "int x");

    static Task<Long> cube(Integer x) {
      return CUBE.bind(x);
    }

    static Task<String> label(int x, String name) {
      return LABEL.bind(x, name);
    }

    static Task<Long> square(int x) {
      return SQUARE.bind(x);
    }

    @Override
    public Object invoke(String key, Object[] arguments) {
      throw new AssertionError("not run here");
    }

    @Override
    public boolean batches() {
      return true;
    }
  }

  /** A chunk encoded as a batch: what {@link RemoteWorkers#encodeColumns} was given. */
  record Batch(TaskMethod<?> method, Object[] columns, int count) {}

  /** Workers are names; what the engine sends is recorded, and the test answers it. */
  static final class BatchWorkers implements RemoteWorkers<String, Object> {
    final BlockingQueue<Assignment<?>> sent = new LinkedBlockingQueue<>();
    final List<Object> encoded = new CopyOnWriteArrayList<>();
    volatile RemoteDispatcher<String> engine;

    @Override
    public void attach(RemoteDispatcher<String> dispatcher) {
      engine = dispatcher;
    }

    @Override
    public Object encode(Task<?>[] tasks) {
      encoded.add(tasks);
      return tasks;
    }

    @Override
    public boolean encodesColumns() {
      return true;
    }

    @Override
    public Object encodeColumns(TaskMethod<?> method, Object[] columns, int count) {
      Batch batch = new Batch(method, columns, count);
      encoded.add(batch);
      return batch;
    }

    @Override
    public void send(String worker, Assignment<Object> assignment) {
      sent.add(assignment);
    }

    @Override
    public void stop(String worker, boolean now) {
      engine.gone(worker, null);
    }

    @Override
    public void abandon(String worker, Assignment<Object> assignment) {
      engine.returned(assignment);
    }

    @Override
    public String abandoned(String worker) {
      return "it was interrupted on " + worker;
    }

    @Override
    public WorkerLostException lost(String worker, Task<?> task, String position, String why) {
      return new WorkerLostException(task.toString(), worker, "Worker " + worker + " was lost running " + task + why, null);
    }

    Assignment<?> next() throws InterruptedException {
      Assignment<?> next = sent.poll(BOUND_SECONDS, SECONDS);
      if (next == null) {
        throw new AssertionError("nothing was sent within " + BOUND_SECONDS + " s");
      }
      return next;
    }

    /**
     * Answers an assignment as a worker would, reading the arguments from what was encoded: the
     * first argument's cube, or {@code "<name><x>"} for a label; a negative first argument fails,
     * named by the assignment's task as the process pool names it.
     */
    void answer(Assignment<?> assignment) {
      for (int i = assignment.from(); i < assignment.to(); i++) {
        Object x;
        Object name = null;
        if (assignment.encoded() instanceof Batch batch) {
          x = ((int[]) batch.columns()[0])[i];
          name = batch.columns().length > 1 ? ((Object[]) batch.columns()[1])[i] : null;
        } else {
          Task<?> task = ((Task<?>[]) assignment.encoded())[i];
          x = task.argument(0);
          name = task.argumentCount() > 1 ? task.argument(1) : null;
        }
        if (x == null || (Integer) x < 0) {
          Task<?> task = assignment.task(i);
          assignment.fail(i, new TaskFailedException(task, new IllegalArgumentException("input " + x + " is negative")));
          break;
        }
        int value = (Integer) x;
        assignment.result(i, name != null ? name.toString() + value : (Object) ((long) value * value * value));
      }
      engine.answered(assignment);
    }
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  private final BatchWorkers workers = new BatchWorkers();
  private final RemoteDispatcher<String> engine =
      RemoteDispatcher.create(RemoteSettings.builder("columns pool", 1).build(), workers);
  private final Pool pool = engine.pool();

  /** Runs {@code pool.map(toTask, inputs, chunk)} while answering each assignment; its result. */
  private <T, R> CompletableFuture<List<R>> map(Function<T, Task<R>> toTask, List<T> inputs, int chunk) {
    engine.ready("a", 1);
    return CompletableFuture.supplyAsync(() -> pool.map(toTask, inputs, chunk));
  }

  /** Answers what is sent until the map is done. */
  private <R> List<R> answerUntilDone(CompletableFuture<List<R>> result) throws Exception {
    while (!result.isDone()) {
      Assignment<?> next = workers.sent.poll(100, MILLISECONDS);
      if (next != null) {
        workers.answer(next);
      }
    }
    return result.get(BOUND_SECONDS, SECONDS);
  }

  @Test
  void aChunkOfOneMethodsTasksGoesAsItsColumnsCallingTheFunctionOncePerInputAndKeepingNoTask() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Task<?>> built = new CopyOnWriteArrayList<>();
    Function<Integer, Task<Long>> cube = x -> {
      calls.incrementAndGet();
      Task<Long> task = Tasks.cube(x);
      built.add(task);
      return task;
    };
    CompletableFuture<List<Long>> result = map(cube, range(1, 100), 100);
    Assignment<?> assignment = workers.next();
    Batch batch = assertInstanceOf(Batch.class, assignment.encoded(), "sent as its columns");
    assertSame(Tasks.CUBE, batch.method());
    assertEquals(100, batch.count());
    assertArrayEquals(range(1, 100).stream().mapToInt(Integer::intValue).toArray(), (int[]) batch.columns()[0]);
    assertEquals(100, calls.get(), "the function is called once per input");
    for (int i = 0; i < 100; i++) {
      Task<?> task = assignment.task(i);
      assertNotSame(built.get(i), task, "task " + i + " is bound from its row, not kept");
      assertSame(Tasks.CUBE, task.method());
      assertEquals(built.get(i).arguments(), task.arguments());
      assertNull(task.retryPolicy());
    }
    workers.answer(assignment);
    assertEquals(range(1, 100).stream().map(x -> (long) x * x * x).collect(Collectors.toList()),
        result.get(BOUND_SECONDS, SECONDS));
    assertEquals(100, calls.get());
    pool.terminate();
  }

  @Test
  void aMethodOfSeveralParametersGoesAsOneColumnPerParameter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<List<String>> result = map(x -> {
      calls.incrementAndGet();
      return Tasks.label(x, "n");
    }, range(1, 10), 10);
    Assignment<?> assignment = workers.next();
    Batch batch = assertInstanceOf(Batch.class, assignment.encoded());
    assertEquals(2, batch.columns().length);
    assertEquals("Tasks.label(3, \"n\")", assignment.task(2).toString());
    workers.answer(assignment);
    assertEquals(range(1, 10).stream().map(x -> "n" + x).collect(Collectors.toList()), result.get(BOUND_SECONDS, SECONDS));
    assertEquals(10, calls.get());
    pool.terminate();
  }

  @Test
  void theFailureOfARowNamesTheArgumentsOfThatRow() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> inputs = range(0, 50);
    inputs.set(37, -7);
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      return Tasks.cube(x);
    }, inputs, 50);
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> answerUntilDone(result));
    assertInstanceOf(Batch.class, workers.encoded.get(0), "sent as its columns");
    TaskFailedException failure = assertInstanceOf(TaskFailedException.class, thrown.getCause());
    assertEquals("Tasks.cube(-7)", failure.task());
    assertEquals("input -7 is negative", failure.getCause().getMessage());
    assertEquals(51, calls.get(), "the function is called once per input");
    pool.terminate();
  }

  @Test
  void mixedMethodsGoAsTasksKeepingTheOneThatDidNotFitAndCallingTheFunctionOncePerInput() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Task<?>> built = new CopyOnWriteArrayList<>();
    CompletableFuture<List<Object>> result = map(x -> {
      calls.incrementAndGet();
      Task<?> task = x == 40 ? Tasks.label(x, "m") : Tasks.cube(x);
      built.add(task);
      @SuppressWarnings("unchecked")
      Task<Object> any = (Task<Object>) task;
      return any;
    }, range(1, 60), 60);
    Assignment<?> assignment = workers.next();
    Task<?>[] tasks = assertInstanceOf(Task[].class, assignment.encoded(), "a chunk of two methods goes as tasks");
    assertEquals(60, tasks.length);
    assertEquals(60, calls.get(), "the function is called once per input");
    for (int i = 0; i < 60; i++) {
      assertEquals(built.get(i).toString(), tasks[i].toString());
      if (i < 39) {
        assertNotSame(built.get(i), tasks[i], "task " + i + " is bound from its row");
      } else {
        assertSame(built.get(i), tasks[i], "task " + i + " is the one built");
      }
    }
    workers.answer(assignment);
    List<Object> got = result.get(BOUND_SECONDS, SECONDS);
    assertEquals("m40", got.get(39));
    assertEquals(27L, got.get(2));
    assertEquals(216_000L, got.get(59));
    assertEquals(60, calls.get());
    pool.terminate();
  }

  @Test
  void aTaskWithARetryPolicyMakesTheChunkGoAsTasks() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(2).build();
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      return x == 5 ? Tasks.cube(x).withRetry(policy) : Tasks.cube(x);
    }, range(1, 10), 10);
    assertEquals(range(1, 10).stream().map(x -> (long) x * x * x).collect(Collectors.toList()),
        answerUntilDone(result));
    Task<?>[] tasks = assertInstanceOf(Task[].class, workers.encoded.get(0));
    assertSame(policy, tasks[4].retryPolicy(), "the task with the policy is kept as it was built");
    assertNull(tasks[3].retryPolicy());
    assertEquals(10, calls.get(), "the function is called once per input");
    pool.terminate();
  }

  @Test
  void aMethodWithoutABatchLoopGoesAsTasks() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      return Tasks.square(x);
    }, range(1, 10), 10);
    assertEquals(range(1, 10).stream().map(x -> (long) x * x * x).collect(Collectors.toList()),
        answerUntilDone(result));
    assertInstanceOf(Task[].class, workers.encoded.get(0));
    assertEquals(10, calls.get(), "the function is called once per input");
    pool.terminate();
  }

  @Test
  void aNullForAPrimitiveParameterMakesTheChunkGoAsTasksAndFailsNamingIt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> inputs = Arrays.asList(1, 2, 3, null, 5, 6);
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      return Tasks.cube(x);
    }, inputs, 6);
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> answerUntilDone(result));
    TaskFailedException failure = assertInstanceOf(TaskFailedException.class, thrown.getCause());
    assertEquals("Tasks.cube(null)", failure.task());
    assertEquals(6, calls.get(), "the function is called once per input");
    assertInstanceOf(Task[].class, workers.encoded.get(0), "a task that does not fit its column goes as a task");
    pool.terminate();
  }

  @Test
  void aFunctionThatThrowsFailsTheMapNamingThatInputAndIsNotCalledAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      if (x == 7) {
        throw new IllegalStateException("no task for 7");
      }
      return Tasks.cube(x);
    }, range(1, 20), 20);
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> answerUntilDone(result));
    TaskFailedException failure = assertInstanceOf(TaskFailedException.class, thrown.getCause());
    assertEquals("<building the task for input 7>", failure.task());
    assertTrue(failure.getMessage().contains("the function passed to map could not build a task for input 7"),
        failure.getMessage());
    assertEquals("no task for 7", failure.getCause().getCause().getMessage());
    assertEquals(7, calls.get(), "the function is called up to the input it failed on, once each");
    assertEquals(List.of(), workers.encoded, "nothing was encoded");
    pool.terminate();
  }

  @Test
  void aFunctionThatReturnsNullFailsTheMapNamingThatInput() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      return x == 4 ? null : Tasks.cube(x);
    }, range(0, 9), 10);
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> answerUntilDone(result));
    TaskFailedException failure = assertInstanceOf(TaskFailedException.class, thrown.getCause());
    assertEquals("<building the task for input 4>", failure.task());
    assertInstanceOf(NullPointerException.class, failure.getCause().getCause());
    assertEquals(5, calls.get(), "the function is called up to the input it failed on, once each");
    assertEquals(List.of(), workers.encoded, "nothing was encoded");
    pool.terminate();
  }

  @Test
  void aMapThatKeepsGoingStillGoesAsTasks() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    engine.ready("a", 1);
    CompletableFuture<List<Outcome<Long>>> result = CompletableFuture.supplyAsync(
        () -> pool.mapOutcomes(x -> {
          calls.incrementAndGet();
          if (x == 3) {
            throw new IllegalStateException("no task for 3");
          }
          return Tasks.cube(x);
        }, range(1, 8), 8));
    List<Outcome<Long>> got = answerUntilDone(result);
    assertInstanceOf(Task[].class, workers.encoded.get(0));
    assertTrue(got.get(2).failure().getMessage().contains("could not build a task for input 3"));
    assertEquals(64L, got.get(3).value());
    assertEquals(8, calls.get());
    pool.terminate();
  }

  @Test
  void aGeneratedMapsChunkStillTakesItsColumnFromTheInputs() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    engine.ready("a", 1);
    CompletableFuture<List<Long>> result = CompletableFuture.supplyAsync(
        () -> Invocations.map(pool, Tasks.CUBE, (Integer x) -> {
          calls.incrementAndGet();
          return Tasks.cube(x);
        }, range(1, 1000)));
    List<Long> got = answerUntilDone(result);
    assertEquals(1000, got.size());
    assertEquals(1_000_000_000L, got.get(999));
    assertEquals(0, calls.get(), "no task built from the inputs of a generated map");
    for (Object each : workers.encoded) {
      assertInstanceOf(Batch.class, each);
    }
    pool.terminate();
  }

  /** Whether each chunk of a map was sent as its columns: every chunk, for one method's tasks. */
  @Test
  void everyChunkOfALargeMapGoesAsColumns() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> inputs = range(1, 10_000);
    CompletableFuture<List<Long>> result = map(x -> {
      calls.incrementAndGet();
      return Tasks.cube(x);
    }, inputs, 1000);
    List<Long> got = answerUntilDone(result);
    assertEquals(inputs.stream().map(x -> (long) x * x * x).collect(Collectors.toList()), got);
    assertEquals(10_000, calls.get());
    assertEquals(10, workers.encoded.size());
    List<Object> kinds = new ArrayList<>();
    for (Object each : workers.encoded) {
      kinds.add(each.getClass());
    }
    assertEquals(Collections.nCopies(10, Batch.class), kinds);
    pool.terminate();
  }
}
