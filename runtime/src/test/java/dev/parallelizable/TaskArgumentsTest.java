package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.support.TaskInvoker;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's arguments read the same however they were bound: one argument with or without an array
 * (a task of one argument keeps no array), an array as the one argument, none, several.
 */
class TaskArgumentsTest {
  private static final String CLASS = TaskArgumentsTest.class.getName();

  /** Answers with what the method was called with, so that a test sees the array it was handed. */
  private static final TaskInvoker ECHO = (key, arguments) -> key + Arrays.deepToString(arguments);

  private static final TaskMethod<String> ONE = TaskMethod.of(ECHO, "one(java.lang.Object)", CLASS, "one",
      "java.lang.Object value");
  private static final TaskMethod<String> NAMES = TaskMethod.of(ECHO, "names(java.lang.String[])", CLASS, "names",
      "java.lang.String[] names");
  private static final TaskMethod<String> TWO = TaskMethod.of(ECHO, "two(int,java.lang.String)", CLASS, "two",
      "int x", "java.lang.String name");
  private static final TaskMethod<String> NONE = TaskMethod.of(ECHO, "none()", CLASS, "none");

  @Test
  void aTaskOfOneArgumentReadsAsOneOfAnArrayDoes() throws Exception {
    Task<String> bound = ONE.bind((Object) 7);
    Task<String> fromArray = ONE.bind(new Object[] {7});
    for (Task<String> task : List.of(bound, fromArray)) {
      assertEquals(1, task.argumentCount());
      assertEquals(7, task.argument(0));
      assertEquals(List.of(7), task.arguments());
      assertEquals("one(java.lang.Object)[7]", task.call());
      assertEquals("TaskArgumentsTest.one(7)", task.toString());
      assertThrows(IndexOutOfBoundsException.class, () -> task.argument(1));
      assertThrows(IndexOutOfBoundsException.class, () -> task.argument(-1));
    }
  }

  @Test
  void aNullArgumentIsOneArgument() throws Exception {
    Task<String> task = ONE.bind((Object) null);
    assertEquals(1, task.argumentCount());
    assertNull(task.argument(0));
    assertEquals(Arrays.asList((Object) null), task.arguments());
    assertEquals("one(java.lang.Object)[null]", task.call());
  }

  @Test
  void anArrayCastToObjectIsTheOneArgument() throws Exception {
    String[] names = {"ada", "grace"};
    Task<String> task = NAMES.bind((Object) names);
    assertEquals(1, task.argumentCount());
    assertSame(names, task.argument(0));
    assertEquals("names(java.lang.String[])[[ada, grace]]", task.call());
    // Not cast, the array is bind's array of arguments: its one element is the argument.
    Task<String> spread = NAMES.bind(new Object[] {names});
    assertSame(names, spread.argument(0));
  }

  @Test
  void severalArgumentsAreCopiedOutAndCountedByTheMethod() throws Exception {
    Object[] arguments = {3, "x"};
    Task<String> task = TWO.bind(arguments);
    assertEquals(2, task.argumentCount());
    assertEquals("x", task.argument(1));
    List<Object> copy = task.arguments();
    copy.set(0, 99);
    assertEquals(List.of(3, "x"), task.arguments());
    assertEquals("two(int,java.lang.String)[3, x]", task.call());
    assertEquals("TaskArgumentsTest.two(3, \"x\")", task.toString());
    assertThrows(IndexOutOfBoundsException.class, () -> task.argument(2));
  }

  @Test
  void aMethodOfNoParameterHasNoArgument() throws Exception {
    Task<String> task = NONE.bind();
    assertEquals(0, task.argumentCount());
    assertTrue(task.arguments().isEmpty());
    assertEquals("none()[]", task.call());
    assertThrows(IndexOutOfBoundsException.class, () -> task.argument(0));
  }

  @Test
  void oneArgumentForAnotherArityIsRefusedNamingTheMethod() {
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> TWO.bind((Object) 3));
    assertEquals(CLASS + ".two(int x, java.lang.String name) takes 2 arguments, got 1", two.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> NONE.bind((Object) 3));
    assertEquals(CLASS + ".none() takes 0 arguments, got 1", none.getMessage());
    IllegalArgumentException fromArray =
        assertThrows(IllegalArgumentException.class, () -> ONE.bind(new Object[] {1, 2}));
    assertEquals(CLASS + ".one(java.lang.Object value) takes 1 arguments, got 2", fromArray.getMessage());
  }

  @Test
  void aRetryPolicyKeepsTheArguments() {
    Task<String> task = ONE.bind((Object) "a").withRetry(RetryPolicy.builder().maxAttempts(2).build());
    assertEquals(List.of("a"), task.arguments());
    assertEquals(1, task.argumentCount());
  }

  @Test
  void callingATaskHandsTheInvokerTheArgumentsInOrder() throws Exception {
    Object[][] seen = new Object[1][];
    TaskMethod<Object> method = TaskMethod.of((key, arguments) -> seen[0] = arguments, "f(int)", CLASS, "f", "int x");
    method.bind((Object) 5).call();
    assertArrayEquals(new Object[] {5}, seen[0]);
  }
}
