package dev.parallelizable.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.IOException;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A chunk of tasks on its way to a cluster member, and what the member does with it.
 *
 * <pre>
 * Wire format (Hazelcast carries this object with Java serialization):
 *
 *   caller --ChunkCall------------------------------------------------------> member
 *            invokerClassNames[n]  generated invoker class of each task
 *            keys[n]               method key of each task, e.g. "cube(int)"
 *            arguments             Java serialization of Object[n][] (each task's arguments)
 *
 *   caller &lt;--ChunkOutcome--------------------------------------------------- member
 *            member                the member's address, host:port
 *            results               Java serialization of Object[completed]
 *            failure               Java serialization of the Throwable of task #completed, or null
 * </pre>
 *
 * <p>The member runs the tasks in order in one executor thread and stops at the first failure, as
 * a thread pool runs a chunk. Arguments and results are serialized by the pool rather than left to
 * Hazelcast so that a value that cannot be serialized is reported against its own parameter or
 * task, and so that they are read with the application's class loader on both sides.
 */
final class ChunkCall implements Callable<ChunkOutcome>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;
  private final String[] invokerClassNames;
  private final String[] keys;
  private final byte[] arguments;
  private transient HazelcastInstance member;

  private ChunkCall(String[] invokerClassNames, String[] keys, byte[] arguments) {
    this.invokerClassNames = invokerClassNames;
    this.keys = keys;
    this.arguments = arguments;
  }

  /**
   * Encodes {@code tasks} in the calling thread.
   *
   * @throws ArgumentNotSerializableException naming the task and parameter whose argument cannot
   *     be serialized
   */
  static ChunkCall of(Task<?>[] tasks) {
    String[] invokers = new String[tasks.length];
    String[] keys = new String[tasks.length];
    Object[][] arguments = new Object[tasks.length][];
    for (int i = 0; i < tasks.length; i++) {
      invokers[i] = tasks[i].method().invokerClassName();
      keys[i] = tasks[i].method().key();
      arguments[i] = tasks[i].arguments().toArray();
    }
    try {
      return new ChunkCall(invokers, keys, JavaSerialization.serialize(arguments));
    } catch (IOException e) {
      throw ArgumentNotSerializableException.locate(tasks, e);
    }
  }

  /** The number of tasks. */
  int size() {
    return keys.length;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  /** Runs on the member, in a thread of its task executor. */
  @Override
  public ChunkOutcome call() {
    String address = ClusterMember.address(member.getCluster().getLocalMember());
    ClassLoader loader = member.getConfig().getClassLoader();
    loader = loader != null ? loader : JavaSerialization.contextLoader();
    Object[][] taskArguments;
    try {
      taskArguments = (Object[][]) JavaSerialization.deserialize(arguments, loader);
    } catch (ClassNotFoundException e) {
      return ChunkOutcome.of(address, keys, new Object[0], 0, new IllegalStateException(
          "Cluster member " + address + " cannot read the arguments of " + keys[0] + ": class "
              + e.getMessage() + " is not on its classpath; start members with the application's classpath",
          e));
    } catch (IOException | RuntimeException e) {
      return ChunkOutcome.of(address, keys, new Object[0], 0, new IllegalStateException(
          "Cluster member " + address + " cannot read the arguments of " + keys[0] + ": " + e, e));
    }
    Object[] results = new Object[keys.length];
    for (int i = 0; i < keys.length; i++) {
      TaskInvoker invoker;
      try {
        invoker = Invocations.invoker(invokerClassNames[i]);
      } catch (IllegalStateException e) {
        return ChunkOutcome.of(address, keys, results, i,
            new IllegalStateException("On cluster member " + address + ": " + e.getMessage(), e));
      }
      try {
        results[i] = invoker.invoke(keys[i], taskArguments[i]);
      } catch (Throwable e) {
        return ChunkOutcome.of(address, keys, results, i, e);
      }
    }
    return ChunkOutcome.of(address, keys, results, keys.length, null);
  }

  /** An argument of a task cannot be serialized; the message names the method and parameter. */
  static final class ArgumentNotSerializableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient Task<?> task;

    private ArgumentNotSerializableException(Task<?> task, String message, Throwable cause) {
      super(message, cause);
      this.task = task;
    }

    /** The task whose argument failed. */
    Task<?> task() {
      return task;
    }

    static ArgumentNotSerializableException locate(Task<?>[] tasks, IOException failure) {
      for (Task<?> task : tasks) {
        TaskMethod<?> method = task.method();
        for (int p = 0; p < task.argumentCount(); p++) {
          Object argument = task.argument(p);
          if (!JavaSerialization.serializes(argument)) {
            return new ArgumentNotSerializableException(
                task,
                String.format(
                    "Argument '%s' (parameter %d, type %s) of %s cannot be sent to the cluster: its"
                        + " value, of %s, is not serializable (%s). Pass a java.io.Serializable value,"
                        + " or make the class implement java.io.Serializable",
                    method.parameterNames().get(p),
                    p,
                    method.parameterTypes().get(p),
                    method,
                    argument.getClass().getName(),
                    failure),
                failure);
          }
        }
      }
      return new ArgumentNotSerializableException(
          tasks[0],
          "The arguments of " + tasks[0].method() + " cannot be sent to the cluster: " + failure,
          failure);
    }
  }
}
