package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.parallelizable.processor.Compilations.compile;
import static dev.parallelizable.processor.Compilations.exampleSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.google.testing.compile.Compilation;
import dev.parallelizable.AsyncResult;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compiles {@code com.example.run.Work}, loads it and its generated {@code WorkParallel} from the
 * compiler's output, and runs the generated tasks: in the caller, on a thread pool, and as a worker
 * process would, through an invoker created by name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GeneratedCodeRunsTest {
  private static final String GENERATED = "com.example.run.WorkParallel";

  private static ClassLoader loader;
  private static Class<?> generated;

  @BeforeAll
  static void compileAndLoad() throws ClassNotFoundException {
    Compilation compilation = compile(exampleSource("com.example.run.Work"));
    assertThat(compilation).succeededWithoutWarnings();
    loader = new CompiledClassLoader(compilation, GeneratedCodeRunsTest.class.getClassLoader());
    generated = loader.loadClass(GENERATED);
  }

  @Test
  void taskRunsInTheCallerAndOnAnyPool() throws Exception {
    Task<?> task = task("cube", new Class<?>[] {int.class}, 3);

    assertEquals(27L, task.call());
    assertEquals(27L, Parallel.sequential().apply(task));
    try (Pool pool = Parallel.threads(2)) {
      assertEquals(27L, pool.apply(task));
    }
  }

  @Test
  void taskDescribesItsMethod() {
    Task<?> task = task("cube", new Class<?>[] {int.class}, 3);

    assertEquals("cube(int)", task.method().key());
    assertEquals("com.example.run.Work", task.method().declaringClass());
    assertEquals("cube", task.method().methodName());
    assertEquals(List.of("int"), task.method().parameterTypes());
    assertEquals(List.of("x"), task.method().parameterNames());
    assertEquals(GENERATED + "$Invoker", task.method().invokerClassName());
    assertEquals("Work.cube(3)", task.toString());
  }

  @Test
  void asyncAndMapMethodsUseTheBoundPool() throws Exception {
    try (Pool pool = Parallel.threads(2)) {
      Object wrapper = generated.getMethod("on", Pool.class).invoke(null, pool);

      AsyncResult<?> cube =
          (AsyncResult<?>) generated.getMethod("cubeAsync", int.class).invoke(wrapper, 4);
      Object cubes =
          generated.getMethod("cubeMap", Iterable.class).invoke(wrapper, List.of(1, 2, 3));

      assertEquals(64L, cube.get(Duration.ofSeconds(30)));
      assertEquals(List.of(1L, 8L, 27L), cubes);
    }
  }

  @Test
  void factoryRejectsANullPool() {
    InvocationTargetException thrown =
        assertThrows(
            InvocationTargetException.class,
            () -> generated.getMethod("on", Pool.class).invoke(null, (Object) null));
    assertInstanceOf(NullPointerException.class, thrown.getCause());
    assertEquals("pool", thrown.getCause().getMessage());
  }

  @Test
  void overloadsReachTheMethodTheyWereGeneratedFor() throws Exception {
    assertEquals("int 5", task("kind", new Class<?>[] {int.class}, 5).call());
    assertEquals("Integer 5", task("kindOfBoxed", new Class<?>[] {Integer.class}, 5).call());
  }

  @Test
  void voidMethodReturnsNull() throws Exception {
    List<String> sink = new ArrayList<>();
    Task<?> task = task("record", new Class<?>[] {List.class, String.class}, sink, "entry");

    assertEquals(null, task.call());
    assertEquals(List.of("entry"), sink);
  }

  @Test
  void varargsArraysArriveAsOneArgument() throws Exception {
    Task<?> sum = task("sum", new Class<?>[] {int[].class}, (Object) new int[] {1, 2, 3});
    Task<?> join = task("join", new Class<?>[] {String[].class}, (Object) new String[] {"a", "b"});

    assertEquals(6, sum.call());
    assertEquals(1, join.argumentCount());
    assertEquals("a+b", join.call());
  }

  @Test
  void genericMethodWithIntersectionBound() throws Exception {
    Task<?> task = task("larger", new Class<?>[] {Number.class, Number.class}, 3, 5);

    assertEquals(5, task.call());
  }

  @Test
  void checkedExceptionReachesTheCaller() {
    Task<?> task = task("fail", new Class<?>[] {String.class}, "disk full");

    IOException direct = assertThrows(IOException.class, task::call);
    assertEquals("disk full", direct.getMessage());
    TaskFailedException pooled =
        assertThrows(TaskFailedException.class, () -> Parallel.sequential().apply(task));
    assertInstanceOf(IOException.class, pooled.getCause());
  }

  @Test
  void instanceMethodTakesItsReceiverFirst() throws Exception {
    Object work =
        loader.loadClass("com.example.run.Work").getConstructor(int.class).newInstance(10);
    Task<?> task = task("shift", new Class<?>[] {work.getClass(), int.class}, work, 5);

    assertEquals(15, task.call());
    assertEquals(List.of("receiver", "x"), task.method().parameterNames());
    assertEquals(List.of("com.example.run.Work", "int"), task.method().parameterTypes());
  }

  @Test
  void instanceMethodRejectsANullReceiver() throws Exception {
    Class<?> workClass = loader.loadClass("com.example.run.Work");
    InvocationTargetException thrown =
        assertThrows(
            InvocationTargetException.class,
            () -> generated.getMethod("shift", workClass, int.class).invoke(null, null, 5));
    assertInstanceOf(NullPointerException.class, thrown.getCause());
    assertEquals("receiver", thrown.getCause().getMessage());
  }

  /** What a worker process does: create the invoker by class name, then call it by key. */
  @Test
  void invokerCreatedByNameRunsTheTask() throws Throwable {
    Task<?> task = task("cube", new Class<?>[] {int.class}, 6);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      TaskInvoker invoker = Invocations.invoker(task.method().invokerClassName());

      assertEquals(216L, invoker.invoke(task.method().key(), task.arguments().toArray()));
      IllegalArgumentException unknown =
          assertThrows(
              IllegalArgumentException.class,
              () -> invoker.invoke("cube(long)", new Object[] {6L}));
      assertTrue(unknown.getMessage().contains("com.example.run.Work"), unknown.getMessage());
      assertTrue(unknown.getMessage().contains("'cube(long)'"), unknown.getMessage());
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static Task<?> task(String name, Class<?>[] parameterTypes, Object... arguments) {
    try {
      return (Task<?>) generated.getMethod(name, parameterTypes).invoke(null, arguments);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot call " + GENERATED + "." + name, e);
    }
  }
}
