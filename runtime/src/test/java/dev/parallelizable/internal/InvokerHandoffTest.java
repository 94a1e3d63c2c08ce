package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import org.junit.jupiter.api.Test;

/**
 * A worker takes the invoker that initializing its generated class created, rather than calling its
 * constructor reflectively; where that class was initialized before, it makes a new one.
 */
class InvokerHandoffTest {
  /** Shaped as a generated class: its invoker is created and handed to TaskMethod.of as it initializes. */
  static final class Generated {
    static final Invoker INVOKER = new Invoker();
    static final TaskMethod<Integer> ONE = TaskMethod.of(INVOKER, "one()", "Example", "one");

    public static final class Invoker implements TaskInvoker {
      @Override
      public Object invoke(String key, Object[] arguments) {
        return 1;
      }
    }
  }

  /** Its declaring class is initialized before any handoff is asked for. */
  static final class InitializedFirst {
    static final Invoker INVOKER = new Invoker();
    static final TaskMethod<Integer> ONE = TaskMethod.of(INVOKER, "one()", "Example", "one");

    public static final class Invoker implements TaskInvoker {
      @Override
      public Object invoke(String key, Object[] arguments) {
        return 1;
      }
    }
  }

  /** An invoker whose declaring class, this test, creates none. */
  public static final class Alone implements TaskInvoker {
    @Override
    public Object invoke(String key, Object[] arguments) {
      return 1;
    }
  }

  @Test
  void theInvokerOfTheClassThisCallInitializesIsTakenOnce() {
    TaskInvoker handed = InvokerHandoff.byInitializing(Generated.Invoker.class);
    assertSame(Generated.INVOKER, handed, "the one its class created, not a new one");
    assertNull(InvokerHandoff.byInitializing(Generated.Invoker.class), "initialized already: nothing offered");
  }

  @Test
  void anOfferOnAThreadThatAskedForNoneIsDropped() {
    assertNotNull(InitializedFirst.ONE); // initialized here, outside a handoff: its offer is dropped
    assertNull(InvokerHandoff.byInitializing(InitializedFirst.Invoker.class));
    TaskInvoker made = Invocations.newInvoker(InitializedFirst.Invoker.class.getName(), getClass().getClassLoader());
    assertNotSame(InitializedFirst.INVOKER, made, "made by its constructor");
  }

  @Test
  void anInvokerWhoseDeclaringClassMadeNoneIsMadeByItsConstructor() {
    assertNull(InvokerHandoff.byInitializing(Alone.class));
    assertNotNull(Invocations.newInvoker(Alone.class.getName(), getClass().getClassLoader()));
  }
}
