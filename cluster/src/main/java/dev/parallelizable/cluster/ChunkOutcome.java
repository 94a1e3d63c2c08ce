package dev.parallelizable.cluster;

import dev.parallelizable.RemoteException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What a member sends back for a {@link ChunkCall}: the results of the tasks that completed, in
 * order, and the failure of the task after them, if any (see the wire format there). Immutable.
 */
final class ChunkOutcome implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String member;
  private final int completed;
  private final byte[] results;
  private final byte[] failure;

  private ChunkOutcome(String member, int completed, byte[] results, byte[] failure) {
    this.member = member;
    this.completed = completed;
    this.results = results;
    this.failure = failure;
  }

  /**
   * Encodes the results of tasks {@code [0, completed)} and {@code failure} of task {@code
   * completed}, on the member. A result that cannot be serialized becomes the failure of its own
   * task; an exception that cannot be serialized is sent as a {@link RemoteException} with the same
   * class name, message and stack.
   */
  static ChunkOutcome of(String member, String[] keys, Object[] results, int completed, Throwable failure) {
    Object[] done = Arrays.copyOf(results, completed);
    byte[] resultBytes;
    try {
      resultBytes = JavaSerialization.serialize(done);
    } catch (IOException e) {
      int culprit = 0;
      while (culprit < completed - 1 && JavaSerialization.serializes(done[culprit])) {
        culprit++;
      }
      failure = new IllegalStateException(
          "The result of " + keys[culprit] + " on cluster member " + member + ", of "
              + done[culprit].getClass().getName() + ", cannot be sent back: " + e
              + ". Return a java.io.Serializable value",
          e);
      completed = culprit;
      try {
        resultBytes = JavaSerialization.serialize(Arrays.copyOf(done, culprit));
      } catch (IOException again) {
        throw new IllegalStateException("results that serialized one by one failed together", again);
      }
    }
    return new ChunkOutcome(member, completed, resultBytes, failure == null ? null : encode(failure));
  }

  private static byte[] encode(Throwable failure) {
    try {
      return JavaSerialization.serialize(failure);
    } catch (IOException e) {
      try {
        return JavaSerialization.serialize(portable(failure));
      } catch (IOException again) {
        throw new IllegalStateException("a RemoteException copy could not be serialized", again);
      }
    }
  }

  /** A serializable copy of {@code failure} and its causes: class names, messages and stacks. */
  private static RemoteException portable(Throwable failure) {
    RemoteException copy = new RemoteException(failure.getClass().getName(), failure.getMessage());
    copy.setStackTrace(failure.getStackTrace());
    if (failure.getCause() != null && failure.getCause() != failure) {
      copy.initCause(portable(failure.getCause()));
    }
    return copy;
  }

  /** The address of the member that ran the chunk. */
  String member() {
    return member;
  }

  /** The number of leading tasks that succeeded. */
  int completed() {
    return completed;
  }

  /** The results of the tasks that succeeded, read with {@code loader}. */
  Object[] results(ClassLoader loader) throws IOException, ClassNotFoundException {
    return (Object[]) JavaSerialization.deserialize(results, loader);
  }

  /** The failure of task {@link #completed()}, read with {@code loader}, or null. */
  Throwable failure(ClassLoader loader) throws IOException, ClassNotFoundException {
    return failure == null ? null : (Throwable) JavaSerialization.deserialize(failure, loader);
  }
}
