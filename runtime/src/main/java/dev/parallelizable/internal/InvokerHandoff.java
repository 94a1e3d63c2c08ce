package dev.parallelizable.internal;

import dev.parallelizable.support.TaskInvoker;

/**
 * How a worker gets a generated invoker without reflection: it initializes the generated class that
 * declares the invoker, whose static fields create one and hand it to {@code TaskMethod.of}, which
 * offers it here; the worker takes what was offered while it initialized that class. A reflective
 * constructor call would do the same, but on JDK 18 and later its first use generates classes for
 * method handles: milliseconds of every worker's start.
 *
 * <p>Only a thread that asked for a handoff keeps what is offered, and only until the class is
 * initialized: an offer on any other thread (the parent's own use of generated code) is dropped,
 * so no thread holds an invoker, or its class loader, longer than that.
 *
 * <p>Thread-safe: the slot is per thread.
 */
public final class InvokerHandoff {
  private static final ThreadLocal<TaskInvoker[]> SLOT = new ThreadLocal<>();

  private InvokerHandoff() {}

  /** {@code TaskMethod.of} was given {@code invoker}: kept if this thread asked for a handoff. */
  public static void offer(TaskInvoker invoker) {
    TaskInvoker[] slot = SLOT.get();
    if (slot != null) {
      slot[0] = invoker;
    }
  }

  /**
   * The invoker of class {@code invokerType} that initializing its declaring class created; null if
   * that class was initialized before (the invoker was then created already, and is not offered
   * again), declares no such invoker, or failed to initialize.
   */
  public static TaskInvoker byInitializing(Class<?> invokerType) {
    Class<?> declaring = invokerType.getDeclaringClass();
    if (declaring == null) {
      return null;
    }
    TaskInvoker[] slot = new TaskInvoker[1];
    SLOT.set(slot);
    try {
      Class.forName(declaring.getName(), true, invokerType.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null; // the caller creates the invoker by its constructor, and reports what fails there
    } finally {
      SLOT.remove();
    }
    return slot[0] != null && slot[0].getClass() == invokerType ? slot[0] : null;
  }
}
